// Which components of a local cluster are up: the pure bookkeeping behind cluster.machine.ts.
// Maps are never mutated; every function returns a new one.

export const COMPONENT_PHASES = ['pending', 'starting', 'ready', 'stopped', 'failed'] as const;
export type ComponentPhase = (typeof COMPONENT_PHASES)[number];

export type ComponentPhases = Readonly<Record<string, ComponentPhase>>;

export function initialPhases(names: readonly string[]): ComponentPhases {
  return Object.fromEntries(names.map((name) => [name, 'pending' as const]));
}

/**
 * Records a phase. Unknown names are ignored (a report about a component this supervisor was not
 * told about changes nothing), and a stopped or failed component stays so.
 */
export function withPhase(phases: ComponentPhases, name: string, phase: ComponentPhase): ComponentPhases {
  const current = phases[name];
  if (current === undefined || current === 'stopped' || current === 'failed') return phases;
  return { ...phases, [name]: phase };
}

export function allReady(phases: ComponentPhases): boolean {
  return Object.values(phases).every((p) => p === 'ready');
}

/** Nothing is running any more: every component is stopped, failed or was never started. */
export function allStopped(phases: ComponentPhases): boolean {
  return Object.values(phases).every((p) => p === 'pending' || p === 'stopped' || p === 'failed');
}

export function readyNames(phases: ComponentPhases): string[] {
  return Object.entries(phases)
    .filter(([, p]) => p === 'ready')
    .map(([name]) => name);
}

/** Whether recording `phase` for `name` makes every component ready. */
export function readyAfter(phases: ComponentPhases, name: string): boolean {
  return allReady(withPhase(phases, name, 'ready'));
}

/** Whether recording `phase` (stopped or failed) for `name` leaves nothing running. */
export function stoppedAfter(phases: ComponentPhases, name: string, phase: 'stopped' | 'failed'): boolean {
  return allStopped(withPhase(phases, name, phase));
}
