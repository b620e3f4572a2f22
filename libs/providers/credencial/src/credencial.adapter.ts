/**
 * Credencial implements CardProcessing: nomination, card status get/update, initial NIP, NIP change.
 * Every field is checked before any HTTP call; the card number, NIPs and security code go only
 * into the request and are never returned, logged or put in an error.
 */
import {
  CardProcessing,
  maskPan,
  ValidationError,
  type CardNominationRequest,
  type CardNominationResult,
  type InitialNipRequest,
  type NipChangeRequest,
  type NipOperationResult,
  type ProcessorCardStatus,
  type ProcessorCardStatusInfo,
} from '#libs/domain';
import { CREDENCIAL_STATUS_CODE } from './credencial.catalogs.js';
import type { CredencialClient } from './credencial.client.js';
import { CREDENCIAL } from './credencial.errors.js';
import { fromStatusResponse, generateTransactionId, toInitialNipWire, toNominationWire, toUpdateNipWire } from './credencial.mapper.js';
import {
  assertNoProblems,
  checkAccountNumber,
  checkCardNumber,
  checkInitialNip,
  checkNomination,
  checkStatusUpdate,
  checkUpdateNip,
} from './credencial.validation.js';

export class CredencialAdapter implements CardProcessing {
  readonly provider = CREDENCIAL;

  constructor(private readonly client: CredencialClient) {}

  async nominateCard(request: CardNominationRequest): Promise<CardNominationResult> {
    const wire = toNominationWire(request);
    const cardNumber = request.cardNumber && typeof request.cardNumber.reveal === 'function' ? request.cardNumber.reveal() : undefined;
    assertNoProblems([...checkCardNumber(cardNumber), ...checkNomination(wire as unknown as Record<string, unknown>)]);
    const response = await this.client.nominate(cardNumber!, wire);
    const accountNumber = response.account_number === undefined || response.account_number === null || response.account_number === '' ? undefined : String(response.account_number);
    return { provider: CREDENCIAL, maskedPan: maskPan(cardNumber!), ...(accountNumber ? { accountNumber } : {}) };
  }

  async getCardStatus(accountNumber: string): Promise<ProcessorCardStatusInfo> {
    assertNoProblems(checkAccountNumber(accountNumber));
    return fromStatusResponse(await this.client.getStatus(accountNumber), accountNumber);
  }

  async updateCardStatus(accountNumber: string, status: ProcessorCardStatus): Promise<ProcessorCardStatusInfo> {
    const code = CREDENCIAL_STATUS_CODE[status];
    if (!code) {
      const message = `status must be one of ${Object.keys(CREDENCIAL_STATUS_CODE).join(', ')}`;
      throw new ValidationError(message, { field: 'status', errors: [{ field: 'status', message }] });
    }
    assertNoProblems([...checkAccountNumber(accountNumber), ...checkStatusUpdate({ status: code })]);
    const response = await this.client.updateStatus(accountNumber, { status: code });
    // The document answers `{}`: the status is the one we set, unless the answer says otherwise.
    return response.status === undefined ? { provider: CREDENCIAL, accountNumber, status, providerStatusCode: code } : fromStatusResponse(response, accountNumber);
  }

  async setInitialNip(accountNumber: string, request: InitialNipRequest): Promise<NipOperationResult> {
    const transactionId = request.transactionId ?? generateTransactionId();
    assertNoProblems(checkAccountNumber(accountNumber));
    const wire = toInitialNipWire(request, transactionId);
    assertNoProblems(checkInitialNip(wire as unknown as Record<string, unknown>));
    await this.client.initialNip(accountNumber, wire);
    return { provider: CREDENCIAL, accountNumber, transactionId };
  }

  async changeNip(accountNumber: string, request: NipChangeRequest): Promise<NipOperationResult> {
    const transactionId = request.transactionId ?? generateTransactionId();
    assertNoProblems(checkAccountNumber(accountNumber));
    const wire = toUpdateNipWire(request, transactionId);
    assertNoProblems(checkUpdateNip(wire as unknown as Record<string, unknown>));
    await this.client.updateNip(accountNumber, wire);
    return { provider: CREDENCIAL, accountNumber, transactionId };
  }
}
