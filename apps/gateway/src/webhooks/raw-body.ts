import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body's bytes, kept for /webhooks/* only (HMAC signatures are over the raw body). */
    rawBody?: Buffer;
  }
}

/**
 * Keeps the raw body of provider webhooks: a preParsing hook that, for /webhooks/* only, buffers the payload
 * (the body limit still applies in the parser) and hands the same bytes on to the normal JSON parser.
 * Every other route's parsing is untouched.
 */
export function keepWebhookRawBody(fastify: FastifyInstance, limitBytes: number): void {
  fastify.addHook('preParsing', async (req, _reply, payload) => {
    if (!req.url.startsWith('/webhooks/')) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += b.length;
      if (size > limitBytes) break;
      chunks.push(b);
    }
    const raw = Buffer.concat(chunks);
    req.rawBody = raw;
    const stream = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
    stream.receivedEncodedLength = size;
    return stream;
  });
}
