/** BCS cards-management wire types, exactly as the document spells them (camelCase, strings). */

export const BCS_ID_TYPES_HOLDS = ['CC', 'CE', 'LC', 'NI', 'OT', 'PA', 'RC'] as const;
export const BCS_ID_TYPES_VALIDATION = ['CC', 'CE', 'PA', 'TI', 'NI', 'PE'] as const;

/** `responseType.value`: "OK", or "ER" / "ER400"… on errors. */
export interface ResponseType {
  value: string;
}

export interface ResponseDetail {
  errorCode: string;
  errorDesc: string;
  errorType: string;
}

/** The envelope; the CVV / PIN validations spell it `ResponseType` / `ResponseDetail` / `ErrorCode`. */
export interface BcsEnvelope {
  responseType?: ResponseType;
  responseDetail?: ResponseDetail;
  ResponseType?: ResponseType;
  ResponseDetail?: { ErrorCode: string; ErrorDesc: string; ErrorType: string };
}

// POST /cards-management/v1/account-holds
export interface AccountHoldsRequest {
  govIssueIdentType: string;
  identSerialNum: string;
  flagAllDebCardsBlock: boolean;
  additionalAcctId: string[];
}

// POST /cards-management/v1/card-orders/credit-card/replacement
export interface CreditCardReplacementRequest {
  /** Clear card number, or its encrypted form when the channel does not know it. */
  acctId: string;
  lockCode: string;
}

// POST /cards-management/v1/card-orders/debit-card/replacement
export interface DebitCardReplacementRequest {
  trn: {
    operationType?: string;
    reason: string;
    trnSrc: string;
    fee: { amt: string };
    depAcctId: { acctId: string };
    cardAcctId: { blockTypeField: string; acctId: string };
    govIssueIdent: { govIssueIdentType: string; identSerialNum: string };
    contactInfo?: { emailAddr?: string; cellPhone?: string };
    postAddr: { type: string; addr1?: string; city?: string; country: string; postalCode?: number };
    entprAgreement: { spRefId: string; svcIdent: string; svcRqUID: string };
  };
}

export interface DebitCardReplacementResponse extends BcsEnvelope {
  trn?: { billerNum?: string; refId?: string; depAcctId?: { acctId?: string } };
}

// PUT /cards-management/v1/card-updates/cycle-date
export interface CycleDateRequest {
  depAcctTrnRec: {
    depAcctId: { acctId: string };
    daysCycle: string;
    contactInfo: { emailAddr: string; cellPhone: string };
  };
  govIssueIdent: { identSerialNum: string };
}

// PUT /cards-management/v1/credit-card/deadlines
export interface DeadlinesRequest {
  cardAcctId: {
    acctId: string;
    term: Array<{ sequence: string; numAsignInstallments: string }>;
  };
}

/** Paths as the document gives them (host-relative). */
export const BCS_PATHS = {
  accountHolds: '/cards-management/v1/account-holds',
  creditCardReplacement: '/cards-management/v1/card-orders/credit-card/replacement',
  debitCardReplacement: '/cards-management/v1/card-orders/debit-card/replacement',
  creditCardCvv: (secretid: string) => `/cards-management/v1/credit-card/cvv/${encodeURIComponent(secretid)}/validate`,
  debitCardPin: (secretid: string) => `/cards-management/v1/debit-card/password/${encodeURIComponent(secretid)}/validate`,
  cycleDate: '/cards-management/v1/card-updates/cycle-date',
  deadlines: '/cards-management/v1/credit-card/deadlines',
  applyDebitCard: '/cardsManagement/v1/DebitCard',
} as const;
