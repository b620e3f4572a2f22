-- Cards (issue 5): Pasarela's own ids for cardholders, cards, sub-clients and card money movements, mapped to
-- the provider's ids. The provider is a property of each row, stored at creation. NO clear card data here:
-- a card keeps only its masked PAN and last four digits (checked below); clear PAN / CVC / PIN leave the
-- gateway only encrypted to the public key a caller registered (card_data_keys).

create table cardholders (
  id                      uuid primary key,
  provider                text not null check (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  provider_cardholder_id  text not null check (length(provider_cardholder_id) between 1 and 100),
  external_id             text check (length(external_id) between 1 and 100),
  created_by_api_key_id   uuid references api_keys (id),
  created_at              timestamptz(3) not null default now(),
  constraint cardholders_provider_id_key unique (provider, provider_cardholder_id)
);

create table cards (
  id                   uuid primary key,
  cardholder_id        uuid not null references cardholders (id),
  provider             text not null check (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  provider_card_id     text not null check (length(provider_card_id) between 1 and 100),
  provider_account_id  text check (length(provider_account_id) between 1 and 100),
  type                 text not null check (type in ('PHYSICAL', 'VIRTUAL', 'VIRTUAL_WITH_PHYSICAL')),
  status               text not null check (length(status) between 1 and 40),
  masked_pan           text not null check (masked_pan ~ '^\*{12}[0-9]{4}$'),
  last4                text not null check (last4 ~ '^[0-9]{4}$'),
  ledger_account_id    uuid not null references ledger_accounts (id),
  created_at           timestamptz(3) not null default now(),
  updated_at           timestamptz(3) not null default now(),
  constraint cards_provider_id_key unique (provider, provider_card_id),
  constraint cards_last4_matches check (right(masked_pan, 4) = last4)
);
create index cards_cardholder_id on cards (cardholder_id);

-- One row per money movement asked through /v1 (keyed by the caller's Idempotency-Key): written before the
-- provider is called, confirmed with the provider's operation id, then posted to the ledger.
create table card_movements (
  id                     uuid primary key,
  api_key_id             uuid not null references api_keys (id),
  idempotency_key        text not null check (length(idempotency_key) between 1 and 255),
  kind                   text not null check (kind in ('disbursement', 'payment', 'withdrawal', 'purchase', 'card_transfer', 'spei_out')),
  card_id                uuid not null references cards (id),
  counterparty_card_id   uuid references cards (id),
  amount                 bigint not null check (amount > 0),
  currency               text not null default 'MXN' check (currency in ('MXN', 'USD')),
  status                 text not null check (status in ('pending', 'confirmed', 'unknown')),
  provider               text not null,
  provider_operation_id  text,
  authorization_code     text,
  result                 jsonb,
  ledger_journal_id      uuid,
  created_at             timestamptz(3) not null default now(),
  updated_at             timestamptz(3) not null default now(),
  constraint card_movements_key unique (api_key_id, idempotency_key)
);
create index card_movements_card_id on card_movements (card_id, created_at);

-- Sub-clients of the program (NeCIPCo "clients"), each with its own ledger account.
create table program_clients (
  id                  uuid primary key,
  provider            text not null check (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  provider_client_id  text not null check (length(provider_client_id) between 1 and 100),
  name                text not null check (length(name) between 1 and 100),
  alias               text,
  rfc                 text,
  ledger_account_id   uuid not null references ledger_accounts (id),
  created_at          timestamptz(3) not null default now(),
  constraint program_clients_provider_id_key unique (provider, provider_client_id)
);

-- The public key (RSA, PEM) an API key registered: clear PAN / CVC / PIN are returned encrypted to it.
create table card_data_keys (
  api_key_id      uuid primary key references api_keys (id),
  public_key_pem  text not null check (public_key_pem like '-----BEGIN PUBLIC KEY-----%'),
  fingerprint     text not null check (fingerprint ~ '^[A-Za-z0-9_-]{43}$'),
  created_at      timestamptz(3) not null default now(),
  updated_at      timestamptz(3) not null default now()
);
