import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '#libs/config';
import { createLogger, PinoNestLogger } from '#libs/logging';
import { SandboxModule } from './sandbox.module.js';

/** The sandbox app, without listening: main.ts and tests boot the same thing. */
export async function createSandboxApp(config: AppConfig, logDestination?: DestinationStream): Promise<NestFastifyApplication> {
  const logger = createLogger(config, 'sandbox', logDestination);
  const adapter = new FastifyAdapter({ loggerInstance: logger.child({ context: 'http' }), forceCloseConnections: true });
  const app = await NestFactory.create<NestFastifyApplication>(SandboxModule.forRoot(config), adapter, { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Pasarela provider sandbox')
      .setDescription('Simulators of NeCIPCo, STP, Credencial and BCS, faithful to their documents, with in-memory state.')
      .setVersion('1.0.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Pasarela sandbox' });
  return app;
}
