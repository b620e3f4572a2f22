import { SetMetadata } from '@nestjs/common';

export const SCOPES_KEY = 'pasarela:scopes';

/** Scopes an API key needs for this route (all of them). `admin` implies every scope. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);
