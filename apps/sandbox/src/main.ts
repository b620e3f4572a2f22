import 'reflect-metadata';
import { ConfigError, loadConfig } from '#libs/config';
import { createSandboxApp } from './sandbox.app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createSandboxApp(config);
  await app.listen(config.sandboxPort, config.host);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
