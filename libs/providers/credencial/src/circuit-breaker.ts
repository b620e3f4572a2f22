/**
 * A small per-provider circuit breaker: after `threshold` consecutive transient failures it opens
 * for `cooldownMs` and calls fail fast (the caller gets the provider's "unavailable" error without
 * a request); then one trial call is let through (half-open): success closes it, failure reopens.
 */
export interface CircuitBreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trial = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): 'closed' | 'open' | 'half_open' {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.cooldownMs ? 'half_open' : 'open';
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
    this.openedAt = undefined;
    this.trial = false;
  }

  /** A transient failure (timeouts, 5xx, network). Permanent refusals are not the provider failing. */
  failure(): void {
    this.failures += 1;
    if (this.trial || this.failures >= this.options.threshold) {
      this.openedAt = this.now();
      this.trial = false;
    }
  }
}
