import { ConfigError, loadConfig } from '#libs/config';

describe('STP and Credencial configuration', () => {
  it('defaults to the sandbox paths and sandbox identities', () => {
    const c = loadConfig({}, {});
    expect(c.stpBaseUrl).toBe('http://127.0.0.1:4000/stp');
    expect(c.credencialBaseUrl).toBe('http://127.0.0.1:4000/credential');
    expect(c).toMatchObject({ stpEnterprise: 'PASARELA', stpEnterpriseId: 'pasarela-sandbox', stpPayerAccount: '646180123300000013', stpTrackingKeyPrefix: 'PASARELA', stpTimeoutMs: 10_000, credencialTimeoutMs: 10_000, credencialMaxRetries: 2 });
    expect(loadConfig({ SANDBOX_URL: 'http://sbx:9000/' }, {}).stpBaseUrl).toBe('http://sbx:9000/stp');
    expect(loadConfig({ STP_BASE_URL: 'https://stp.ictineoptf.com:8080/stp/' }, {}).stpBaseUrl).toBe('https://stp.ictineoptf.com:8080/stp');
  });

  it('names every bad STP / Credencial variable', () => {
    try {
      loadConfig({ STP_PAYER_ACCOUNT: '123', STP_TRACKING_KEY_PREFIX: 'bad-prefix', STP_BASE_URL: 'ftp://x', CREDENCIAL_MAX_RETRIES: '9', STP_TIMEOUT_MS: '5' }, {});
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const text = (e as ConfigError).problems.join('\n');
      for (const name of ['STP_PAYER_ACCOUNT', 'STP_TRACKING_KEY_PREFIX', 'STP_BASE_URL', 'CREDENCIAL_MAX_RETRIES', 'STP_TIMEOUT_MS']) expect(text).toContain(name);
    }
  });
});
