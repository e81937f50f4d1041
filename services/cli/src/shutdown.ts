// One request to stop, from whichever source comes first (a signal, a failing component), and a
// way to make any startup step give up when it arrives.

import { CliError } from './errors.js';

export interface ShutdownReason {
  readonly reason: string;
  /** Exit code once the cluster stopped: 0 for a requested stop, 1 for a failure. */
  readonly exitCode: number;
}

export class InterruptedError extends CliError {
  override readonly name = 'InterruptedError';
  constructor(reason: string) {
    super(`interrupted while starting (${reason}); everything started so far was stopped`);
  }
}

export class Shutdown {
  private first: ShutdownReason | undefined;
  private resolveRequested: (r: ShutdownReason) => void = () => {};
  /** Resolves with the first request. */
  readonly requested: Promise<ShutdownReason> = new Promise((resolve) => (this.resolveRequested = resolve));

  get reason(): ShutdownReason | undefined {
    return this.first;
  }

  /** Records the request; false when one was already made (the caller may then force its way out). */
  request(reason: string, exitCode = 0): boolean {
    if (this.first !== undefined) return false;
    this.first = { reason, exitCode };
    this.resolveRequested(this.first);
    return true;
  }

  /** `work`, unless a shutdown is requested first: then InterruptedError. */
  async unless<T>(work: Promise<T>): Promise<T> {
    if (this.first !== undefined) throw new InterruptedError(this.first.reason);
    const interrupted = this.requested.then((r) => Promise.reject(new InterruptedError(r.reason)));
    // Keep an unused rejection from surfacing as unhandled when `work` wins.
    interrupted.catch(() => {});
    return Promise.race([work, interrupted]);
  }
}
