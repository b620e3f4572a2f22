import { randomUUID } from 'node:crypto';
import { loadConfig } from '#libs/config';
import { DatabasePool } from '#libs/database';
import { balancesOf, postingHash, requestHash, type LedgerAccount } from '#libs/ledger';

// credencial_debit_authorize places the DEBIT's hold itself, with the request hash and balances the TypeScript
// ledger would use: these pin the SQL helpers to their TypeScript twins.
describe('credencial_debit_authorize helpers', () => {
  const pool = new DatabasePool(loadConfig().databaseUrl!, 2);

  afterAll(() => pool.close());

  it('hashes the hold exactly as LedgerService.hold() does, whatever the reference holds', async () => {
    const refs = ['credencial:544802938:25487', 'credencial:1:"quoted" \\ back/slash', 'credencial:1:tab\tnl\nctl\u0001', 'credencial:1:ñandú €', 'credencial:1:-:?:#abcdef'];
    for (const ref of refs) {
      const debit = randomUUID();
      const credit = randomUUID();
      const event = randomUUID();
      const amount = BigInt(Math.floor(Math.random() * 1e9) + 1);
      const ts = postingHash('hold', 'MXN', [{ debit, credit, amount, kind: 'card_debit', ref, metadata: { event_id: event } }]);
      const { rows } = await pool.query('select credencial_debit_hold_hash($1, $2, $3, $4, $5) as h', [debit, credit, amount.toString(), ref, event]);
      expect(rows[0].h).toBe(ts);
    }
  });

  it('hashes the settlement of a hold exactly as LedgerService.post() does (credencial_debit_settle)', async () => {
    for (let i = 0; i < 5; i++) {
      const hold = randomUUID();
      const event = randomUUID();
      const { rows } = await pool.query('select credencial_debit_settle_hash($1, $2) as h', [hold, event]);
      expect(rows[0].h).toBe(requestHash(['post', hold, null, { event_id: event }]));
    }
  });

  it('computes the available balance as balancesOf does, for both account types', async () => {
    for (const type of ['liability', 'asset'] as const) {
      const a = { id: randomUUID(), code: 'x', type, currency: 'MXN', debitsPosted: 7_000n, creditsPosted: 10_000n, debitsPending: 1_500n, creditsPending: 250n } as unknown as LedgerAccount;
      const { rows } = await pool.query(
        `select ledger_available(row(null, null, $1, 'MXN', $2::bigint, $3::bigint, $4::bigint, $5::bigint, false, false, 0, now())::ledger_accounts)::text as v`,
        [type, a.debitsPosted.toString(), a.creditsPosted.toString(), a.debitsPending.toString(), a.creditsPending.toString()],
      );
      expect(BigInt(rows[0].v)).toBe(balancesOf(a).available);
    }
  });
});
