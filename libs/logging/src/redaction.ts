/**
 * Card data never reaches a log line. Two layers:
 * 1. keys: any object key naming card data (snake or camel case, any depth) has its value replaced;
 * 2. text: the final serialized line is scrubbed of 13–19 digit runs (PAN-like) and of
 *    `"pin":"…"`-style pairs inside embedded JSON strings, which the key walk cannot see.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY = /^(card_?number|pan|pin|nip|cvc|cvv2?|card_?security_?code|old_?pin|new_?pin|current_?pin|authentication_?info|card_?nip\w*|card_?expiration|clear_?pan|track_?data|authorization|x-api-key|password|client_?secret|secret)$/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

const MAX_DEPTH = 8;

export function redactValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSensitiveKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

const PAN_LIKE = /(?<![0-9])[0-9]{13,19}(?![0-9])/g;
// "pin":"1234" or \"pin\":\"1234\" (JSON inside a JSON string), also numbers.
const EMBEDDED_PAIR =
  /(\\?"(?:card_?number|pan|pin|nip|cvc|cvv2?|card_?security_?code|old_?pin|new_?pin|current_?pin|authentication_?info|card_?nip\w*|card_?expiration)\\?"\s*:\s*)(\\?"[^"\\]*\\?"|[0-9]+)/gi;

export function scrubText(line: string): string {
  return line.replace(EMBEDDED_PAIR, `$1"${REDACTED}"`).replace(PAN_LIKE, (d) => `${'*'.repeat(d.length - 4)}${d.slice(-4)}`);
}
