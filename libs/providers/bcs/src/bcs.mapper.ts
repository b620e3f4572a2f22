import { ValidationError, type BillingCycleChangeRequest, type DeadlinesRequest, type DebitCardReplacementRequest, type ServicingCardNumber, type ServicingContext } from '#libs/domain';
import type { BcsCipher } from './bcs.crypto.js';
import type { BcsRequestContext } from './bcs.client.js';
import type * as W from './wire/index.js';

/** acctId: the clear number when we were given one (the document allows it), else the encrypted form. */
export function acctId(ref: ServicingCardNumber): string {
  return 'pan' in ref ? ref.pan.reveal() : ref.encrypted;
}

/** The document's fee example "00000000100000": 14 digits, taken as centavos (two implied decimals). */
export function feeAmt(centavos: bigint): string {
  if (centavos < 0n || centavos >= 10n ** 14n) throw new ValidationError('fee out of range', { field: 'fee' });
  return centavos.toString().padStart(14, '0');
}

/** "1" → "01": the document's example pads the installment count to two digits. */
export function installments(n: number): string {
  return String(n).padStart(2, '0');
}

export function toContext(ctx: ServicingContext): BcsRequestContext {
  return { requestId: ctx.requestId, clientIp: ctx.clientIp, requestNumber: ctx.requestNumber, customerId: ctx.customerId };
}

export function debitReplacementWire(r: DebitCardReplacementRequest): W.DebitCardReplacementRequest {
  return {
    trn: {
      ...(r.operationType ? { operationType: r.operationType } : {}),
      reason: r.reason,
      trnSrc: r.source,
      fee: { amt: feeAmt(r.fee) },
      depAcctId: { acctId: r.depositAccount },
      cardAcctId: { blockTypeField: r.blockType, acctId: acctId(r.card) },
      govIssueIdent: { govIssueIdentType: r.customer.idType, identSerialNum: r.customer.idNumber },
      ...(r.contact ? { contactInfo: { emailAddr: r.contact.email, cellPhone: r.contact.cellPhone } } : {}),
      postAddr: { type: r.delivery.type, addr1: r.delivery.addressLine, city: r.delivery.city, country: r.delivery.country, postalCode: r.delivery.postalCode },
      entprAgreement: { spRefId: r.agreement.allyId, svcIdent: r.agreement.serviceId, svcRqUID: r.agreement.serviceRequestId },
    },
  };
}

export function cycleDateWire(r: BillingCycleChangeRequest): W.CycleDateRequest {
  return {
    depAcctTrnRec: { depAcctId: { acctId: r.account }, daysCycle: r.daysCycle, contactInfo: { emailAddr: r.email, cellPhone: r.cellPhone } },
    govIssueIdent: { identSerialNum: r.idNumber },
  };
}

export function deadlinesWire(r: DeadlinesRequest): W.DeadlinesRequest {
  return { cardAcctId: { acctId: acctId(r.card), term: r.terms.map((t) => ({ sequence: t.sequence, numAsignInstallments: installments(t.installments) })) } };
}

/** The secret as `secretid`: always encrypted (the document: "Encrypted CVV", "Encrypted TD Pin"). */
export function secretId(cipher: BcsCipher, clear: string): string {
  return cipher.encrypt(clear);
}
