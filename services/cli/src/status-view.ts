// What `skiff status` prints. Pure: facts in, text out.

import type { ServiceStatus } from './cluster-client.js';
import type { ClusterState } from './state-file.js';
import { formatAge, renderTable } from './table.js';

export const SERVICE_HEADERS = ['SERVICE', 'INSTANCE', 'VERSION', 'ENDPOINTS', 'HEALTH'] as const;
export const STORE_HEADERS = ['STORE MEMBER', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'REVISION', 'KEYS'] as const;

/** One store member's answer to `store.status` (store-client MemberStatus), or why there was none. */
export type StoreMemberHealth =
  | {
      readonly member: string;
      readonly role: string;
      readonly term: number;
      readonly leader: string | null;
      readonly commitIndex: number;
      readonly appliedIndex: number;
      readonly revision: number;
      readonly keys: number;
    }
  | { readonly member: string; readonly error: string };

export function storeRows(members: readonly StoreMemberHealth[]): string[][] {
  return members.map((m) =>
    'error' in m
      ? [m.member, `no answer (${m.error})`, '-', '-', '-', '-', '-', '-']
      : [m.member, m.role, String(m.term), m.leader ?? '-', String(m.commitIndex), String(m.appliedIndex), String(m.revision), String(m.keys)],
  );
}

/** The store's own verdict: a quorum that agrees on one leader, or what is wrong. */
export function storeSummary(members: readonly StoreMemberHealth[]): string {
  const answered = members.filter((m): m is Exclude<StoreMemberHealth, { error: string }> => !('error' in m));
  const leaders = new Set(answered.filter((m) => m.role === 'leader').map((m) => m.member));
  const quorum = Math.floor(members.length / 2) + 1;
  if (leaders.size === 0) return `store: no leader (${answered.length}/${members.length} members answer)`;
  if (leaders.size > 1) return `store: several members claim to lead (${[...leaders].join(', ')}): an election is settling`;
  const [leader] = leaders;
  const agree = answered.filter((m) => m.leader === leader).length;
  const verdict = agree >= quorum ? 'ok' : 'no quorum';
  return `store: ${verdict}, leader ${leader}, ${agree}/${members.length} members follow it`;
}

/**
 * A service's health: its own `health` endpoint when it has one (no failed actor, ready), and the
 * service framework's view (answers PING, endpoints without errors).
 */
export function serviceHealth(s: ServiceStatus): string {
  if (!s.pinged) return 'no ping reply';
  const h = s.health;
  if (h?.type === 'unanswered') return `health unanswered (${h.reason})`;
  if (h?.type === 'answered' && !h.healthy) {
    return h.failedActors.length === 0 ? 'unhealthy' : `unhealthy (failed: ${h.failedActors.join(', ')})`;
  }
  if (h?.type === 'answered' && !h.ready) return 'not ready';
  if (s.errors > 0) return `ok, ${s.errors}/${s.requests} requests failed${s.lastError === undefined ? '' : ` (last: ${s.lastError})`}`;
  return 'ok';
}

export function serviceRows(services: readonly ServiceStatus[]): string[][] {
  return services.map((s) => [
    s.name,
    s.metadata['instance'] ?? s.id,
    s.version,
    s.endpoints.length === 0 ? '-' : s.endpoints.join(','),
    serviceHealth(s),
  ]);
}

export function renderClusterFacts(state: ClusterState, dataDir: string, nowMs: number): string {
  const started = Date.parse(state.startedAt);
  const nats =
    state.managedNats === undefined
      ? `${state.natsUrls.join(',')} (external)`
      : `${state.natsUrls.join(',')} (managed, pid ${state.managedNats.pid})`;
  const rows = [
    ['cluster', state.cluster],
    ['state', `running (pid ${state.pid}, up ${formatAge(nowMs - started)})`],
    ['NATS', nats],
    ['components', state.components.join(', ')],
    ['nodes', String(state.nodes)],
    ['data', dataDir],
    ['version', state.version],
  ];
  const width = Math.max(...rows.map(([k]) => k!.length));
  return rows.map(([k, v]) => `${k!.padEnd(width)}   ${v}`).join('\n');
}

export function renderStatus(
  state: ClusterState,
  dataDir: string,
  nowMs: number,
  services: readonly ServiceStatus[] | string,
  store: readonly StoreMemberHealth[] = [],
): string {
  const facts = renderClusterFacts(state, dataDir, nowMs);
  const table =
    typeof services === 'string'
      ? `services: ${services}`
      : services.length === 0
        ? 'services: none answered $SRV.PING'
        : renderTable(SERVICE_HEADERS, serviceRows(services));
  const storeTable = store.length === 0 ? '' : `\n\n${renderTable(STORE_HEADERS, storeRows(store))}\n${storeSummary(store)}`;
  return `${facts}\n\n${table}${storeTable}\n`;
}
