import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#libs/database';
import { Clabe, ClabeAccounts, ConflictError, Money, NotFoundError, ProviderUnavailableError, type ClabeAccountCreated, type CreateClabeAccountRequest } from '#libs/domain';
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

  private async resume(row: AccountRow): Promise<ClabeAccountDto> {
    if (row.state !== 'created') {
      throw new ConflictError('the outcome of the first request with this Idempotency-Key is unknown at STP; it must be reconciled before a retry', { clabe_account_id: row.id }, 'clabe_account_outcome_unknown');
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
