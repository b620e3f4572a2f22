/**
 * A small per-provider circuit breaker: after `threshold` consecutive transient failures it opens
 * for `cooldownMs` and calls fail fast (the caller gets the provider's "unavailable" error without
 * a request); then one trial call is let through (half-open): success closes it, failure reopens.
 *
 * With `halfOpen: false` there is no trial: the circuit closes by time alone once the cooldown is
 * over, with a fresh failure count (BCS's policy); an answer that arrives while it is open only
 * resets the count and does not close it early.
 */
export interface CircuitBreakerOptions {
  threshold: number;
  cooldownMs: number;
  /** Let one trial call through after the cooldown (default true). */
  halfOpen?: boolean;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trial = false;
  private readonly now: () => number;
  private readonly halfOpen: boolean;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
    this.halfOpen = options.halfOpen ?? true;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    if (this.now() - this.openedAt < this.options.cooldownMs) return 'open';
    return this.halfOpen ? 'half_open' : 'closed';
  }

  /** Whether a call may go out now. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half_open' && !this.trial) {
      this.trial = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    if (!this.halfOpen) return;
    this.openedAt = undefined;
    this.trial = false;
  }

  /**
   * A transient failure (timeouts, 5xx, network). Permanent refusals are not the provider failing.
   * Returns whether this failure opened the circuit (callers log that).
   */
  failure(): boolean {
    this.failures += 1;
    if (this.trial || this.failures >= this.options.threshold) {
      this.openedAt = this.now();
      this.trial = false;
      if (!this.halfOpen) this.failures = 0;
      return true;
    }
    return false;
  }
}
