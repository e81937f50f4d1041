// Adapter: one leadership term's controllers. kube-controller-manager builds its controllers when
// it starts leading and exits when it stops; here the process and its shared informers stay (a
// standby keeps warm caches), so each term builds fresh controllers (new queues, expectations and
// in-memory state) on the shared informers through a scoped factory that remembers every handler
// they add, and ending the term removes those handlers before stopping the workers. A handler
// added to a synced informer first gets onAdd for every object it holds, so a new term starts
// with every key queued, as a freshly started kube-controller-manager does after its first list.
//
//   wired (handlers on, keys queue up, no workers) --run--> running --stop--> ended (for good)
//   wired --stop--> ended

import type { Informer, KubeObject, SharedInformerFactory } from '@skiff/client';
import type { RunningControllerHandle } from './controller-runner.js';

export interface ControllerTerm {
  readonly controllers: readonly RunningControllerHandle[];
  /** Starts every controller's workers. */
  run(): void;
  /** Removes the term's informer handlers, then stops its controllers (in-flight syncs finish). */
  stop(): Promise<void>;
}

export function startControllerTerm(factory: SharedInformerFactory, wire: (factory: SharedInformerFactory) => readonly RunningControllerHandle[]): ControllerTerm {
  const removers: (() => void)[] = [];
  const controllers = wire(scopedFactory(factory, removers));
  let stopping: Promise<void> | undefined;
  return {
    controllers,
    run: () => {
      if (stopping === undefined) for (const c of controllers) c.run();
    },
    stop: () =>
      (stopping ??= (async () => {
        for (const remove of removers.splice(0)) remove();
        await Promise.all(controllers.map((c) => c.stop()));
      })()),
  };
}

/** The shared factory, except that handlers added through it are recorded, and start/stop belong to the manager. */
function scopedFactory(factory: SharedInformerFactory, removers: (() => void)[]): SharedInformerFactory {
  return {
    informerFor: <T extends KubeObject>(...args: Parameters<SharedInformerFactory['informerFor']>) => scopedInformer(factory.informerFor<T>(...args), removers),
    get informers() {
      return factory.informers;
    },
    start: () => undefined,
    waitForCacheSync: () => factory.waitForCacheSync(),
    stop: () => undefined,
  };
}

function scopedInformer<T extends KubeObject>(inner: Informer<T>, removers: (() => void)[]): Informer<T> {
  return {
    resource: inner.resource,
    scope: inner.scope,
    lister: inner.lister,
    get store() {
      return inner.store;
    },
    get reflector() {
      return inner.reflector;
    },
    addEventHandler: (handler) => {
      const remove = inner.addEventHandler(handler);
      removers.push(remove);
      return remove;
    },
    addIndexers: (indexers) => inner.addIndexers(indexers),
    hasSynced: () => inner.hasSynced(),
    whenSynced: () => inner.whenSynced(),
    lastSyncResourceVersion: () => inner.lastSyncResourceVersion(),
    start: () => undefined,
    stop: () => undefined,
  };
}

/**
 * Leadership terms in order: the first is wired at once (a standby's queues fill while it waits),
 * `lead` runs the current term (wiring a fresh one if the last ended), `standDown` ends it. Steps
 * run one after the other, so a term never starts before the previous one has stopped.
 */
export interface LeadershipTerms {
  /** The running or waiting term's controllers; none between a stand-down and the next lead. */
  controllers(): readonly RunningControllerHandle[];
  /** How many terms have started running. */
  readonly started: number;
  lead(): Promise<void>;
  standDown(): Promise<void>;
  /** Ends the current term; no later lead runs one. */
  stop(): Promise<void>;
}

export function createLeadershipTerms(factory: SharedInformerFactory, wire: (factory: SharedInformerFactory) => readonly RunningControllerHandle[], onError: (err: unknown) => void): LeadershipTerms {
  let term: ControllerTerm | undefined = startControllerTerm(factory, wire);
  let started = 0;
  let ended = false;
  let steps: Promise<void> = Promise.resolve();
  const serially = (step: () => void | Promise<void>): Promise<void> => (steps = steps.then(step).catch(onError));
  const endTerm = async (): Promise<void> => {
    const t = term;
    term = undefined;
    await t?.stop();
  };
  return {
    controllers: () => term?.controllers ?? [],
    get started() {
      return started;
    },
    lead: () =>
      serially(() => {
        if (ended) return;
        term ??= startControllerTerm(factory, wire);
        term.run();
        started++;
      }),
    standDown: () => serially(endTerm),
    stop: () => {
      ended = true;
      return serially(endTerm);
    },
  };
}
