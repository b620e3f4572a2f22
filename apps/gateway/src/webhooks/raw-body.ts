declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request body's bytes (HMAC signatures of provider webhooks are over the raw body). Kept by Nest's
     * JSON parser (`rawBody: true` in gateway.app.ts), which reads the body as a buffer anyway: the same
     * buffer, no second read.
     */
    rawBody?: Buffer;
  }
}

export {};
