import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { Prisma, PrismaService } from '#libs/database';
import { Clabe, ClabeAccounts, ConflictError, Money, NotFoundError, ProviderUnavailableError, ValidationError, type ClabeAccountCreated, type CreateClabeAccountRequest } from '#libs/domain';
import { ProviderLinksRepository } from '#libs/inbox';
import { LedgerService } from '#libs/ledger';
import type { ClabeAccountDto, CreateClabeAccountDto } from './dto/clabe-account.dto.js';

type AccountRow = Awaited<ReturnType<PrismaService['clabeAccount']['findUniqueOrThrow']>>;

/** Ledger code of a CLABE account's customer account. */
export function clabeLedgerCode(clabe: string): string {
  return `clabe:${clabe}`;
}

/**
 * CLABE accounts at STP. The row (keyed by the caller's API key + Idempotency-Key) is written BEFORE STP is
 * called, and its id is STP's `account_id`, so no retry can open a second CLABE (STP answers 409 for a known
 * account_id). No transaction is open during the call. On success: a liability ledger account that may not
 * go negative (`clabe:<clabe>`), the CLABE → ledger link SPEI IN and SPEI OUT use, and the row marked created.
 * A refusal removes the row (nothing was opened); a lost answer leaves it `unknown` (409 on the same key).
 */
