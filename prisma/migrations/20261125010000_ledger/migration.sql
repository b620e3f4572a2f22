-- Ledger: double-entry accounts, journals and immutable transfers.
--
-- An account keeps running posted/pending debit and credit totals (BIGINT centavos). A transfer moves
-- `amount` from its debit account to its credit account; it is an entry of both, so the entries of an
-- account are the transfers that name it (no separate entry rows to keep in step). A journal is one
-- idempotent request: it owns the idempotency key and groups the legs (transfers) it wrote, all or nothing.
-- The hot paths are the plpgsql functions at the end: one round trip per posting from Node.
--
-- Error contract of the functions (mapped to domain errors in libs/ledger/src/ledger-errors.ts):
--   LG001 idempotency key reused with other content        LG002 account / transfer not found
--   LG003 pending transfer already resolved                 LG004 post amount exceeds the pending amount
--   LG005 transfer cannot be reversed                       LG006 invalid request (HINT carries the code)
--   23514 on ledger_accounts_debits_within_credits / ledger_accounts_credits_within_debits = insufficient funds
-- The HINT of every LG error is the stable machine code (e.g. 'pending_already_resolved').

create table ledger_accounts (
  id                              uuid primary key default gen_random_uuid(),
  code                            text not null,
  type                            text not null,
  currency                        text not null default 'MXN',
  debits_posted                   bigint not null default 0,
  credits_posted                  bigint not null default 0,
  debits_pending                  bigint not null default 0,
  credits_pending                 bigint not null default 0,
  debits_must_not_exceed_credits  boolean not null default false,
  credits_must_not_exceed_debits  boolean not null default false,
  version                         bigint not null default 0,
  created_at                      timestamptz(3) not null default now(),
  constraint ledger_accounts_code_key unique (code),
  -- Target of the transfers' (account, currency) foreign keys: a leg can only move the account's currency.
  constraint ledger_accounts_id_currency_key unique (id, currency),
  -- (The code's format is checked by a trigger on insert/update OF code: a CHECK would re-run its regex on
  -- every balance update, which measurably slows the hot path.)
  constraint ledger_accounts_type_check check (type in ('asset', 'liability')),
  -- The currencies libs/domain knows; a new one is a migration, not a typo.
  constraint ledger_accounts_currency_check check (currency in ('MXN', 'USD')),
  constraint ledger_accounts_totals_nonnegative check (debits_posted >= 0 and credits_posted >= 0 and debits_pending >= 0 and credits_pending >= 0),
  constraint ledger_accounts_one_flag check (not (debits_must_not_exceed_credits and credits_must_not_exceed_debits)),
  -- The no-overdraft rules themselves: pending debits already count against what can be spent.
  constraint ledger_accounts_debits_within_credits check (not debits_must_not_exceed_credits or debits_posted + debits_pending <= credits_posted),
  constraint ledger_accounts_credits_within_debits check (not credits_must_not_exceed_debits or credits_posted + credits_pending <= debits_posted),
  constraint ledger_accounts_version_check check (version >= 0)
);

create function ledger_accounts_code_format() returns trigger language plpgsql as $$
begin
  if new.code !~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$' then
    raise exception 'account code % is not 1-128 of [A-Za-z0-9_.:/-]', new.code using errcode = '23514', constraint = 'ledger_accounts_code_format';
  end if;
  return new;
end $$;
create trigger ledger_accounts_code_format before insert or update of code on ledger_accounts
  for each row execute function ledger_accounts_code_format();

create table ledger_journals (
  id               uuid primary key default gen_random_uuid(),
  idempotency_key  text not null,
  -- Fingerprint of the request's content: same key + same hash is a replay, another hash a conflict.
  request_hash     text not null,
  op               text not null,
  -- How many transfers (legs) it wrote; a replay finds them by their keys (see ledger_transfers.idempotency_key).
  legs             smallint not null,
  created_at       timestamptz(3) not null default now(),
  constraint ledger_journals_idempotency_key_key unique (idempotency_key),
  constraint ledger_journals_legs_check check (legs between 1 and 1000),
  constraint ledger_journals_key_length check (length(idempotency_key) between 1 and 255),
  constraint ledger_journals_hash_length check (length(request_hash) between 1 and 128),
  constraint ledger_journals_op_check check (op in ('transfer', 'hold', 'post', 'void', 'reverse'))
);

