import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BcsSandboxError as E, BcsSandboxFilter } from './bcs-sandbox.errors.js';
import { BcsSandboxState, type SandboxCard } from './bcs-sandbox.state.js';

/**
 * Sandbox-only controls (not in the BCS document), under /cards-management/v1/_sandbox: create test cards
 * (their clear numbers, CVV and PIN are test data), look at a card's state, and move the sandbox clock so
 * billing periods pass.
 */
@ApiTags('BCS sandbox')
@UseFilters(BcsSandboxFilter)
@Controller('cards-management/v1/_sandbox')
export class BcsSandboxAdminController {
  constructor(private readonly sb: BcsSandboxState) {}

  private view(c: SandboxCard) {
    const cust = this.sb.customers.get(c.customer)!;
    return {
      card_number: c.pan,
      encrypted_acct_id: this.sb.cipher.encrypt(c.pan),
      kind: c.kind,
      gov_issue_ident_type: cust.idType,
      ident_serial_num: cust.idNumber,
      cvv: c.cvv,
      pin: c.pin,
      account: c.account,
      block: c.block,
      days_cycle: c.daysCycle,
      cycle_history: c.cycleHistory,
      installments: Object.fromEntries(c.installments),
      replaced_by: c.replacedBy ?? null,
    };
  }

  /** `{ kind, gov_issue_ident_type?, ident_serial_num?, expired?, in_arrears?, minimum_payment_pending?, natural_person?, replacement_allowed? }` */
  @Post('cards')
  @HttpCode(201)
  create(@Body() b: Record<string, unknown> | undefined) {
    const kind = b?.kind ?? 'credit';
    if (kind !== 'credit' && kind !== 'debit') throw E.apikit(400, 'kind must be credit or debit');
    const flag = (k: string) => (b?.[k] === undefined ? undefined : b[k] === true);
    const c = this.sb.createCard({
      kind,
      idType: typeof b?.gov_issue_ident_type === 'string' ? b.gov_issue_ident_type : undefined,
      idNumber: typeof b?.ident_serial_num === 'string' ? b.ident_serial_num : undefined,
      expired: flag('expired'),
      inArrears: flag('in_arrears'),
      minimumPaymentPending: flag('minimum_payment_pending'),
      naturalPerson: flag('natural_person'),
      replacementAllowed: flag('replacement_allowed'),
    });
    return this.view(c);
  }

  @Get('cards/:acctId')
  get(@Param('acctId') acctId: string) {
    const c = this.sb.card(acctId);
    if (!c) throw E.apikit(404, 'no such card');
    return this.view(c);
  }

  @Get('applications')
  applications() {
    return { applications: this.sb.applications };
  }

  /** `{ "days": 200 }`: the sandbox's clock moves forward (billing periods since the last cycle change). */
  @Post('clock')
  @HttpCode(200)
  clock(@Body() b: { days?: unknown } | undefined) {
    const days = Number(b?.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw E.apikit(400, 'days must be 1-3650');
    this.sb.advanceDays(days);
    return { now: this.sb.now().toISOString() };
  }
}
