import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import type { AppConfig } from '#libs/config';
import { PeriodicSweeper } from './periodic-sweeper.js';

/** A sweeper whose passes return the counts given, one per pass, and record when they ran (fake time). */
class Scripted extends PeriodicSweeper {
  protected readonly name = 'scripted';
  readonly ranAt: number[] = [];

  constructor(
    private readonly counts: number[],
    private readonly busyDelay?: number,
  ) {
    super({ sweeperIntervalMs: 100 } as AppConfig, { error: () => undefined } as unknown as Logger);
  }

  protected async pass(): Promise<number> {
    this.ranAt.push(Date.now());
    const n = this.counts.shift();
    if (n === undefined) return 0;
    if (n < 0) throw new Error('pass failed');
    return n;
  }

  protected override nextDelayMs(handled: number): number {
    return this.busyDelay !== undefined && handled > 0 ? this.busyDelay : super.nextDelayMs(handled);
  }
}

describe('PeriodicSweeper', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  async function runFor(s: Scripted, ms: number): Promise<number[]> {
    s.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(ms);
    await s.beforeApplicationShutdown();
    return s.ranAt;
  }

  it('runs a pass every interval, counted from the end of the last one, and goes on after a failed pass', async () => {
    expect(await runFor(new Scripted([3, -1, 0, 5]), 450)).toEqual([100, 200, 300, 400]);
  });

  it('paces itself by what the last pass handled when the subclass says so (the debit settler while busy)', async () => {
    // Busy passes (rows handled) are followed by 20 ms; an empty one goes back to the 100 ms interval.
    expect(await runFor(new Scripted([4, 4, 0, 2, 0], 20), 400)).toEqual([100, 120, 140, 240, 260, 360]);
  });

  it('runs no pass after shutdown', async () => {
    const s = new Scripted([1, 1, 1], 20);
    s.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(130);
    await s.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(1000);
    expect(s.ranAt).toEqual([100, 120]);
  });
});
