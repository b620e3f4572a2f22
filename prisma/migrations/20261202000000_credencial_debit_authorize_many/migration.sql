-- Many Credencial DEBITs authorized in one statement: the common case (a linked, active card with the funds,
-- a fresh key, no reversal that came first) as set-based writes, so the per-statement cost (executor start,
-- constraint checks, the commit and its WAL flush) is paid once for the group instead of once per DEBIT.
-- It only ever authorizes. Every item it does not authorize (unknown or inactive card, not MXN, no funds, a
-- redelivery, a reversal waiting, a second DEBIT of the same card or key in the group) is left out of its
-- result, and the gateway sends it through credencial_debit_authorize, the one decision for all the other
-- outcomes. What it writes for an item is what credencial_debit_authorize writes when it authorizes: the same
-- journal, hold (key, request hash, metadata), account totals, inbox row and answer.
create function credencial_debit_authorize_many(
  p_ids uuid[], p_keys text[], p_payloads jsonb[], p_hashes text[], p_webhook_ids text[], p_amounts bigint[],
  p_lock_keys text[], p_tx_prefixes text[], p_account_numbers text[], p_emis text[], p_references text[],
  p_settlements uuid[], p_external_refs text[]
) returns table (pos integer, event_id uuid, response jsonb) language plpgsql
-- As credencial_debit_authorize: a lock not taken in time fails the statement (55P03) and nothing is written.
set lock_timeout = '2s'
as $$
declare
  v_pos integer[];
  v_cards uuid[];
  v_accounts uuid[];
  v_result record;
