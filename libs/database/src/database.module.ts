import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { DatabasePool } from './database-pool.js';
import { PrismaService } from './prisma.service.js';

@Global()
@Module({
  providers: [
    {
      provide: DatabasePool,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.databaseUrl) {
          throw new Error('DATABASE_URL is not set: start the apps with `npm start`, which provides one, or set it');
        }
        return new DatabasePool(config.databaseUrl, config.databasePoolSize);
      },
    },
    { provide: PrismaService, inject: [DatabasePool], useFactory: (pool: DatabasePool) => new PrismaService(pool) },
  ],
  exports: [DatabasePool, PrismaService],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(DatabasePool) private readonly pool: DatabasePool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.close();
  }
}
