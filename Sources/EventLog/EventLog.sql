-- The event log's own tables and triggers (SPEC §4), owned by the EventLog module.
--
-- EventStore applies this file itself, as the first part of schema version 1, before the
-- application's own SQL (Casebook's is the repository's schema.sql): it is compiled into
-- the binary with C23 #embed (Sources/CEventLogSchema), so the SQL the program runs is
-- this file and schema.sql, never a copy. The line marked >>> <<< below is where the
-- application's redaction rules are inserted. Until a release, version 1 is edited in place.

-- The event log (SPEC §4). One row per event; never updated or deleted, except that a
-- redaction may set payload to NULL (payload_sha256 stays, so the chain still verifies).
CREATE TABLE events (
    position       INTEGER PRIMARY KEY,          -- global order of commit
    stream         TEXT    NOT NULL,             -- case/CB-2026-0001, staff, audit
    version        INTEGER NOT NULL CHECK (version >= 1),
    type           TEXT    NOT NULL,
    occurred_at    TEXT    NOT NULL,             -- UTC, RFC 3339 with milliseconds
    recorded_at    TEXT    NOT NULL,             -- UTC, from the clock
    actor          TEXT    NOT NULL,             -- staff id
    payload        TEXT,                         -- UTF-8 JSON; NULL once redacted
    payload_sha256 TEXT    NOT NULL,             -- lowercase hex of the payload bytes
    prev_hash      TEXT    NOT NULL,             -- previous event's hash in the stream
    hash           TEXT    NOT NULL,             -- this event's chain hash
    UNIQUE (stream, version)
);

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: they cannot be deleted');
END;

-- INSERT OR REPLACE deletes the old row without firing DELETE triggers (unless
-- recursive_triggers is on, as Casebook's own connections set it): refuse it here too.
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE stream = NEW.stream AND version = NEW.version)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: an event cannot be replaced');
END;

-- What may be redacted (SPEC §4): the types whose payload may be erased, and the type of
-- the event that records an erasure. That event is appended first, to the same stream, in
-- the same transaction, and its payload names the erased version in its "version" field.
-- The rows are the application's (Casebook's come from Workflow.redactableTypes, through
-- Schema.redactionRules), not the user's: fixed by the triggers below, and `verify`
-- compares them with the ones a fresh database gets.
CREATE TABLE redaction_rules (
    type        TEXT PRIMARY KEY,                -- an event type whose payload may be erased
    recorded_by TEXT NOT NULL                    -- the type of the event that records it
) WITHOUT ROWID;

-- What may record a purge of stored bytes (SPEC §9): the type of the event whose payload's
-- "erased" array names each purged blob. The application's (Casebook's: FilesPurged), fixed
-- like the redaction rules.
CREATE TABLE purge_rules (
    recorded_by TEXT PRIMARY KEY                 -- the type of the event that records a purge
) WITHOUT ROWID;
-- >>> the application's rules are inserted here (Schema.redactionRules, Schema.purgeRecordedBy), before the triggers that fix them <<<

CREATE TRIGGER purge_rules_no_insert BEFORE INSERT ON purge_rules
BEGIN
    SELECT RAISE(ABORT, 'the purge rules are fixed by the schema');
END;

CREATE TRIGGER purge_rules_no_update BEFORE UPDATE ON purge_rules
BEGIN
    SELECT RAISE(ABORT, 'the purge rules are fixed by the schema');
END;

CREATE TRIGGER purge_rules_no_delete BEFORE DELETE ON purge_rules
BEGIN
    SELECT RAISE(ABORT, 'the purge rules are fixed by the schema');
END;

CREATE TRIGGER redaction_rules_no_insert BEFORE INSERT ON redaction_rules
BEGIN
    SELECT RAISE(ABORT, 'the redaction rules are fixed by the schema');
END;

CREATE TRIGGER redaction_rules_no_update BEFORE UPDATE ON redaction_rules
BEGIN
    SELECT RAISE(ABORT, 'the redaction rules are fixed by the schema');
