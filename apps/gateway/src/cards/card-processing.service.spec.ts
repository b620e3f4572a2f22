import { PROCESSOR_STATUS_TO_CARD, transactionIdFor } from './card-processing.service.js';

describe('CardProcessingService helpers', () => {
  it('maps every processor status to a distinct card status (so a card status maps back to one processor status)', () => {
    const values = Object.values(PROCESSOR_STATUS_TO_CARD);
    expect(new Set(values).size).toBe(values.length);
    expect(PROCESSOR_STATUS_TO_CARD).toMatchObject({ active: 'ACTIVE', blocked: 'TEMPORARY_INACTIVE', cancelled: 'CANCELED' });
  });

  it('derives the NIP transaction id from the caller and its Idempotency-Key: digits, stable, distinct per key and per caller', () => {
    const a = transactionIdFor('key-a', 'idem-1');
    expect(a).toMatch(/^\d{18,20}$/);
    expect(transactionIdFor('key-a', ' idem-1 ')).toBe(a);
    expect(transactionIdFor('key-a', 'idem-2')).not.toBe(a);
    expect(transactionIdFor('key-b', 'idem-1')).not.toBe(a);
  });
});
