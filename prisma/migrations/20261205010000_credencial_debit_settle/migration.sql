-- Card-debit settlement in one statement: the settler's batch (the oldest authorized DEBIT rows still PENDING,
-- rows locked elsewhere skipped), the rows APPLIED with their outcome, and their pending holds posted, as one
-- autocommitted call. Before, it was a transaction of five round trips from the worker. The hot accounts were
-- locked in the fourth (ledger_post_many) and held until the COMMIT came back, across a round trip to a process
-- that shares the CPUs: every authorization needing one of those accounts waited for it. Now they are held for
-- the end of the statement and its commit only, as credencial_debit_authorize holds them.

-- The request hash LedgerService.post() gives the settlement of the DEBIT event p_event's hold p_pending
-- (requestHash(['post', pending, null, {event_id}])): sha256, base64url, of that canonical JSON. A spec pins it
-- to the TypeScript one, so this path and the one-row job path replay each other's keys.
create function credencial_debit_settle_hash(p_pending uuid, p_event uuid) returns text language sql stable as $$
  select translate(rtrim(encode(sha256(convert_to(
    '["post",' || to_json(p_pending::text)::text || ',null,{"event_id":' || to_json(p_event::text)::text || '}]',
    'UTF8')), 'base64'), '='), '+/', '-_')
$$;

-- Up to p_limit rows (none of p_exclude, none that already failed once: those are the job path's); returns
-- each row settled with its outcome: 'settled' (its hold posted now), 'resolved_by_reversal' (a reversal had
-- already voided or posted it), or the outcome it had when it holds nothing.
create function credencial_debit_settle(p_limit integer, p_exclude uuid[])
returns table (event_id uuid, outcome text) language plpgsql as $$
#variable_conflict use_column
declare
  v_ids uuid[];
  v_outcomes text[];
  v_holds uuid[];
  v_keys text[];
  v_hashes text[];
  v_posts uuid[];
  v_metadata jsonb[];
begin
  -- Nothing is lost if this commit is: the rows are then still PENDING and their holds pending, and the next
  -- pass settles them with the same keys. A later answer or reversal that read the settled totals commits
  -- synchronously, which flushes this commit first.
  perform set_config('synchronous_commit', 'off', true);
  select array_agg(b.id order by b.received_at, b.id), array_agg(b.outcome order by b.received_at, b.id),
         array_agg(b.ledger_transfer_id order by b.received_at, b.id)
    into v_ids, v_outcomes, v_holds
    from (select e.id, e.received_at, e.ledger_transfer_id,
                 case when e.ledger_transfer_id is null then coalesce(e.outcome, 'nothing_to_settle')
                      when t.status = 'pending' then 'settled'
                      else 'resolved_by_reversal' end as outcome
            from webhook_events e left join ledger_transfers t on t.id = e.ledger_transfer_id
           where e.status = 'PENDING' and e.type = 'debit' and e.attempts = 0 and e.id <> all(coalesce(p_exclude, '{}'))
           order by e.received_at
           limit p_limit
             for update of e skip locked) b;
  if v_ids is null then
    return;
  end if;
  update webhook_events w set status = 'APPLIED', outcome = v.outcome, applied_at = now(), updated_at = now()
    from unnest(v_ids, v_outcomes) v(id, outcome) where w.id = v.id;
  -- The posts of the pending holds, as LedgerService.post() would make them (key, hash, metadata).
  select array_agg('wh:settle:' || s.id order by s.o), array_agg(credencial_debit_settle_hash(s.hold, s.id) order by s.o),
         array_agg(s.hold order by s.o), array_agg(jsonb_build_object('event_id', s.id) order by s.o)
    into v_keys, v_hashes, v_posts, v_metadata
    from unnest(v_ids, v_outcomes, v_holds) with ordinality s(id, outcome, hold, o)
   where s.outcome = 'settled';
  -- The ledger last: ledger_post_many locks the (hot) accounts at its very end. No pending hold: nothing to post.
  if v_keys is not null then
    perform 1 from ledger_post_many(v_keys, v_hashes, v_posts, v_metadata);
  end if;
  return query select v.id, v.outcome from unnest(v_ids, v_outcomes) v(id, outcome);
end $$;
