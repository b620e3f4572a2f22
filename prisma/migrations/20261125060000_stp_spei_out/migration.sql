-- STP (issue 6): CLABE accounts opened through /v1/clabe-accounts and SPEI OUT orders sent from them.
-- Neither table holds card data: a SPEI OUT beneficiary is a CLABE (18 digits) or a phone (10 digits) only.

-- A CLABE account asked through /v1 (keyed by the caller's Idempotency-Key). `id` is also the account_id sent
-- to STP, so a retry can never open a second CLABE (STP answers 409 for a known account_id).
-- state: pending (row written, STP being called), created (CLABE assigned, ledger account and link made),
-- unknown (STP's answer was lost: reconcile before use). Active/inactive lives on stp_clabe_links.
create table clabe_accounts (
  id                 uuid primary key,
  api_key_id         uuid not null references api_keys (id),
  idempotency_key    text not null check (length(idempotency_key) between 1 and 255),
  provider           text not null default 'stp' check (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  clabe              text unique check (clabe ~ '^\d{18}$'),
  state              text not null check (state in ('pending', 'created', 'unknown')),
  holder             jsonb not null,
  ledger_account_id  uuid references ledger_accounts (id),
  created_at         timestamptz(3) not null default now(),
  updated_at         timestamptz(3) not null default now(),
  constraint clabe_accounts_key unique (api_key_id, idempotency_key),
  constraint clabe_accounts_created_has_clabe check (state <> 'created' or (clabe is not null and ledger_account_id is not null))
);

-- One row per SPEI OUT order from a CLABE account. Written together with its ledger hold (kind spei_out,
-- external_ref = tracking_key) in one transaction; the worker sends it (state machine below), STP's status
-- webhook posts or voids the hold and resolves the row in the same transaction.
--   queued -> sending -> sent -> settled | returned
--   sending -> failed (STP refused it for good: hold voided)
--   sending -> unknown (retries exhausted without an answer: hold kept, the status webhook still resolves it)
create table spei_out_orders (
  id                        uuid primary key,
  api_key_id                uuid not null references api_keys (id),
  idempotency_key           text not null check (length(idempotency_key) between 1 and 255),
  provider                  text not null default 'stp' check (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  tracking_key              text not null unique check (tracking_key ~ '^[A-Za-z0-9]{1,30}$'),
  source_clabe              text not null check (source_clabe ~ '^\d{18}$'),
  ledger_account_id         uuid not null references ledger_accounts (id),
  hold_transfer_id          uuid,
  amount                    bigint not null check (amount > 0 and amount <= 99999999999999),
  currency                  text not null default 'MXN' check (currency = 'MXN'),
  beneficiary_name          text not null check (length(beneficiary_name) between 1 and 40),
  beneficiary_account       text not null check (beneficiary_account ~ '^(\d{10}|\d{18})$'),
  beneficiary_account_type  text not null check (beneficiary_account_type in ('clabe', 'mobile_phone')),
  counterpart_institution   text not null check (counterpart_institution ~ '^\d{5}$'),
  beneficiary_rfc_curp      text not null check (length(beneficiary_rfc_curp) between 2 and 18),
  payment_concept           text not null check (length(payment_concept) between 1 and 40),
  numeric_reference         text not null check (numeric_reference ~ '^\d{1,7}$'),
  status                    text not null check (status in ('queued', 'sending', 'sent', 'settled', 'returned', 'failed', 'unknown')),
  attempts                  integer not null default 0 check (attempts >= 0),
  provider_order_id         text,
  cause                     text,
  error_code                text,
  error_message             text,
  history                   jsonb not null default '[]'::jsonb,
  created_at                timestamptz(3) not null default now(),
  updated_at                timestamptz(3) not null default now(),
  sent_at                   timestamptz(3),
  resolved_at               timestamptz(3),
  constraint spei_out_orders_key unique (api_key_id, idempotency_key)
);
create index spei_out_orders_status on spei_out_orders (status, updated_at) where status in ('queued', 'sending');
create index spei_out_orders_source on spei_out_orders (source_clabe, created_at);
