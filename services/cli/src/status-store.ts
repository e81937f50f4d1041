// Store health for `skiff status`: every store member the NATS service framework found is asked
// `store.status` on its own subject (store.member.<m>), so a member that is up but cut off from
// the others still answers with its own view (role, term, leader, commit and applied index).

import { call, subjects, type Bus, type Envelope } from '@skiff/bus';
import type { ServiceStatus } from './cluster-client.js';
import type { StoreMemberHealth } from './status-view.js';

export const STORE_SERVICE = 'store';

type Obj = Record<string, unknown>;
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

/** Members named by the store services' `members` metadata (or their instances), each asked for its status. */
export async function storeHealth(bus: Bus, cluster: string, services: readonly ServiceStatus[], timeoutMs = 1_500): Promise<StoreMemberHealth[]> {
  const stores = services.filter((s) => s.name === STORE_SERVICE);
  const names = new Set<string>();
  for (const s of stores) {
    for (const m of (s.metadata['members'] ?? '').split(',')) if (m !== '') names.add(m);
    const instance = s.metadata['instance'];
    if (instance !== undefined) names.add(instance);
  }
  const sorted = [...names].sort();
  return Promise.all(sorted.map((member) => askStatus(bus, subjects(cluster).storeMember(member), member, timeoutMs)));
}

async function askStatus(bus: Bus, subject: string, member: string, timeoutMs: number): Promise<StoreMemberHealth> {
  try {
    const r = (await call<Envelope>(bus, subject, { type: 'store.status' }, timeoutMs)) as Obj;
    const ok = r['type'] === 'store.status' && typeof r['role'] === 'string' && ['term', 'commitIndex', 'appliedIndex', 'revision', 'keys'].every((f) => isInt(r[f]));
    if (!ok) return { member, error: 'malformed store.status reply' };
    return {
      member,
      role: r['role'] as string,
      term: r['term'] as number,
      leader: typeof r['leader'] === 'string' ? r['leader'] : null,
      commitIndex: r['commitIndex'] as number,
      appliedIndex: r['appliedIndex'] as number,
      revision: r['revision'] as number,
      keys: r['keys'] as number,
    };
  } catch (err) {
    return { member, error: (err as Error).message };
  }
}
