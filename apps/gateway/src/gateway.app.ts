import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { createLogger, PinoNestLogger } from '#libs/logging';
import type { AppConfig } from '#libs/config';
import { mountQueuesBoard } from './admin-queues/queues-board.js';
import { AppModule, type GatewayOptions } from './app.module.js';
import { buildOpenApiDocument } from './common/openapi.js';
import { createValidationPipe } from './common/validation.js';
import { ShutdownState } from './health/shutdown-state.js';
import { MetricsService } from './metrics/metrics.service.js';
import './webhooks/raw-body.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the gateway without listening, so main.ts and the tests boot the very same app.
 */
export async function createGatewayApp(config: AppConfig, options: GatewayOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Behind a load balancer the client's address is in X-Forwarded-For, believed only from the proxies named.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    // A caller's X-Request-Id becomes the correlation id when it is sane; otherwise we make one.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Idle keep-alive sockets close at shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const logger = createLogger(config, 'gateway', options.logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, { logger }), adapter, { bufferLogs: true, rawBody: true });
  app.useLogger(new PinoNestLogger(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['x-request-id', 'idempotent-replayed', 'retry-after'] });

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const shutdown = app.get(ShutdownState);
  // Callback-style hooks: an async one costs a promise per request on the hot webhook routes.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  // During shutdown, a response that finishes an in-flight request also closes its keep-alive
  // socket; otherwise the server would wait on the idle connection until the client drops it.
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (shutdown.stopping) void reply.header('connection', 'close');
    done(null, payload);
  });
  const log = logger.child({ context: 'http' });
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.observe(req.method, route, status, reply.elapsedTime / 1000);
    if (!route.startsWith('/health') && route !== '/metrics') {
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      log[level]({ request_id: req.id, method: req.method, url: req.url, route, status, ms: Math.round(reply.elapsedTime * 10) / 10, api_key_id: req.apiKey?.id }, 'request completed');
    }
    done();
  });

  // Plain Fastify routes, so they stay out of the OpenAPI document built from Nest's controllers.
  await mountQueuesBoard(app);

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Pasarela API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true, tryItOutEnabled: true },
  });
  return app;
}
