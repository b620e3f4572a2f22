import { createHash } from 'node:crypto';
import { canonicalJson, canonicalJsonByReplacer, cardTransactionKey, clabeStatusKey, debitKey, dedupKey, numbersAsText, payloadHash, reverseKey } from './inbox.dedup.js';

// The document's DEBIT and REVERSE examples (reference "-" / "?", identifier_adq "?").
const DOC_DEBIT = {
  emi_account_reference: '0001003143', emi_account_identifier: '21000002159', account_number: 544802938, amount: '2000.00', currency: 840,
  amount_liq: '10.00', currency_liq: 484, identifier_adq: '?', reference: '-', commission: '0.00', commission_liq: '0.00', origin: 'MASTER_ATM',
  reason: 0, acquirer: '?', city: '?', date: '18/12/2012 03:29:30 PM', terminal: '?', trade_name: '?',
};
const DOC_REVERSE = {
  emi_account_identifier: '200020000015', account_number: 544802938, identifier_adq: '?', origin: '?', reverse_reason: '?', amount: '100.00', currency: '?',
  amount_liq: '100.00', currency_liq: '?', date: '?', reference: '?', trade_name: '?',
};

describe('card transaction keys', () => {
  it('a reference of its own is the identity and the DEBIT key, unchanged', () => {
    const d = { ...DOC_DEBIT, reference: '25487' };
    expect(cardTransactionKey(d)).toBe('544802938:25487');
    expect(debitKey(d)).toBe('544802938:25487');
    expect(reverseKey({ ...DOC_REVERSE, reference: '25487' })).toBe('544802938:25487:100.00');
  });

  it('placeholder references: the identity falls back to the acquirer id, else the account ("", "-", "?")', () => {
    expect(cardTransactionKey({ ...DOC_DEBIT, identifier_adq: 'ADQ77' })).toBe('544802938:adq:ADQ77');
    for (const reference of ['', '-', '?', ' - ']) for (const adq of ['', '?', '-']) {
      expect(cardTransactionKey({ ...DOC_DEBIT, reference, identifier_adq: adq })).toBe('544802938:anon');
    }
  });

  it('two DEBITs with placeholder references differ by date, amount or terminal; one DEBIT spelled two ways is one key', () => {
    const base = debitKey(DOC_DEBIT);
    expect(base.startsWith('544802938:anon#')).toBe(true);
    expect(debitKey({ ...DOC_DEBIT, date: '18/12/2012 03:29:31 PM' })).not.toBe(base);
    expect(debitKey({ ...DOC_DEBIT, amount_liq: '10.01' })).not.toBe(base);
    expect(debitKey({ ...DOC_DEBIT, amount: '2001.00' })).not.toBe(base);
    expect(debitKey({ ...DOC_DEBIT, terminal: '0116TERM0050101' })).not.toBe(base);
    expect(debitKey({ ...DOC_DEBIT, amount_liq: 10, amount: '2000' })).toBe(base);
    expect(dedupKey('debit', DOC_DEBIT, 'msg_1', 'x')).toBe(base);
  });

  it('a REVERSE key starts with its DEBIT\'s identity and a colon (how a late DEBIT finds it), and tells two reversals apart', () => {
    expect(reverseKey(DOC_REVERSE).startsWith(`${cardTransactionKey(DOC_DEBIT)}:100.00#`)).toBe(true);
    expect(reverseKey({ ...DOC_REVERSE, date: '18/12/2012 03:35:30 PM' })).not.toBe(reverseKey(DOC_REVERSE));
    expect(reverseKey({ ...DOC_REVERSE, amount: 100, amount_liq: '100' })).toBe(reverseKey(DOC_REVERSE));
  });
});

