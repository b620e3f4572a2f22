import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BCS_ID_TYPES_HOLDS, BCS_ID_TYPES_VALIDATION } from '#libs/providers/bcs';
import { BcsSandboxError as E, BcsSandboxFilter } from './bcs-sandbox.errors.js';
import { BcsSandboxState, type SandboxCard } from './bcs-sandbox.state.js';

type H = Record<string, string | undefined>;
type J = Record<string, any>;
const OK = { responseType: { value: 'OK' } };
const str = (v: unknown): v is string => typeof v === 'string';
const PERIOD_MS = 30 * 86_400_000;

/** The document's operations, at its paths, with its headers, envelopes and error codes. */
@ApiTags('BCS sandbox')
@UseFilters(BcsSandboxFilter)
@Controller()
export class BcsSandboxController {
  constructor(private readonly sb: BcsSandboxState) {}

  private auth(h: H, security = false): void {
    const ok = security
      ? h['x-security-clientid'] === this.sb.clientId && h['x-security-clientsecret'] === this.sb.clientSecret && h['x-security-token'] === this.sb.accessToken
      : h.client_id === this.sb.clientId && h.client_secret === this.sb.clientSecret && h.authorization === `Bearer ${this.sb.accessToken}`;
    if (!ok) throw E.apikit(401, 'Unauthorized: invalid client_id, client_secret or token');
  }

  private channel(h: H): void {
    if (!h['x-invoker-channel']) throw E.apikit(400, 'Required header X-Invoker-Channel not specified');
  }

  @Post('cards-management/v1/account-holds')
  @HttpCode(200)
  holds(@Headers() h: H, @Body() b: J | undefined) {
    this.auth(h);
    const invalid = () => E.er(400, '50003', '21-INVALID INFORMATION', 'VAL');
    if (!b || !str(b.govIssueIdentType) || !(BCS_ID_TYPES_HOLDS as readonly string[]).includes(b.govIssueIdentType)) throw invalid();
    if (!str(b.identSerialNum) || !/^\d{1,15}$/.test(b.identSerialNum)) throw invalid();
    if (typeof b.flagAllDebCardsBlock !== 'boolean' || !Array.isArray(b.additionalAcctId) || !b.additionalAcctId.every(str)) throw invalid();
    if (!b.flagAllDebCardsBlock && b.additionalAcctId.length === 0) throw invalid();
    const customer = `${b.govIssueIdentType}:${b.identSerialNum}`;
    if (!this.sb.customers.has(customer)) throw E.er(404, '50001', '14-CARD DOES NOT EXIST', 'VAL');
    const targets: SandboxCard[] = b.flagAllDebCardsBlock ? this.sb.cardsOf(customer).filter((c) => c.kind === 'debit' && c.block === null) : [];
    for (const a of b.additionalAcctId as string[]) {
      const c = this.sb.card(a);
      if (!c || c.customer !== customer) throw E.er(404, '50001', '14-CARD DOES NOT EXIST', 'VAL');
      if (c.block !== null) throw E.er(400, '50002', '62-CARD IS BLOCKED', 'VAL');
      targets.push(c);
    }
    if (targets.length === 0) throw E.er(404, '50001', '14-CARD DOES NOT EXIST', 'VAL');
    for (const c of targets) c.block = 'TEMP';
    return OK;
  }

  @Post('cards-management/v1/card-orders/credit-card/replacement')
  @HttpCode(200)
  creditReplacement(@Headers() h: H, @Body() b: J | undefined) {
    this.auth(h);
    if (!b || !str(b.acctId) || !b.acctId || !str(b.lockCode) || !b.lockCode) throw E.er(400, '04152', 'Required field', 'OCP');
    if (b.lockCode !== '01') throw E.er(400, '00824', 'Required field', 'OCP');
    const c = this.sb.card(b.acctId);
    if (!c) throw E.er(404, '00014', 'Invalid card number', 'OCP');
    if (c.kind !== 'credit') throw E.er(404, '00020', 'There is no data for this card', 'OCP');
    this.cardState(c, 400);
    if (!c.replacementAllowed) throw E.er(500, '04823', 'The query reports replacement indicator = NO', 'OCP');
    this.sb.replace(c, b.lockCode);
    return OK;
  }

