import { All, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createPublicKey, randomInt, randomUUID } from 'node:crypto';
import { Money } from '#libs/domain';
import { findProblems, NecipcoCode, SCHEMAS, UUID_LIKE, type OperationName, type Schema } from '#libs/providers/necipco';
import { NecipcoSandboxError as E } from './necipco-sandbox.errors.js';
import { NecipcoSandboxExceptionFilter } from './necipco-sandbox.filter.js';
import {
  mexicoDateTime,
  NecipcoSandboxState,
  num,
  SANDBOX_CATALOGS,
  type SbAccount,
  type SbCard,
  type SbCardholder,
  type SbClient,
} from './necipco-sandbox.state.js';

type Raw = Record<string, unknown>;

const ok = (data: unknown, message = 'OK') => ({ success: true, code: 0, message, data });

const FAULT_CODES: Record<number, number> = { 429: NecipcoCode.TOO_MANY_REQUESTS, 500: NecipcoCode.INTERNAL, 503: NecipcoCode.UNAVAILABLE };

/** Every documented path and its methods (for 405 on a known path with another method). */
const ROUTES: Record<string, string[]> = {
  'auth/login': ['POST'],
  'auth/logout': ['DELETE'],
  cardholders: ['GET', 'POST'],
  cards: ['PUT'],
  'cards/activate': ['POST'],
  'cards/status': ['PUT'],
  'cards/balance': ['GET'],
  'cards/info': ['GET'],
  'cards/authenticate': ['GET'],
  'cards/pin/pos': ['GET'],
  'cards/pin': ['POST', 'PUT'],
  'cards/pin/validate': ['GET'],
  'cards/transfer': ['POST'],
  'cards/disbursement': ['POST'],
  'cards/payment': ['POST'],
  'cards/withdrawal': ['POST'],
  'cards/purchase': ['POST'],
  'cards/movements': ['GET'],
  'cards/virtual': ['POST', 'PUT'],
  'cards/virtual/cvc': ['GET'],
  clients: ['GET', 'POST'],
  'clients/api_key/public_key': ['GET', 'POST'],
  'clients/fund': ['POST'],
  spei: ['POST'],
  'spei/institutions': ['GET'],
  products: ['GET'],
};

/**
 * The simulated NeCIPCo under /necipco/v1, with the document's own paths and payloads. Login answers
 * with the JWT in the Authorization header; every other call requires it. Sensitive request fields are
 * decrypted with the sandbox's private key; sensitive answers are encrypted with the caller's public key.
 */
@ApiTags('NeCIPCo sandbox')
@UseFilters(NecipcoSandboxExceptionFilter)
@Controller('necipco/v1')
export class NecipcoSandboxController {
  constructor(private readonly sb: NecipcoSandboxState) {}

  // ---------------------------------------------------------------- plumbing

  private enter(req: FastifyRequest, auth = true): { client: SbClient; jti: string } | undefined {
    const fault = this.sb.takeFault(req.url);
    if (fault) throw new E(fault, FAULT_CODES[fault] ?? fault, fault === 503 ? "We're temporarily offline for maintenance" : 'Injected failure');
    return auth ? this.sb.authenticate(req.headers.authorization) : undefined;
  }

  private client(req: FastifyRequest): SbClient {
    return this.enter(req)!.client;
  }

  /** Decrypts the sensitive fields, then checks the document's field rules: format → 400, catalogs → 422. */
  private input(op: OperationName, raw: Raw | undefined, where: 'body' | 'query'): Raw {
    const schema: Schema = SCHEMAS[op];
    const obj: Raw = { ...(raw ?? {}) };
    for (const [field, spec] of Object.entries(schema)) {
      const v = obj[field];
      if (!spec.sensitive || v === undefined || v === null || v === '') continue;
      if (spec.rule.kind === 'card' && typeof v === 'string' && UUID_LIKE.test(v)) continue;
      obj[field] = this.sb.decryptField(field, v, where);
    }
    const format = findProblems(schema, obj);
    if (format.length) throw E.validation(format);
    const enums = findProblems(schema, obj, (c) => this.sb.catalogKeys(c));
    if (enums.length) throw E.invalidField(enums[0].field, enums[0].message);
    return obj;
  }

  private card(value: unknown): SbCard {
    return this.sb.findCard(String(value));
  }

