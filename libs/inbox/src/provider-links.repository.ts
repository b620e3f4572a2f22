import { Inject, Injectable } from '@nestjs/common';
import { DatabasePool } from '#libs/database';
import { NotFoundError, ValidationError } from '#libs/domain';
import type { Queryable } from '#libs/ledger';

export type ClabeLinkStatus = 'active' | 'inactive';
export type CardLinkStatus = 'active' | 'blocked' | 'cancelled';

export interface StpClabeLinkRecord {
  clabe: string;
  ledgerAccountId: string;
  status: ClabeLinkStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface CredencialAccountLinkRecord {
  accountNumber: string;
  emiAccountIdentifier: string;
  ledgerAccountId: string;
  status: CardLinkStatus;
  createdAt: Date;
  updatedAt: Date;
}

type Row = Record<string, any>;

const clabeOf = (r: Row): StpClabeLinkRecord => ({ clabe: r.clabe, ledgerAccountId: r.ledger_account_id, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at });
const cardOf = (r: Row): CredencialAccountLinkRecord => ({
  accountNumber: r.account_number,
  emiAccountIdentifier: r.emi_account_identifier,
  ledgerAccountId: r.ledger_account_id,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function mapFk(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23503') return new NotFoundError('ledger account not found', undefined, 'account_not_found');
  if (e?.code === '23514') return new ValidationError(`invalid value (${e.constraint ?? 'check'})`, { constraint: e.constraint }, 'invalid_request');
  return err;
}

/**
 * Which ledger account an STP CLABE or a Credencial account belongs to. Registered through the admin API
 * (the adapters will create them when they open accounts); STP's CLABE status webhook flips `status`.
 */
@Injectable()
export class ProviderLinksRepository {
  constructor(@Inject(DatabasePool) private readonly database: DatabasePool) {}

  async upsertClabe(clabe: string, ledgerAccountId: string, status: ClabeLinkStatus = 'active'): Promise<StpClabeLinkRecord> {
    try {
      const { rows } = await this.database.query(
        `insert into stp_clabe_links (clabe, ledger_account_id, status) values ($1, $2, $3)
         on conflict (clabe) do update set ledger_account_id = excluded.ledger_account_id, status = excluded.status, updated_at = now()
         returning *`,
        [clabe, ledgerAccountId, status],
      );
      return clabeOf(rows[0]);
    } catch (err) {
      throw mapFk(err);
    }
  }

  async clabe(clabe: string, db: Queryable = this.database.pool): Promise<StpClabeLinkRecord | null> {
    const { rows } = await db.query({ name: 'links_clabe', text: 'select * from stp_clabe_links where clabe = $1', values: [clabe] });
    return rows[0] ? clabeOf(rows[0]) : null;
  }

  /** Many at once (the SPEI IN batch). */
  async clabes(clabes: string[], db: Queryable = this.database.pool): Promise<Map<string, StpClabeLinkRecord>> {
    const { rows } = await db.query({ name: 'links_clabes', text: 'select * from stp_clabe_links where clabe = any($1::text[])', values: [clabes] });
    return new Map(rows.map((r: Row) => [r.clabe as string, clabeOf(r)]));
  }

  async setClabeStatus(clabe: string, status: ClabeLinkStatus, db: Queryable): Promise<boolean> {
    const { rowCount } = await db.query({ text: 'update stp_clabe_links set status = $2, updated_at = now() where clabe = $1', values: [clabe, status] });
    return (rowCount ?? 0) > 0;
  }

  async upsertCard(accountNumber: string, emiAccountIdentifier: string, ledgerAccountId: string, status: CardLinkStatus = 'active'): Promise<CredencialAccountLinkRecord> {
    try {
      const { rows } = await this.database.query(
        `insert into credencial_account_links (account_number, emi_account_identifier, ledger_account_id, status) values ($1, $2, $3, $4)
         on conflict (account_number) do update set emi_account_identifier = excluded.emi_account_identifier,
           ledger_account_id = excluded.ledger_account_id, status = excluded.status, updated_at = now()
         returning *`,
        [accountNumber, emiAccountIdentifier, ledgerAccountId, status],
      );
      return cardOf(rows[0]);
    } catch (err) {
      throw mapFk(err);
    }
  }

  async card(accountNumber: string, db: Queryable = this.database.pool): Promise<CredencialAccountLinkRecord | null> {
    const { rows } = await db.query({ name: 'links_card', text: 'select * from credencial_account_links where account_number = $1', values: [accountNumber] });
    return rows[0] ? cardOf(rows[0]) : null;
  }
}
