-- Provider webhooks: the inbox (every verified event, persisted before the provider gets its 2xx) and the
-- mappings from provider accounts (STP CLABEs, Credencial accounts) to ledger accounts.
--
-- Inbox invariants (DESIGN.md "Webhook intake invariants"):
--   * (provider, type, dedup_key) is unique: a redelivery finds the original row and gets its answer; the same
--     key with another payload_hash is a conflict (409), counted on the original, which is kept unchanged.
--   * status: PENDING (to be applied by a worker), APPLIED (ledger effect and status committed in one
--     transaction), UNMATCHED (kept and surfaced: SPEI OUT status for an unknown order, a reversal before its
--     debit), FAILED (dead letter after the retries; replayable).
--   * payload never holds a PAN/NIP/CVV: the providers send account numbers, and receivers refuse card data.

create table webhook_events (
  id                     uuid primary key default gen_random_uuid(),
  provider               text not null,
  type                   text not null,
  dedup_key              text not null,
  payload                jsonb not null,
  payload_hash           text not null,
  -- The Standard Webhooks `webhook-id` header, when the provider signs (informational: dedup is by content).
  webhook_id             text,
  status                 text not null default 'PENDING',
  -- What applying it did (credited, suspense, activated, authorized, declined, settled, voided, reversed…).
  outcome                text,
  -- The answer given to the provider (Credencial's synchronous bodies; STP's ack), replayed to duplicates.
  response               jsonb,
  -- Amount of the event in centavos (SPEI IN, SPEI OUT, DEBIT, REVERSE), and how much of a DEBIT was reversed.
  amount                 bigint,
  reversed_amount        bigint not null default 0,
  ledger_account_id      uuid,
  ledger_transfer_id     uuid,
  attempts               integer not null default 0,
  last_error             text,
  conflict_count         integer not null default 0,
  last_conflict_at       timestamptz(3),
  last_conflict_payload  jsonb,
  received_at            timestamptz(3) not null default now(),
  applied_at             timestamptz(3),
  updated_at             timestamptz(3) not null default now(),
  constraint webhook_events_dedup_key unique (provider, type, dedup_key),
  constraint webhook_events_provider_check check (provider in ('stp', 'credencial')),
  constraint webhook_events_type_check check (type in ('clabe_status', 'spei_in', 'spei_out_status', 'debit', 'reverse', 'balance', 'movements')),
  constraint webhook_events_status_check check (status in ('PENDING', 'APPLIED', 'UNMATCHED', 'FAILED')),
  constraint webhook_events_dedup_key_length check (length(dedup_key) between 1 and 400),
  constraint webhook_events_payload_object check (jsonb_typeof(payload) = 'object'),
  constraint webhook_events_amounts check (amount is null or amount >= 0),
  constraint webhook_events_reversed_within check (reversed_amount >= 0 and (amount is null or reversed_amount <= amount)),
  constraint webhook_events_attempts_check check (attempts >= 0 and conflict_count >= 0)
);

-- The sweeper's scan (rows left PENDING) and the API's filters, newest first.
create index webhook_events_pending on webhook_events (received_at) where status = 'PENDING';
create index webhook_events_received on webhook_events (received_at desc, id desc);
create index webhook_events_status_received on webhook_events (status, received_at desc);

-- STP CLABE → ledger account (the customer's). status follows STP's "CLABE status" webhook.
create table stp_clabe_links (
  clabe              text primary key,
  ledger_account_id  uuid not null references ledger_accounts (id),
  status             text not null default 'active',
  created_at         timestamptz(3) not null default now(),
  updated_at         timestamptz(3) not null default now(),
  constraint stp_clabe_links_clabe_format check (clabe ~ '^\d{18}$'),
  constraint stp_clabe_links_status_check check (status in ('active', 'inactive'))
);

-- Credencial account (account_number, with its emi_account_identifier) → ledger account. A card that is not
-- active is declined.
create table credencial_account_links (
  account_number          text primary key,
  emi_account_identifier  text not null,
  ledger_account_id       uuid not null references ledger_accounts (id),
  status                  text not null default 'active',
  created_at              timestamptz(3) not null default now(),
  updated_at              timestamptz(3) not null default now(),
  constraint credencial_account_links_number_format check (account_number ~ '^\d{1,20}$'),
  constraint credencial_account_links_emi_length check (length(emi_account_identifier) between 1 and 64),
  constraint credencial_account_links_status_check check (status in ('active', 'blocked', 'cancelled'))
);
create index credencial_account_links_emi on credencial_account_links (emi_account_identifier);

-- Card debits are held against Credencial settlement accounts. Sharded (by account number) so concurrent
-- authorizations on different cards do not queue on one hot row.
insert into ledger_accounts (code, type, currency)
select 'credencial:settlement:' || g, 'liability', 'MXN' from generate_series(0, 7) g
on conflict (code) do nothing;
