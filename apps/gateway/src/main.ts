import 'reflect-metadata';
import { ConfigError, loadConfig } from '#libs/config';
import { createGatewayApp } from './gateway.app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createGatewayApp(config);
  await app.listen(config.port, config.host);
}

main().catch((err: unknown) => {
  // Before the logger exists, a plain line is all we have; ConfigError lists every bad variable.
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
