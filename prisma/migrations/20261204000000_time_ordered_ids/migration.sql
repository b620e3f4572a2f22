-- Time-ordered ids (RFC 9562 version 7: 48 bits of Unix milliseconds, the version, then random bits) for the
-- tables written on every webhook. A random (v4) key lands on a random leaf of its b-tree, so the whole index is
-- the working set and full pages split in the middle; a v7 key lands at the right edge, where pages fill and
-- split once. The inbox ids also prefix the ledger's idempotency keys ('wh:<id>'), so those indexes gain too.
-- Rows already there keep their ids; nothing relies on an id's order.
create function pasarela_uuid_v7() returns uuid language sql volatile parallel safe as $$
  select encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid()) placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

alter table webhook_events alter column id set default pasarela_uuid_v7();
alter table ledger_transfers alter column id set default pasarela_uuid_v7();
alter table ledger_journals alter column id set default pasarela_uuid_v7();
