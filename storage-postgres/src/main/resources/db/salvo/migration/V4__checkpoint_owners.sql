-- CheckpointStore: the owner (tenant) becomes part of every thread's key.
--
-- Before, the HTTP layer stored a principal's thread as thread_id '<principal>:<thread>' and listed a
-- principal's threads by scanning every thread id. Now each row carries its owner, and a thread is
-- (owner, thread_id): the primary key becomes (owner, thread_id, id), the sequence key
-- (owner, thread_id, seq). Both serve what they served before, now per owner; the primary key's
-- leading (owner, thread_id) also serves listThreads(owner) with its keyset cursor.
--
-- Existing rows are split by the rule of dev.salvo.core.checkpoint.LegacyThreadIds.split, which the
-- filesystem adapter's migration uses too: at the FIRST ':' into owner and thread_id ('alice:a:b'
-- becomes owner 'alice', thread 'a:b'), when both parts are valid ids (owner [A-Za-z0-9_.-]+, thread
-- [A-Za-z0-9_.:-]+, neither '.' nor '..'); any other id keeps its whole text as thread_id under the
-- owner 'UNOWNED' (written by callers of the port without a principal; no principal is upper case).
-- PostgresCheckpointOwnerMigrationTest holds the SQL to the same answers as the Java rule. If the old
-- data held both 'UNOWNED:x' and 'x', the new keys collide and this migration fails (and, being one
-- transaction, changes nothing) until one of them is renamed by hand.
--
-- The constraints go first: while ids are split, two old threads ('alice:t', 'bob:t') briefly share a
-- thread_id. The UPDATE sits between "jooq ignore" markers: jOOQ's code generator (DDLDatabase, which
-- replays these scripts on H2) needs only the resulting schema, not the data step.

alter table checkpoints drop constraint checkpoints_pkey;
alter table checkpoints drop constraint checkpoints_thread_seq_key;
alter table checkpoints drop constraint checkpoints_ids_not_empty;

-- "C" collation, like thread_id: byte order equals Java's String.compareTo for the ASCII ids allowed.
alter table checkpoints add column owner varchar(128) collate "C";

/* [jooq ignore start] */
update checkpoints
   set owner     = case when legacy.splits then split_part(legacy.id, ':', 1) else 'UNOWNED' end,
       thread_id = case when legacy.splits then substr(legacy.id, strpos(legacy.id, ':') + 1) else legacy.id end
  from (select distinct thread_id as id,
               thread_id ~ '^[A-Za-z0-9_.-]+:[A-Za-z0-9_.:-]+$'
               and split_part(thread_id, ':', 1) not in ('.', '..')
               and substr(thread_id, strpos(thread_id, ':') + 1) not in ('.', '..') as splits
          from checkpoints) as legacy
 where checkpoints.thread_id = legacy.id;
/* [jooq ignore stop] */

alter table checkpoints alter column owner set not null;
alter table checkpoints add constraint checkpoints_pkey primary key (owner, thread_id, id);
alter table checkpoints add constraint checkpoints_thread_seq_key unique (owner, thread_id, seq);
alter table checkpoints add constraint checkpoints_ids_not_empty check (owner <> '' and thread_id <> '' and id <> '');
