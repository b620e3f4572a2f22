import { BANXICO_INSTITUTIONS, Clabe, institutionByBankCode, institutionBySpeiKey } from './clabe.js';
import { ValidationError } from './errors.js';

describe('Clabe', () => {
  // Published examples: Banxico/ABM (Banamex), Wikipedia (IXE), the STP document's webhook CLABE and
  // SPEI OUT beneficiary account; plus CLABEs composed here with the algorithm.
  const published = ['002010077777777771', '032180000118359719', '646180123300000408', '012180029588856995'];

  it.each(published)('accepts the published CLABE %s', (text) => {
    const clabe = Clabe.parse(text);
    expect(clabe.value).toBe(text);
    expect(Clabe.isValid(text)).toBe(true);
  });

  it('computes the 3-7-1 check digit', () => {
    expect(Clabe.checkDigit('00201007777777777')).toBe(1);
    expect(Clabe.checkDigit('03218000011835971')).toBe(9);
    expect(Clabe.checkDigit('64618012330000040')).toBe(8);
    // sum of (d*w mod 10) = 0 -> check digit 0, not 10
    expect(Clabe.checkDigit('00000000000000000')).toBe(0);
  });

  it('composes valid CLABEs from bank, plaza and account', () => {
    const stp = Clabe.compose('646', '180', 1233_0000041n);
    expect(stp.value).toHaveLength(18);
    expect(stp.value.startsWith('64618012330000041')).toBe(true);
    expect(Clabe.isValid(stp.value)).toBe(true);
    expect(stp.bankCode).toBe('646');
    expect(stp.plaza).toBe('180');
    expect(stp.accountNumber).toBe('12330000041');
    expect(stp.institution).toEqual({ bankCode: '646', speiKey: '90646', name: 'STP' });
    const bbva = Clabe.compose('012', '180', '1234567');
    expect(bbva.value).toBe(`01218000001234567${Clabe.checkDigit('01218000001234567')}`);
  });

  it('rejects every corrupted check digit', () => {
    const good = '002010077777777771';
    for (let d = 0; d <= 9; d++) {
      if (String(d) === good[17]) continue;
      expect(Clabe.problem(good.slice(0, 17) + d)).toBe('check_digit');
    }
  });

  it('detects a single mistyped digit in the body', () => {
    const good = '646180123300000408';
    // change one account digit: the weighted sum changes, so the check digit no longer matches
    const bad = good.slice(0, 10) + ((Number(good[10]) + 1) % 10) + good.slice(11);
    expect(Clabe.problem(bad)).toBe('check_digit');
  });

  it('rejects the document example payer account, whose check digit is wrong', () => {
    expect(Clabe.problem('646420123300000000')).toBe('check_digit');
  });

  it.each([
    ['', 'length'],
    ['00201007777777777', 'length'],
    ['0020100777777777711', 'length'],
    ['00201007777777777A', 'digits'],
    ['002 010077777777771', 'digits'],
  ] as const)('rejects %p (%s)', (text, problem) => {
    expect(Clabe.problem(text)).toBe(problem);
  });

  it('rejects an unknown bank code even with a correct check digit', () => {
    const first17 = '99918000000000001';
    const text = first17 + Clabe.checkDigit(first17);
    expect(Clabe.problem(text)).toBe('bank_code');
  });

  it('throws a ValidationError naming the field, never the digits', () => {
    try {
      Clabe.parse('002010077777777772', 'beneficiary_account');
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const err = e as ValidationError;
      expect(err.message).toBe('beneficiary_account has a wrong check digit');
      expect(err.code).toBe('invalid_clabe');
      expect(err.details).toEqual({ field: 'beneficiary_account', reason: 'clabe_check_digit' });
      expect(err.message).not.toContain('0020100');
    }
  });

  it('serializes as its digits', () => {
    expect(JSON.stringify({ c: Clabe.parse(published[0]!) })).toBe(`{"c":"${published[0]}"}`);
  });

  it('knows the Banxico institutions by bank code and SPEI key', () => {
    expect(institutionByBankCode('012')?.speiKey).toBe('40012');
    expect(institutionBySpeiKey('40012')?.bankCode).toBe('012');
    expect(institutionBySpeiKey('90646')?.name).toBe('STP');
    expect(institutionBySpeiKey('40999')).toBeUndefined();
    const keys = BANXICO_INSTITUTIONS.map((i) => i.speiKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const inst of BANXICO_INSTITUTIONS) {
      expect(inst.bankCode).toMatch(/^\d{3}$/);
      expect(inst.speiKey).toMatch(/^\d{5}$/);
      expect(inst.speiKey.endsWith(inst.bankCode)).toBe(true);
    }
  });
});
