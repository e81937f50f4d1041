// What a waiting request learns in the end: the response mvcc produced when its entry was applied
// (or its read was served), or a retryable refusal. NotLeader and Unavailable are the codes the
// client retries (store-client retry.ts); exactly-once sessions make a retried write safe.

import type { CommandResponse, ErrorResponse } from '@skiff/mvcc';

export type Outcome =
  | { readonly ok: true; readonly response: CommandResponse | ErrorResponse }
  | { readonly ok: false; readonly code: 'NotLeader' | 'Unavailable'; readonly message: string; readonly leader: string | null };

export function notLeader(leader: string | null, message = 'this member is not the leader'): Outcome {
  return { ok: false, code: 'NotLeader', message, leader };
}

export function unavailable(message: string, leader: string | null = null): Outcome {
  return { ok: false, code: 'Unavailable', message, leader };
}
