/**
 * The Luhn (mod 10) check of card numbers: validating one, and computing the check digit that
 * completes a number (the sandboxes and tests make Luhn-valid card numbers with it).
 */

/** Luhn sum of `digits`; `checkDigitFollows` when the check digit is not part of them yet. */
function luhnSum(digits: string, checkDigitFollows: boolean): number {
  // Every second digit from the right is doubled, starting with the one left of the check digit.
  const doubled = checkDigitFollows ? 0 : 1;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** Whether the digits (check digit last) pass the Luhn check. */
export function luhnValid(digits: string): boolean {
  return luhnSum(digits, false) % 10 === 0;
}

/** The digit that, appended to `body`, makes it pass the Luhn check. */
export function luhnCheckDigit(body: string): string {
  return String((10 - (luhnSum(body, true) % 10)) % 10);
}
