-- A Credencial DEBIT authorized in one statement (one round trip from the gateway, autocommit, so the card's
-- and the settlement shard's row locks are held for the statement and its commit only): the card
-- transaction's advisory lock, the account link, the early-reversal check, the funds check under the
-- accounts' row locks, the hold (ledger_transfer_one, with the key and request hash LedgerService.hold()
-- would use), and the inbox row with its answer (a redelivery gets it back), which is returned.
-- A redelivery (the key exists) writes nothing and returns duplicate = true with the original's id; the caller
-- compares payloads (409 on a different one) and answers with the stored response.

-- The available balance as LedgerService.balancesOf computes it.
create function ledger_available(a ledger_accounts) returns bigint language sql immutable as $$
  select case when a.type = 'liability' then a.credits_posted - a.debits_posted - a.debits_pending
              else a.debits_posted - a.credits_posted - a.credits_pending end
$$;

-- Centavos as the wire's JSON number (2 decimals).
create function credencial_wire_amount(v bigint) returns numeric language sql immutable as $$
  select round(v::numeric / 100, 2)
$$;

create function credencial_debit_authorize(
  p_id uuid, p_key text, p_payload jsonb, p_hash text, p_webhook_id text, p_amount bigint,
  p_lock_key text, p_tx_prefix text, p_own_ref boolean, p_account_number text, p_emi text, p_reference text,
  p_currency_liq text, p_settlement uuid, p_external_ref text
) returns table (event_id uuid, duplicate boolean, response jsonb) language plpgsql
-- Called on its own (autocommit, one round trip): a lock it cannot get in time fails it (55P03), nothing
-- written, and the gateway declines.
set lock_timeout = '2s'
as $$
declare
  l credencial_account_links;
  card ledger_accounts;
  v_existing uuid;
  v_reversed uuid[];
  v_hold uuid;
  v_code integer;
  v_message text;
  v_outcome text;
  v_available bigint;
  v_answer jsonb;
