-- Prefix lookups on inbox dedup keys: a card transaction's DEBIT and REVERSE rows ('<account>:<reference>…',
-- starts_with), a CLABE's status rows ('<clabe>:…'). text_pattern_ops makes starts_with an index range scan
-- whatever the database's collation (the unique (provider, type, dedup_key) index cannot serve it).
create index webhook_events_key_prefix on webhook_events (provider, type, dedup_key text_pattern_ops)
  where type in ('debit', 'reverse', 'clabe_status');
