-- CheckpointStore: one row per checkpoint of agent or graph state.
--
-- Ids come from the domain, never from SQL defaults. seq is assigned by the adapter as
-- max(seq) + 1 within the thread while it holds a per-thread advisory lock; the unique
-- (thread_id, seq) constraint is the backstop should anything ever bypass that lock.
--
-- Indexes: the primary key (thread_id, id) serves load by id, cursor lookups and delete;
-- the unique (thread_id, seq) index serves loadLatest, list, keyset paging and prune;
-- either serves count and listThreads. No other index is needed.
--
-- This script is also the input of jOOQ's code generator (DDLDatabase), which replays it on
-- H2 at build time. Hence:
--   * ids are varchar(128) (the domain's CheckpointIds.MAX_LENGTH) rather than text, which H2
--     maps to a CLOB it cannot index; in PostgreSQL both are the same varlena type;
--   * the jsonb_typeof check sits between "jooq ignore" comments: jOOQ's parser does not know
--     the function. PostgreSQL reads those markers as plain comments and runs the whole statement.

create table checkpoints (
    -- "C" collation: byte order equals Java's String.compareTo for the ASCII ids the domain
    -- allows, so thread ids sort the same whatever the database locale.
    thread_id  varchar(128) collate "C" not null,
    seq        bigint       not null,
    id         varchar(128) not null,
    parent_id  varchar(128),
    step       bigint       not null,
    created_at timestamptz  not null,
    label      text,
    tags       text[]       not null default '{}',
    state_size bigint       not null,
    custom     jsonb        not null default '{}',
    state      bytea        not null,

    constraint checkpoints_pkey primary key (thread_id, id),
    constraint checkpoints_thread_seq_key unique (thread_id, seq),
    constraint checkpoints_seq_positive check (seq > 0),
    constraint checkpoints_step_not_negative check (step >= 0),
    constraint checkpoints_ids_not_empty check (thread_id <> '' and id <> ''),
    -- octet_length reads the stored length header; it does not decompress or fetch the state.
    constraint checkpoints_state_size_matches check (state_size = octet_length(state))
    /* [jooq ignore start] */
    , constraint checkpoints_custom_is_object check (jsonb_typeof(custom) = 'object')
    /* [jooq ignore stop] */
);
