import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { CATALOG_NAMES, Money, NotFoundError, ValidationError, type CatalogName } from '#libs/domain';
import { LedgerService } from '#libs/ledger';
import { CardLedgerService } from './card-ledger.service.js';
import { scopedLedgerKey } from './card-money.service.js';
import { CardProviders } from './card-providers.js';
import { decodeCursor, encodeCursor } from './dto/common.dto.js';
import type { SpeiInstitutionListDto } from './dto/card-money.dto.js';
import type { CatalogDto, ClientDto, ClientPageDto, CreateClientDto, FundingDto, ProductListDto, ProgramDto } from './dto/program.dto.js';

type ClientRow = Awaited<ReturnType<PrismaService['programClient']['findUniqueOrThrow']>>;

/**
 * The card program: the program's own client (main balance), sub-clients and their funding, products,
 * catalogs and SPEI institutions, through the provider's ProgramAdmin / SpeiRail ports. Sub-client money is
 * mirrored in the ledger: `<provider>:program:main` → `<provider>:client:<id>` once the provider confirms.
 */
@Injectable()
export class ProgramService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(CardProviders) private readonly providers: CardProviders,
    @Inject(CardLedgerService) private readonly cardLedger: CardLedgerService,
    @Inject(LedgerService) private readonly ledger: LedgerService,
  ) {}

  async program(providerName?: string): Promise<ProgramDto> {
    const provider = this.providers.choose(providerName);
    const c = await this.providers.program(provider).getClient();
    return { provider, name: c.name, alias: c.alias ?? null, available: c.available.toDecimalString(), balance: c.balance?.toDecimalString() ?? null, status: c.status ?? null };
  }

  async createClient(apiKeyId: string, key: string, dto: CreateClientDto): Promise<ClientDto> {
    const provider = this.providers.choose(dto.provider);
    const initial = Money.parse(dto.initial_available);
    const a = dto.address;
    const c = dto.contact;
    const created = await this.providers.program(provider).createSubClient({
      name: dto.name,
      alias: dto.alias,
      email: dto.email,
      initialAvailable: initial,
      phone: dto.phone,
      mobilePhone: dto.mobile_phone,
      rfc: dto.rfc,
      address: { street: a.street, externalNumber: a.external_number, internalNumber: a.internal_number, suburb: a.suburb, township: a.township, city: a.city, state: a.state, postalCode: a.postal_code },
      contact: {
        name: c.name,
        secondName: c.second_name,
        surname: c.surname,
        secondSurname: c.second_surname,
        email: c.email,
        phoneCountryCode: c.phone_country_code,
        phone: c.phone,
        mobilePhoneCountryCode: c.mobile_phone_country_code,
        mobilePhone: c.mobile_phone,
      },
      apiKey: { name: dto.api_key.name, description: dto.api_key.description, password: dto.api_key.password },
    });
    const id = randomUUID();
    const ledgerAccountId = await this.cardLedger.clientAccount(provider, id);
    const row = await this.prisma.programClient.create({
      data: { id, provider, providerClientId: created.clientId, name: created.name ?? dto.name, alias: dto.alias, rfc: created.rfc ?? dto.rfc, ledgerAccountId },
    });
    if (initial.centavos > 0n) {
      await this.cardLedger.post(scopedLedgerKey('client-create', apiKeyId, key), [
        { debitAccountId: await this.cardLedger.mainAccount(provider), creditAccountId: ledgerAccountId, amount: initial.centavos, kind: 'client_funding', externalRef: created.clientId, metadata: { client_id: id } },
      ]);
    }
    return this.view(row, created.available, created.apiKey?.id ?? null);
  }

  async listClients(limit = 50, cursor?: string): Promise<ClientPageDto> {
    const after = decodeCursor(cursor);
    const rows = await this.prisma.programClient.findMany({ where: after ? { id: { gt: after } } : {}, orderBy: { id: 'asc' }, take: limit + 1 });
    const page = rows.slice(0, limit);
    return { data: await Promise.all(page.map((r) => this.view(r))), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  async getClient(id: string): Promise<ClientDto> {
    return this.view(await this.client(id));
  }

  async fund(apiKeyId: string, key: string, id: string, amountText: string): Promise<FundingDto> {
    const row = await this.client(id);
    const amount = Money.parse(amountText);
    if (amount.centavos <= 0n) throw new ValidationError('amount must be greater than zero', { field: 'amount' }, 'invalid_amount');
    const r = await this.providers.program(row.provider).fundSubClient(row.providerClientId, amount);
    const journal = await this.cardLedger.post(scopedLedgerKey('client-funding', apiKeyId, key), [
      { debitAccountId: await this.cardLedger.mainAccount(row.provider), creditAccountId: row.ledgerAccountId, amount: amount.centavos, kind: 'client_funding', externalRef: row.providerClientId, metadata: { client_id: row.id } },
    ]);
    return {
      client_id: row.id,
      amount: amount.toDecimalString(),
      client_available: r.subClient.available.toDecimalString(),
      program_available: r.client.available.toDecimalString(),
      ledger_journal_id: journal.journalId,
    };
  }

  async products(providerName?: string): Promise<ProductListDto> {
    const provider = this.providers.choose(providerName);
    const list = await this.providers.program(provider).listProducts();
    return {
      data: list.map((p) => ({
        id: p.productId,
        provider,
        name: p.name,
        description: p.description ?? null,
        type: p.type?.key ?? null,
        status: p.status?.key ?? null,
        currency_code: p.currencyCode ?? null,
        stock_cards: p.stockCards ?? null,
      })),
    };
  }

  async catalog(name: string, providerName?: string): Promise<CatalogDto> {
    if (!(CATALOG_NAMES as readonly string[]).includes(name)) throw new NotFoundError(`no catalog ${name}; catalogs: ${CATALOG_NAMES.join(', ')}`, { name }, 'catalog_not_found');
    const provider = this.providers.choose(providerName);
    const entries = await this.providers.program(provider).getCatalog(name as CatalogName);
    return { name, provider, data: entries.map((e) => ({ key: e.key, value: e.value, description: e.description || null })) };
  }

  async institutions(providerName?: string): Promise<SpeiInstitutionListDto> {
    const provider = this.providers.choose(providerName);
    const list = await this.providers.spei(provider).listSpeiInstitutions();
    return { data: list.map((i) => ({ spei_key: i.speiKey, name: i.name, bank_code: i.bankCode ?? null })) };
  }

  private async client(id: string): Promise<ClientRow> {
    const row = await this.prisma.programClient.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`client ${id} not found`, { id }, 'client_not_found');
    return row;
  }

  private async view(row: ClientRow, available?: Money, providerApiKeyId: string | null = null): Promise<ClientDto> {
    const b = await this.ledger.balances(row.ledgerAccountId);
    return {
      id: row.id,
      provider: row.provider,
      name: row.name,
      alias: row.alias,
      rfc: row.rfc,
      available: available?.toDecimalString() ?? null,
      ledger_balance: Money.ofCentavos(b.posted).toDecimalString(),
      ledger_account_id: row.ledgerAccountId,
      provider_api_key_id: providerApiKeyId,
      created_at: row.createdAt.toISOString(),
    };
  }
}
