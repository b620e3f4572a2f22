/** Money in integer centavos. Never a float anywhere on the way in or out. */
export type Currency = 'MXN' | 'USD';

export class InvalidAmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAmountError';
  }
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,2}))?$/;

export class Money {
  private constructor(
    readonly centavos: bigint,
    readonly currency: Currency,
  ) {}

  static ofCentavos(centavos: bigint, currency: Currency = 'MXN'): Money {
    return new Money(centavos, currency);
  }

  /**
   * Parses a decimal amount exactly ("150", "150.5", "150.50"). Numbers are accepted only
   * because providers send them; they go through their shortest string form, never arithmetic.
   */
  static parse(value: string | number, currency: Currency = 'MXN'): Money {
    let text: string;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new InvalidAmountError(`amount ${value} is not a finite number`);
      text = String(value);
      if (/e/i.test(text)) throw new InvalidAmountError(`amount ${text} is out of range`);
    } else {
      text = value.trim();
    }
    const m = DECIMAL.exec(text);
    if (!m) {
      if (/^-?\d+\.\d{3,}$/.test(text)) {
        throw new InvalidAmountError(`amount "${text}" has more than 2 decimals`);
      }
      throw new InvalidAmountError(`amount "${text}" is not a decimal number with at most 2 decimals`);
    }
    const [, sign, whole, frac = ''] = m;
    const centavos = BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0'));
    return new Money(sign ? -centavos : centavos, currency);
  }

  /** "150.00" — two places, always. */
  toDecimalString(): string {
    const neg = this.centavos < 0n;
    const abs = neg ? -this.centavos : this.centavos;
    const whole = abs / 100n;
    const frac = (abs % 100n).toString().padStart(2, '0');
    return `${neg ? '-' : ''}${whole}.${frac}`;
  }

  add(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.centavos + other.centavos, this.currency);
  }

  subtract(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.centavos - other.centavos, this.currency);
  }

  isPositive(): boolean {
    return this.centavos > 0n;
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.centavos === other.centavos;
  }

  toJSON(): string {
    return this.toDecimalString();
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new InvalidAmountError(`cannot combine ${this.currency} with ${other.currency}`);
    }
  }
}