@Injectable()
export class ClabeAccountsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(ClabeAccounts) private readonly stp: ClabeAccounts,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(ProviderLinksRepository) private readonly links: ProviderLinksRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async create(apiKeyId: string, key: string, dto: CreateClabeAccountDto): Promise<ClabeAccountDto> {
    const where = { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey: key } };
    const existing = await this.prisma.clabeAccount.findUnique({ where });
    if (existing) return this.resume(existing);
    const request = toRequest(randomUUID(), dto);
    let row: AccountRow;
    try {
      row = await this.prisma.clabeAccount.create({
        data: { id: request.accountId, apiKeyId, idempotencyKey: key, provider: this.stp.provider, state: 'pending', holder: holderJson(dto) },
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return this.resume(await this.prisma.clabeAccount.findUniqueOrThrow({ where }));
      throw e;
    }
    let created: ClabeAccountCreated;
    try {
      created = await this.stp.createClabeAccount(request);
    } catch (e) {
      if (e instanceof ProviderUnavailableError || e instanceof ConflictError) {
        // Unavailable: STP may have opened it. Conflict: an earlier call with this account_id did. Either way
        // a CLABE may exist that we do not know: keep the row for reconciliation.
        await this.prisma.clabeAccount.update({ where: { id: row.id }, data: { state: 'unknown', updatedAt: new Date() } });
      } else {
        await this.prisma.clabeAccount.delete({ where: { id: row.id } });
      }
      throw e;
    }
    return this.view(await this.finish(row, created.clabe.value));
  }

  async get(clabeText: string): Promise<ClabeAccountDto> {
    const clabe = Clabe.parse(clabeText, 'clabe');
    const row = await this.prisma.clabeAccount.findUnique({ where: { clabe: clabe.value } });
    if (!row || row.state !== 'created') throw new NotFoundError(`no CLABE account ${clabe.value}`, { clabe: clabe.value }, 'clabe_account_not_found');
    return this.view(row);
  }

  /**
   * An operator settles a row left `unknown` (STP's answer lost) or stuck `pending`: the SAME request is sent
   * again with the SAME account_id, which STP keys CLABE accounts by, so no second CLABE can be opened.
   * - STP opens it now (it never had it): finished as create does → 200 with the CLABE.
   * - STP answers 409 (it has this account_id): the CLABE it assigned was only in the lost answer, and STP's
   *   document offers no query by account_id (its CLABE status webhook carries the CLABE, not the account_id),
   *   so it cannot be linked safely here → stays `unknown`, 409 clabe_account_exists_at_stp (needs STP support).
   * - STP refuses it (400/403/404): nothing was opened with this data → the row is removed (like create), the error returned.
   * - STP still unavailable → stays `unknown`, 503.
   * The row is claimed `unknown → pending` by compare-and-set first, so two reconciles never both call STP.
   */
  async reconcile(ref: string): Promise<ClabeAccountDto> {
    const row = /^\d{18}$/.test(ref)
      ? await this.prisma.clabeAccount.findUnique({ where: { clabe: Clabe.parse(ref, 'clabe').value } })
      : /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)
        ? await this.prisma.clabeAccount.findUnique({ where: { id: ref.toLowerCase() } })
        : (() => {
            throw new ValidationError('expected a CLABE account id (UUID) or an 18-digit CLABE', { field: 'id' }, 'validation_failed');
          })();
    if (!row) throw new NotFoundError(`no CLABE account ${ref}`, { ref }, 'clabe_account_not_found');
    const stuck = row.state === 'pending' && Date.now() - row.updatedAt.getTime() >= this.config.sweeperAgeMs;
    if (row.state !== 'unknown' && !stuck) {
      throw new ConflictError(`the CLABE account is ${row.state}; only one whose opening is unknown can be reconciled`, { id: row.id, state: row.state }, 'clabe_account_not_reconcilable');
    }
    const claimed = await this.prisma.clabeAccount.updateMany({ where: { id: row.id, state: row.state, updatedAt: row.updatedAt }, data: { state: 'pending', updatedAt: new Date() } });
    if (claimed.count !== 1) throw new ConflictError('the CLABE account is being reconciled or opened right now', { id: row.id }, 'clabe_account_not_reconcilable');
    let created: ClabeAccountCreated;
    try {
      created = await this.stp.createClabeAccount(toRequest(row.id, row.holder as unknown as CreateClabeAccountDto));
    } catch (e) {
      if (e instanceof ProviderUnavailableError) {
        await this.prisma.clabeAccount.update({ where: { id: row.id }, data: { state: 'unknown', updatedAt: new Date() } });
        throw e;
      }
      if (e instanceof ConflictError) {
        await this.prisma.clabeAccount.update({ where: { id: row.id }, data: { state: 'unknown', updatedAt: new Date() } });
        throw new ConflictError(
          'STP already has a CLABE account for this account_id, but its CLABE was only in the lost answer and STP offers no query by account_id: it stays unknown until STP support provides the CLABE',
          { id: row.id },
          'clabe_account_exists_at_stp',
        );
      }
      await this.prisma.clabeAccount.delete({ where: { id: row.id } });
      throw e;
    }
    return this.view(await this.finish(row, created.clabe.value));
  }

  private async resume(row: AccountRow): Promise<ClabeAccountDto> {
    if (row.state !== 'created') {
      throw new ConflictError(
        `the outcome of the first request with this Idempotency-Key is unknown at STP; it must be reconciled before a retry (POST /v1/clabe-accounts/${row.id}/reconcile)`,
        { clabe_account_id: row.id },
        'clabe_account_outcome_unknown',
      );
    }
    return this.view(row);
  }

  /** Ledger account, link, row — each step idempotent, so a crash between them is finished by the same call. */
  private async finish(row: AccountRow, clabe: string): Promise<AccountRow> {
    const account = await this.ledger.createAccount({ code: clabeLedgerCode(clabe), type: 'liability', flags: { debitsMustNotExceedCredits: true } });
    await this.links.upsertClabe(clabe, account.id, 'active');
    return this.prisma.clabeAccount.update({ where: { id: row.id }, data: { clabe, state: 'created', ledgerAccountId: account.id, updatedAt: new Date() } });
  }

  private async view(row: AccountRow): Promise<ClabeAccountDto> {
    const clabe = row.clabe!;
    const [b, link] = await Promise.all([this.ledger.balances(row.ledgerAccountId!), this.links.clabe(clabe)]);
    const holder = row.holder as Record<string, string | null>;
    return {
      id: row.id,
      clabe,
      provider: row.provider,
      status: link?.status ?? 'inactive',
      name: holder.name ?? '',
      last_name: holder.last_name ?? '',
      second_lastname: holder.second_lastname ?? null,
      ledger_account_id: row.ledgerAccountId!,
      balance: {
        posted: Money.ofCentavos(b.posted).toDecimalString(),
        available: Money.ofCentavos(b.available).toDecimalString(),
        held: Money.ofCentavos(b.pendingDebits).toDecimalString(),
        currency: b.currency,
      },
      created_at: row.createdAt.toISOString(),
    };
  }
}

function toRequest(accountId: string, dto: CreateClabeAccountDto): CreateClabeAccountRequest {
  const a = dto.address;
  return {
    accountId,
    holder: {
      name: dto.name,
      lastName: dto.last_name,
      secondLastName: dto.second_lastname,
      birthDate: dto.birth_date,
      gender: dto.gender,
      rfcOrCurp: dto.rfc_or_curp,
      federalEntity: dto.federal_entity,
      economicActivity: dto.economic_activity,
      countryOfBirth: dto.country_of_birth,
      personalId: dto.personal_id,
      address: a ? { street: a.street, outdoorNumber: a.outdoor_number, interiorNumber: a.interior_number, suburb: a.suburb, municipality: a.municipality, zipCode: a.zip_code } : undefined,
      email: dto.email,
      phone: dto.phone,
    },
  };
}

/** What the row keeps of the holder (to show it back); plain JSON. */
function holderJson(dto: CreateClabeAccountDto): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(dto)) as Prisma.InputJsonValue;
}