END;

CREATE TRIGGER redaction_rules_no_delete BEFORE DELETE ON redaction_rules
BEGIN
    SELECT RAISE(ABORT, 'the redaction rules are fixed by the schema');
END;

-- The one update allowed: a payload set to NULL, every other field unchanged, on a type
-- the rules let be redacted, when a later event of the same stream records the erasure.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (
    OLD.payload IS NOT NULL AND NEW.payload IS NULL
    AND NEW.position IS OLD.position AND NEW.stream IS OLD.stream AND NEW.version IS OLD.version
    AND NEW.type IS OLD.type AND NEW.occurred_at IS OLD.occurred_at AND NEW.recorded_at IS OLD.recorded_at
    AND NEW.actor IS OLD.actor AND NEW.payload_sha256 IS OLD.payload_sha256
    AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
    AND EXISTS (
        SELECT 1 FROM redaction_rules AS rule JOIN events AS record ON record.type = rule.recorded_by
        WHERE rule.type = OLD.type AND record.stream = OLD.stream AND record.version > OLD.version
            AND json_valid(record.payload) AND json_extract(record.payload, '$.version') = OLD.version
    )
)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: only a recorded redaction of a redactable event may clear a payload');
END;
-- Evidence files, content-addressed: the same bytes are kept once.
CREATE TABLE blobs (
    sha256     TEXT    PRIMARY KEY,              -- lowercase hex of data
    size       INTEGER NOT NULL,
    media_type TEXT    NOT NULL,                 -- sniffed from the bytes
    data       BLOB                              -- NULL once purged (SPEC §9); sha256 and size stay
);

-- Purging stored files (SPEC §9). A blob's bytes may be deleted (data set to NULL) only when
-- a purge is recorded: an event of a purge_rules type whose payload's "erased" array names
-- the blob, and a row here pointing at that event (so the trigger below finds it by key).
-- Rows are never changed or deleted. `verify` reports each purged blob.
CREATE TABLE blob_purges (
    sha256  TEXT    PRIMARY KEY,                 -- the blob whose bytes were deleted
    stream  TEXT    NOT NULL,                    -- the event that recorded it
    version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER blob_purges_recorded BEFORE INSERT ON blob_purges
WHEN NOT EXISTS (
    SELECT 1 FROM events AS record, json_each(record.payload, '$.erased') AS erased
    WHERE record.stream = NEW.stream AND record.version = NEW.version
        AND record.type IN (SELECT recorded_by FROM purge_rules) AND erased.value = NEW.sha256
)
BEGIN
    SELECT RAISE(ABORT, 'a purge must be recorded by an event naming the file');
END;

CREATE TRIGGER blob_purges_no_update BEFORE UPDATE ON blob_purges
BEGIN
    SELECT RAISE(ABORT, 'purge records cannot be changed');
END;

CREATE TRIGGER blob_purges_no_delete BEFORE DELETE ON blob_purges
BEGIN
    SELECT RAISE(ABORT, 'purge records cannot be deleted');
END;

-- The one update allowed: the bytes set to NULL, the hash, size and type unchanged, once
-- the purge is recorded.
CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
WHEN NOT (
    OLD.data IS NOT NULL AND NEW.data IS NULL
    AND NEW.sha256 IS OLD.sha256 AND NEW.size IS OLD.size AND NEW.media_type IS OLD.media_type
    AND EXISTS (SELECT 1 FROM blob_purges WHERE sha256 = OLD.sha256)
)
BEGIN
    SELECT RAISE(ABORT, 'stored files cannot be changed, only purged once the purge is recorded');
END;

CREATE TRIGGER blobs_no_replace BEFORE INSERT ON blobs
WHEN EXISTS (SELECT 1 FROM blobs WHERE sha256 = NEW.sha256)
BEGIN
    SELECT RAISE(ABORT, 'stored files cannot be replaced');
END;

CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
BEGIN
    SELECT RAISE(ABORT, 'stored files cannot be deleted');
END;
