-- Posts many holds in full in one statement (the card-debit settler posts its authorized holds in batches).
-- Same outcome per hold as ledger_resolve(key, hash, hold, false, null, metadata), so a key posted here and
-- one posted by ledger.post() replay each other. All or nothing. Lock order, as everywhere in the ledger:
-- keys (sorted), the holds (by id), then every account they touch (by id), so a batch never deadlocks with
-- a single post/void or a new hold on the same accounts; the accounts are locked last of all, just before
-- the commit.
create function ledger_post_many(p_keys text[], p_hashes text[], p_pending_ids uuid[], p_metadata jsonb[])
returns setof ledger_result language plpgsql as $$
declare
  n integer := cardinality(p_keys);
  v_journals uuid[] := array_fill(null::uuid, array[cardinality(p_keys)]);
  v_new uuid[];
  v_accounts uuid[];
  v_rows integer;
  r record;
begin
  if n is null or n = 0 then
    return;
  end if;
  if cardinality(p_hashes) is distinct from n or cardinality(p_pending_ids) is distinct from n or cardinality(p_metadata) is distinct from n
     or (select count(distinct k) from unnest(p_keys) k) <> n or (select count(distinct p) from unnest(p_pending_ids) p) <> n
     or exists (select 1 from unnest(p_keys, p_pending_ids) u(k, p) where k is null or p is null) then
    raise exception 'one distinct key, hash, hold and metadata per post' using errcode = 'LG006', hint = 'invalid_request';
  end if;
  for r in
    with ins as (
      insert into ledger_journals (idempotency_key, request_hash, op, legs)
      select k, h, 'post', 1 from unnest(p_keys, p_hashes) u(k, h) order by k
      on conflict (idempotency_key) do nothing
      returning id, idempotency_key
    )
    select u.ord::integer as ord, ins.id from ins join unnest(p_keys) with ordinality u(k, ord) on u.k = ins.idempotency_key
  loop
    v_journals[r.ord] := r.id;
  end loop;
  select array_agg(p_pending_ids[o] order by p_pending_ids[o]) into v_new from generate_series(1, n) o where v_journals[o] is not null;
  if v_new is not null then
    -- The holds, locked lowest id first, each checked as ledger_resolve checks it.
    for r in select u.id, t.id as found, t.op, t.status from unnest(v_new) u(id)
               left join lateral (select id, op, status from ledger_transfers where id = u.id order by id for no key update) t on true
               order by u.id loop
      if r.found is null then
        raise exception 'transfer % not found', r.id using errcode = 'LG002', hint = 'transfer_not_found', detail = r.id::text;
      elsif r.op <> 'hold' then
        raise exception 'transfer % is not a pending transfer', r.id using errcode = 'LG006', hint = 'not_pending';
      elsif r.status <> 'pending' then
        raise exception 'pending transfer % was already %', r.id, r.status using errcode = 'LG003', hint = 'pending_already_resolved', detail = r.status;
      end if;
    end loop;
  end if;
  for r in select o from generate_series(1, n) o where v_journals[o] is null loop
    return query select * from ledger_replay(p_keys[r.o], p_hashes[r.o], r.o);
  end loop;
  if v_new is not null then
    return query
      insert into ledger_transfers as t (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id,
          amount, currency, pending_id, kind, external_ref, metadata)
      select v_journals[u.o], 1, p_keys[u.o], 'post', 'posted', h.debit_account_id, h.credit_account_id, h.amount, h.currency, h.id,
          h.kind, h.external_ref, coalesce(p_metadata[u.o], '{}')
        from generate_series(1, n) u(o) join ledger_transfers h on h.id = p_pending_ids[u.o]
       where v_journals[u.o] is not null
       order by u.o
      returning false, array_position(p_keys, t.idempotency_key),
        t.id, t.seq, t.journal_id, t.leg, t.idempotency_key, t.op, t.status, t.debit_account_id,
        t.credit_account_id, t.amount, t.currency, t.pending_id, t.reverses_id, t.kind, t.external_ref, t.metadata, t.created_at;
    update ledger_transfers set status = 'posted' where id = any(v_new);
    -- The accounts last: their row locks (the hot ones are shared with every new hold) are held only for this
    -- update and the commit, not for the inserts above.
    select array_agg(distinct x order by x) into v_accounts from (
      select debit_account_id x from ledger_transfers where id = any(v_new)
      union all select credit_account_id from ledger_transfers where id = any(v_new)
    ) s;
    perform 1 from ledger_accounts where id = any(v_accounts) order by id for no key update;
    -- Pending becomes posted on both sides, summed per account.
    update ledger_accounts a set
      debits_pending  = a.debits_pending  - s.d,
      debits_posted   = a.debits_posted   + s.d,
      credits_pending = a.credits_pending - s.c,
      credits_posted  = a.credits_posted  + s.c,
      version = a.version + 1
    from (
      select x, sum(d) d, sum(c) c from (
        select debit_account_id x, amount d, 0::bigint c from ledger_transfers where id = any(v_new)
        union all select credit_account_id, 0, amount from ledger_transfers where id = any(v_new)
      ) e group by x
    ) s
    where a.id = s.x;
    get diagnostics v_rows = row_count;
    if v_rows <> cardinality(v_accounts) then
      perform ledger_missing_account(v_accounts);
    end if;
  end if;
end $$;

-- The settler's scan: card debits authorized and not yet settled, oldest first.
create index webhook_events_debits_to_settle on webhook_events (received_at) where status = 'PENDING' and type = 'debit';
