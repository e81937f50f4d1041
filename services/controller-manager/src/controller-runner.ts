// Adapter: the one generic controller of the controller-manager. Informer handlers only enqueue
// keys (`namespace/name`); a worker (the client's controller-loop machine, spawned on the service
// host so `skiff inspect` shows it as `controller-<name>`) takes a key, asks the pure sync for
// actions, raises the expectations they carry, and executes them; a failed sync is requeued with
// the queue's per-key rate-limited back-off (client-go's processNextWorkItem).

import type { ServiceHost } from '@skiff/actors';
import { createControllerLoopMachine, WorkQueue, type ApiClient, type EventRecorder } from '@skiff/client';
import { lowerExpectation, noExpectations, raiseExpectations, type Expectations, type SyncResult } from '@skiff/controllers';
import { waitFor, type Actor } from 'xstate';
import { executeActions } from './executor.js';

export interface ControllerSpec {
  /** Kubernetes' controller name: `replicaset`, `deployment`, ... */
  readonly name: string;
  /**
   * The pure sync; `expectations` is this controller's current record. A controller that must
   * read outside its informers first (the HPA: scale and metrics) returns a promise.
   */
  readonly sync: (key: string, expectations: Expectations) => SyncResult | Promise<SyncResult>;
  readonly workers?: number;
}

export interface ControllerDeps {
  readonly host: ServiceHost;
  readonly client: ApiClient;
  readonly recorder: EventRecorder;
}

export interface RunningControllerHandle {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  enqueue(key: string): void;
  /** Informer-side expectation bookkeeping (observeCreation / observeDeletion). */
  observe(update: (exp: Expectations) => Expectations): void;
  /** Starts the workers (once the informers have synced and this instance leads). */
  run(): void;
  /** For good: keys still queued are dropped unsynced, in-flight syncs finish. A new term makes new controllers. */
  stop(): Promise<void>;
}

/** How long stop() waits for a worker's in-flight sync. */
export const STOP_GRACE_MS = 10_000;

type LoopActor = Actor<ReturnType<typeof createControllerLoopMachine<string>>>;

export function createController(spec: ControllerSpec, deps: ControllerDeps): RunningControllerHandle {
  const { host, client, recorder } = deps;
  const clock = host.clock;
  const queue = new WorkQueue<string>({ clock });
  let expectations: Expectations = noExpectations;
  const workers: LoopActor[] = [];
  let stopped = false;
  const reconcile = async (key: string): Promise<{ requeueAfterMs?: number }> => {
    // A stopped controller (leadership lost, process ending) only drains its queue: no more writes.
    if (stopped) return {};
    const result = await spec.sync(key, expectations);
    expectations = raiseExpectations(expectations, result.actions, clock.now());
    await executeActions({ client, recorder, lower: (a) => (expectations = lowerExpectation(expectations, a)) }, result.actions);
    return result.requeueAfterMs === undefined ? {} : { requeueAfterMs: result.requeueAfterMs };
  };
  return {
    name: spec.name,
    queue,
    enqueue: (key) => queue.add(key),
    observe: (update) => (expectations = update(expectations)),
    run() {
      if (workers.length > 0 || stopped) return;
      const machine = createControllerLoopMachine<string>();
      for (let i = 0; i < (spec.workers ?? 1); i++) {
        workers.push(
          host.spawn(machine, {
            id: `controller-${spec.name}-${i + 1}`,
            input: { queue, reconcile, onError: (key, err, dropped) => host.logger.warn({ err, key, controller: spec.name, dropped }, 'sync failed') },
          }),
        );
      }
    },
    async stop() {
      stopped = true;
      queue.shutDown();
      // A worker still inside a slow call after the grace period is stopped where it is, so that a
      // later term can spawn its namesake (the host refuses two running actors with one id).
      await Promise.all(workers.map((w) => waitFor(w, (s) => s.status === 'done' || s.status === 'stopped', { timeout: STOP_GRACE_MS }).catch(() => w.stop())));
    },
  };
}
