import { ValidationError } from '#libs/domain';
import { assertNoProblems, checkCreateClabe, checkTransfer, isRfcOrCurp, isStpBirthDate, luhnValid } from './stp.validation.js';

const today = new Date('2026-01-15T00:00:00Z');

/** The document's curl example, with its country_of_birth. */
const clabeExample = {
  enterprise_id: '6c4a-ye2y-23h2-y38g', account_id: '232313223', name: 'Enrique', last_name: 'Martinez', second_lastname: 'Gomez',
  birth_date: '19860228', gender: 'H', rfc_or_curp: 'MAGL860228TF3', federal_entity: '1', economy_activity: '30', personal_id: '3313476042',
  street: 'Polanco', outdoor_number: '254', interior_number: '1', suburb: 'Lomas de chapultepec', municipality: 'Miguel Hidalgo',
  zip_code: '01100', country_of_birth: '1', email: 'enrique@medici-satoshi.com', phone: '5513673221',
};

/** The document's SPEI OUT example with a valid payer CLABE (its own has a wrong check digit). */
const transferExample = {
  payer_account: '646180123300000408', beneficiary_name: 'LUIS TRUTIE RODRIGUEZ', beneficiary_account: '012180029588856995',
  beneficiary_account_type: '40', counterpart_institution: '40012', beneficiary_rfc_curp: 'ND', amount: '5.04',
  payment_concept: 'Envio de SPEI', numeric_reference: '12345', tracking_key: 'ICTINEO000000001', enterprise: 'ICTINEO',
};

const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('STP validation: create CLABE account', () => {
  it('accepts the document example', () => {
    expect(checkCreateClabe(clabeExample, today)).toEqual([]);
  });

  it.each(['enterprise_id', 'account_id', 'name', 'last_name', 'birth_date', 'rfc_or_curp', 'federal_entity', 'economy_activity', 'country_of_birth'])(
    'requires %s',
    (field) => {
      const { [field]: _omit, ...rest } = clabeExample as Record<string, string>;
      expect(checkCreateClabe(rest, today)).toEqual([{ field, message: `${field} is required` }]);
    },
  );

  it.each(['second_lastname', 'gender', 'personal_id', 'street', 'outdoor_number', 'interior_number', 'suburb', 'municipality', 'zip_code', 'email', 'phone'])(
    '%s is optional',
    (field) => {
      const { [field]: _omit, ...rest } = clabeExample as Record<string, string>;
      expect(checkCreateClabe(rest, today)).toEqual([]);
    },
  );

  it.each([
    ['gender', 'X'],
    ['birth_date', '1986-02-28'],
    ['birth_date', '19860230'],
    ['birth_date', '20270101'],
    ['rfc_or_curp', 'ABC123'],
    ['federal_entity', '33'],
    ['economy_activity', 'abc'],
    ['country_of_birth', '0'],
    ['zip_code', '1100'],
    ['phone', '55-1367-3221'],
    ['email', 'nope'],
    ['name', 'Enrique2'],
    ['name', 'E'.repeat(51)],
    ['account_id', 'has spaces'],
    ['personal_id', 'X'.repeat(21)],
  ])('rejects %s = %p', (field, value) => {
    expect(fields(checkCreateClabe({ ...clabeExample, [field]: value }, today))).toEqual([field]);
  });

  it('accepts a CURP and lowercase RFCs', () => {
    expect(isRfcOrCurp('LOAA900131MDFPNN09')).toBe(true);
    expect(isRfcOrCurp('magl860228tf3')).toBe(true);
    expect(isRfcOrCurp('ABC860228TF3')).toBe(false); // company RFC: not for a physical person
    expect(isRfcOrCurp('ABC860228TF3', { allowCompanyRfc: true })).toBe(true);
  });

  it('birth dates are real past dates', () => {
    expect(isStpBirthDate('20000229', today)).toBe(true);
    expect(isStpBirthDate('19000229', today)).toBe(false);
    expect(isStpBirthDate('18991231', today)).toBe(false);
  });
});

describe('STP validation: SPEI OUT', () => {
  it('accepts the document example (with a valid payer CLABE)', () => {
    expect(checkTransfer(transferExample)).toEqual([]);
  });

  it('flags the document example payer account, whose check digit is wrong', () => {
    expect(fields(checkTransfer({ ...transferExample, payer_account: '646420123300000000' }))).toEqual(['payer_account']);
  });

  it.each(Object.keys(transferExample))('requires %s', (field) => {
    const { [field]: _omit, ...rest } = transferExample as Record<string, string>;
    expect(fields(checkTransfer(rest))).toContain(field);
  });

  it.each([
    ['amount', '0.00'],
    ['amount', '1000000000000.00'],
    ['amount', '5.041'],
    ['amount', '-5.04'],
    ['amount', '5,04'],
    ['payer_account', '012180029588856995'],
    ['beneficiary_account_type', '41'],
    ['counterpart_institution', '40999'],
    ['counterpart_institution', '40072'],
    ['beneficiary_rfc_curp', 'XX'],
    ['payment_concept', 'x'.repeat(41)],
    ['numeric_reference', '12345678'],
    ['tracking_key', 'ICTINEO-0001'],
    ['tracking_key', 'A'.repeat(31)],
    ['beneficiary_name', 'N'.repeat(41)],
  ])('rejects %s = %p', (field, value) => {
    expect(fields(checkTransfer({ ...transferExample, [field]: value }))).toEqual([field]);
  });

  it('accepts the maximum amount and a JSON number amount', () => {
    expect(checkTransfer({ ...transferExample, amount: '999999999999.99' })).toEqual([]);
    expect(checkTransfer({ ...transferExample, amount: 5.04 })).toEqual([]);
  });

  it('checks the account by its type', () => {
    expect(checkTransfer({ ...transferExample, beneficiary_account_type: '3', beneficiary_account: '4111111111111111' })).toEqual([]);
    expect(fields(checkTransfer({ ...transferExample, beneficiary_account_type: '3', beneficiary_account: '4111111111111112' }))).toEqual(['beneficiary_account']);
    expect(checkTransfer({ ...transferExample, beneficiary_account_type: '10', beneficiary_account: '5512345678' })).toEqual([]);
    expect(fields(checkTransfer({ ...transferExample, beneficiary_account_type: '10', beneficiary_account: '551234567' }))).toEqual(['beneficiary_account']);
    const corrupted = '012180029588856996';
    const problems = checkTransfer({ ...transferExample, beneficiary_account: corrupted });
    expect(fields(problems)).toEqual(['beneficiary_account']);
    expect(JSON.stringify(problems)).not.toContain(corrupted);
  });

  it('luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('assertNoProblems throws one ValidationError with every problem', () => {
    const problems = checkTransfer({ ...transferExample, amount: '0', numeric_reference: 'x' });
    expect(() => assertNoProblems(problems)).toThrow(ValidationError);
    try {
      assertNoProblems(problems);
    } catch (e) {
      const err = e as ValidationError;
      expect(err.details).toEqual({ field: 'amount', errors: problems });
      expect(err.message).toMatch(/^amount .*\(and 1 more\)$/);
    }
    expect(() => assertNoProblems([])).not.toThrow();
  });
});