  /** Definitive locks, expiry, arrears: the checks replacement and deadlines share (statuses differ). */
  private cardState(c: SandboxCard, status: number, tempBlock?: () => E): void {
    if (c.block !== null && c.block !== 'TEMP') throw E.er(status, '04588', 'Card presents definitive locks', 'OCP');
    if (c.block === 'TEMP' && tempBlock) throw tempBlock();
    if (c.expired) throw E.er(status, '02269', 'Expired card', 'OCP');
    if (c.inArrears) throw E.er(status === 400 ? 500 : status, '02424', 'The card is in Mora', 'OCP');
  }

  @Post('cards-management/v1/card-orders/debit-card/replacement')
  @HttpCode(200)
  debitReplacement(@Headers() h: H, @Body() b: J | undefined) {
    this.auth(h);
    this.channel(h);
    const t = b?.trn;
    const req = (v: unknown, name: string) => {
      if (!str(v)) throw E.apikit(400, `Bad request: ${name} is required`);
    };
    if (!t || typeof t !== 'object') throw E.apikit(400, 'Bad request: trn is required');
    req(t.govIssueIdent?.govIssueIdentType, 'trn.govIssueIdent.govIssueIdentType');
    req(t.govIssueIdent?.identSerialNum, 'trn.govIssueIdent.identSerialNum');
    req(t.depAcctId?.acctId, 'trn.depAcctId.acctId');
    req(t.fee?.amt, 'trn.fee.amt');
    req(t.cardAcctId?.blockTypeField, 'trn.cardAcctId.blockTypeField');
    req(t.cardAcctId?.acctId, 'trn.cardAcctId.acctId');
    req(t.reason, 'trn.reason');
    req(t.postAddr?.type, 'trn.postAddr.type');
    req(t.trnSrc, 'trn.trnSrc');
    req(t.entprAgreement?.spRefId, 'trn.entprAgreement.spRefId');
    req(t.entprAgreement?.svcIdent, 'trn.entprAgreement.svcIdent');
    req(t.entprAgreement?.svcRqUID, 'trn.entprAgreement.svcRqUID');
    req(t.postAddr?.country, 'trn.postAddr.country');
    if (t.operationType !== undefined) req(t.operationType, 'trn.operationType');
    if (t.postAddr.postalCode !== undefined && !Number.isInteger(t.postAddr.postalCode)) throw E.apikit(400, 'Bad request: trn.postAddr.postalCode must be an integer');
    if (!/^\d{14}$/.test(t.fee.amt)) throw E.apikit(400, 'Bad request: trn.fee.amt must be 14 digits');
    if (!(BCS_ID_TYPES_HOLDS as readonly string[]).includes(t.govIssueIdent.govIssueIdentType)) throw E.er(206, '000001', 'Tipo de identificación invalido', 'CED', 'ER400');
    const customer = `${t.govIssueIdent.govIssueIdentType}:${t.govIssueIdent.identSerialNum}`;
    const c = this.sb.card(t.cardAcctId.acctId);
    if (!c || c.kind !== 'debit') throw E.er(206, '000004', 'Número de Producto invalido', 'CED', 'ER400');
    if (c.customer !== customer || c.account !== t.depAcctId.acctId) throw E.er(206, '05622', 'CLIENTE NO ES TITULAR DE LA CUENTA', 'RGN', 'ER400');
    this.sb.replace(c, '01');
    return { responseType: { value: 'OK' }, trn: { billerNum: digits(10), refId: digits(10), depAcctId: { acctId: c.account } } };
  }

