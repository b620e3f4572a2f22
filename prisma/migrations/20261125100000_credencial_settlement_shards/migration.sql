-- 64 Credencial settlement shards instead of 8: each authorized DEBIT (and its settlement) locks its shard's row
-- until commit, and 8 rows queued concurrent authorizations (bench:webhooks). Existing holds and postings keep
-- the shard they were made on.
insert into ledger_accounts (code, type, currency)
select 'credencial:settlement:' || g, 'liability', 'MXN' from generate_series(8, 63) g
on conflict (code) do nothing;