begin
  -- DEBIT and REVERSE of one card transaction serialize here (a DEBIT's dedup key is that transaction's).
  perform pg_advisory_xact_lock(hashtext(p_lock_key));
  -- A redelivery is found by a plain read, never by inserting its key again: that insert would wait for a
  -- worker settling the original.
  select e.id into v_existing from webhook_events e where e.provider = 'credencial' and e.type = 'debit' and e.dedup_key = p_key;
  if found then
    return query select v_existing, true, null::jsonb;
    return;
  end if;

  select * into l from credencial_account_links where account_number = p_account_number;
  if not found then
    v_code := 2; v_message := 'Cuenta desconocida: account_number no registrado.'; v_outcome := 'unknown_account'; l := null;
  elsif l.emi_account_identifier <> p_emi then
    v_code := 2; v_message := 'Cuenta desconocida: emi_account_identifier no corresponde a la cuenta.'; v_outcome := 'account_mismatch'; l := null;
  elsif l.status <> 'active' then
    v_code := 3; v_message := 'Tarjeta no activa (' || case when l.status = 'blocked' then 'bloqueada' else 'cancelada' end || ').'; v_outcome := 'card_' || l.status;
  elsif p_amount is null then
    v_code := 99; v_message := 'Moneda de liquidación no soportada (' || p_currency_liq || ').'; v_outcome := 'currency';
  elsif p_amount <= 0 then
    v_code := 99; v_message := 'Monto inválido.'; v_outcome := 'invalid_amount';
  else
    -- Reversals that came first (UNMATCHED, keyed '<txKey>:…'): all of them when the DEBIT has its own
    -- reference; without one the identity may cover several debits, so only one that fits (not more than
    -- this amount, the same amount first, the oldest). The range makes it an index range scan (text_pattern_ops)
    -- in a generic plan too; starts_with keeps it exact.
    select array_agg(x.id) into v_reversed from (
      select r.id from webhook_events r
       where r.provider = 'credencial' and r.type = 'reverse' and r.status = 'UNMATCHED'
         and r.dedup_key ~>=~ p_tx_prefix and r.dedup_key ~<~ (p_tx_prefix || chr(1114111)) and starts_with(r.dedup_key, p_tx_prefix)
         and (p_own_ref or r.amount <= p_amount)
       order by (r.amount = p_amount) desc, r.received_at, r.id
       limit case when p_own_ref then null else 1 end) x;
    if v_reversed is not null then
      -- The processor already undid this transaction, so nothing is held.
      update webhook_events set status = 'APPLIED', outcome = 'matched_late_debit', applied_at = now(), updated_at = now()
       where id = any(v_reversed) and status = 'UNMATCHED';
      v_code := 99; v_message := 'Cargo reversado previamente: no se aplica.'; v_outcome := 'reversed_before_debit';
    end if;
  end if;

  if v_code is null then
    -- Both accounts locked as the ledger locks them (lowest id first), so the funds check is exact and the
    -- hold that follows cannot fail on it. Insufficient funds is the ledger's own rule (debits within credits).
    perform 1 from ledger_accounts where id in (l.ledger_account_id, p_settlement) order by id for no key update;
    select * into card from ledger_accounts where id = l.ledger_account_id;
    if card.debits_must_not_exceed_credits and card.debits_posted + card.debits_pending + p_amount > card.credits_posted then
      v_code := 1; v_message := 'Fondos insuficientes.'; v_outcome := 'insufficient_funds';
    end if;
  end if;

  if v_code is not null then
    if l.ledger_account_id is not null then
      select ledger_available(a) into v_available from ledger_accounts a where a.id = l.ledger_account_id;
    end if;
    v_answer := jsonb_build_object('code', v_code, 'message', v_message, 'emi_account_identifier', p_emi,
      'date', (extract(epoch from clock_timestamp()) * 1000)::bigint,
      'balance_actual', credencial_wire_amount(coalesce(v_available, 0)), 'balance_last', credencial_wire_amount(coalesce(v_available, 0)),
      'reference', p_reference);
    v_outcome := 'declined:' || v_outcome;
  else
    -- The hold, exactly as LedgerService.hold({ idempotencyKey: 'wh:<id>', …, metadata: { event_id } }) places it.
    select t.id into v_hold from ledger_transfer_one('wh:' || p_id, credencial_debit_hold_hash(l.ledger_account_id, p_settlement, p_amount, p_external_ref, p_id),
      true, l.ledger_account_id, p_settlement, p_amount, 'MXN', 'card_debit', p_external_ref, jsonb_build_object('event_id', p_id)) t;
    -- The card is the hold's debit side: a liability's available balance drops by the amount (an asset's does not).
    v_available := ledger_available(card) - case when card.type = 'liability' then p_amount else 0 end;
    v_answer := jsonb_build_object('code', -1, 'message', 'Retiro aplicado con éxito.', 'emi_account_identifier', p_emi,
      'date', (extract(epoch from clock_timestamp()) * 1000)::bigint,
      'balance_actual', credencial_wire_amount(v_available), 'balance_last', credencial_wire_amount(v_available + p_amount),
      'reference', p_reference);
    v_outcome := 'authorized';
  end if;

  -- The inbox row, written once with its outcome and answer: a decline is APPLIED (nothing to settle), an
  -- authorization PENDING until the settler posts its hold. A concurrent insert of the same key (not possible
  -- under the advisory lock) would fail the statement and roll the hold back with it.
  insert into webhook_events (id, provider, type, dedup_key, payload, payload_hash, webhook_id, status, outcome, response, amount,
                              ledger_account_id, ledger_transfer_id, applied_at)
    values (p_id, 'credencial', 'debit', p_key, p_payload, p_hash, p_webhook_id, case when v_hold is null then 'APPLIED' else 'PENDING' end,
            v_outcome, v_answer, p_amount, l.ledger_account_id, v_hold, case when v_hold is null then now() end);
  return query select p_id, false, v_answer;
end $$;

-- The request hash LedgerService.hold() gives the DEBIT's hold (postingHash of one leg with metadata
-- {event_id}): sha256, base64url, of the canonical JSON ["hold","MXN",[[debit,credit,"amount",kind,ref,{"event_id":id}]]].
-- A spec pins it to the TypeScript one.
create function credencial_debit_hold_hash(p_debit uuid, p_credit uuid, p_amount bigint, p_external_ref text, p_event uuid)
returns text language sql immutable as $$
  select translate(rtrim(encode(sha256(convert_to(
    '["hold","MXN",[[' || to_json(p_debit::text)::text || ',' || to_json(p_credit::text)::text || ',' || to_json(p_amount::text)::text
      || ',"card_debit",' || coalesce(to_json(p_external_ref)::text, 'null') || ',{"event_id":' || to_json(p_event::text)::text || '}]]]',
    'UTF8')), 'base64'), '='), '+/', '-_')
$$;

-- 256 Credencial settlement shards instead of 64: each authorized DEBIT locks its shard's row for its
-- statement and commit, and so does the settler's batch for its last step; more rows, fewer collisions.
-- Existing holds and postings keep the shard they were made on.
insert into ledger_accounts (code, type, currency)
select 'credencial:settlement:' || g, 'liability', 'MXN' from generate_series(64, 255) g
on conflict (code) do nothing;
