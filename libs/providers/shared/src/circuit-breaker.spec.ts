import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  /** A breaker on a hand-moved clock; `fail(n)` records n failures and returns the state after them. */
  function breaker(options: Omit<CircuitBreakerOptions, 'now'>) {
    const clock = { t: 1_000 };
    const b = new CircuitBreaker({ ...options, now: () => clock.t });
    const fail = (n = 1) => {
      for (let i = 0; i < n; i++) b.failure();
      return b.state;
    };
    const wait = (ms: number) => {
      clock.t += ms;
    };
    return { b, fail, wait };
  }

  it('opens after `threshold` consecutive failures, fails fast during the cooldown, then lets one trial through', () => {
    const { b, fail, wait } = breaker({ threshold: 3, cooldownMs: 500 });
    expect(fail(2)).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(fail()).toBe('open');
    expect(b.allow()).toBe(false);
    wait(499);
    expect(b.allow()).toBe(false);
    wait(1);
    expect(b.state).toBe('half_open');
    expect([b.allow(), b.allow()]).toEqual([true, false]); // only one trial at a time
  });

  it('a success in between resets the count', () => {
    const { b, fail } = breaker({ threshold: 2, cooldownMs: 500 });
    fail();
    b.success();
    expect(fail()).toBe('closed');
    expect(fail()).toBe('open');
  });

  it('a successful trial closes the circuit; a failed trial reopens it at once', () => {
    const { b, fail, wait } = breaker({ threshold: 2, cooldownMs: 100 });
    fail(2);
    wait(100);
    expect(b.allow()).toBe(true);
    expect(fail()).toBe('open');
    wait(100);
    expect(b.allow()).toBe(true);
    b.success();
    expect([b.state, b.allow()]).toEqual(['closed', true]);
    expect(fail()).toBe('closed'); // a fresh count after closing
  });

  it('failure() tells when it opened the circuit', () => {
    const { b, wait } = breaker({ threshold: 2, cooldownMs: 100 });
    expect([b.failure(), b.failure()]).toEqual([false, true]);
    wait(100);
    b.allow();
    expect(b.failure()).toBe(true); // the failed trial reopens it
  });

  describe('halfOpen: false', () => {
    it('closes by time alone after the cooldown, with a fresh count', () => {
      const { b, fail, wait } = breaker({ threshold: 2, cooldownMs: 100, halfOpen: false });
      expect(fail(2)).toBe('open');
      expect(b.allow()).toBe(false);
      wait(100);
      expect([b.state, b.allow(), b.allow()]).toEqual(['closed', true, true]);
      // One more failure is not a failed trial: the count starts again.
      expect([fail(), fail()]).toEqual(['closed', 'open']);
    });

    it('an answer that lands while open does not close it early', () => {
      const { b, fail, wait } = breaker({ threshold: 1, cooldownMs: 100, halfOpen: false });
      fail();
      b.success();
      expect([b.state, b.allow()]).toEqual(['open', false]);
      wait(100);
      expect(b.allow()).toBe(true);
    });
  });
});
