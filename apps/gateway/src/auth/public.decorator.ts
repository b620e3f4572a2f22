import { SetMetadata } from '@nestjs/common';

export const PUBLIC_KEY = 'pasarela:public';

/** Route needs no API key (health, metrics, provider webhooks — those verify providers instead). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