create table ledger_transfers (
  id                 uuid primary key default gen_random_uuid(),
  -- Insertion order, for stable cursor pagination of an account's entries.
  seq                bigserial not null,
  journal_id         uuid not null references ledger_journals (id),
  leg                smallint not null,
  -- The journal's key for a one-leg journal, `<key>#<leg>` for each leg of a multi-leg one; being unique, it
  -- also makes (journal, leg) unique and is how a journal's legs are found.
  idempotency_key    text not null,
  op                 text not null,
  status             text not null,
  debit_account_id   uuid not null,
  credit_account_id  uuid not null,
  amount             bigint not null,
  currency           text not null,
  pending_id         uuid references ledger_transfers (id),
  reverses_id        uuid references ledger_transfers (id),
  kind               text not null default 'transfer',
  external_ref       text,
  metadata           jsonb not null default '{}',
  created_at         timestamptz(3) not null default now(),
  constraint ledger_transfers_idempotency_key_key unique (idempotency_key),
  constraint ledger_transfers_debit_account_fkey foreign key (debit_account_id, currency) references ledger_accounts (id, currency),
  constraint ledger_transfers_credit_account_fkey foreign key (credit_account_id, currency) references ledger_accounts (id, currency),
  constraint ledger_transfers_amount_positive check (amount > 0),
  constraint ledger_transfers_distinct_accounts check (debit_account_id <> credit_account_id),
  constraint ledger_transfers_leg_check check (leg between 1 and 1000),
  constraint ledger_transfers_key_length check (length(idempotency_key) between 1 and 300),
  constraint ledger_transfers_currency_check check (currency in ('MXN', 'USD')),
  constraint ledger_transfers_kind_format check (kind ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  constraint ledger_transfers_external_ref_length check (length(external_ref) between 1 and 255),
  constraint ledger_transfers_metadata_object check (jsonb_typeof(metadata) = 'object'),
  constraint ledger_transfers_status_check check (status in ('pending', 'posted', 'voided')),
  -- What each kind of row may look like: only a hold is ever pending; post/void name the hold they resolve;
  -- a reversal names what it reverses.
  constraint ledger_transfers_shape check (
       (op = 'transfer' and status = 'posted'  and pending_id is null     and reverses_id is null)
    or (op = 'hold'                            and pending_id is null     and reverses_id is null)
    or (op = 'post'     and status = 'posted'  and pending_id is not null and reverses_id is null)
    or (op = 'void'     and status = 'voided'  and pending_id is not null and reverses_id is null)
    or (op = 'reverse'  and status = 'posted'  and pending_id is null     and reverses_id is not null)
  )
);

-- Each pending transfer is resolved (posted or voided) exactly once; each transfer is reversed at most once.
create unique index ledger_transfers_pending_once on ledger_transfers (pending_id) where pending_id is not null;
create unique index ledger_transfers_reversed_once on ledger_transfers (reverses_id) where reverses_id is not null;
-- An account's entries, newest first, by cursor: one index per side, merged by seq.
create index ledger_transfers_debit_entries on ledger_transfers (debit_account_id, seq);
create index ledger_transfers_credit_entries on ledger_transfers (credit_account_id, seq);
create index ledger_transfers_external_ref on ledger_transfers (external_ref) where external_ref is not null;

-- Transfers are append-only: no delete, and the only update is a hold's status leaving 'pending'.
-- Post/void/reverse rows must agree with the row they name (same accounts, currency, bounded amount).
create function ledger_transfers_guard() returns trigger language plpgsql as $$
declare
  ref ledger_transfers;
begin
  if tg_op = 'DELETE' then
    raise exception 'ledger transfers are never deleted' using errcode = 'LG006', hint = 'transfer_immutable';
  elsif tg_op = 'UPDATE' then
    if old.op <> 'hold' or old.status <> 'pending' or new.status not in ('posted', 'voided')
       or (to_jsonb(new) - 'status') <> (to_jsonb(old) - 'status') then
      raise exception 'ledger transfer % is immutable (only a pending hold''s status may change)', old.id
        using errcode = 'LG006', hint = 'transfer_immutable';
    end if;
    return new;
  end if;
  -- INSERT of a post / void / reverse row (the WHEN clause skips the plain ones).
  if new.pending_id is not null then
    select * into ref from ledger_transfers where id = new.pending_id;
    if ref.op <> 'hold' or ref.status <> 'pending' then
      raise exception 'transfer % is not a pending hold', new.pending_id using errcode = 'LG003', hint = 'pending_already_resolved';
    end if;
    if ref.debit_account_id <> new.debit_account_id or ref.credit_account_id <> new.credit_account_id or ref.currency <> new.currency
       or new.amount > ref.amount or (new.op = 'void' and new.amount <> ref.amount) then
      raise exception 'resolution of % does not match the hold', new.pending_id using errcode = 'LG006', hint = 'resolution_mismatch';
    end if;
  else
    select * into ref from ledger_transfers where id = new.reverses_id;
    if ref.status <> 'posted' or ref.op = 'hold' or ref.debit_account_id <> new.credit_account_id
       or ref.credit_account_id <> new.debit_account_id or ref.currency <> new.currency or ref.amount <> new.amount then
      raise exception 'reversal of % does not mirror it', new.reverses_id using errcode = 'LG006', hint = 'reversal_mismatch';
    end if;
  end if;
  return new;
end $$;

create trigger ledger_transfers_no_delete before delete on ledger_transfers
  for each row execute function ledger_transfers_guard();
create trigger ledger_transfers_status_only before update on ledger_transfers
  for each row execute function ledger_transfers_guard();
create trigger ledger_transfers_references before insert on ledger_transfers
  for each row when (new.pending_id is not null or new.reverses_id is not null) execute function ledger_transfers_guard();

-- Result shape shared by the functions below: the transfers of the journal, and whether this call replayed it.
create type ledger_result as (
  replayed           boolean,
  posting            integer,
  id                 uuid,
  seq                bigint,
  journal_id         uuid,
  leg                smallint,
  idempotency_key    text,
  op                 text,
  status             text,
  debit_account_id   uuid,
  credit_account_id  uuid,
  amount             bigint,
  currency           text,
  pending_id         uuid,
  reverses_id        uuid,
  kind               text,
  external_ref       text,
  metadata           jsonb,
  created_at         timestamptz
);

-- Replays of an existing journal: same hash → its transfers; other hash → LG001.
create function ledger_replay(p_key text, p_hash text, p_posting integer) returns setof ledger_result
language plpgsql stable as $$
declare
  j ledger_journals;
begin
  select * into j from ledger_journals where idempotency_key = p_key;
  if not found then
    -- Only possible if the key's row vanished between the conflict and this read; let the caller retry.
    raise exception 'idempotency key % is in flux', p_key using errcode = '40001';
  end if;
  if j.request_hash <> p_hash then
    raise exception 'idempotency key % was already used with other content', p_key
      using errcode = 'LG001', hint = 'idempotency_key_reused', detail = j.id::text;
  end if;
  return query select true, p_posting, t.id, t.seq, t.journal_id, t.leg, t.idempotency_key, t.op, t.status, t.debit_account_id,
    t.credit_account_id, t.amount, t.currency, t.pending_id, t.reverses_id, t.kind, t.external_ref, t.metadata, t.created_at
    from ledger_transfers t
    where t.idempotency_key = any(case when j.legs = 1 then array[p_key] else array(select p_key || '#' || g from generate_series(1, j.legs) g) end)
    order by t.leg;
end $$;

-- Raises LG002 naming the first of p_ids that is not an account (called only on the error path).
create function ledger_missing_account(p_ids uuid[]) returns void language plpgsql as $$
declare
  v uuid;
begin
  select i into v from unnest(p_ids) i where not exists (select 1 from ledger_accounts a where a.id = i) limit 1;
  raise exception 'account % not found', v using errcode = 'LG002', hint = 'account_not_found', detail = v::text;
end $$;

-- One posting with one leg (the hot path): claim the key, update both balances in id order (the CHECK
-- constraints enforce the no-overdraft flags under the row lock), write the transfer.
create function ledger_transfer_one(
  p_key text, p_hash text, p_pending boolean,
  p_debit uuid, p_credit uuid, p_amount bigint, p_currency text,
  p_kind text, p_external_ref text, p_metadata jsonb
) returns setof ledger_result language plpgsql as $$
declare
  v_journal uuid;
  v_first uuid := least(p_debit, p_credit);
  v_second uuid := greatest(p_debit, p_credit);
  v_op text := case when p_pending then 'hold' else 'transfer' end;
  v_delta_first bigint;
  v_rows integer;
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'amount must be positive' using errcode = 'LG006', hint = 'invalid_amount';
  end if;
  if p_debit = p_credit then
    raise exception 'debit and credit accounts must differ' using errcode = 'LG006', hint = 'same_account';
  end if;
  insert into ledger_journals (idempotency_key, request_hash, op, legs) values (p_key, p_hash, v_op, 1)
    on conflict (idempotency_key) do nothing returning id into v_journal;
  if v_journal is null then
    return query select * from ledger_replay(p_key, p_hash, 1);
    return;
  end if;
  -- Lowest id first, always: two postings that share accounts queue instead of deadlocking.
  if p_pending then
    update ledger_accounts set debits_pending = debits_pending + case when id = p_debit then p_amount else 0 end,
                               credits_pending = credits_pending + case when id = p_credit then p_amount else 0 end,
                               version = version + 1
      where id = v_first;
    get diagnostics v_rows = row_count;
    update ledger_accounts set debits_pending = debits_pending + case when id = p_debit then p_amount else 0 end,
                               credits_pending = credits_pending + case when id = p_credit then p_amount else 0 end,
                               version = version + 1
      where id = v_second;
  else
    update ledger_accounts set debits_posted = debits_posted + case when id = p_debit then p_amount else 0 end,
                               credits_posted = credits_posted + case when id = p_credit then p_amount else 0 end,
                               version = version + 1
      where id = v_first;
    get diagnostics v_rows = row_count;
    update ledger_accounts set debits_posted = debits_posted + case when id = p_debit then p_amount else 0 end,
                               credits_posted = credits_posted + case when id = p_credit then p_amount else 0 end,
                               version = version + 1
      where id = v_second;
  end if;
  if v_rows = 0 or not found then
    perform ledger_missing_account(array[p_debit, p_credit]);
  end if;
  return query insert into ledger_transfers as t (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id,
      amount, currency, kind, external_ref, metadata)
    values (v_journal, 1, p_key, v_op, case when p_pending then 'pending' else 'posted' end, p_debit, p_credit,
      p_amount, p_currency, coalesce(p_kind, 'transfer'), p_external_ref, coalesce(p_metadata, '{}'))
    returning false, 1, t.id, t.seq, t.journal_id, t.leg, t.idempotency_key, t.op, t.status, t.debit_account_id,
      t.credit_account_id, t.amount, t.currency, t.pending_id, t.reverses_id, t.kind, t.external_ref, t.metadata, t.created_at;
end $$;

-- Many postings, each with one or more legs, in one transaction (multi-leg journals, and batches for hot
-- accounts). p_keys/p_hashes are per posting; the leg arrays are parallel, p_posting naming each leg's posting
-- (1-based). All or nothing: a conflict or an overdraft anywhere rolls the whole call back.
create function ledger_transfer_many(
  p_keys text[], p_hashes text[], p_pending boolean, p_posting integer[],
  p_debit uuid[], p_credit uuid[], p_amount bigint[], p_currency text[],
  p_kind text[], p_external_ref text[], p_metadata jsonb[]
) returns setof ledger_result language plpgsql as $$
declare
  v_op text := case when p_pending then 'hold' else 'transfer' end;
  v_journals uuid[] := array_fill(null::uuid, array[cardinality(p_keys)]);
  v_legs integer[] := array_fill(0, array[cardinality(p_keys)]);
  v_accounts uuid[];
  v_rows integer;
  r record;
begin
  if cardinality(p_keys) is distinct from cardinality(p_hashes)
     or (select count(distinct k) from unnest(p_keys) k) <> cardinality(p_keys) then
    raise exception 'one distinct key and hash per posting' using errcode = 'LG006', hint = 'invalid_request';
  end if;
  if exists (select 1 from unnest(p_posting, p_debit, p_credit, p_amount) l(p, d, c, a)
             where a is null or a <= 0 or d = c or p is null or p < 1 or p > cardinality(p_keys)) then
    raise exception 'every leg needs a positive amount, two different accounts and a posting' using errcode = 'LG006', hint = 'invalid_leg';
  end if;
  for r in select p, count(*)::integer as n from unnest(p_posting) p group by p loop
    v_legs[r.p] := r.n;
  end loop;
  -- Claim keys in sorted order so two overlapping batches cannot deadlock on each other's keys.
  for r in
    with ins as (
      insert into ledger_journals (idempotency_key, request_hash, op, legs)
      select k, h, v_op, v_legs[o] from unnest(p_keys, p_hashes) with ordinality u(k, h, o) order by k
      on conflict (idempotency_key) do nothing
      returning id, idempotency_key
    )
    select u.ord::integer as ord, ins.id from ins join unnest(p_keys) with ordinality u(k, ord) on u.k = ins.idempotency_key
  loop
    v_journals[r.ord] := r.id;
  end loop;
  -- Lock every account the new legs touch, lowest id first, then apply the summed deltas.
  select array_agg(distinct x order by x) into v_accounts from (
    select d as x from unnest(p_posting, p_debit) l(p, d) where v_journals[p] is not null
    union all
    select c from unnest(p_posting, p_credit) l(p, c) where v_journals[p] is not null
  ) s;
  if v_accounts is not null then
    perform 1 from ledger_accounts where id = any(v_accounts) order by id for no key update;
    update ledger_accounts a set
      debits_posted   = a.debits_posted   + s.dp,
      credits_posted  = a.credits_posted  + s.cp,
      debits_pending  = a.debits_pending  + s.dq,
      credits_pending = a.credits_pending + s.cq,
      version = a.version + 1
    from (
      select x, sum(dp) dp, sum(cp) cp, sum(dq) dq, sum(cq) cq from (
        select d as x, case when p_pending then 0 else a end dp, 0::bigint cp, case when p_pending then a else 0 end dq, 0::bigint cq
          from unnest(p_posting, p_debit, p_amount) l(p, d, a) where v_journals[p] is not null
        union all
        select c, 0, case when p_pending then 0 else a end, 0, case when p_pending then a else 0 end
          from unnest(p_posting, p_credit, p_amount) l(p, c, a) where v_journals[p] is not null
      ) e group by x
    ) s
    where a.id = s.x;
    get diagnostics v_rows = row_count;
    if v_rows <> cardinality(v_accounts) then
      perform ledger_missing_account(v_accounts);
    end if;
  end if;
  -- Replays (and conflicts, which raise) of postings whose key already existed.
  for r in select ord::integer as ord from generate_series(1, cardinality(p_keys)) ord where v_journals[ord] is null loop
    return query select * from ledger_replay(p_keys[r.ord], p_hashes[r.ord], r.ord);
  end loop;
  return query
    with legs as (
      select l.*, row_number() over (partition by l.p order by l.i)::smallint as leg
      from unnest(p_posting, p_debit, p_credit, p_amount, p_currency, p_kind, p_external_ref, p_metadata)
        with ordinality l(p, d, c, a, cur, kind, ref, meta, i)
      where v_journals[l.p] is not null
    )
    insert into ledger_transfers as t (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id,
        amount, currency, kind, external_ref, metadata)
    select v_journals[legs.p], legs.leg,
      case when v_legs[legs.p] = 1 then p_keys[legs.p] else p_keys[legs.p] || '#' || legs.leg end,
      v_op, case when p_pending then 'pending' else 'posted' end, legs.d, legs.c, legs.a, legs.cur,
      coalesce(legs.kind, 'transfer'), legs.ref, coalesce(legs.meta, '{}')
    from legs order by legs.i
    returning false, (select p from unnest(v_journals) with ordinality j(jid, p) where jid = t.journal_id)::integer,
      t.id, t.seq, t.journal_id, t.leg, t.idempotency_key, t.op, t.status, t.debit_account_id,
      t.credit_account_id, t.amount, t.currency, t.pending_id, t.reverses_id, t.kind, t.external_ref, t.metadata, t.created_at;
end $$;

-- Post (all or part) or void a hold, exactly once: the hold row is locked first, then both accounts in id order.
create function ledger_resolve(
  p_key text, p_hash text, p_pending_id uuid, p_void boolean, p_amount bigint, p_metadata jsonb
) returns setof ledger_result language plpgsql as $$
declare
  v_journal uuid;
  h ledger_transfers;
  v_amount bigint;
  v_rows integer;
begin
  if p_amount is not null and p_amount <= 0 then
    raise exception 'amount must be positive' using errcode = 'LG006', hint = 'invalid_amount';
  end if;
  insert into ledger_journals (idempotency_key, request_hash, op, legs)
    values (p_key, p_hash, case when p_void then 'void' else 'post' end, 1)
    on conflict (idempotency_key) do nothing returning id into v_journal;
  if v_journal is null then
    return query select * from ledger_replay(p_key, p_hash, 1);
    return;
  end if;
  select * into h from ledger_transfers where id = p_pending_id for no key update;
  if not found then
    raise exception 'transfer % not found', p_pending_id using errcode = 'LG002', hint = 'transfer_not_found', detail = p_pending_id::text;
  end if;
  if h.op <> 'hold' then
    raise exception 'transfer % is not a pending transfer', p_pending_id using errcode = 'LG006', hint = 'not_pending';
  end if;
  if h.status <> 'pending' then
    raise exception 'pending transfer % was already %', p_pending_id, h.status
      using errcode = 'LG003', hint = 'pending_already_resolved', detail = h.status;
  end if;
  v_amount := case when p_void then h.amount else coalesce(p_amount, h.amount) end;
  if v_amount > h.amount then
    raise exception 'cannot post % of a pending %', v_amount, h.amount using errcode = 'LG004', hint = 'amount_exceeds_pending';
  end if;
  update ledger_accounts set
      debits_pending  = debits_pending  - case when id = h.debit_account_id then h.amount else 0 end,
      credits_pending = credits_pending - case when id = h.credit_account_id then h.amount else 0 end,
      debits_posted   = debits_posted   + case when id = h.debit_account_id and not p_void then v_amount else 0 end,
      credits_posted  = credits_posted  + case when id = h.credit_account_id and not p_void then v_amount else 0 end,
      version = version + 1
    where id = least(h.debit_account_id, h.credit_account_id);
  update ledger_accounts set
      debits_pending  = debits_pending  - case when id = h.debit_account_id then h.amount else 0 end,
      credits_pending = credits_pending - case when id = h.credit_account_id then h.amount else 0 end,
      debits_posted   = debits_posted   + case when id = h.debit_account_id and not p_void then v_amount else 0 end,
      credits_posted  = credits_posted  + case when id = h.credit_account_id and not p_void then v_amount else 0 end,
      version = version + 1
    where id = greatest(h.debit_account_id, h.credit_account_id);
  return query insert into ledger_transfers as t (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id,
      amount, currency, pending_id, kind, external_ref, metadata)
    values (v_journal, 1, p_key, case when p_void then 'void' else 'post' end, case when p_void then 'voided' else 'posted' end,
      h.debit_account_id, h.credit_account_id, v_amount, h.currency, h.id, h.kind, h.external_ref, coalesce(p_metadata, '{}'))
    returning false, 1, t.id, t.seq, t.journal_id, t.leg, t.idempotency_key, t.op, t.status, t.debit_account_id,
      t.credit_account_id, t.amount, t.currency, t.pending_id, t.reverses_id, t.kind, t.external_ref, t.metadata, t.created_at;
  update ledger_transfers set status = case when p_void then 'voided' else 'posted' end where id = h.id;
end $$;

-- Reverse a posted transfer with a new, mirrored transfer (never an edit); at most once per transfer.
-- Lock order: key, then the original transfer row, then both accounts in id order (as ledger_resolve).
create function ledger_reverse(
  p_key text, p_hash text, p_transfer_id uuid, p_kind text, p_metadata jsonb
) returns setof ledger_result language plpgsql as $$
declare
  v_journal uuid;
  o ledger_transfers;
begin
  insert into ledger_journals (idempotency_key, request_hash, op, legs) values (p_key, p_hash, 'reverse', 1)
    on conflict (idempotency_key) do nothing returning id into v_journal;
  if v_journal is null then
    return query select * from ledger_replay(p_key, p_hash, 1);
    return;
  end if;
  -- Locked so that concurrent reversals of one transfer queue here and the later one sees 'already_reversed'
  -- (not whatever its balance update would have hit first).
  select * into o from ledger_transfers where id = p_transfer_id for no key update;
  if not found then
    raise exception 'transfer % not found', p_transfer_id using errcode = 'LG002', hint = 'transfer_not_found', detail = p_transfer_id::text;
  end if;
  if o.op = 'hold' or o.status <> 'posted' then
    raise exception 'transfer % is not a posted transfer (void or post a pending one)', p_transfer_id
      using errcode = 'LG005', hint = 'not_reversible';
  end if;
  if exists (select 1 from ledger_transfers where reverses_id = o.id) then
    raise exception 'transfer % was already reversed', p_transfer_id using errcode = 'LG005', hint = 'already_reversed';
  end if;
  -- The mirror: money goes back from the original credit account to the original debit account.
  update ledger_accounts set
      debits_posted  = debits_posted  + case when id = o.credit_account_id then o.amount else 0 end,
      credits_posted = credits_posted + case when id = o.debit_account_id then o.amount else 0 end,
      version = version + 1
    where id = least(o.debit_account_id, o.credit_account_id);
  update ledger_accounts set
      debits_posted  = debits_posted  + case when id = o.credit_account_id then o.amount else 0 end,
      credits_posted = credits_posted + case when id = o.debit_account_id then o.amount else 0 end,
      version = version + 1
    where id = greatest(o.debit_account_id, o.credit_account_id);
  return query insert into ledger_transfers as t (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id,
      amount, currency, reverses_id, kind, external_ref, metadata)
    values (v_journal, 1, p_key, 'reverse', 'posted', o.credit_account_id, o.debit_account_id, o.amount, o.currency, o.id,
      coalesce(p_kind, o.kind), o.external_ref, coalesce(p_metadata, '{}'))
    returning false, 1, t.id, t.seq, t.journal_id, t.leg, t.idempotency_key, t.op, t.status, t.debit_account_id,
      t.credit_account_id, t.amount, t.currency, t.pending_id, t.reverses_id, t.kind, t.external_ref, t.metadata, t.created_at;
end $$;

-- System accounts the money flows name (DESIGN.md): SPEI settlement with STP (an asset: what STP owes us),
-- and deposits nobody claims yet (a liability). Fixed ids so code and fixtures can name them without a lookup.
insert into ledger_accounts (id, code, type) values
  ('00000000-0000-4000-8000-000000000001', 'stp:settlement', 'asset'),
  ('00000000-0000-4000-8000-000000000002', 'suspense', 'liability');