  private validation(kind: 'credit' | 'debit', h: H, secretid: string, q: H) {
    this.auth(h, true);
    const caps = (status: number, code: string, desc: string, type = 'VAL') => E.erCaps(status, code, desc, type);
    const pinOp = kind === 'debit';
    if (!pinOp) {
      if (!str(q.govIssueIdentType) || !(BCS_ID_TYPES_VALIDATION as readonly string[]).includes(q.govIssueIdentType)) throw caps(400, '45', 'Tipo de identificación invalido');
      if (!str(q.identserialnum) || !/^\d{1,15}$/.test(q.identserialnum)) throw caps(400, '14', 'Numero de identificación invalido');
    }
    const customer = `${q.govIssueIdentType}:${q.identserialnum}`;
    const cards = this.sb.cardsOf(customer).filter((c) => c.kind === kind && c.block === null);
    if (pinOp && cards.length === 0) throw caps(404, '00101', 'CLIENTE NO EXISTE O NO SE ENCONTRARON TARJETAS ACTIVAS');
    if (!pinOp && !this.sb.customers.has(customer)) throw caps(404, '45', 'Error de sistema - No existe cliente');
    const secret = this.sb.cipher.decrypt(secretid.toLowerCase());
    if (secret === undefined) {
      if (pinOp) throw caps(500, '00001', 'Error realizando des-encriptacion de la informacion recibida', 'TRX');
      throw caps(400, '99', 'CVV INVALIDO (sandbox: the document lists no code for this)');
    }
    // Sandbox-only code 99: the document defines no answer for a CVV / PIN that does not match.
    if (!cards.some((c) => (pinOp ? c.pin : c.cvv) === secret)) throw caps(400, '99', pinOp ? 'PIN INVALIDO (sandbox)' : 'CVV INVALIDO (sandbox)');
    return { responseType: { value: 'OK' } };
  }

  @Get('cards-management/v1/credit-card/cvv/:secretid/validate')
  cvv(@Headers() h: H, @Param('secretid') secretid: string, @Query() q: H) {
    return this.validation('credit', h, secretid, q);
  }

  @Get('cards-management/v1/debit-card/password/:secretid/validate')
  pin(@Headers() h: H, @Param('secretid') secretid: string, @Query() q: H) {
    return this.validation('debit', h, secretid, q);
  }

  @Put('cards-management/v1/card-updates/cycle-date')
  cycleDate(@Headers() h: H, @Body() b: J | undefined) {
    this.auth(h);
    this.channel(h);
    const r = b?.depAcctTrnRec;
    const need = (v: unknown, name: string) => {
      if (!str(v) || !v) throw E.apikit(400, `Bad request: ${name} is required`);
    };
    need(r?.depAcctId?.acctId, 'depAcctTrnRec.depAcctId.acctId');
    need(r?.daysCycle, 'depAcctTrnRec.daysCycle');
    need(r?.contactInfo?.emailAddr, 'depAcctTrnRec.contactInfo.emailAddr');
    need(r?.contactInfo?.cellPhone, 'depAcctTrnRec.contactInfo.cellPhone');
    need(b?.govIssueIdent?.identSerialNum, 'govIssueIdent.identSerialNum');
    if (!['1', '2'].includes(r.daysCycle)) throw E.apikit(400, 'Bad request: depAcctTrnRec.daysCycle must be one of ["1", "2"]');
    const c = this.sb.cardByAccount(r.depAcctId.acctId);
    if (!c || this.sb.customers.get(c.customer)?.idNumber !== b!.govIssueIdent.identSerialNum) throw E.er(206, '00392', 'Número de tarjeta invalida.', '', 'ER400');
    if (!c.naturalPerson) throw E.er(206, '04654', 'Producto no es persona natural.', '', 'ER400');
    if (c.minimumPaymentPending) throw E.er(206, '04819', 'Tarjeta Presenta Pago Mínimo Pendiente.', '', 'ER400');
    if (r.daysCycle === c.daysCycle) throw E.er(206, '00731', 'El nuevo ciclo de facturación debe ser diferente al actual.', '', 'ER400');
    const last = c.cycleHistory[c.cycleHistory.length - 1];
    const now = this.sb.now();
    if (last && (now.getTime() - Date.parse(last.at)) / PERIOD_MS < this.sb.minCyclePeriods) {
      throw E.er(206, '01074', 'El numero de periodos transcurridos entre la fecha hoy y el ultimo cambio.', '', 'ER400');
    }
    c.cycleHistory.push({ at: now.toISOString(), from: c.daysCycle, to: r.daysCycle });
    c.daysCycle = r.daysCycle;
    return OK;
  }

