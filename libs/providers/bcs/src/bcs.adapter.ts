import { Inject, Injectable } from '@nestjs/common';
import {
  CardServicing,
  type AccountHoldRequest,
  type BillingCycleChangeRequest,
  type CreditCardReplacementRequest,
  type DeadlinesRequest,
  type DebitCardReplacementRequest,
  type DebitCardReplacementResult,
  type SensitiveValue,
  type ServicingContext,
  type ServicingCustomer,
} from '#libs/domain';
import { BcsClient } from './bcs.client.js';
import { acctId, cycleDateWire, deadlinesWire, debitReplacementWire, secretId, toContext } from './bcs.mapper.js';

/** BCS behind the CardServicing port. */
@Injectable()
export class BcsAdapter extends CardServicing {
  constructor(@Inject(BcsClient) private readonly client: BcsClient) {
    super();
  }

  cardReference(pan: SensitiveValue): string {
    return this.client.cipher.encrypt(pan.reveal());
  }

  async holdAccounts(req: AccountHoldRequest, ctx: ServicingContext): Promise<void> {
    await this.client.accountHolds(
      { govIssueIdentType: req.customer.idType, identSerialNum: req.customer.idNumber, flagAllDebCardsBlock: req.allDebitCards, additionalAcctId: req.accounts.map(acctId) },
      toContext(ctx),
    );
  }

  async replaceCreditCard(req: CreditCardReplacementRequest, ctx: ServicingContext): Promise<void> {
    await this.client.creditCardReplacement({ acctId: acctId(req.card), lockCode: req.lockCode }, toContext(ctx));
  }

  async replaceDebitCard(req: DebitCardReplacementRequest, ctx: ServicingContext): Promise<DebitCardReplacementResult> {
    const res = await this.client.debitCardReplacement(debitReplacementWire(req), toContext(ctx));
    const trn = res.body?.trn;
    return { billerNumber: trn?.billerNum, referenceId: trn?.refId, depositAccount: trn?.depAcctId?.acctId };
  }

  async validateCreditCardCvv(customer: ServicingCustomer, cvv: SensitiveValue, ctx: ServicingContext): Promise<void> {
    await this.client.creditCardCvv(secretId(this.client.cipher, cvv.reveal()), { identserialnum: customer.idNumber, govIssueIdentType: customer.idType }, toContext(ctx));
  }

  async validateDebitCardPin(customer: ServicingCustomer, pin: SensitiveValue, ctx: ServicingContext): Promise<void> {
    await this.client.debitCardPin(secretId(this.client.cipher, pin.reveal()), { identserialnum: customer.idNumber, govIssueIdentType: customer.idType }, toContext(ctx));
  }

  async changeBillingCycle(req: BillingCycleChangeRequest, ctx: ServicingContext): Promise<void> {
    await this.client.cycleDate(cycleDateWire(req), toContext(ctx));
  }

  async modifyDeadlines(req: DeadlinesRequest, ctx: ServicingContext): Promise<void> {
    await this.client.deadlines(deadlinesWire(req), toContext(ctx));
  }

  async applyDebitCard(ctx: ServicingContext): Promise<void> {
    await this.client.applyDebitCard(toContext(ctx));
  }
}
