import { luhnCheckDigit } from '#libs/domain';

/** Luhn-valid test PANs `411111` + 9 digits from `base` upwards + check digit, a fresh one per call. */
export function luhnPans(base: number): () => string {
  let seq = 0;
  return () => {
    const body = `411111${String(base + seq++).slice(-9)}`;
    return body + luhnCheckDigit(body);
  };
}