describe('CLABE status keys', () => {
  const p = { clabe: '646180123300000408', status: 0 };

  it('signed: the delivery id', () => {
    expect(clabeStatusKey(p, 'msg_1')).toBe('646180123300000408:0:msg_1');
    expect(dedupKey('clabe_status', p, 'msg_1', 'x')).toBe('646180123300000408:0:msg_1');
  });

  it('unsigned: the transition from the latest event received; never keyed on the payload alone', () => {
    expect(clabeStatusKey(p, undefined, null)).toBe('646180123300000408:0:after:none');
    expect(clabeStatusKey(p, undefined, 'e1')).toBe('646180123300000408:0:after:e1');
    expect(() => dedupKey('clabe_status', p, undefined, 'x')).toThrow(/latest/);
  });
});

describe('payloadHash', () => {
  it('hashes a payload the same whatever its key order', () => {
    expect(payloadHash({ a: 1, b: '2' })).toBe(payloadHash({ b: '2', a: 1 }));
    expect(payloadHash({ a: 1, b: '2' })).not.toBe(payloadHash({ a: 1, b: '3' }));
  });

  it('keeps the hash stored for the document\'s DEBIT (a changed canonical form would turn redeliveries into conflicts)', () => {
    expect(payloadHash(DOC_DEBIT)).toBe(createHash('sha256').update(JSON.stringify(Object.fromEntries(Object.entries(DOC_DEBIT).sort()))).digest('base64url'));
    expect(payloadHash(DOC_DEBIT)).toBe('mgV5uH3tLdhFwraFbJpvxgWQyWpzEvnDx7v06avbj04');
  });

  it('canonical JSON: the sorted copy stringified writes what the replacer definition writes, for any JSON value', () => {
    // A seeded generator, so a failure reproduces.
    let seed = 20261202;
    const rnd = (n: number): number => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const keys = ['a', 'b', 'B', 'é', '10', '2', '0', '01', '4294967295', '4294967294', '__proto__', '', ' z', '\u2028', '😀', 'a"b'];
    const value = (depth: number): unknown => {
      switch (rnd(depth > 3 ? 6 : 9)) {
        case 0: return null;
        case 1: return rnd(2) === 0;
        case 2: return [0, -0, 1.5, -2e-7, 1e21, 123456789012, Number.NaN, Number.POSITIVE_INFINITY][rnd(8)];
        case 3: return ['', 'x', 'ñandú', '"q"\\', '\u0000\n', '\ud800', '2000.00'][rnd(7)];
        case 4: return BigInt(rnd(1000)) * 10n ** 20n;
        case 5: return undefined;
        case 6: case 7: {
          const o: Record<string, unknown> = {};
          for (let i = rnd(6); i > 0; i--) Object.defineProperty(o, keys[rnd(keys.length)], { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
          return o;
        }
        default: return Array.from({ length: rnd(4) }, () => value(depth + 1));
      }
    };
    for (let i = 0; i < 3000; i++) {
      const v = value(0);
      if (v === undefined) continue;
      expect(canonicalJson(v)).toBe(canonicalJsonByReplacer(v));
    }
    // What the fast path hands to the definition (a toJSON, a boxed primitive) comes out as the definition writes it.
    const odd = { b: new Date(0), a: [new Number(1)] };
    expect(canonicalJson(odd)).toBe('{"a":[{}],"b":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson(odd)).toBe(canonicalJsonByReplacer(odd));
    expect(canonicalJson(JSON.parse('{"__proto__": {"y": 1, "x": 2}, "a": 1}'))).toBe('{"__proto__":{"x":2,"y":1},"a":1}');
  });
});

describe('numbersAsText', () => {
  it('takes each amount\'s literal from the raw body, the same on every call', () => {
    const raw = Buffer.from('{"amount": 2000.10, "amount_liq":10, "commission" :0.5, "other": 1.5}');
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    for (let i = 0; i < 3; i++) {
      expect(numbersAsText(raw, body, ['amount', 'amount_liq', 'commission'])).toEqual({ amount: '2000.10', amount_liq: '10.00', commission: '0.50', other: 1.5 });
    }
  });
});
