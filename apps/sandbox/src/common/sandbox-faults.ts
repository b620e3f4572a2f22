/**
 * "Fail transiently on demand": a queue of planned failures the next N provider calls answer with.
 * - error: answer `status` (default 500) at once, nothing processed;
 * - timeout: hold the answer `delay_ms` (default 3000), then 504, nothing processed;
 * - after_processing: process the call (state changes) and then answer `status` — a lost answer.
 */
export type FaultMode = 'error' | 'timeout' | 'after_processing';

export interface FaultPlan {
  mode: FaultMode;
  status: number;
  delayMs: number;
  /** Only calls to this operation consume it (e.g. "transfer"); any call when absent. */
  operation?: string;
  remaining: number;
}

export interface FaultRequest {
  count?: unknown;
  mode?: unknown;
  status?: unknown;
  delay_ms?: unknown;
  operation?: unknown;
}

export class SandboxFaults {
  private plans: FaultPlan[] = [];

  /** Parses an admin request; returns an error message when it is not acceptable. */
  add(body: FaultRequest, operations: readonly string[]): FaultPlan | string {
    const count = Number(body.count ?? 1);
    if (!Number.isInteger(count) || count < 1 || count > 1000) return 'count must be an integer between 1 and 1000';
    const mode = (body.mode ?? 'error') as FaultMode;
    if (!['error', 'timeout', 'after_processing'].includes(mode)) return 'mode must be error, timeout or after_processing';
    const status = Number(body.status ?? (mode === 'timeout' ? 504 : 500));
    if (!Number.isInteger(status) || status < 400 || status > 599) return 'status must be an HTTP error status (400-599)';
    const delayMs = Number(body.delay_ms ?? 3000);
    if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 120_000) return 'delay_ms must be between 0 and 120000';
    const operation = body.operation === undefined || body.operation === null ? undefined : String(body.operation);
    if (operation !== undefined && !operations.includes(operation)) return `operation must be one of ${operations.join(', ')}`;
    const plan: FaultPlan = { mode, status, delayMs, operation, remaining: count };
    this.plans.push(plan);
    return plan;
  }

  /** The fault the next call to `operation` gets, if any (consumed). */
  take(operation: string): FaultPlan | undefined {
    const plan = this.plans.find((p) => p.remaining > 0 && (p.operation === undefined || p.operation === operation));
    if (!plan) return undefined;
    plan.remaining -= 1;
    this.plans = this.plans.filter((p) => p.remaining > 0);
    return { ...plan };
  }

  pending(): FaultPlan[] {
    return this.plans.map((p) => ({ ...p }));
  }

  clear(): void {
    this.plans = [];
  }
}

/** Runs a provider call under the next planned fault for `operation`, if any. */
export async function runWithFaults<T>(
  faults: SandboxFaults,
  operation: string,
  call: () => T | Promise<T>,
  toError: (status: number, message: string) => Error,
): Promise<T> {
  const fault = faults.take(operation);
  if (!fault) return call();
  switch (fault.mode) {
    case 'error':
      throw toError(fault.status, 'simulated failure');
    case 'timeout':
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      throw toError(fault.status, 'simulated timeout');
    case 'after_processing':
      await call();
      throw toError(fault.status, 'simulated failure after processing');
  }
}
