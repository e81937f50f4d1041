// A Bus that several kubelets of one process share (hollow nodes): each kubelet's service host
// closes its bus on stop, so the shared connection is lent through a view whose close() does
// nothing; its owner closes the real one. Everything else (including the NATS `connection` the
// services framework registers on) reaches the shared bus.
import type { Bus } from '@skiff/bus';

const keepOpen = (): Promise<void> => Promise.resolve();

export function borrowBus(bus: Bus): Bus {
  return new Proxy(bus, {
    get(target, prop) {
      if (prop === 'close') return keepOpen;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
