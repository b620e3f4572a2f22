export * from './wire/nomination.wire.js';
export * from './wire/card-status.wire.js';
export * from './wire/nip.wire.js';
export * from './wire/error.wire.js';
export * from './wire/webhooks.wire.js';
export * from './credencial.catalogs.js';
export {
  assertNoProblems as assertNoCredencialProblems,
  checkAccountNumber,
  checkCardNumber,
  checkInitialNip,
  checkNomination,
  checkStatusUpdate,
  checkUpdateNip,
  isCardNumber,
  type FieldProblem as CredencialFieldProblem,
} from './credencial.validation.js';
export * from './credencial.errors.js';
export * from './credencial.mapper.js';
export * from './credencial.client.js';
export * from './credencial.adapter.js';
export * from './credencial.module.js';