  private cardView(c: SbCard) {
    return { id: c.id, masked_card_number: `************${c.pan.slice(-4)}`, type: c.type, status: c.status };
  }

  private accountRef(acc: SbAccount | undefined) {
    return { id: acc?.id ?? '', reference: acc ? Number(acc.reference) : null };
  }

  private cardAndAccount(c: SbCard) {
    return { card: this.cardView(c), account: this.accountRef(c.accountId ? this.sb.accounts.get(c.accountId) : undefined) };
  }

  private amount(v: unknown): Money {
    return Money.parse(v as string | number);
  }

  private cardholderShort(ch: SbCardholder) {
    const d = ch.data;
    return { id: ch.id, first_name: d.first_name, second_name: d.second_name, surname: d.surname, second_surname: d.second_surname, rfc: d.rfc, curp: d.curp };
  }

  private cardholderFull(ch: SbCardholder) {
    const d = ch.data;
    const accounts = [...this.sb.accounts.values()].filter((a) => a.cardholderId === ch.id);
    return {
      ...this.cardholderShort(ch),
      email: d.email,
      primary_phone: d.primary_phone,
      mobile_phone: d.mobile_phone,
      address: {
        street: d.street,
        external_street_number: d.ext_street_number,
        internal_street_number: d.int_street_number ?? '',
        suburb: d.suburb,
        township: d.township ?? '',
        city: d.city,
        state: d.state,
        postal_code: d.postal_code,
        country: '484',
      },
      birthdate: d.birthdate,
      gender: d.gender,
      gross_monthly_income: d.gross_monthly_income ?? null,
      net_monthly_income: d.net_monthly_income ?? null,
      observations: d.observations ?? '',
      has_kids: d.has_kids === true || d.has_kids === 'true',
      marital_status: d.marital_status,
      external_id: d.external_id ?? null,
      accounts: accounts.map((a) => ({
        id: a.id,
        account_number: Number(a.reference),
        creation_date: a.createdAt,
        activation_date: a.activatedAt,
        assigned_by: a.assignedBy,
        status: a.status,
        document: a.document,
        cards: [...this.sb.cards.values()]
          .filter((c) => c.accountId === a.id)
          .map((c) => ({
            id: c.id,
            last_four: c.pan.slice(-4),
            assignation_date: c.assignedAt,
            status: c.status,
            assigned_by: { id: a.assignedBy, alias: 'API_KEY', name: 'WS_NAME', description: '' },
          })),
      })),
    };
  }

  // ---------------------------------------------------------------- auth

  @Post('auth/login')
  @HttpCode(200)
  login(@Req() req: FastifyRequest, @Body() body: Raw | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    this.enter(req, false);
    const creds = (body?.api_client ?? {}) as Raw;
    const missing = ['api_key', 'password'].filter((f) => typeof creds[f] !== 'string' || creds[f] === '');
    if (missing.length) throw E.validation(missing.map((f) => ({ field: `api_client.${f}`, message: 'is required' })));
    const { token, client } = this.sb.login(creds.api_key, creds.password);
    void reply.header('authorization', `Bearer ${token}`);
    return {
      status: { code: 200, message: 'Logged in successfully.' },
      data: {
        client: {
          id: client.id,
          name: client.name,
          alias: client.alias,
          code: client.code,
          entity_code: client.entityCode,
          email: client.email,
          available: num(client.available),
          balance: num(client.balance),
          timezone: 'America/Mexico_City',
          status: client.status,
          created_at: client.createdAt,
          updated_at: client.updatedAt,
        },
      },
    };
  }

  @Delete('auth/logout')
  @HttpCode(200)
  logout(@Req() req: FastifyRequest) {
    const { jti } = this.enter(req)!;
    this.sb.logout(jti);
    return {};
  }

  // ---------------------------------------------------------------- cardholders

  @Get('cardholders')
  getCardholder(@Req() req: FastifyRequest, @Query() q: Raw) {
    this.client(req);
    const filters = Object.keys(SCHEMAS.getCardholder).filter((k) => q[k] !== undefined && q[k] !== '');
    if (!filters.length) throw E.validation([{ field: 'id', message: 'at least one filter is required (id, rfc, curp, email, primary_phone, mobile_phone)' }]);
    const input = this.input('getCardholder', q, 'query');
    const found = [...this.sb.cardholders.values()].find((ch) => filters.every((f) => (f === 'id' ? ch.id === input.id : ch.data[f] === input[f])));
    if (!found) throw E.notFound('Cardholder');
    return ok({ cardholder: this.cardholderFull(found) });
  }

