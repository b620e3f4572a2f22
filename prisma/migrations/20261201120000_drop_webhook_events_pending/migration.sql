-- webhook_events_pending (received_at) where status = 'PENDING' duplicated a prefix of
-- webhook_events_status_received (status, received_at desc), which serves the sweeper's scan just as well;
-- every inbox insert and status change paid for both. The settler has its own (webhook_events_debits_to_settle).
drop index webhook_events_pending;
