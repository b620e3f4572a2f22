import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENT_KEY = 'pasarela:idempotent';

export interface IdempotentOptions {
  /** Response fields never stored (secrets shown once); a replay omits them. */
  omitOnReplay?: string[];
}

/** The route is a mutation: it requires an Idempotency-Key header and replays its first response. */
export const Idempotent = (options: IdempotentOptions = {}) => SetMetadata(IDEMPOTENT_KEY, options);
