/**
 * Domain errors. The gateway maps each to an RFC 9457 problem (status + type); nothing here knows HTTP.
 * `code` is a stable machine-readable reason, `details` optional structured context (never card data).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller sent something invalid (400). */
export class ValidationError extends DomainError {
  readonly code: string;
  constructor(message: string, details?: Record<string, unknown>, code = 'validation_failed') {
    super(message, details);
    this.code = code;
  }
}

/** The thing asked for does not exist (404). */
export class NotFoundError extends DomainError {
  readonly code: string;
  constructor(message: string, details?: Record<string, unknown>, code = 'not_found') {
    super(message, details);
    this.code = code;
  }
}

/** The request conflicts with what exists, e.g. an idempotency key reused with other content (409). */
export class ConflictError extends DomainError {
  readonly code: string;
  constructor(message: string, details?: Record<string, unknown>, code = 'conflict') {
    super(message, details);
    this.code = code;
  }
}

/** Understood and valid, but a business rule refuses it, e.g. insufficient funds (422). */
export class BusinessRuleError extends DomainError {
  readonly code: string;
  constructor(message: string, details?: Record<string, unknown>, code = 'business_rule_violated') {
    super(message, details);
    this.code = code;
  }
}

/** The provider refused the operation for good; retrying will not help (422 or 409 by code). */
export class ProviderDeclinedError extends DomainError {
  readonly code: string;
  constructor(
    readonly provider: string,
    message: string,
    details?: Record<string, unknown>,
    code = 'provider_declined',
  ) {
    super(message, details);
    this.code = code;
  }
}

/** The provider is unreachable or failing; the operation may be retried (502/503). */
export class ProviderUnavailableError extends DomainError {
  readonly code = 'provider_unavailable';
  constructor(
    readonly provider: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

/** The provider that owns the card/account does not offer this capability (422). */
export class CapabilityNotSupportedError extends DomainError {
  readonly code = 'capability_not_supported';
  constructor(
    readonly provider: string,
    readonly capability: string,
  ) {
    super(`provider ${provider} does not support ${capability}`, { provider, capability });
  }
}
