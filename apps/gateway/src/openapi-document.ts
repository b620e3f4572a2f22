import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '#libs/config';
import { buildOpenApiDocument } from './common/openapi.js';
import { createGatewayApp } from './gateway.app.js';

/**
 * The OpenAPI document as the gateway serves it, built without touching Postgres or Redis
 * (providers connect lazily), for `npm run openapi` and the staleness test.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(
    { DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/openapi', REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent', NODE_ENV: 'development' },
    {},
  );
  const app = await createGatewayApp(config);
  try {
    // The same builder whose result the gateway serves at /docs-json.
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Stable text: two-space JSON and a final newline, as committed in openapi.json. */
export function serializeOpenApi(doc: OpenAPIObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
