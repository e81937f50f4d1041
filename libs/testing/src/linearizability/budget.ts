// The bound on a check: WGL is exponential in the worst case (the problem is NP-complete, Gibbons &
// Korach 1997), so every search stops after a step budget or a caller-given deadline.

export interface BudgetOptions {
  /** Search steps over all partitions together. Default 10,000,000. */
  readonly maxSteps?: number;
  /** The caller's clock (pure code reads no clock of its own); needed with `deadlineMs`. */
  readonly now?: () => number;
  /** Give up once `now()` passes this. Checked every 1,024 steps. */
  readonly deadlineMs?: number;
}

export const DEFAULT_MAX_STEPS = 10_000_000;
const DEADLINE_CHECK_INTERVAL_STEPS = 1024;

export type ExhaustedReason = 'steps' | 'deadline';

export class Budget {
  private stepsTaken = 0;
  private reason: ExhaustedReason | undefined;
  private readonly maxSteps: number;

  constructor(private readonly options: BudgetOptions = {}) {
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    if (options.deadlineMs !== undefined && options.now === undefined) {
      throw new TypeError('deadlineMs needs a now() clock');
    }
  }

  get steps(): number {
    return this.stepsTaken;
  }

  get exhaustedReason(): ExhaustedReason | undefined {
    return this.reason;
  }

  /** Takes one step; false once the budget is spent. */
  spend(): boolean {
    if (this.reason !== undefined) return false;
    if (this.stepsTaken >= this.maxSteps) {
      this.reason = 'steps';
      return false;
    }
    this.stepsTaken++;
    const { now, deadlineMs } = this.options;
    if (deadlineMs !== undefined && now !== undefined && this.stepsTaken % DEADLINE_CHECK_INTERVAL_STEPS === 1) {
      if (now() > deadlineMs) {
        this.reason = 'deadline';
        return false;
      }
    }
    return true;
  }
}
