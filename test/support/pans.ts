/** Luhn-valid test PANs `411111` + 9 digits from `base` upwards + check digit, a fresh one per call. */
export function luhnPans(base: number): () => string {
  let seq = 0;
  return () => {
    const body = `411111${String(base + seq++).slice(-9)}`;
    for (let d = 0; d <= 9; d++) {
      const candidate = body + d;
      let sum = 0;
      for (let i = 0; i < candidate.length; i++) {
        let x = Number(candidate[candidate.length - 1 - i]);
        if (i % 2 === 1) {
          x *= 2;
          if (x > 9) x -= 9;
        }
        sum += x;
      }
      if (sum % 10 === 0) return candidate;
    }
    throw new Error('unreachable');
  };
}
