import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({}, {});
    expect(c.port).toBe(3000);
    expect(c.sandboxPort).toBe(4000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.queueBackend).toBe('postgres');
    expect(c.sandboxUrl).toBe('http://127.0.0.1:4000');
    expect(c.corsOrigins).toEqual([]);
    expect(c.trustProxy).toEqual([]);
  });

  it('uses Redis for the queue when REDIS_URL is set', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, {}).queueBackend).toBe('redis');
  });

  it('lists every bad variable at once, by name', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', BODY_LIMIT_BYTES: '10' }, {});
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'PORT must be a whole number, got "eighty"',
      'DATABASE_URL must use postgres: or postgresql:, got "mysql:"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'BODY_LIMIT_BYTES must be between 1024 and 104857600, got 10',
    ]);
  });

  it('reads TRUST_PROXY as addresses, CIDRs or proxy-addr keywords, and names a bad entry', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }, {}).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'my-balancer' }, {})).toThrow(/TRUST_PROXY: "my-balancer"/);
  });

  it('requires an external database in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, {})).toThrow(/DATABASE_URL is required/);
  });

  it('accepts a DEV_API_KEY only in the API key format', () => {
    const key = `psk_0123456789ab_${'x'.repeat(32)}`;
    expect(loadConfig({ DEV_API_KEY: key }, {}).devApiKey).toBe(key);
    expect(() => loadConfig({ DEV_API_KEY: 'letmein' }, {})).toThrow(/DEV_API_KEY must have the form psk_/);
  });

  it('is frozen', () => {
    const c = loadConfig({}, {});
    expect(() => Object.assign(c, { port: 1 })).toThrow();
  });
});
