// What each request on the store's subjects gets (store-client protocol.ts). The checks here are
// the boundary: anything that does not have the documented shape is answered BadRequest and
// changes nothing.
//
//   store.leader       store.command (writes through the log, ranges through ReadIndex),
//                      store.history, store.leaseTimeToLive, store.leases, store.status,
//                      store.transferLeadership; NotLeader {leader} when this member does not lead
//   store.member.<m>   store.range (serializable), store.status, store.leaseTimeToLive,
//                      store.leases, store.history

import { errorReply, type Envelope } from '@skiff/bus';
import type { MvccStore, RangeRequest } from '@skiff/mvcc';
import type { HistoryReply, MemberStatus } from '@skiff/store-client';
import { pagePrefix } from './pages.js';
import type { Respond } from './serve-loop.js';
import { ENVELOPE_ALLOWANCE_BYTES } from './options.js';

/** What the handlers need from the member. */
export interface StoreService {
  readonly name: string;
  readonly members: readonly string[];
  readonly mvcc: MvccStore;
  readonly historyPageMax: number;
  readonly maxPayloadBytes: number;
  /** This member leads (as far as the Readies it handled say). */
  isLeader(): boolean;
  leaderHint(): string | null;
  nowMs(): number;
  status(): MemberStatus;
  submitCommand(command: unknown, respond: Respond): void;
  transferLeadership(to: string, respond: Respond): void;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

export function handleLeaderRequest(svc: StoreService, req: Envelope, respond: Respond): void {
  if (!svc.isLeader()) {
    respond(errorReply('NotLeader', `${svc.name} is not the leader`, { leader: svc.leaderHint() }));
    return;
  }
  switch (req.type) {
    case 'store.command':
      svc.submitCommand(req['command'], respond);
      return;
    case 'store.transferLeadership': {
      const to = req['to'];
      if (typeof to !== 'string' || !svc.members.includes(to)) {
        respond(errorReply('BadRequest', `transferLeadership: ${JSON.stringify(to)} is not a member (${svc.members.join(', ')})`));
        return;
      }
      svc.transferLeadership(to, respond);
      return;
    }
    default:
      if (!answerQuery(svc, req, respond)) respond(errorReply('BadRequest', `unknown request type ${JSON.stringify(req.type)} on store.leader`));
  }
}

export function handleMemberRequest(svc: StoreService, req: Envelope, respond: Respond): void {
  if (req.type === 'store.range') {
    const request = req['request'];
    if (!isObj(request)) {
      respond(errorReply('BadRequest', 'store.range needs a request map'));
      return;
    }
    respond({ type: 'store.response', response: svc.mvcc.range(request as unknown as RangeRequest) });
    return;
  }
  if (answerQuery(svc, req, respond)) return;
  const hint = req.type === 'store.command' ? ': commands go to store.leader' : '';
  respond(errorReply('BadRequest', `unknown request type ${JSON.stringify(req.type)} on store.member.${svc.name}${hint}`));
}

/** Requests both subjects answer from the applied state. False when `req` is none of them. */
function answerQuery(svc: StoreService, req: Envelope, respond: Respond): boolean {
  switch (req.type) {
    case 'store.status':
      respond(svc.status());
      return true;
    case 'store.leases':
      respond({ type: 'store.leases', leases: svc.mvcc.leases() });
      return true;
    case 'store.leaseTimeToLive': {
      const id = req['id'];
      if (!isCount(id)) respond(errorReply('BadRequest', 'store.leaseTimeToLive needs an integer id'));
      else respond({ type: 'store.leaseTimeToLive', lease: svc.mvcc.leaseTimeToLive(id, svc.nowMs(), req['keys'] !== false) });
      return true;
    }
    case 'store.history': {
      const from = req['fromRevision'];
      const limit = req['limitRevisions'];
      if (!isCount(from) || !(limit === undefined || limit === null || (isCount(limit) && limit > 0))) {
        respond(errorReply('BadRequest', 'store.history needs fromRevision (integer >= 0) and an optional limitRevisions > 0'));
      } else {
        respond(historyReply(svc, from, Math.min((limit as number | undefined) ?? svc.historyPageMax, svc.historyPageMax)));
      }
      return true;
    }
    default:
      return false;
  }
}

function historyReply(svc: StoreService, fromRevision: number, limit: number): HistoryReply {
  const mvcc = svc.mvcc;
  const r = mvcc.changesSince(fromRevision, limit);
  if (!Array.isArray(r)) {
    return { type: 'store.history', batches: [], revision: mvcc.revision, compactRevision: r.compactRevision ?? mvcc.compactRevision };
  }
  return { type: 'store.history', batches: pagePrefix(r, svc.maxPayloadBytes - ENVELOPE_ALLOWANCE_BYTES), revision: mvcc.revision };
}
