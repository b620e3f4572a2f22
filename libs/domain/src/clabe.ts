/**
 * CLABE (Clave Bancaria Estandarizada): 18 digits =
 *   3 bank code (ABM / Banxico) + 3 plaza + 11 account + 1 check digit.
 * The check digit: weights 3,7,1 repeated over the first 17 digits, each product taken mod 10,
 * summed; check = (10 - sum mod 10) mod 10.
 *
 * Every CLABE Pasarela accepts or sends goes through `Clabe.parse` (length, digits, known bank
 * code, check digit). Our own implementation, so no dependency to keep up to date but the bank
 * catalogue below.
 */
import { ValidationError } from './errors.js';

/** A SPEI participant: the 3-digit CLABE bank code and its 5-digit Banxico institution key. */
export interface BanxicoInstitution {
  /** First 3 digits of the institution's CLABEs. */
  readonly bankCode: string;
  /** Banxico SPEI institution key ("Catalog of Institutions", e.g. STP `counterpart_institution` 40012). */
  readonly speiKey: string;
  readonly name: string;
}

/**
 * Bank codes from the Banxico / ABM lists (SPEI participants). Key prefix: 40 = banca múltiple,
 * 37 = banca de desarrollo, 90 = other SPEI participants (casas de bolsa, SOFOMs, IFPEs...).
 * 8xx codes are secondary CLABE prefixes some banks use; they route to the primary key.
 * Keep it current against https://www.banxico.org.mx/cep-scl/listaInstituciones.do.
 */
