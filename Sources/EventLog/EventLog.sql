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
-- >>> the application's rules are inserted here (Schema.redactionRules), before the triggers that fix them <<<

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
    data       BLOB    NOT NULL
);

CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
BEGIN
    SELECT RAISE(ABORT, 'stored files cannot be changed');
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
