import { ConfigError, loadConfig } from '#libs/config';
import { generateRsaKeyPair } from './necipco.crypto.js';
import { necipcoOptionsFromConfig } from './necipco.module.js';

describe('NeCIPCo configuration', () => {
  it('defaults to the sandbox with sandbox / sandbox and OAEP-SHA256', () => {
    const o = necipcoOptionsFromConfig(loadConfig({ SANDBOX_URL: 'http://127.0.0.1:4000/' }, {}));
    expect(o).toMatchObject({ baseUrl: 'http://127.0.0.1:4000/necipco/v1', apiKey: 'sandbox', password: 'sandbox', padding: 'oaep-sha256', registerPublicKey: true });
    expect(o.privateKey).toBeUndefined();
    expect(o.systemPublicKey).toBeUndefined();
  });

  it('takes PEM keys with \\n escapes', () => {
    const { privateKey, publicKey } = generateRsaKeyPair();
    const oneLine = (pem: string) => pem.replace(/\n/g, '\\n');
    const c = loadConfig(
      {
        NECIPCO_PRIVATE_KEY: oneLine(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
        NECIPCO_SYSTEM_PUBLIC_KEY: oneLine(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
        NECIPCO_RSA_PADDING: 'pkcs1',
        NECIPCO_BASE_URL: 'https://necipco.example/v1',
      },
      {},
    );
    expect(c.necipcoPrivateKey).toContain('-----BEGIN PRIVATE KEY-----\n');
    expect(c.necipcoSystemPublicKey).toContain('-----BEGIN PUBLIC KEY-----\n');
    expect(c.necipcoRsaPadding).toBe('pkcs1');
    expect(c.necipcoBaseUrl).toBe('https://necipco.example/v1');
  });

  it('names every bad NeCIPCo variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ NECIPCO_PRIVATE_KEY: 'nope', NECIPCO_SYSTEM_PUBLIC_KEY: 'nope', NECIPCO_RSA_PADDING: 'none', NECIPCO_BASE_URL: 'ftp://x' }, {});
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        'NECIPCO_PRIVATE_KEY is not a valid PEM private key',
        'NECIPCO_SYSTEM_PUBLIC_KEY is not a valid PEM public key',
        expect.stringContaining('NECIPCO_RSA_PADDING must be one of'),
        expect.stringContaining('NECIPCO_BASE_URL must use'),
      ]),
    );
  });
});