const INSTITUTIONS: ReadonlyArray<readonly [bankCode: string, speiKey: string, name: string]> = [
  ['002', '40002', 'BANAMEX'],
  ['006', '37006', 'BANCOMEXT'],
  ['009', '37009', 'BANOBRAS'],
  ['012', '40012', 'BBVA MEXICO'],
  ['014', '40014', 'SANTANDER'],
  ['019', '37019', 'BANJERCITO'],
  ['021', '40021', 'HSBC'],
  ['030', '40030', 'BAJIO'],
  ['032', '40032', 'IXE'],
  ['036', '40036', 'INBURSA'],
  ['037', '40037', 'INTERACCIONES'],
  ['042', '40042', 'MIFEL'],
  ['044', '40044', 'SCOTIABANK'],
  ['058', '40058', 'BANREGIO'],
  ['059', '40059', 'INVEX'],
  ['060', '40060', 'BANSI'],
  ['062', '40062', 'AFIRME'],
  ['072', '40072', 'BANORTE'],
  ['102', '40102', 'ACCENDO BANCO'],
  ['103', '40103', 'AMERICAN EXPRESS'],
  ['106', '40106', 'BANK OF AMERICA'],
  ['108', '40108', 'MUFG'],
  ['110', '40110', 'JP MORGAN'],
  ['112', '40112', 'MONEX'],
  ['113', '40113', 'VE POR MAS'],
  ['116', '40116', 'ING'],
  ['124', '40124', 'CITI MEXICO'],
  ['126', '40126', 'CREDIT SUISSE'],
  ['127', '40127', 'AZTECA'],
  ['128', '40128', 'AUTOFIN'],
  ['129', '40129', 'BARCLAYS'],
  ['130', '40130', 'COMPARTAMOS'],
  ['131', '40131', 'FAMSA'],
  ['132', '40132', 'MULTIVA BANCO'],
  ['133', '40133', 'ACTINVER'],
  ['134', '40134', 'WAL-MART'],
  ['135', '37135', 'NAFIN'],
  ['136', '40136', 'INTERCAM BANCO'],
  ['137', '40137', 'BANCOPPEL'],
  ['138', '40138', 'ABC CAPITAL'],
  ['139', '40139', 'UBS BANK'],
  ['140', '40140', 'CONSUBANCO'],
  ['141', '40141', 'VOLKSWAGEN'],
  ['143', '40143', 'CIBANCO'],
  ['145', '40145', 'BBASE'],
  ['147', '40147', 'BANKAOOL'],
  ['148', '40148', 'PAGATODO'],
  ['150', '40150', 'INMOBILIARIO'],
  ['151', '40151', 'DONDE'],
  ['152', '40152', 'BANCREA'],
  ['154', '40154', 'BANCO COVALTO'],
  ['155', '40155', 'ICBC'],
  ['156', '40156', 'SABADELL'],
  ['157', '40157', 'SHINHAN'],
  ['158', '40158', 'MIZUHO BANK'],
  ['159', '40159', 'BANK OF CHINA'],
  ['160', '40160', 'BANCO S3'],
  ['166', '37166', 'BANCO DEL BIENESTAR'],
  ['167', '40167', 'HEY BANCO'],
  ['168', '37168', 'HIPOTECARIA FEDERAL'],
  ['600', '90600', 'MONEXCB'],
  ['601', '90601', 'GBM'],
  ['602', '90602', 'MASARI'],
  ['605', '90605', 'VALUE'],
  ['606', '90606', 'ESTRUCTURADORES'],
  ['608', '90608', 'VECTOR'],
  ['613', '90613', 'MULTIVA CBOLSA'],
  ['616', '90616', 'FINAMEX'],
  ['617', '90617', 'VALMEX'],
  ['618', '90618', 'UNICA'],
  ['619', '90619', 'MAPFRE'],
  ['620', '90620', 'PROFUTURO'],
  ['621', '90621', 'CB ACTINVER'],
  ['622', '90622', 'OACTIN'],
  ['623', '90623', 'SKANDIA VIDA'],
  ['626', '90626', 'CBDEUTSCHE'],
  ['627', '90627', 'ZURICH'],
  ['628', '90628', 'ZURICHVI'],
  ['629', '90629', 'SU CASITA'],
  ['630', '90630', 'CB INTERCAM'],
  ['631', '90631', 'CI BOLSA'],
  ['632', '90632', 'BULLTICK CB'],
  ['633', '90633', 'STERLING'],
  ['634', '90634', 'FINCOMUN'],
  ['636', '90636', 'HDI SEGUROS'],
  ['637', '90637', 'ORDER'],
  ['638', '90638', 'NU MEXICO'],
  ['640', '90640', 'CB JPMORGAN'],
  ['642', '90642', 'REFORMA'],
  ['646', '90646', 'STP'],
  ['647', '90647', 'TELECOMM'],
  ['648', '90648', 'EVERCORE'],
  ['649', '90649', 'SKANDIA'],
  ['651', '90651', 'SEGMTY'],
  ['652', '90652', 'ASEA'],
  ['653', '90653', 'KUSPIT'],
  ['655', '90655', 'SOFIEXPRESS'],
  ['656', '90656', 'UNAGRA'],
  ['659', '90659', 'OPCIONES EMPRESARIALES DEL NOROESTE'],
  ['661', '90661', 'KLAR'],
  ['670', '90670', 'LIBERTAD'],
  ['674', '90674', 'AXA'],
  ['677', '90677', 'CAJA POP MEXICA'],
  ['679', '90679', 'FND'],
  ['680', '90680', 'CRISTOBAL COLON'],
  ['683', '90683', 'CAJA TELEFONIST'],
  ['684', '90684', 'TRANSFER'],
  ['685', '90685', 'FONDO (FIRA)'],
  ['686', '90686', 'INVERCAP'],
  ['688', '90688', 'CREDICLUB'],
  ['689', '90689', 'FOMPED'],
  ['699', '90699', 'FONDEADORA'],
  ['703', '90703', 'TESORED'],
  ['706', '90706', 'ARCUS'],
  ['710', '90710', 'NVIO'],
  ['721', '90721', 'ALBO'],
  ['722', '90722', 'MERCADO PAGO W'],
  ['723', '90723', 'CUENCA'],
  ['728', '90728', 'SPIN BY OXXO'],
  ['732', '90732', 'PEIBO'],
  ['734', '90734', 'FINCO PAY'],
  ['812', '40012', 'BBVA MEXICO'],
  ['814', '40014', 'SANTANDER'],
  ['821', '40021', 'HSBC'],
  ['846', '90646', 'STP'],
  ['901', '90901', 'CLS'],
  ['902', '90902', 'INDEVAL'],
  ['903', '90903', 'CODI VALIDA'],
];

