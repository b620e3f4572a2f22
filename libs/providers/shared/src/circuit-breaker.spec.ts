import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  function clock() {
    const c = { t: 1_000, now: () => c.t };
    return c;
  }

  it('opens after `threshold` consecutive failures, fails fast during the cooldown, then lets one trial through', () => {
    const c = clock();
    const b = new CircuitBreaker({ threshold: 3, cooldownMs: 500, now: c.now });
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    c.t += 499;
    expect(b.allow()).toBe(false);
    c.t += 1;
    expect(b.state).toBe('half_open');
    expect(b.allow()).toBe(true);
    // Only one trial at a time.
    expect(b.allow()).toBe(false);
  });

  it('a success in between resets the count', () => {
    const b = new CircuitBreaker({ threshold: 2, cooldownMs: 500, now: clock().now });
    b.failure();
    b.success();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
  });

  it('a successful trial closes the circuit; a failed trial reopens it at once', () => {
    const c = clock();
    const b = new CircuitBreaker({ threshold: 2, cooldownMs: 100, now: c.now });
    b.failure();
    b.failure();
    c.t += 100;
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    c.t += 100;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    // Fresh count after closing: one failure does not reopen it.
    b.failure();
    expect(b.state).toBe('closed');
  });

  describe('halfOpen: false', () => {
    it('closes by time alone after the cooldown, with a fresh count', () => {
      const c = clock();
      const b = new CircuitBreaker({ threshold: 2, cooldownMs: 100, halfOpen: false, now: c.now });
      b.failure();
      b.failure();
      expect(b.state).toBe('open');
      expect(b.allow()).toBe(false);
      c.t += 100;
      expect(b.state).toBe('closed');
      expect(b.allow()).toBe(true);
      expect(b.allow()).toBe(true);
      // One more failure is not a failed trial: the count starts again.
      b.failure();
      expect(b.state).toBe('closed');
      b.failure();
      expect(b.state).toBe('open');
    });

    it('an answer that lands while open does not close it early', () => {
      const c = clock();
      const b = new CircuitBreaker({ threshold: 1, cooldownMs: 100, halfOpen: false, now: c.now });
      b.failure();
      b.success();
      expect(b.state).toBe('open');
      expect(b.allow()).toBe(false);
      c.t += 100;
      expect(b.allow()).toBe(true);
    });
  });
});
