import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { QueueFactory } from './queue-factory.js';

@Global()
@Module({
  providers: [{ provide: QueueFactory, inject: [AppConfig], useFactory: (config: AppConfig) => new QueueFactory(config) }],
  exports: [QueueFactory],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(QueueFactory) private readonly queues: QueueFactory) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}