  @Post('cardholders')
  @HttpCode(201)
  createCardholder(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('createCardholder', body, 'body');
    if (input.external_id && [...this.sb.cardholders.values()].some((c) => c.data.external_id === input.external_id)) {
      throw E.invalidField('external_id', 'must be unique');
    }
    const ch: SbCardholder = { id: randomUUID(), data: input, createdAt: new Date().toISOString() };
    this.sb.cardholders.set(ch.id, ch);
    return ok({ cardholder: { ...this.cardholderShort(ch), email: input.email } });
  }

  // ---------------------------------------------------------------- cards

  @Put('cards')
  assignCard(@Req() req: FastifyRequest, @Body() body: Raw) {
    const client = this.client(req);
    const input = this.input('assignCard', body, 'body');
    const ch = this.sb.findCardholder(String(input.cardholder_id));
    const card = this.card(input.card_number);
    if (card.cardholderId || card.type !== 'PHYSICAL') throw E.declined(NecipcoCode.CARD_ALREADY_ASSIGNED, 'Card is not available in stock');
    const acc = this.sb.newAccount(ch.id, { type: String(input.document_type), number: String(input.document_number) }, String(input.observations ?? ''), client.apiKey.id);
    card.cardholderId = ch.id;
    card.accountId = acc.id;
    card.assignedAt = new Date().toISOString();
    return ok({
      cardholder: this.cardholderShort(ch),
      // The document's example spells the type PHISYCAL here.
      card: { id: card.id, type: 'PHISYCAL', status: card.status, masked_card_number: this.cardView(card).masked_card_number, card_number: this.cardView(card).masked_card_number },
      account: { id: acc.id, reference: acc.reference, clabe: null },
    });
  }

