// Prisma CLI configuration. Only `prisma generate` is used: migrations are applied by
// scripts/migrate.ts, so the CLI never needs a database URL or the downloaded schema engine.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: './prisma/schema.prisma',
});
