import { runWithFaults, SandboxFaults } from './sandbox-faults.js';

class StatusError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
const toError = (status: number, message: string) => new StatusError(status, message);

describe('SandboxFaults', () => {
  it('rejects bad plans with a reason', () => {
    const f = new SandboxFaults();
    expect(f.add({ count: 0 }, ['a'])).toMatch(/count/);
    expect(f.add({ mode: 'explode' }, ['a'])).toMatch(/mode/);
    expect(f.add({ status: 200 }, ['a'])).toMatch(/status/);
    expect(f.add({ delay_ms: -1 }, ['a'])).toMatch(/delay_ms/);
    expect(f.add({ operation: 'b' }, ['a'])).toBe('operation must be one of a');
    expect(f.pending()).toEqual([]);
  });

  it('consumes plans per operation, with defaults per mode', () => {
    const f = new SandboxFaults();
    expect(f.add({ count: 2, operation: 'transfer' }, ['transfer', 'clabes'])).toEqual({ mode: 'error', status: 500, delayMs: 3000, operation: 'transfer', remaining: 2 });
    expect(f.add({ mode: 'timeout' }, ['transfer'])).toMatchObject({ status: 504 });
    expect(f.take('transfer')).toMatchObject({ mode: 'error', remaining: 1 });
    // The first plan is for "transfer" only; another operation gets the catch-all timeout.
    expect(f.take('clabes')).toMatchObject({ mode: 'timeout' });
    expect(f.take('clabes')).toBeUndefined();
    expect(f.take('transfer')).toMatchObject({ mode: 'error', remaining: 0 });
    expect(f.take('transfer')).toBeUndefined();
    f.add({}, ['x']);
    f.clear();
    expect(f.pending()).toEqual([]);
  });

  it('runWithFaults: error does not process, after_processing does, timeout waits', async () => {
    const f = new SandboxFaults();
    let processed = 0;
    const call = () => ++processed;
    f.add({ status: 503 }, ['op']);
    await expect(runWithFaults(f, 'op', call, toError)).rejects.toMatchObject({ status: 503, message: 'simulated failure' });
    expect(processed).toBe(0);
    f.add({ mode: 'after_processing', status: 502 }, ['op']);
    await expect(runWithFaults(f, 'op', call, toError)).rejects.toMatchObject({ status: 502, message: 'simulated failure after processing' });
    expect(processed).toBe(1);
    f.add({ mode: 'timeout', delay_ms: 30 }, ['op']);
    const started = Date.now();
    await expect(runWithFaults(f, 'op', call, toError)).rejects.toMatchObject({ status: 504, message: 'simulated timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await expect(runWithFaults(f, 'op', call, toError)).resolves.toBe(2);
  });
});