  @Put('cards-management/v1/credit-card/deadlines')
  deadlines(@Headers() h: H, @Body() b: J | undefined) {
    this.auth(h);
    this.channel(h);
    const er = (code: string, desc: string) => E.er(206, code, desc, 'OCP');
    const a = b?.cardAcctId;
    if (!a || !str(a.acctId) || !a.acctId) throw er('00824', 'campo requerido');
    if (!Array.isArray(a.term) || a.term.length === 0) throw er('04660', 'Al menos debe haber una secuencia transaccion no nula');
    const c = this.sb.card(a.acctId);
    if (!c) throw er('00014', 'Numero de tarjeta invalida');
    if (c.kind !== 'credit') throw er('00020', 'No existen datos para esta tarjeta');
    if (c.block !== null && c.block !== 'TEMP') throw er('04588', 'Tarjeta presenta bloqueos definitivos');
    if (c.block === 'TEMP') throw er('04818', 'Tarjeta con bloqueos');
    if (c.expired) throw er('02269', 'Tarjeta vencida');
    if (c.inArrears) throw er('02424', 'La tarjeta se encuentra en Mora');
    if (c.minimumPaymentPending) throw er('04819', 'Tarjeta presenta pago minimo pendiente');
    const changes: Array<[string, number]> = [];
    for (const t of a.term as J[]) {
      if (!t || !str(t.sequence) || !t.sequence) throw er('04661', 'Al menos debe haber una secuencia transaccion no nula');
      if (!str(t.numAsignInstallments) || !t.numAsignInstallments) throw er('04662', 'Plazo asociado a la secuencia transaccion es nulo:');
      if (!/^\d+$/.test(t.sequence) || !/^\d+$/.test(t.numAsignInstallments) || Number(t.sequence) <= 0 || Number(t.numAsignInstallments) <= 0) throw er('04663', 'secuencia o plazo debe ser > 0');
      const inst = c.installments.get(t.sequence) ?? c.installments.get(String(Number(t.sequence)));
      if (!inst) throw er('04664', `No se encontro la transaccion: ${t.sequence}`);
      const n = Number(t.numAsignInstallments);
      if (n > 36) throw er('04129', 'El plazo no puede ser mayor al definido como parametro');
      if (n === inst.installments) throw er('04815', 'Plazo transaccion igual al actual');
      if (n > inst.maxInstallments) throw er('04816', 'Plazo transaccion compra fuera del rango definido');
      changes.push([t.sequence, n]);
    }
    for (const [seq, n] of changes) (c.installments.get(seq) ?? c.installments.get(String(Number(seq))))!.installments = n;
    return OK;
  }

  @Post('cardsManagement/v1/DebitCard')
  @HttpCode(200)
  applyDebitCard(@Headers() h: H) {
    this.auth(h);
    const cust = h['x-invoker-custid'];
    if (!cust) throw E.apikit(400, 'Required header X-Invoker-CustId not specified');
    this.sb.applications.push({ custId: cust, at: this.sb.now().toISOString() });
    return OK;
  }
}

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(Math.random() * 10));
  return s;
}
