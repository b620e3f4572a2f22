import { ValidationError } from '#libs/domain';
import { assertNoProblems, FieldChecker } from './field-checker.js';

/** The document's bracket notation over nested JSON, as a provider would override it. */
class Bracketed extends FieldChecker {
  protected override value(path: string): unknown {
    const [head, tail] = path.split('.');
    return tail === undefined ? this.wire[head!] : (this.wire[head!] as Record<string, unknown> | undefined)?.[tail];
  }

  protected override label(path: string): string {
    const [head, tail] = path.split('.');
    return tail === undefined ? head! : `${head}[${tail}]`;
  }
}

describe('FieldChecker', () => {
  it('reads text (numbers too), reports missing, wrong-typed and too-long fields once each, never with the value', () => {
    const c = new FieldChecker({ a: 'ok', n: 12, obj: {}, long: 'ñandú', empty: '' });
    expect([c.text('a'), c.text('n'), c.text('empty'), c.text('absent')]).toEqual(['ok', '12', undefined, undefined]);
    expect(c.required('obj')).toBeUndefined(); // wrong type: one problem, not also "is required"
    expect(c.required('missing')).toBeUndefined();
    c.maxLen('long', c.text('long'), 5); // code points: ñandú is 5
    c.maxLen('a', c.text('a'), 1);
    c.check('a', 'ok', (v) => v === 'no', 'is wrong'); // the field already has its problem
    expect(c.problems).toEqual([
      { field: 'obj', message: 'obj must be a string' },
      { field: 'missing', message: 'missing is required' },
      { field: 'a', message: 'a must be at most 1 characters' },
    ]);
    expect(c.has('a')).toBe(true);
  });

  it('a provider can resolve and name paths its own way', () => {
    const c = new Bracketed({ address: { zip: 7 } });
    expect(c.text('address.zip')).toBe('7');
    c.required('address.street');
    expect(c.problems).toEqual([{ field: 'address[street]', message: 'address[street] is required' }]);
  });

  it('assertNoProblems: nothing, or one ValidationError with every problem', () => {
    expect(() => assertNoProblems([])).not.toThrow();
    const problems = [
      { field: 'a', message: 'a is required' },
      { field: 'b', message: 'b must be a string' },
    ];
    let thrown: unknown;
    try {
      assertNoProblems(problems);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toBe('a is required (and 1 more)');
    expect((thrown as ValidationError).details).toMatchObject({ field: 'a', errors: problems });
  });
});
