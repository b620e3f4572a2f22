import { loadConfig } from '#libs/config';
import { bcsOptionsFromConfig } from './bcs.module.js';

describe('BCS configuration', () => {
  it('defaults to the sandbox: base URL under SANDBOX_URL, sandbox credentials and the document\'s invoker examples', () => {
    const o = bcsOptionsFromConfig(loadConfig({ SANDBOX_URL: 'http://127.0.0.1:4555' }, {}));
    expect(o).toMatchObject({ baseUrl: 'http://127.0.0.1:4555/cards-management/v1', clientId: '154-111-1111-222', accessToken: 'sandbox-token', timeoutMs: 10_000 });
    expect(o.invoker).toMatchObject({ Channel: '007', BranchId: '1102', ATMId: '1102', Country: 'CO' });
    expect(o.invoker).not.toHaveProperty('TerminalId'); // no value, no header
  });

  it('reads BCS_* overrides and rejects a bad cipher key or base URL', () => {
    const o = bcsOptionsFromConfig(loadConfig({ BCS_BASE_URL: 'https://bcs.example/cards-management/v1/', BCS_CLIENT_ID: 'x', BCS_INVOKER_CHANNEL: '012', BCS_INVOKER_TERMINAL_ID: 'T1' }, {}));
    expect(o).toMatchObject({ baseUrl: 'https://bcs.example/cards-management/v1', clientId: 'x', invoker: { Channel: '012', TerminalId: 'T1' } });
    expect(() => loadConfig({ BCS_CIPHER_KEY: 'abc' }, {})).toThrow(/BCS_CIPHER_KEY/);
    expect(() => loadConfig({ BCS_BASE_URL: 'ftp://x' }, {})).toThrow(/BCS_BASE_URL/);
    expect(() => loadConfig({ BCS_TIMEOUT_MS: '5' }, {})).toThrow(/BCS_TIMEOUT_MS/);
  });
});
