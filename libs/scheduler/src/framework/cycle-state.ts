// CycleState: data plugins compute in PreFilter/PreScore and read back in Filter/Score during one
// scheduling cycle. Preemption clones it for each dry run, so state that AddPod/RemovePod change
// implements `clone()`.

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter does not run. */
  readonly skipFilter = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score does not run. */
  readonly skipScore = new Set<string>();

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, isStateData(v) ? v.clone() : v);
    for (const name of this.skipFilter) copy.skipFilter.add(name);
    for (const name of this.skipScore) copy.skipScore.add(name);
    return copy;
  }
}

function isStateData(v: unknown): v is StateData {
  return typeof v === 'object' && v !== null && typeof (v as StateData).clone === 'function';
}
