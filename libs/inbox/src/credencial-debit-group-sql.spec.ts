import { randomUUID } from 'node:crypto';
import { loadConfig } from '#libs/config';
import { DatabasePool, PrismaService } from '#libs/database';
import { LedgerService } from '#libs/ledger';

// credencial_debit_authorize_many must write, for each DEBIT it authorizes, exactly what credencial_debit_authorize
// writes, and leave out every other one (the gateway then sends those through credencial_debit_authorize). Two
// identical worlds get the same DEBITs: one through the group statement (then the left-out ones one by one, as
// the gateway does), the other one DEBIT at a time. Their answers, inbox rows, holds and balances must match.
describe('credencial_debit_authorize_many', () => {
  const pool = new DatabasePool(loadConfig().databaseUrl!, 4);
  const prisma = new PrismaService(pool);
  const ledger = new LedgerService(pool, prisma);
  const run = randomUUID().slice(0, 8);

  afterAll(async () => {
    await prisma.$disconnect?.();
    await pool.close();
  });

  interface World {
    name: string;
    funding: string;
    shard: string;
    cards: Array<{ account: string; emi: string; ledgerId: string }>;
  }

  /** 6 cards (funded 100.00 each, card 3 blocked, card 4 unfunded), their links, and a settlement account of its own. */
  async function world(name: string): Promise<World> {
    const funding = (await ledger.createAccount({ code: `test:group:${run}:${name}:funding`, type: 'asset' })).id;
    const shard = (await ledger.createAccount({ code: `test:group:${run}:${name}:settlement`, type: 'liability' })).id;
    const cards: World['cards'] = [];
    for (let i = 0; i < 6; i++) {
      const ledgerId = (await ledger.createAccount({ code: `test:group:${run}:${name}:card:${i}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id;
      if (i !== 4) await ledger.transfer({ idempotencyKey: `fund:${ledgerId}`, legs: [{ debitAccountId: funding, creditAccountId: ledgerId, amount: 10_000n, kind: 'funding' }] });
      const account = `${{ a: 7, b: 8 }[name] ?? 6}${run.replace(/\D/g, '').padEnd(4, '0').slice(0, 4)}${String(i).padStart(3, '0')}`;
      const emi = `9${account}`;
      await pool.query(`insert into credencial_account_links (account_number, emi_account_identifier, ledger_account_id, status) values ($1, $2, $3, $4)`, [
        account, emi, ledgerId, i === 3 ? 'blocked' : 'active',
      ]);
      cards.push({ account, emi, ledgerId });
    }
    return { name, funding, shard, cards };
  }

  /** One DEBIT's parameters (as CredencialAuthorizer builds them): card index, amount, the transaction's reference. */
  interface Debit {
    card: number;
    amount: bigint | null;
    ref: string;
    emi?: string;
    unknownAccount?: boolean;
  }

  function values(w: World, d: Debit) {
    const account = d.unknownAccount ? `${w.cards[0].account}9` : w.cards[d.card].account;
    const key = `${account}:${d.ref}`;
    return {
      // The payload goes through a jsonb[] parameter: quotes, backslashes, control characters and non-ASCII text must arrive intact.
      id: randomUUID(), key, payload: { account_number: account, reference: d.ref, amount: String(d.amount), trade_name: 'TIENDA "LA ÑANDÚ" \\ C:\\x\n\t{a,b}', nested: { list: [1, '2', null] } }, hash: `h:${d.ref}:${d.amount}`,
      webhookId: `msg_${d.ref}`, amount: d.amount === null ? null : d.amount.toString(), lockKey: `credencial:${key}`, prefix: `${key}:`,
      ownRef: true, account, emi: d.emi ?? w.cards[d.card].emi, reference: d.ref, currencyLiq: '484', settlement: w.shard, externalRef: `credencial:${key}`,
    };
  }
  type Values = ReturnType<typeof values>;

  async function one(v: Values) {
    const { rows } = await pool.query(
      `select event_id, duplicate, response from credencial_debit_authorize($1::uuid, $2, $3::jsonb, $4, $5, $6::bigint, $7, $8, $9, $10, $11, $12, $13, $14::uuid, $15)`,
      [v.id, v.key, v.payload, v.hash, v.webhookId, v.amount, v.lockKey, v.prefix, v.ownRef, v.account, v.emi, v.reference, v.currencyLiq, v.settlement, v.externalRef],
    );
    return rows[0] as { event_id: string; duplicate: boolean; response: Record<string, unknown> | null };
  }

  async function group(vs: Values[]) {
    const col = <K extends keyof Values>(k: K) => vs.map((v) => v[k]);
    const { rows } = await pool.query(
      `select pos, event_id, response from credencial_debit_authorize_many($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[])`,
      [col('id'), col('key'), col('payload'), col('hash'), col('webhookId'), col('amount'), col('lockKey'), col('prefix'), col('account'), col('emi'), col('reference'), col('settlement'), col('externalRef')],
    );
    return rows as Array<{ pos: number; event_id: string; response: Record<string, unknown> }>;
  }

  /** What a world ends with, with its own ids replaced by names, and the answers' clock left out. */
  async function snapshot(w: World, vs: Values[], answers: Array<Record<string, unknown> | null>) {
    const name = new Map<string, string>([[w.shard, 'shard'], [w.funding, 'funding'], ...w.cards.map((c, i) => [c.ledgerId, `card${i}`] as [string, string])]);
    vs.forEach((v, i) => name.set(v.id, `event${i}`));
    // The emi identifiers differ by the world's leading digit ('9' + account): compared without it.
    const strip = (r: Record<string, unknown> | null): Record<string, any> | null =>
      r ? { ...r, ...('date' in r ? { date: typeof r.date } : {}), ...('emi_account_identifier' in r ? { emi_account_identifier: String(r.emi_account_identifier).slice(2) } : {}) } : r;
    const events = (await pool.query(
      `select id, dedup_key, status, outcome, response, payload - 'account_number' as payload, payload_hash, webhook_id, amount::text, ledger_account_id, ledger_transfer_id is not null as held, applied_at is not null as applied
         from webhook_events where id = any($1::uuid[]) order by dedup_key, id`,
      [vs.map((v) => v.id)],
    )).rows.map((e): Record<string, any> => ({ ...e, id: name.get(e.id) ?? 'other', ledger_account_id: name.get(e.ledger_account_id) ?? e.ledger_account_id, response: strip(e.response) }));
    const holds = (await pool.query(
      `select t.idempotency_key, t.op, t.status, t.debit_account_id, t.credit_account_id, t.amount::text, t.currency, t.kind, t.external_ref, t.metadata,
              j.request_hash = credencial_debit_hold_hash(t.debit_account_id, t.credit_account_id, t.amount, t.external_ref, (t.metadata->>'event_id')::uuid) as hash_ok,
              j.op as journal_op, j.legs, e.ledger_transfer_id = t.id as linked
         from ledger_transfers t join ledger_journals j on j.id = t.journal_id left join webhook_events e on e.id = (t.metadata->>'event_id')::uuid
        where t.credit_account_id = $1 order by t.external_ref`,
      [w.shard],
    )).rows.map((t): Record<string, any> => ({
      ...t, idempotency_key: `wh:${name.get(t.idempotency_key.slice(3))}`, debit_account_id: name.get(t.debit_account_id), credit_account_id: name.get(t.credit_account_id),
      metadata: { event_id: name.get(t.metadata.event_id) }, external_ref: t.external_ref.replace(/^credencial:\d+/, 'credencial:<account>'),
    }));
    const accounts = (await pool.query(
      `select id, debits_posted::text, credits_posted::text, debits_pending::text, credits_pending::text, version from ledger_accounts where id = any($1::uuid[])`,
      [[w.shard, ...w.cards.map((c) => c.ledgerId)]],
    )).rows.map((a) => ({ ...a, id: name.get(a.id) })).sort((x, y) => String(x.id).localeCompare(String(y.id)));
    return { answers: answers.map(strip), events: events.map((e): Record<string, any> => ({ ...e, dedup_key: e.dedup_key.replace(/^\d+/, '<account>') })), holds, accounts };
  }

  it('authorizes in one statement exactly what one DEBIT at a time authorizes, and leaves every other one out', async () => {
    const [a, b] = [await world('a'), await world('b')];
    // Already known to both worlds: a DEBIT (its redelivery must be left out) and a reversal that came first.
    for (const w of [a, b]) {
      await one(values(w, { card: 5, amount: 500n, ref: 'seen' }));
      await pool.query(
        `insert into webhook_events (provider, type, dedup_key, payload, payload_hash, status, amount) values ('credencial', 'reverse', $1, '{}', 'x', 'UNMATCHED', 700)`,
        [`${w.cards[2].account}:early:r1`],
      );
    }
    const debits: Debit[] = [
      { card: 0, amount: 1_250n, ref: 't1' }, // authorized
      { card: 1, amount: 10_000n, ref: 't2' }, // authorized: the whole balance
      { card: 0, amount: 300n, ref: 't3' }, // the card's second DEBIT: left out, then authorized on its own
      { card: 2, amount: 700n, ref: 'early' }, // a reversal came first: left out, declined
      { card: 3, amount: 100n, ref: 't5' }, // blocked card: left out, declined
      { card: 4, amount: 100n, ref: 't6' }, // no funds: left out, declined
      { card: 5, amount: 500n, ref: 'seen' }, // a redelivery: left out, answered as the original
      { card: 5, amount: 10_001n, ref: 't8' }, // more than the balance: left out, declined
      { card: 5, amount: null, ref: 't9' }, // not MXN: left out, declined
      { card: 5, amount: 0n, ref: 't10' }, // zero: left out, declined
      { card: 1, amount: 1n, ref: 't2' }, // the same key again in the group: left out (a duplicate of t2)
      { card: 0, amount: 5n, ref: 't12', emi: '123' }, // the emi does not match: left out
      { card: 0, amount: 5n, ref: 't13', unknownAccount: true }, // unknown account: left out
      { card: 5, amount: 2_000n, ref: 't14' }, // fits, but card 5's first candidate (t8) did not: left out, then authorized on its own
    ];
    const va = debits.map((d) => values(a, d));
    const vb = debits.map((d) => values(b, d));

    const grouped = await group(va);
    expect(grouped.map((r) => r.pos)).toEqual([1, 2]);
    expect(grouped.map((r) => r.event_id)).toEqual([va[0].id, va[1].id]);
    const answersA: Array<Record<string, unknown> | null> = new Array(va.length).fill(null);
    for (const r of grouped) answersA[r.pos - 1] = r.response;
    for (let i = 0; i < va.length; i++) {
      if (answersA[i] === null) {
        const r = await one(va[i]);
        answersA[i] = r.duplicate ? { duplicate: true } : r.response;
      }
    }
    const answersB: Array<Record<string, unknown> | null> = [];
    for (const v of vb) {
      const r = await one(v);
      answersB.push(r.duplicate ? { duplicate: true } : r.response);
    }

    const sa = await snapshot(a, va, answersA);
    const sb = await snapshot(b, vb, answersB);
    expect(sa).toEqual(sb);
    // And what they hold is right: t1, t2, t3, t14 and the earlier 'seen'; balances as the answers say.
    expect(sa.holds.filter((h) => h.hash_ok && h.linked && h.journal_op === 'hold')).toHaveLength(5);
    expect(sa.answers[0]).toMatchObject({ code: -1, balance_actual: 87.5, balance_last: 100 });
    expect(sa.answers[1]).toMatchObject({ code: -1, balance_actual: 0, balance_last: 100 });
    expect(sa.answers[13]).toMatchObject({ code: -1, balance_actual: 75, balance_last: 95 });
    expect(sa.answers[6]).toEqual({ duplicate: true });
    expect(sa.answers[10]).toEqual({ duplicate: true });
    expect(sa.answers.filter((x) => x && x.code === -1)).toHaveLength(4);
    expect(sa.events.find((e) => e.id === 'event0')?.payload).toEqual({ reference: 't1', amount: '1250', trade_name: va[0].payload.trade_name, nested: { list: [1, '2', null] } });
  });

  it('writes nothing at all when one of its writes fails', async () => {
    const w = await world('c');
    const before = (await pool.query(`select sum(debits_pending)::text as p, count(*)::int as n from ledger_accounts where id = any($1::uuid[])`, [w.cards.map((c) => c.ledgerId)])).rows[0];
    const vs = [values(w, { card: 0, amount: 100n, ref: 'x1' }), { ...values(w, { card: 1, amount: 100n, ref: 'x2' }), settlement: randomUUID() }];
    await expect(group(vs)).rejects.toMatchObject({ code: expect.stringMatching(/^(LG002|23503)$/) });
    const after = (await pool.query(`select sum(debits_pending)::text as p, count(*)::int as n from ledger_accounts where id = any($1::uuid[])`, [w.cards.map((c) => c.ledgerId)])).rows[0];
    expect(after).toEqual(before);
    const { rows } = await pool.query(`select count(*)::int as n from webhook_events where id = any($1::uuid[])`, [vs.map((v) => v.id)]);
    expect(rows[0].n).toBe(0);
    const journals = await pool.query(`select count(*)::int as n from ledger_journals where idempotency_key = any($1::text[])`, [vs.map((v) => `wh:${v.id}`)]);
    expect(journals.rows[0].n).toBe(0);
  });
});
