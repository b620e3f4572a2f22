import { generateApiKey, hasScopes, hashSecret, parseApiKey, secretMatches } from './api-key.js';

describe('API keys', () => {
  it('generates keys that parse back to their prefix and match only their own hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    const parsed = parseApiKey(a.key)!;
    expect(parsed.prefix).toBe(a.prefix);
    expect(secretMatches(parsed.secret, a.secretHash)).toBe(true);
    expect(secretMatches(parsed.secret, b.secretHash)).toBe(false);
    expect(a.secretHash).toBe(hashSecret(parsed.secret));
    expect(a.secretHash).not.toContain(parsed.secret);
  });

  it.each(['', 'psk_', 'psk_XYZ_secret', 'sk_live_abc', 'psk_0123456789ab_short'])('rejects malformed key %p', (k) => {
    expect(parseApiKey(k)).toBeUndefined();
  });

  it('admin implies every scope; otherwise all required scopes must be granted', () => {
    expect(hasScopes(['admin'], ['cards:write', 'spei:write'])).toBe(true);
    expect(hasScopes(['cards:write'], ['cards:write'])).toBe(true);
    expect(hasScopes(['cards:read'], ['cards:write'])).toBe(false);
    expect(hasScopes(['cards:write'], ['cards:write', 'spei:write'])).toBe(false);
    expect(hasScopes([], [])).toBe(true);
  });
});
