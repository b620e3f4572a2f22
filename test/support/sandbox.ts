import type { DestinationStream } from 'pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { createSandboxApp } from '../../apps/sandbox/src/sandbox.app.js';
import { startGateway, type TestGateway } from './gateway.js';
import { freePort } from './processes.js';

export interface GatewayWithSandbox {
  gw: TestGateway;
  sandbox: NestFastifyApplication;
  sandboxUrl: string;
  /** `env` with SANDBOX_URL, for the other processes of the test (e.g. a worker). */
  env: Record<string, string>;
}

/**
 * A gateway and the sandbox it calls over HTTP. The sandbox's port is chosen first (the gateway's
 * SANDBOX_URL), then the sandbox starts knowing the gateway's URL (it POSTs its webhooks there).
 * The sandbox gets `env` too, with `sandboxEnv` over it.
 */
export async function startGatewayWithSandbox(env: Record<string, string> = {}, sandboxEnv: Record<string, string> = {}, sandboxLog?: DestinationStream): Promise<GatewayWithSandbox> {
  const port = await freePort();
  const sandboxUrl = `http://127.0.0.1:${port}`;
  const withSandbox = { ...env, SANDBOX_URL: sandboxUrl };
  const gw = await startGateway(withSandbox);
  const sandbox = await createSandboxApp(loadConfig({ ...withSandbox, GATEWAY_URL: gw.url, ...sandboxEnv }), sandboxLog);
  await sandbox.listen(port, '127.0.0.1');
  return { gw, sandbox, sandboxUrl, env: withSandbox };
}
