import { inspect } from 'node:util';
import { isPanRef, maskPan, SensitiveValue } from './card-data.js';

describe('card data', () => {
  it('a SensitiveValue never prints, serializes or inspects its value', () => {
    const pan = SensitiveValue.pan('5064110000000018');
    expect(JSON.stringify({ pan })).toBe('{"pan":"[REDACTED]"}');
    expect(`${pan}`).toBe('[sensitive pan]');
    expect(inspect({ pan })).not.toContain('5064110000000018');
    expect(pan.reveal()).toBe('5064110000000018');
  });

  it('masks PANs to the last four digits', () => {
    expect(maskPan('5064110000000018')).toBe('************0018');
    expect(maskPan('1234')).toBe('************1234');
  });

  it('tells PAN references from card ids', () => {
    expect(isPanRef({ pan: SensitiveValue.pan('1') })).toBe(true);
    expect(isPanRef({ cardId: 'x' })).toBe(false);
  });
});