begin
  -- The card transactions' advisory locks, all of them, before any row lock and in one global order (the
  -- lock values sorted), so two groups, or a group and a single DEBIT or REVERSE, cannot deadlock.
  perform pg_advisory_xact_lock(h) from (select distinct hashtext(k) as h from unnest(p_lock_keys) k order by 1) x;

  -- The candidates (a new statement, so it sees everything committed before the locks were granted).
  select array_agg(c.pos order by c.pos), array_agg(c.card order by c.pos) into v_pos, v_cards
    from (
      select i.pos, l.ledger_account_id as card,
             row_number() over (partition by l.ledger_account_id order by i.pos) as nth_of_card,
             row_number() over (partition by i.key order by i.pos) as nth_of_key
        from unnest(p_keys, p_amounts, p_account_numbers, p_emis, p_tx_prefixes) with ordinality as i(key, amount, account_number, emi, prefix, pos)
        -- Each lookup a LATERAL one, so every plan (a generic one too) probes the indexes once per item.
        cross join lateral (select l.ledger_account_id, l.emi_account_identifier, l.status from credencial_account_links l
                             where l.account_number = i.account_number limit 1) l
        left join lateral (select true as hit from webhook_events e
                            where e.provider = 'credencial' and e.type = 'debit' and e.dedup_key = i.key limit 1) dup on true
        left join lateral (select true as hit from webhook_events r
                            where r.provider = 'credencial' and r.type = 'reverse' and r.status = 'UNMATCHED'
                              and r.dedup_key ~>=~ i.prefix and r.dedup_key ~<~ (i.prefix || chr(1114111)) and starts_with(r.dedup_key, i.prefix)
                            limit 1) rev on true
       where l.emi_account_identifier = i.emi and l.status = 'active' and i.amount > 0 and dup.hit is null and rev.hit is null
    ) c
   where c.nth_of_card = 1 and c.nth_of_key = 1;
  if v_pos is null then
    return;
  end if;

  -- Every account involved locked as the ledger locks them (lowest id first).
  v_accounts := v_cards || array(select p_settlements[p] from unnest(v_pos) p);
  perform 1 from ledger_accounts where id = any(v_accounts) order by id for no key update;

  -- The funds check under those locks (a new statement: the latest totals), as credencial_debit_authorize
  -- makes it; an item without the funds is left to it (it declines with its message and balances).
  select array_agg(p order by p), array_agg(a.id order by p) into v_pos, v_cards
    from unnest(v_pos, v_cards) as c(p, card)
    cross join lateral (select * from ledger_accounts a where a.id = c.card) a
   where not (a.debits_must_not_exceed_credits and a.debits_posted + a.debits_pending + p_amounts[p] > a.credits_posted)
     and a.currency = 'MXN';
  if v_pos is null then
    return;
  end if;

  with d as materialized (
    select c.p, p_ids[c.p] as id, c.card, p_settlements[c.p] as shard, p_amounts[c.p] as amount,
           'wh:' || p_ids[c.p] as hold_key, p_external_refs[c.p] as external_ref, x.a as card_row
      from unnest(v_pos, v_cards) as c(p, card)
      cross join lateral (select a from ledger_accounts a where a.id = c.card) x(a)
  ),
  j as (
    insert into ledger_journals (idempotency_key, request_hash, op, legs)
    select d.hold_key, credencial_debit_hold_hash(d.card, d.shard, d.amount, d.external_ref, d.id), 'hold', 1 from d
    returning id, idempotency_key
  ),
  -- Each account once, with the sum of its legs (a settlement shard may take several holds); the version
  -- moves by one per hold, as one ledger_transfer_one per hold would move it.
  totals as (
    select acct, sum(debit) as debit, sum(credit) as credit, count(*) as n
      from (select d.card as acct, d.amount as debit, 0::bigint as credit from d
            union all select d.shard, 0::bigint, d.amount from d) legs
     group by acct
  ),
  u as (
    update ledger_accounts a
       set debits_pending = a.debits_pending + t.debit, credits_pending = a.credits_pending + t.credit, version = a.version + t.n
      from totals t where a.id = t.acct and a.id = any(v_accounts)
    returning a.id
  ),
  t as (
    insert into ledger_transfers (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id,
                                  amount, currency, kind, external_ref, metadata)
    select j.id, 1, d.hold_key, 'hold', 'pending', d.card, d.shard, d.amount, 'MXN', 'card_debit', d.external_ref,
           jsonb_build_object('event_id', d.id)
      from d join j on j.idempotency_key = d.hold_key
    returning id, idempotency_key
  ),
  answers as (
    select d.p, d.id, t.id as transfer_id,
           jsonb_build_object('code', -1, 'message', 'Retiro aplicado con éxito.', 'emi_account_identifier', p_emis[d.p],
             'date', (extract(epoch from clock_timestamp()) * 1000)::bigint,
             'balance_actual', credencial_wire_amount(ledger_available(d.card_row) - case when (d.card_row).type = 'liability' then d.amount else 0 end),
             'balance_last', credencial_wire_amount(ledger_available(d.card_row) - case when (d.card_row).type = 'liability' then d.amount else 0 end + d.amount),
             'reference', p_references[d.p]) as answer
      from d join t on t.idempotency_key = d.hold_key
  ),
  e as (
    insert into webhook_events (id, provider, type, dedup_key, payload, payload_hash, webhook_id, status, outcome, response, amount,
                                ledger_account_id, ledger_transfer_id)
    select a.id, 'credencial', 'debit', p_keys[a.p], p_payloads[a.p], p_hashes[a.p], p_webhook_ids[a.p], 'PENDING', 'authorized', a.answer,
           p_amounts[a.p], d.card, a.transfer_id
      from answers a join d on d.p = a.p
    returning id
  )
  select array_agg(a.p order by a.p) as pos, array_agg(a.id order by a.p) as ids, array_agg(a.answer order by a.p) as answers,
         (select count(*) from u) as updated, (select count(*) from totals) as accounts,
         (select count(*) from e) as events, (select count(*) from d) as items,
         (select array_agg(acct) from totals) as account_ids
    into v_result
    from answers a;
  -- Every write for every item, or none: an account the update missed (a shard that does not exist) would
  -- leave a hold without its totals, so it fails the whole statement, as ledger_transfer_one does.
  if v_result.updated <> v_result.accounts then
    perform ledger_missing_account(v_result.account_ids);
  end if;
  if v_result.events <> v_result.items then
    raise exception 'credencial_debit_authorize_many wrote % inbox rows for % items', v_result.events, v_result.items;
  end if;
  return query select x.p, x.id, x.answer from unnest(v_result.pos, v_result.ids, v_result.answers) as x(p, id, answer);
end $$;
