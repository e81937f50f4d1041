// Summarizes a V8 .cpuprofile (node --cpu-prof): where one process spent its CPU, by function
// (self and inclusive time) and by module, so the store's owner sees the top costs at a glance.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface CostLine {
  readonly name: string;
  readonly ms: number;
  readonly pct: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly topSelf: readonly CostLine[];
  readonly topInclusive: readonly CostLine[];
  readonly byModule: readonly CostLine[];
}

/** A short location: the package or the repo-relative file. */
export function moduleOf(url: string): string {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(libs|services)\/([^/]+)\/src\/(.+)$/.exec(url);
  return m === null ? url.replace(/^file:\/\//, '') : `${m[1]}/${m[2]}/${m[3]}`;
}

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  const fn = f.functionName === '' ? '(anonymous)' : f.functionName;
  return f.url === '' ? fn : `${fn} ${moduleOf(f.url)}:${f.lineNumber + 1}`;
}

function top(map: Map<string, number>, totalMs: number, n: number): CostLine[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1_000), pct: Math.round((us / 1_000 / totalMs) * 1_000) / 10 }));
}

/** A time window in µs of CLOCK_MONOTONIC (process.hrtime), the clock V8 stamps samples with on Linux. */
export interface ProfileWindow {
  readonly fromUs: number;
  readonly toUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1_000n);
}

/** Summarizes the samples taken inside `window` (all of them without one: startup included). */
export function summarizeProfile(file: string, n = 25, window?: ProfileWindow): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const selfUs = new Map<number, number>();
  let atUs = p.startTime;
  p.samples.forEach((id, i) => {
    const delta = p.timeDeltas[i] ?? 0;
    atUs += delta;
    if (window !== undefined && (atUs < window.fromUs || atUs > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const idleNames = new Set(['(idle)', '(program)', '(garbage collector)']);
  let totalUs = 0;
  let idleUs = 0;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    totalUs += us;
    if (node.callFrame.functionName === '(idle)') idleUs += us;
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + us);
    const mod = idleNames.has(node.callFrame.functionName) ? node.callFrame.functionName : moduleOf(node.callFrame.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    // Inclusive: charge every distinct function on the stack once (recursion is not counted twice).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fname = frameName(byId.get(cur)!);
      if (seen.has(fname)) continue;
      seen.add(fname);
      inclusive.set(fname, (inclusive.get(fname) ?? 0) + us);
    }
  }
  const busyMs = (totalUs - idleUs) / 1_000;
  for (const k of ['(root)', '(idle)']) inclusive.delete(k);
  self.delete('(idle)');
  byModule.delete('(idle)');
  return { totalMs: Math.round(totalUs / 1_000), idleMs: Math.round(idleUs / 1_000), topSelf: top(self, busyMs, n), topInclusive: top(inclusive, busyMs, n), byModule: top(byModule, busyMs, n) };
}
