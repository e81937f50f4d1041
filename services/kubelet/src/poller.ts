// Adapter: a source read in rounds, as the kubelet's file and http config sources are: a round
// now, the next `intervalMs` after it ends (a slow round never overlaps the next), until stopped.
// A failed round is reported and the next one still comes.
import type { Clock } from '@skiff/actors';

export class Poller {
  private timer: number | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly round: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (!this.stopped) void this.next();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }

  private async next(): Promise<void> {
    try {
      await this.round();
    } catch (err) {
      this.onError(err);
    }
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.next(), this.intervalMs);
  }
}
