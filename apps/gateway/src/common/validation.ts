import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ProblemException } from './problem-details.filter.js';
import type { ProblemFieldError } from './problem.js';

function flatten(errors: ClassValidatorError[], parent = ''): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** whitelist + forbidNonWhitelisted: unknown fields are a 400 naming them, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      const detail = fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') || 'the request is invalid';
      return new ProblemException(400, 'validation_failed', detail, fieldErrors);
    },
  });
}
