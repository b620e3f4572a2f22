import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows `limit` requests per window per key, then refuses with the time to reset', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(3, 10_000, () => now);
    expect([1, 2, 3].map(() => rl.take('a').allowed)).toEqual([true, true, true]);
    const refused = rl.take('a');
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 10 });
    expect(rl.take('b').allowed).toBe(true);
    now += 4_500;
    expect(rl.take('a').resetSeconds).toBe(6);
    now += 5_500;
    expect(rl.take('a')).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 10 });
  });
});
