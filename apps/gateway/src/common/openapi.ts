import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Problem } from './problem.js';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseEntry = Operation['responses'][string];
type HeadersObject = Record<string, { description: string; schema: Record<string, unknown> }>;

export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description: 'Unique per intended operation (a UUID is ideal). Retrying with the same key and body replays the first response; another body with the same key is a 409.',
  schema: { type: 'string', maxLength: 255, example: '4f9d3c1e-8a7b-4c2d-9e1f-0a1b2c3d4e5f' },
};

const CORS_HEADERS: HeadersObject = {
  'Access-Control-Allow-Origin': { description: 'Sent when the request Origin is one of CORS_ORIGINS.', schema: { type: 'string', maxLength: 2000, format: 'uri' } },
};

const RATE_LIMIT_HEADERS: HeadersObject = {
  'RateLimit-Limit': { description: 'Requests allowed per window for this API key.', schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 10_000_000 } },
  'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 10_000_000 } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 } },
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

function problemResponse(description: string, headers?: HeadersObject): ResponseEntry {
  return { description, ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: PROBLEM_REF } } } as ResponseEntry;
}

/**
 * Builds the OpenAPI document and adds what every /v1 operation shares, so controllers only
 * describe their own success shapes: API-key security, the problem+json error responses, and
 * rate-limit headers.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pasarela API')
    .setDescription(
      'One REST API over NeCIPCo (card issuing), STP (SPEI), Credencial (card processing) and BCS (card servicing), ' +
        'with every peso kept in a double-entry ledger.\n\n' +
        'Authenticate with an API key: `Authorization: Bearer psk_…` (or `X-API-Key`). Every mutation takes an ' +
        '`Idempotency-Key`. Amounts are decimal strings with two places ("150.00"). Errors are RFC 9457 ' +
        '`application/problem+json` with a `request_id` (send `X-Request-Id` to set it).',
    )
    .setVersion('1.0.0')
    .setContact('Pasarela platform team', 'https://pasarela.dev', 'platform@pasarela.dev')
    .setLicense('Proprietary', 'https://pasarela.dev/terms')
    .addServer('/', 'This gateway (local, staging or production: the host serving this document)')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key (psk_…). `Authorization: Bearer psk_…` is accepted too.' }, 'api-key')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'webhook-signature', description: 'Provider webhooks: Standard Webhooks HMAC-SHA256 over `webhook-id.webhook-timestamp.body` (`v1,<base64>`), per the provider\'s *_WEBHOOK_SECRETS. A provider may instead (or also) be configured for HTTP basic auth and a source-IP allowlist (*_WEBHOOK_BASIC_AUTH, *_WEBHOOK_IP_ALLOWLIST).' },
      'webhook-signature',
    )
    .addTag('api-keys', 'Service credentials and their scopes (admin)')
    .build();
  // Internal API: declared for inventory (OWASP API9).
  (config.servers![0] as unknown as Record<string, unknown>)['x-internal'] = true;
  const document = SwaggerModule.createDocument(app, config, { extraModels: [Problem], operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  for (const [path, item] of Object.entries(document.paths)) {
    const isApi = path.startsWith('/v1/');
    const isWebhook = path.startsWith('/webhooks/');
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      // A handler reading a header with @Headers() adds a bare copy of a header already documented by
      // @ApiHeader (e.g. idempotency-key); keep the documented one.
      if (op.parameters) {
        const documented = new Set(op.parameters.filter((p) => 'in' in p && p.in === 'header' && p.description).map((p) => ('name' in p ? p.name.toLowerCase() : '')));
        op.parameters = op.parameters.filter((p) => !('in' in p && p.in === 'header' && !p.description && documented.has(p.name.toLowerCase())));
      }
      op.responses ??= {};
      if (isApi) {
        op.security = [{ 'api-key': [] }];
        op.responses['400'] ??= problemResponse('The request is invalid; `errors` names each field.');
        op.responses['401'] ??= problemResponse('No API key, or an unknown or revoked one (rate limited per client address).');
        op.responses['403'] ??= problemResponse('The API key lacks a scope this operation needs.');
        op.responses['429'] ??= problemResponse('Rate limit exceeded; see Retry-After.', {
          'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 } },
        });
      } else if (isWebhook) {
        op.security = [{ 'webhook-signature': [] }];
      } else {
        op.security = [];
      }
      op.responses['500'] ??= problemResponse('Unexpected error; quote the request_id.');
      for (const [status, response] of Object.entries(op.responses)) {
        const r = response as { headers?: object };
        const rate = isApi && /^[24]\d\d$/.test(status) ? RATE_LIMIT_HEADERS : {};
        r.headers = { ...CORS_HEADERS, ...rate, ...(r.headers ?? {}) };
      }
    }
  }
  return document;
}
