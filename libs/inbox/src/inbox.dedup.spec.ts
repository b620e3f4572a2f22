import { cardTransactionKey, clabeStatusKey, debitKey, dedupKey, numbersAsText, payloadHash, reverseKey } from './inbox.dedup.js';

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
