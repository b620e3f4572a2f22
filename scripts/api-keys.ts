import 'reflect-metadata';
import path from 'node:path';
import { loadConfig } from '#libs/config';
import { DatabasePool, migrate, PrismaService, resolveDatabase } from '#libs/database';
import { SCOPES } from '../apps/gateway/src/auth/api-key.js';
import { ApiKeysService } from '../apps/gateway/src/auth/api-keys.service.js';

const USAGE = `Usage:
  npm run api-keys -- create --name <name> --scopes <scope,scope…>
  npm run api-keys -- list
  npm run api-keys -- revoke <id|prefix>

Scopes: ${SCOPES.join(', ')}
Uses DATABASE_URL, or the embedded Postgres of \`npm start\`.`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command || command === '--help' || !['create', 'list', 'revoke'].includes(command)) {
    process.stdout.write(`${USAGE}\n`);
    return command && command !== '--help' ? 2 : 0;
  }
  const config = loadConfig();
  const db = await resolveDatabase(config);
  const pool = new DatabasePool(db.url, 2);
  const prisma = new PrismaService(pool);
  try {
    await migrate(db.url, path.resolve('prisma/migrations'));
    const keys = new ApiKeysService(prisma);
    if (command === 'create') {
      const name = flag(args, 'name');
      const scopes = (flag(args, 'scopes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!name) throw new Error('--name is required');
      const { key, apiKey } = await keys.create(name, scopes);
      process.stdout.write(`created ${apiKey.id} (${apiKey.name}) scopes=${apiKey.scopes.join(',')}\nkey: ${key}\nThe key is shown once; store it now.\n`);
    } else if (command === 'list') {
      for (const k of await keys.list()) {
        process.stdout.write(`${k.id}  ${k.prefix}  ${k.revokedAt ? 'REVOKED' : 'active '}  ${k.name}  [${k.scopes.join(',')}]  last used ${k.lastUsedAt?.toISOString() ?? 'never'}\n`);
      }
    } else {
      const id = args[0];
      if (!id) throw new Error('revoke needs an id or prefix');
      const k = await keys.revoke(id);
      process.stdout.write(`revoked ${k.id} (${k.name}) at ${k.revokedAt!.toISOString()}\n`);
    }
    return 0;
  } finally {
    await prisma.$disconnect();
    await pool.close();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`api-keys: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
