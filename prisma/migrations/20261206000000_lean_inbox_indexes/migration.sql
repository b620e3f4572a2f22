-- Fewer index entries written on the inbox's hot paths: three per card DEBIT (the prefix index's when it is
-- authorized and again when settlement rewrites the row, the status index's at settlement), one per SPEI IN
-- (the status index's when it is applied).
--
-- 1. One index for the dedup key, not two. webhook_events_key_prefix (text_pattern_ops) existed only for the
--    prefix lookups (a card transaction's REVERSE rows, a CLABE's status rows), which the unique index, in the
--    database's collation, could not serve. The unique index is now built with text_pattern_ops itself: it still
--    enforces (provider, type, dedup_key) and arbitrates ON CONFLICT (equality is the same in either operator
--    class), and it serves the prefix range scans. Comparing bytes is also cheaper than a collation. A unique
--    constraint cannot take a non-default operator class, so it becomes a unique index of the same name.
create unique index webhook_events_dedup_key_bytes on webhook_events (provider, type, dedup_key text_pattern_ops);
alter table webhook_events drop constraint webhook_events_dedup_key;
drop index webhook_events_key_prefix;
alter index webhook_events_dedup_key_bytes rename to webhook_events_dedup_key;

-- 2. The status index without the APPLIED rows. Its readers look for rows still to act on (the sweeper's
--    PENDING rows, the FAILED and UNMATCHED ones in /metrics and in the list's status filter); APPLIED, nearly
--    every row, is listed through webhook_events_received. Applying a row no longer adds an entry to it.
drop index webhook_events_status_received;
create index webhook_events_status_received on webhook_events (status, received_at desc) where status <> 'APPLIED';
