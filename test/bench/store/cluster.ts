// What the benchmark needs from each system under test: a load driver spread over lanes (client
// connections), failover controls (find the leader, kill -9 it, restart it, wait until it caught
// up), a failover probe, and the CPU its processes burned.

export const SYSTEMS = ['skiff', 'etcd'] as const;
export type System = (typeof SYSTEMS)[number];

export interface CasOutcome {
  readonly succeeded: boolean;
  /** After a success: the key's new modRevision. After a failure: its current one (0 if absent). */
  readonly modRevision: number;
}

/** Load on the system; `lane` picks the client connection, as apiserver replicas would spread it. */
export interface StoreDriver {
  readonly lanes: number;
  /** What the clients are connected to, for the report. */
  readonly describe: string;
  put(lane: number, key: string, value: Uint8Array): Promise<void>;
  /** A linearizable read of one key. */
  get(lane: number, key: string): Promise<void>;
  /** Txn: compare the key's modRevision, then put. */
  casPut(lane: number, key: string, expectedModRevision: number, value: Uint8Array): Promise<CasOutcome>;
  /** A prefix watch; resolves once it is established, with the function that ends it. */
  watchPrefix(prefix: string, onEvent: (key: string, value: Uint8Array) => void): Promise<() => Promise<void>>;
}

export interface StoreCluster {
  readonly system: System;
  readonly members: readonly string[];
  readonly driver: StoreDriver;
  /** The member that leads now (asked of every live member). */
  leader(): Promise<string>;
  /** SIGKILL: a crash. */
  kill(member: string): Promise<void>;
  /** Starts a killed member again on its data dir. */
  restart(member: string): Promise<void>;
  /** Waits until the member applied everything the leader had committed when this was called. */
  catchUp(member: string, timeoutMs: number): Promise<void>;
  /** One put that retries every few ms (short attempts, any live member) until it succeeds. */
  probePut(key: string, value: Uint8Array, timeoutMs: number): Promise<void>;
  /** CPU ms used so far by the system's processes (members; NATS too for Skiff). */
  cpuTimeMs(): number;
  close(): Promise<void>;
}
