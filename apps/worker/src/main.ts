import 'reflect-metadata';
import { ConfigError, loadConfig } from '#libs/config';
import { createWorkerApp } from './worker.app.js';

createWorkerApp(loadConfig()).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
