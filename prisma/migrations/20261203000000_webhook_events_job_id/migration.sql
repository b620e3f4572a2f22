-- The job a row was enqueued under when it is not the row's own id: SPEI IN rows persisted together share one
-- job (spei_in_group). The sweeper looks that job up, so it leaves the rows of a group still waiting alone.
alter table webhook_events add column job_id text;