  @Post('cards/activate')
  @HttpCode(200)
  activateCard(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('activateCard', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    if (card.status === 'ACTIVE') throw E.declined(NecipcoCode.CARD_ALREADY_ACTIVE, 'Card is already active');
    if (card.status !== 'NEED_ACTIVATION') throw E.declined(NecipcoCode.INVALID_STATUS_TRANSITION, `Card in status ${card.status} cannot be activated`);
    card.status = 'ACTIVE';
    acc.activatedAt = new Date().toISOString();
    return ok({ card: this.cardView(card), account: { id: acc.id, reference: acc.reference } });
  }

  @Put('cards/status')
  changeStatus(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('changeCardStatus', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    const target = String(input.status);
    if (card.status === 'NEED_ACTIVATION') throw E.declined(NecipcoCode.INVALID_STATUS_TRANSITION, 'Card must be activated first');
    if (['CANCELED', 'LOST', 'STOLEN'].includes(card.status) && target !== card.status) {
      throw E.declined(NecipcoCode.INVALID_STATUS_TRANSITION, `Card in status ${card.status} cannot change status`);
    }
    if (target === 'NEED_ACTIVATION') throw E.declined(NecipcoCode.INVALID_STATUS_TRANSITION, 'A card cannot go back to NEED_ACTIVATION');
    card.status = target;
    if (target !== 'ACTIVE') card.lastBlock = this.sb.stamp();
    return ok({ card: this.cardView(card), account: { id: acc.id, reference: acc.reference } });
  }

  @Get('cards/balance')
  balance(@Req() req: FastifyRequest, @Query() q: Raw) {
    this.client(req);
    const input = this.input('getBalance', q, 'query');
    const card = this.card(input.card_number);
    this.sb.requireAssigned(card);
    const withMovements = input.movements === true || input.movements === 'true';
    return ok({
      available: num(card.balance),
      ...this.cardAndAccount(card),
      ...(withMovements
        ? {
            movements: card.movements
              .slice(-10)
              .reverse()
              .map((m) => {
                const { date, time } = mexicoDateTime(m.at);
                return {
                  fecha: date.replace(/-/g, ''),
                  hora: time.replace(/:/g, ''),
                  comercio: m.merchant,
                  importe: m.amount.toDecimalString(),
                  descripcion_importe: m.credit ? 'ABONO' : 'CARGO',
                  codigo_autorizacion: m.authorization,
                };
              }),
          }
        : {}),
    });
  }

  @Get('cards/info')
  info(@Req() req: FastifyRequest, @Query() q: Raw) {
    const client = this.client(req);
    const input = this.input('getCardInfo', q, 'query');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    const ch = this.sb.findCardholder(acc.cardholderId).data;
    return ok({
      account: { id: acc.id, reference: Number(acc.reference) },
      card: {
        id: card.id,
        masked_card_number: this.cardView(card).masked_card_number,
        card_type: card.type,
        status: card.status,
        card_number: this.sb.encryptFor(client, card.pan),
        activity: { last_approved_operation: card.lastApproved ?? 'N/D', last_denied_operation: card.lastDenied ?? 'N/D', last_block_status: card.lastBlock ?? 'N/D' },
      },
      cardholder: {
        name: [ch.first_name, ch.second_name, ch.surname, ch.second_surname].filter(Boolean).join(' '),
        phone: ch.mobile_phone,
        address: [ch.street, ch.ext_street_number, ch.int_street_number].filter(Boolean).join(' '),
        postal_code: ch.postal_code,
        township: ch.township ?? '',
        country: 'MEXICO'.padEnd(30, ' '),
        document: acc.document,
      },
    });
  }

  @Get('cards/authenticate')
  authenticate(@Req() req: FastifyRequest, @Query() q: Raw) {
    this.client(req);
    const input = this.input('authenticate', q, 'query');
    const card = this.card(input.card_number);
    this.sb.requireAssigned(card);
    const info = String(input.authentication_info);
    const lastFourOk = info.slice(0, 4) === card.pan.slice(-4);
    const pin = this.sb.checkPin(card, lastFourOk && card.atmPin ? card.atmPin.slice(0, 2) + info.slice(4) : '----');
    if (!lastFourOk || !pin.ok) return ok({ validated: false, attempts_remaining: pin.attemptsRemaining }, 'Authentication failed');
    return ok({ validated: true }, 'Authentication successful!');
  }

  @Get('cards/pin/pos')
  posPin(@Req() req: FastifyRequest, @Query() q: Raw) {
    const client = this.client(req);
    const input = this.input('getPosPin', q, 'query');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    return ok({ card: { ...this.cardView(card), pin: this.sb.encryptFor(client, card.posPin) }, account: { id: acc.id, reference: Number(acc.reference) } });
  }

  @Post('cards/pin')
  @HttpCode(200)
  setPin(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('setAtmPin', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    card.atmPin = String(input.pin);
    card.pinFailures = 0;
    return ok({ operation: { id: randomUUID() }, card: this.cardView(card), account: { id: acc.id, reference: Number(acc.reference) } });
  }

  @Put('cards/pin')
  updatePin(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('updateAtmPin', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    this.sb.requirePin(card, String(input.old_pin));
    card.atmPin = String(input.new_pin);
    return ok({ operation: { id: randomUUID() }, card: this.cardView(card), account: { id: acc.id, reference: Number(acc.reference) } });
  }

  @Get('cards/pin/validate')
  validatePin(@Req() req: FastifyRequest, @Query() q: Raw) {
    this.client(req);
    const input = this.input('validateAtmPin', q, 'query');
    const card = this.card(input.card_number);
    this.sb.requireAssigned(card);
    const r = this.sb.checkPin(card, String(input.pin));
    return r.ok ? ok({ validated: true }, 'PIN Validated') : ok({ validated: false, attempts_remaining: r.attemptsRemaining }, 'Invalid PIN');
  }

  @Post('cards/transfer')
  @HttpCode(200)
  transfer(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('transfer', body, 'body');
    const from = this.card(input.origin_card);
    const to = this.card(input.destination_card);
    if (from.id === to.id) throw E.invalidField('destination_card', 'must be another card');
    const fromAcc = this.sb.requireActive(from);
    const toAcc = this.sb.requireActive(to);
    const amount = this.amount(input.amount);
    const before = { from: from.balance, to: to.balance };
    this.sb.debit(from, amount);
    this.sb.credit(to, amount);
    const auth = this.sb.authCode();
    this.sb.record(from, { type: '1', subtype: '20', description: 'Transferencia enviada', merchant: 'TRANSFERENCIA C2C', amount, credit: false, channel: 'API_C2C' }, auth);
    this.sb.record(to, { type: '2', subtype: '20', description: 'Transferencia recibida', merchant: 'TRANSFERENCIA C2C', amount, credit: true, channel: 'API_C2C' }, auth);
    return ok({
      operation: { id: randomUUID(), authorization_code: Number(auth), amount: num(amount) },
      origin_card: {
        id: from.id,
        account_id: fromAcc.id,
        type: from.type,
        card_number: `************${from.pan.slice(-4)}`,
        account_reference: Number(fromAcc.reference),
        previous_balance: num(before.from),
        new_balance: num(from.balance),
      },
      destination_card: {
        id: to.id,
        account_id: toAcc.id,
        card_number: `************${to.pan.slice(-4)}`,
        previous_balance: num(before.to),
        new_balance: num(to.balance),
      },
    });
  }

  private moneyAnswer(card: SbCard, acc: SbAccount, amount: Money, auth: string, extra: Raw = {}) {
    return ok({
      operation: { id: randomUUID(), authorization_code: auth, amount: num(amount), ...extra },
      card: this.cardView(card),
      account: { id: acc.id, reference: Number(acc.reference) },
    });
  }

  @Post('cards/disbursement')
  @HttpCode(200)
  disbursement(@Req() req: FastifyRequest, @Body() body: Raw) {
    const client = this.client(req);
    const input = this.input('disbursement', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireActive(card);
    const amount = this.amount(input.amount);
    this.sb.debitClient(client, amount);
    this.sb.credit(card, amount);
    const auth = this.sb.authCode();
    this.sb.record(card, { type: '2', subtype: '01', description: 'Dispersión', merchant: client.name, amount, credit: true, channel: 'API_DISBURSEMENT' }, auth);
    return this.moneyAnswer(card, acc, amount, auth);
  }

  @Post('cards/payment')
  @HttpCode(200)
  payment(@Req() req: FastifyRequest, @Body() body: Raw) {
    const client = this.client(req);
    const input = this.input('payment', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireActive(card);
    const amount = this.amount(input.amount);
    this.sb.debitClient(client, amount);
    this.sb.credit(card, amount);
    const auth = this.sb.authCode();
    const description = String(input.payment_description);
    this.sb.record(card, { type: '2', subtype: '02', description: 'Abono', merchant: description, amount, credit: true, channel: 'API_PAYMENT' }, auth);
    return this.moneyAnswer(card, acc, amount, auth, { payment_description: description });
  }

  @Post('cards/withdrawal')
  @HttpCode(200)
  withdrawal(@Req() req: FastifyRequest, @Body() body: Raw) {
    const client = this.client(req);
    const input = this.input('withdrawal', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireActive(card);
    if (input.pin !== undefined) this.sb.requirePin(card, String(input.pin));
    const amount = this.amount(input.amount);
    this.sb.debit(card, amount);
    client.balance = client.balance.add(amount);
    const auth = this.sb.authCode();
    this.sb.record(card, { type: '1', subtype: '01', description: 'Retiro', merchant: client.name, amount, credit: false, channel: 'API_WITHDRAWAL' }, auth);
    return this.moneyAnswer(card, acc, amount, auth);
  }

  @Post('cards/purchase')
  @HttpCode(200)
  purchase(@Req() req: FastifyRequest, @Body() body: Raw) {
    const client = this.client(req);
    const input = this.input('purchase', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireActive(card);
    if (input.pin !== undefined) this.sb.requirePin(card, String(input.pin));
    const amount = this.amount(input.amount);
    this.sb.debit(card, amount);
    client.balance = client.balance.add(amount);
    const auth = this.sb.authCode();
    const merchant = String(input.merchant_description);
    this.sb.record(card, { type: '1', subtype: '99', description: 'ON Line - Compra', merchant, amount, credit: false, channel: 'API_PURCHASE' }, auth);
    return this.moneyAnswer(card, acc, amount, auth, { merchant_description: merchant });
  }

  @Get('cards/movements')
  movements(@Req() req: FastifyRequest, @Query() q: Raw) {
    this.client(req);
    const input = this.input('movements', q, 'query');
    const from = String(input.initial_date);
    const to = String(input.end_date);
    if (from > to) throw E.invalidField('end_date', 'must not be before initial_date');
    const card = this.card(input.card_number);
    this.sb.requireAssigned(card);
    const detail = card.movements
      .map((m) => ({ m, local: mexicoDateTime(m.at) }))
      .filter(({ local }) => local.date >= from && local.date <= to)
      .map(({ m, local }) => ({
        id: m.id,
        referencial_id: m.referencialId,
        date: `${local.date} ${local.time}`,
        code: { type: m.type, subtype: m.subtype, description: m.description },
        merchant: { code: String(1_000_000 + (Number(m.id) % 9_000_000)), description: m.merchant },
        country: { code: '484', description: 'MEXICO  ' },
        amounts: {
          original: { coin: { code: '484', description: 'Peso mexicano' }, total: m.amount.toDecimalString() },
          exchanged: { coin: { code: '484', description: 'Peso mexicano' }, total: m.amount.toDecimalString() },
        },
        channel: m.channel,
        authorization: m.authorization,
        status: { code: '00', description: 'Aprobada' },
        retrieval: m.id.padStart(12, '0'),
      }));
    return ok({ ...this.cardAndAccount(card), movements: { initial_date: from, end_date: to, detail } });
  }

  // ---------------------------------------------------------------- virtual cards

  @Post('cards/virtual')
  @HttpCode(201)
  createVirtual(@Req() req: FastifyRequest, @Body() body: Raw) {
    const client = this.client(req);
    const input = this.input('createVirtualCard', body, 'body');
    if (!client.apiKey.publicKey) this.sb.encryptFor(client, ''); // 403: a public key is needed to answer
    const product = this.sb.products.find((p) => p.id === input.product);
    if (!product) throw E.invalidField('product', 'is not one of your products');
    const ch = this.sb.findCardholder(String(input.cardholder_id));
    const card = this.sb.newVirtualCard(product.id);
    const acc = this.sb.newAccount(ch.id, { type: String(input.document_type), number: String(input.document_number) }, String(input.observations ?? ''), client.apiKey.id);
    card.cardholderId = ch.id;
    card.accountId = acc.id;
    card.assignedAt = new Date().toISOString();
    return ok({
      cardholder: this.cardholderShort(ch),
      card: {
        id: card.id,
        type: 'VIRTUAL',
        status: card.status,
        masked_card_number: this.cardView(card).masked_card_number,
        card_number: this.sb.encryptFor(client, card.pan),
        exp_year: this.sb.encryptFor(client, card.expYear),
        exp_month: this.sb.encryptFor(client, card.expMonth),
      },
      account: { id: acc.id, reference: acc.reference, clabe: null },
    });
  }

  @Put('cards/virtual')
  physicalFromVirtual(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('physicalFromVirtual', body, 'body');
    const card = this.card(input.card_number);
    const acc = this.sb.requireAssigned(card);
    if (card.type === 'PHYSICAL') throw E.declined(NecipcoCode.NOT_A_VIRTUAL_CARD, 'Card is not a virtual card');
    if (card.type === 'VIRTUAL_WITH_PHYSICAL') throw E.declined(NecipcoCode.PHYSICAL_ALREADY_REQUESTED, 'A physical card was already requested for this card');
    card.type = 'VIRTUAL_WITH_PHYSICAL';
    const delivery = {
      street: String(input.delivery_street),
      street_number: String(input.delivery_street_number),
      township: String(input.delivery_township),
      state: String(input.delivery_state),
      postal_code: String(input.delivery_postal_code),
    };
    card.delivery = delivery;
    const ch = this.sb.findCardholder(acc.cardholderId).data;
    const docDescription = SANDBOX_CATALOGS.document_type.find((d) => d.key === acc.document.type)?.description ?? '';
    return ok({
      card: { id: card.id, type: card.type, masked_card_number: this.cardView(card).masked_card_number },
      account: {
        id: acc.id,
        rfc: ch.rfc,
        curp: ch.curp,
        primary_phone: ch.primary_phone,
        mobile_phone: ch.mobile_phone,
        observations: acc.observations,
        document: { type: acc.document.type, description: docDescription, number: acc.document.number },
      },
      delivery_address: delivery,
    });
  }

  @Get('cards/virtual/cvc')
  cvc(@Req() req: FastifyRequest, @Query() q: Raw) {
    const client = this.client(req);
    const input = this.input('virtualCardCvc', q, 'query');
    const card = this.card(input.card_number);
    const acc = this.sb.requireActive(card);
    if (card.type === 'PHYSICAL') throw E.declined(NecipcoCode.NOT_A_VIRTUAL_CARD, 'Card is not a virtual card');
    this.sb.requirePin(card, String(input.pin));
    const now = Date.now();
    if (!card.cvc || card.cvc.expiresAt <= now) card.cvc = { value: String(randomInt(0, 1000)).padStart(3, '0'), expiresAt: now + 3 * 60_000 };
    const remaining = Math.max(1, Math.ceil((card.cvc.expiresAt - now) / 60_000));
    return ok({
      card: { ...this.cardView(card), cvc: this.sb.encryptFor(client, card.cvc.value), remaining_time: String(remaining) },
      account: { id: acc.id, reference: Number(acc.reference) },
    });
  }

  // ---------------------------------------------------------------- clients

  @Get('clients')
  getClient(@Req() req: FastifyRequest) {
    const c = this.client(req);
    return ok({
      client: { id: c.id, name: c.name, alias: c.alias, code: c.code, email: c.email, available: num(c.available), balance: num(c.balance), time_zone: 'America/Mexico_City', status: c.status },
    });
  }

  @Get('clients/api_key/public_key')
  getPublicKey(@Req() req: FastifyRequest) {
    const c = this.client(req);
    const key = c.apiKey.publicKey;
    return ok({
      client: { id: c.id, name: c.name, alias: c.alias },
      api_key: { id: c.apiKey.id, alias: c.apiKey.alias, public_key: key ? key.export({ type: 'spki', format: 'pem' }).toString() : null },
      system: { public_key: this.sb.systemPublicKeyPem },
      ...(key ? { sensitive_data: this.sb.encryptFor(c, 'NECIPCO_SANDBOX_KEY_CHECK') } : {}),
    });
  }

  @Post('clients/api_key/public_key')
  @HttpCode(200)
  addPublicKey(@Req() req: FastifyRequest, @Body() body: Raw) {
    const c = this.client(req);
    const input = this.input('addPublicKey', body, 'body');
    try {
      const key = createPublicKey(String(input.public_key).replace(/\\n/g, '\n'));
      if (key.asymmetricKeyType !== 'rsa') throw new Error('not rsa');
      c.apiKey.publicKey = key;
    } catch {
      throw E.invalidField('public_key', 'must be an RSA public key (PEM)');
    }
    return ok({
      client: { id: c.id, name: c.name, alias: c.alias },
      api_key: { id: c.apiKey.id, alias: c.apiKey.alias, public_key: c.apiKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
  }

  @Post('clients')
  @HttpCode(201)
  createClient(@Req() req: FastifyRequest, @Body() body: Raw) {
    const parent = this.client(req);
    const input = this.input('createClient', body, 'body');
    const alias = String(input.alias);
    if ([...this.sb.clients.values()].some((c) => c.alias === alias)) throw E.invalidField('alias', 'is already taken');
    const available = this.amount(input.available);
    this.sb.debitClient(parent, available);
    const now = new Date().toISOString();
    const sub: SbClient = {
      id: randomUUID(),
      parentId: parent.id,
      name: String(input.name),
      alias,
      code: alias.slice(0, 5),
      entityCode: parent.entityCode,
      email: String(input.email),
      rfc: String(input.rfc),
      available,
      balance: Money.ofCentavos(0n),
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      apiKey: { id: randomUUID(), key: '', password: String(input.api_key_password), alias: String(input.api_key_name) },
      apiKeyDescription: input.api_key_description as string | undefined,
    };
    // The sub-client logs in with its api key id as api_key.
    sub.apiKey.key = sub.apiKey.id;
    this.sb.clients.set(sub.id, sub);
    return ok({
      subclient: {
        id: sub.id,
        code: sub.code,
        name: sub.name,
        available: num(sub.available),
        rfc: sub.rfc,
        // As in the document's example: empty id, the api key's id in name.
        api_client: { id: '', name: sub.apiKey.id, alias: sub.alias, description: sub.apiKeyDescription ?? '' },
      },
    });
  }

  @Post('clients/fund')
  @HttpCode(200)
  fund(@Req() req: FastifyRequest, @Body() body: Raw) {
    const parent = this.client(req);
    const input = this.input('fundClient', body, 'body');
    const sub = this.sb.clients.get(String(input.client_id));
    if (!sub || sub.parentId !== parent.id) throw E.notFound('Client');
    const amount = this.amount(input.amount);
    this.sb.debitClient(parent, amount);
    sub.available = sub.available.add(amount);
    return ok({
      client: { id: parent.id, code: parent.code, name: parent.name, available: num(parent.available), rfc: parent.rfc },
      subclient: { id: sub.id, name: sub.name, code: sub.code, available: num(sub.available), rfc: sub.rfc },
    });
  }

  // ---------------------------------------------------------------- SPEI, products, catalogs

  @Post('spei')
  @HttpCode(200)
  spei(@Req() req: FastifyRequest, @Body() body: Raw) {
    this.client(req);
    const input = this.input('createSpei', body, 'body');
    const account = String(input.beneficiary_account);
    if (account.length === 18 && !this.sb.clabeValid(account)) throw E.invalidField('beneficiary_account', 'is not a valid CLABE');
    const card = this.card(input.card_number);
    const acc = this.sb.requireActive(card);
    const amount = this.amount(input.amount);
    const { commission, iva } = this.sb.speiCharges();
    this.sb.debit(card, amount.add(commission).add(iva));
    const auth = this.sb.authCode();
    this.sb.record(card, { type: '1', subtype: '30', description: 'SPEI enviado', merchant: String(input.beneficiary_institution), amount, credit: false, channel: 'SPEI' }, auth);
    this.sb.record(card, { type: '1', subtype: '31', description: 'Comisión SPEI + IVA', merchant: 'COMISION SPEI', amount: commission.add(iva), credit: false, channel: 'SPEI' }, auth);
    const ch = this.sb.findCardholder(acc.cardholderId).data;
    const spei = {
      id: String(100_000 + this.sb.spei.length + 1),
      tracking_key: `NEC${Date.now().toString().slice(-9)}${randomInt(10, 99)}`,
      operation_date: mexicoDateTime(new Date()).date,
      reference_operation: randomUUID(),
      amount: num(amount),
      commission: num(commission),
      commission_type: 'FLAT',
      iva: num(iva),
    };
    this.sb.spei.push({ ...spei, card_id: card.id, beneficiary_account_last4: account.slice(-4) });
    return ok({
      card: { card_id: card.id, card_type: card.type === 'PHYSICAL' ? 'PHISYCAL' : card.type, masked_card_number: this.cardView(card).masked_card_number },
      account: { account_id: acc.id, rfc: ch.rfc, curp: ch.curp, primary_phone: ch.primary_phone, mobile_phone: ch.mobile_phone, observations: acc.observations },
      spei,
    });
  }

  @Get('spei/institutions')
  institutions(@Req() req: FastifyRequest) {
    this.client(req);
    return ok({ spei_institutions: this.sb.institutions() });
  }

  @Get('products')
  products(@Req() req: FastifyRequest) {
    this.client(req);
    const stock = this.sb.stock().length;
    return ok({
      products: {
        total: this.sb.products.length,
        detail: this.sb.products.map((p, i) => ({
          id: p.id,
          name: p.name,
          description: '',
          country: { code: '484', description: null },
          coin: { code: '484', description: 'PESO MEXICANO' },
          type: { key: p.typeKey, value: p.typeValue },
          status: { key: 'ACTIVE', value: 'activo' },
          affinity_group: p.affinityGroup,
          stock_cards: i === 0 ? stock : 0,
          allow_blank_curp: false,
          allow_blank_rfc: false,
        })),
      },
    });
  }

  /** card_status, document_types (also document_type, as the document spells it once), states, marital_status, gender. */
  @Get('catalogs/:name')
  catalog(@Req() req: FastifyRequest, @Param('name') name: string) {
    this.client(req);
    const key = name === 'document_types' ? 'document_type' : name;
    const list = SANDBOX_CATALOGS[key];
    if (!list) throw E.notFound('Catalog');
    return ok({ [key]: list });
  }

  /** Unknown paths under /necipco/v1: 405 when the path exists with another method, else 404. */
  @All('*')
  @ApiExcludeEndpoint()
  fallback(@Req() req: FastifyRequest) {
    const path = (req.url.split('?')[0] ?? '').replace(/^\/necipco\/v1\/?/, '').replace(/\/+$/, '');
    const methods = ROUTES[path] ?? (path.startsWith('catalogs/') ? ['GET'] : undefined);
    if (methods && !methods.includes(req.method)) throw new E(405, NecipcoCode.METHOD_NOT_ALLOWED, `Method ${req.method} not allowed; use ${methods.join(', ')}`);
    throw E.notFound('Resource');
  }
}
