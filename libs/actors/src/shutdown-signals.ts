// Adapter: graceful shutdown for a service's main.ts. The first SIGINT/SIGTERM stops the host
// (endpoints, actors, bus drain) and exits 0; a second signal while that runs exits at once with
// 130 (128 + SIGINT, the shell convention), for an operator who does not want to wait.

import type { Logger } from './logger.js';

export interface Stoppable {
  stop(): Promise<void>;
}

/** The part of `process` this helper touches (a test hands in a fake). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownOptions {
  readonly signals?: readonly NodeJS.Signals[];
  readonly logger?: Logger;
  readonly source?: SignalSource;
  readonly exit?: (code: number) => void;
}

export const FORCED_EXIT_CODE = 130;

/** Installs the handlers; returns a function that removes them. */
export function onShutdownSignals(host: Stoppable, opts: ShutdownOptions = {}): () => void {
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM'];
  const source = opts.source ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      opts.logger?.warn({ signal }, 'second signal: exiting without waiting');
      exit(FORCED_EXIT_CODE);
      return;
    }
    stopping = true;
    opts.logger?.info({ signal }, 'shutting down');
    host.stop().then(
      () => exit(0),
      (err: unknown) => {
        opts.logger?.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  const listeners = signals.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) source.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}
