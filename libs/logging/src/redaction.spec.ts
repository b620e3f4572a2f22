import { Writable } from 'node:stream';
import { loadConfig } from '#libs/config';
import { createLogger } from './logger.js';
import { REDACTED, redactValue, scrubText } from './redaction.js';

const PAN = '4111111111111111';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('redaction', () => {
  it('replaces sensitive keys at any depth, snake or camel case', () => {
    const out = redactValue({
      card_number: PAN,
      nested: { deeper: { pin: '1234', newPin: '9999', cardNip: '0000', card_nip_confirm: '0000' } },
      list: [{ cvv: '123' }, { cvc: '456' }],
      card_security_code: '789',
      amount: '10.00',
    }) as any;
    expect(out.card_number).toBe(REDACTED);
    expect(out.nested.deeper).toEqual({ pin: REDACTED, newPin: REDACTED, cardNip: REDACTED, card_nip_confirm: REDACTED });
    expect(out.list).toEqual([{ cvv: REDACTED }, { cvc: REDACTED }]);
    expect(out.card_security_code).toBe(REDACTED);
    expect(out.amount).toBe('10.00');
  });

  it('redacts the card expiry the NIP calls carry (card_expiration / cardExpiration), in objects and embedded JSON', () => {
    expect(redactValue({ card_expiration: '1229', cardExpiration: '0130', card_nip_new: '4455' })).toEqual({ card_expiration: REDACTED, cardExpiration: REDACTED, card_nip_new: REDACTED });
    expect(scrubText(JSON.stringify({ msg: JSON.stringify({ card_expiration: '1229' }) }))).not.toContain('1229');
  });

  it('masks 13-19 digit runs in text, keeping the last four', () => {
    expect(scrubText(`paid with ${PAN} today`)).toBe('paid with ************1111 today');
    expect(scrubText('clabe 646180157000000004 ok')).toBe('clabe **************0004 ok');
    expect(scrubText('short 123456789012 stays')).toBe('short 123456789012 stays');
  });

  it('scrubs key/value pairs inside JSON embedded in a string', () => {
    const line = JSON.stringify({ msg: JSON.stringify({ pin: '1234', old_pin: 4321, ok: 'yes' }) });
    const out = scrubText(line);
    expect(out).not.toMatch(/1234|4321/);
    expect(out).toContain('ok');
  });

  it('a logger configured by createLogger never writes card data', () => {
    const sink = capture();
    const log = createLogger(loadConfig({ LOG_LEVEL: 'info' }, {}), 'spec', sink.stream);
    log.info({ body: { pan: PAN, pin: '1234', nip: '5678', cvv: '321', amount: '5.00' } }, `card ${PAN} charged`);
    const text = sink.text();
    expect(text).not.toContain(PAN);
    expect(text).not.toMatch(/"1234"|"5678"|"321"/);
    expect(text).toContain('5.00');
    expect(text).toContain('************1111');
  });
});
