-- Foundation: API keys for /v1 callers. Only a SHA-256 of the secret is stored.
create table api_keys (
  id            uuid primary key,
  name          text not null check (length(name) between 1 and 100),
  prefix        text not null unique,
  secret_hash   text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
  scopes        text[] not null default '{}',
  created_at    timestamptz(3) not null default now(),
  last_used_at  timestamptz(3),
  revoked_at    timestamptz(3)
);

-- Idempotency of every mutating /v1 call: one row per (API key, Idempotency-Key). The unique key is
-- what makes a retry safe: a replay returns the stored response, other content is a 409.
create table idempotency_records (
  api_key_id       uuid not null references api_keys (id),
  idempotency_key  text not null check (length(idempotency_key) between 1 and 255),
  method           text not null,
  path             text not null,
  request_hash     text not null,
  state            text not null check (state in ('in_progress', 'completed')),
  response_status  integer check (response_status between 100 and 599),
  response_body    jsonb,
  created_at       timestamptz(3) not null default now(),
  completed_at     timestamptz(3),
  primary key (api_key_id, idempotency_key),
  check ((state = 'completed') = (response_status is not null and completed_at is not null))
);
create index idempotency_records_created_at on idempotency_records (created_at);
