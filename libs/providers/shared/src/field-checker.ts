/**
 * The field-rule checks the STP and Credencial validations share (adapter before any HTTP call,
 * sandbox on arrival). A problem names the field, never its value: card numbers, NIPs and
 * security codes pass through here.
 */
import { ValidationError } from '#libs/domain';

export interface FieldProblem {
  field: string;
  message: string;
}

export type Wire = Record<string, unknown>;

/** Collects the problems of one wire payload, at most one per field. */
export class FieldChecker {
  readonly problems: FieldProblem[] = [];
  constructor(protected readonly wire: Wire) {}

  /** The raw value at `path`; a provider overrides it for nested or form notation. */
  protected value(path: string): unknown {
    return this.wire[path];
  }

  /** How `path` is named in problems; a provider overrides it for its document's notation. */
  protected label(path: string): string {
    return path;
  }

  /** The field as text (numbers accepted: form posts and JSON numbers), undefined when absent/empty. */
  text(path: string): string | undefined {
    const v = this.value(path);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v !== 'string') {
      this.fail(path, 'must be a string');
      return undefined;
    }
    return v;
  }

  required(path: string): string | undefined {
    const v = this.text(path);
    if (v === undefined && !this.has(path)) this.fail(path, 'is required');
    return v;
  }

  has(path: string): boolean {
    return this.problems.some((p) => p.field === this.label(path));
  }

  fail(path: string, message: string): void {
    if (!this.has(path)) this.problems.push({ field: this.label(path), message: `${this.label(path)} ${message}` });
  }

  check(path: string, value: string | undefined, ok: (v: string) => boolean, message: string): void {
    if (value !== undefined && !ok(value)) this.fail(path, message);
  }

  /** At most `max` characters (code points, not UTF-16 units). */
  maxLen(path: string, value: string | undefined, max: number): void {
    this.check(path, value, (v) => [...v].length <= max, `must be at most ${max} characters`);
  }
}

/** Throws one ValidationError listing every problem (details.errors = [{ field, message }]), the first one's message as its message. */
export function assertNoProblems(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  const first = problems[0]!;
  throw new ValidationError(problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more)`, {
    field: first.field,
    errors: problems,
  });
}