const BY_BANK_CODE: ReadonlyMap<string, BanxicoInstitution> = new Map(
  INSTITUTIONS.map(([bankCode, speiKey, name]) => [bankCode, Object.freeze({ bankCode, speiKey, name })]),
);

/** Unique SPEI institutions (one per 5-digit key; the first bank code listed for it). */
const BY_SPEI_KEY: ReadonlyMap<string, BanxicoInstitution> = (() => {
  const m = new Map<string, BanxicoInstitution>();
  for (const inst of BY_BANK_CODE.values()) if (!m.has(inst.speiKey)) m.set(inst.speiKey, inst);
  return m;
})();

export const BANXICO_INSTITUTIONS: readonly BanxicoInstitution[] = Object.freeze([...BY_SPEI_KEY.values()]);

export function institutionByBankCode(bankCode: string): BanxicoInstitution | undefined {
  return BY_BANK_CODE.get(bankCode);
}

export function institutionBySpeiKey(speiKey: string): BanxicoInstitution | undefined {
  return BY_SPEI_KEY.get(speiKey);
}

const WEIGHTS = [3, 7, 1] as const;

export type ClabeProblem = 'length' | 'digits' | 'bank_code' | 'check_digit';

export class Clabe {
  private constructor(readonly value: string) {}

  /** The check digit for the first 17 digits (3-7-1 weights, products mod 10). */
  static checkDigit(first17: string): number {
    if (!/^\d{17}$/.test(first17)) throw new ValidationError('a CLABE check digit needs exactly 17 digits');
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += (Number(first17[i]) * WEIGHTS[i % 3]!) % 10;
    return (10 - (sum % 10)) % 10;
  }

  /** Why a text is not a valid CLABE, or undefined when it is. Never echoes the digits. */
  static problem(text: string): ClabeProblem | undefined {
    if (typeof text !== 'string' || !/^\d*$/.test(text)) return 'digits';
    if (text.length !== 18) return 'length';
    if (!BY_BANK_CODE.has(text.slice(0, 3))) return 'bank_code';
    if (Clabe.checkDigit(text.slice(0, 17)) !== Number(text[17])) return 'check_digit';
    return undefined;
  }

  static isValid(text: string): boolean {
    return Clabe.problem(text) === undefined;
  }

  /**
   * Parses a CLABE or throws ValidationError naming `field` and the reason (never the value).
   */
  static parse(text: string, field = 'clabe'): Clabe {
    const problem = Clabe.problem(text);
    if (problem) {
      const reason: Record<ClabeProblem, string> = {
        length: 'must be exactly 18 digits',
        digits: 'must contain digits only',
        bank_code: 'has an unknown bank code',
        check_digit: 'has a wrong check digit',
      };
      throw new ValidationError(`${field} ${reason[problem]}`, { field, reason: `clabe_${problem}` }, 'invalid_clabe');
    }
    return new Clabe(text);
  }

  /** Builds a valid CLABE from bank code (3), plaza (3) and account (11 digits, zero-padded). */
  static compose(bankCode: string, plaza: string, account: string | bigint): Clabe {
    const acc = String(account).padStart(11, '0');
    const first17 = `${bankCode}${plaza}${acc}`;
    if (!/^\d{3}$/.test(bankCode) || !/^\d{3}$/.test(plaza) || !/^\d{11}$/.test(acc)) {
      throw new ValidationError('a CLABE is composed of a 3-digit bank code, a 3-digit plaza and an 11-digit account');
    }
    return Clabe.parse(`${first17}${Clabe.checkDigit(first17)}`);
  }

  get bankCode(): string {
    return this.value.slice(0, 3);
  }

  get plaza(): string {
    return this.value.slice(3, 6);
  }

  get accountNumber(): string {
    return this.value.slice(6, 17);
  }

  get institution(): BanxicoInstitution {
    return BY_BANK_CODE.get(this.bankCode)!;
  }

  equals(other: Clabe): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }

  toJSON(): string {
    return this.value;
  }
}
