-- Casebook schema, version 1.
--
-- This file is the schema the program runs: it is compiled into the binary (C23 #embed in
-- Sources/CasebookSchema) and applied to a new database, after which PRAGMA user_version
-- is 1. A later version adds a migration; it never edits what a released version created.
-- (Casebook has not been released: version 1 is still edited in place.)

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
-- The program's data, not the user's: fixed by the triggers below, and `verify` compares
-- these rows with the ones this file creates.
CREATE TABLE redaction_rules (
    type        TEXT PRIMARY KEY,                -- an event type whose payload may be erased
    recorded_by TEXT NOT NULL                    -- the type of the event that records it
) WITHOUT ROWID;
INSERT INTO redaction_rules (type, recorded_by) VALUES
    ('EvidenceCaptured', 'EventRedacted'),
    ('InvestigationNoteAdded', 'EventRedacted');

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

-- ---- Purging stored files (SPEC §9; issue 13) -------------------------------------------
-- A blob's bytes may be deleted (data set to NULL) only when a purge is recorded: a
-- FilesPurged event whose payload's "erased" array names the blob, and a row here pointing
-- at that event (so the trigger below finds it by key). Rows are never changed or deleted.
-- `verify` reports each purged blob, and checks that its purge event names it.
CREATE TABLE blob_purges (
    sha256  TEXT    PRIMARY KEY,                 -- the blob whose bytes were deleted
    stream  TEXT    NOT NULL,                    -- the FilesPurged event that recorded it
    version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER blob_purges_recorded BEFORE INSERT ON blob_purges
WHEN NOT EXISTS (
    SELECT 1 FROM events AS record, json_each(record.payload, '$.erased') AS erased
    WHERE record.stream = NEW.stream AND record.version = NEW.version AND record.type = 'FilesPurged'
        AND erased.value = NEW.sha256
)
BEGIN
    SELECT RAISE(ABORT, 'a purge must be recorded by a FilesPurged event naming the file');
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
-- ---- End of purging ----------------------------------------------------------------------

CREATE TRIGGER blobs_no_replace BEFORE INSERT ON blobs
WHEN EXISTS (SELECT 1 FROM blobs WHERE sha256 = NEW.sha256)
BEGIN
    SELECT RAISE(ABORT, 'stored files cannot be replaced');
END;

CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
BEGIN
    SELECT RAISE(ABORT, 'stored files cannot be deleted');
END;

-- Read models. Derived only from events, updated in the append transaction, rebuilt from
-- scratch by `casebook rebuild` (which empties and refills exactly these tables).

-- The staff directory (stream `staff`).
CREATE TABLE staff (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL,
    added_at TEXT NOT NULL,
    login    TEXT,                               -- operating-system login (SPEC §8), if mapped
    school   TEXT,                               -- NULL: trust-wide
    left_at  TEXT                                -- set by `staff leave`
);
-- Who is acting is looked up by login on every command; a login maps to at most one
-- current member.
CREATE UNIQUE INDEX staff_by_login ON staff (login) WHERE login IS NOT NULL AND left_at IS NULL;

-- Who may not see a case (SPEC §8, conflicts of interest): the affected person, a staff
-- source, anyone referred for discipline, anyone excluded with `restrict`. Staff ids are
-- lowercased. `list`, `overdue` and `outcomes` leave out the cases where the actor has a row.
CREATE TABLE case_access (
    case_ref TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    reason   TEXT NOT NULL,                      -- affected, source, disciplinary, excluded
    PRIMARY KEY (case_ref, staff_id, reason)
) WITHOUT ROWID;
-- A list reads the actor's few rows once (NOT IN), not one probe per case listed.
CREATE INDEX case_access_by_staff ON case_access (staff_id, case_ref);

-- One row per case (streams `case/…`): what `list` and `outcomes` read.
CREATE TABLE cases (
    reference       TEXT    PRIMARY KEY,         -- CB-2026-0001
    year            INTEGER NOT NULL,
    number          INTEGER NOT NULL,
    school          TEXT    NOT NULL,
    affected        TEXT    NOT NULL,
    status          TEXT    NOT NULL,            -- open, closed
    is_urgent       INTEGER NOT NULL,            -- child-mentioned (001 §8.6)
    categories      TEXT    NOT NULL,            -- comma-separated, sorted
    summary         TEXT    NOT NULL,
    opened_at       TEXT    NOT NULL,
    closed_at       TEXT,
    investigation   TEXT    NOT NULL,            -- not-started, started, concluded
    finding         TEXT,
    source_kind     TEXT,
    source_ref      TEXT,
    threat          TEXT,                        -- threatening, not-threatening
    referrals       TEXT    NOT NULL,            -- behaviour, disciplinary (comma-separated)
    police          TEXT    NOT NULL,            -- not-referred, referred, referred-override
    action          TEXT,
    outcome         TEXT,
    removed_at      TEXT,                        -- first confirmed removal or amendment
    evidence_count  INTEGER NOT NULL,
    version         INTEGER NOT NULL,            -- the stream's version
    updated_at      TEXT    NOT NULL,            -- occurred_at of the latest event
    is_restricted   INTEGER NOT NULL             -- child sexual imagery: headteacher and safeguarding lead only (SPEC §9)
);
CREATE UNIQUE INDEX cases_by_number ON cases (year, number);
CREATE INDEX cases_by_status ON cases (status, school, reference);
CREATE INDEX cases_by_closed ON cases (closed_at) WHERE closed_at IS NOT NULL;

-- Every closure of every case, for the HR outcomes report (SPEC §2.8, §6): a case closed,
-- reopened and closed again has a row per closure, each with the outcome facts as they
-- stood when it closed, so each period's report shows the closures made in it.
CREATE TABLE closures (
    case_ref    TEXT    NOT NULL,
    number      INTEGER NOT NULL,                -- 1 for the first closure, 2, …
    closed_at   TEXT    NOT NULL,
    reopened_at TEXT,                            -- when the case was reopened after it
    finding     TEXT,
    source_kind TEXT,
    threat      TEXT,                            -- threatening, not-threatening
    referrals   TEXT    NOT NULL,                -- live referrals' kinds then (comma-separated)
    police      TEXT    NOT NULL,                -- not-referred, referred, referred-override
    action      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    removed_at  TEXT,                            -- when all the material was down then (Removal)
    takedowns   TEXT    NOT NULL,                -- the removal figures then, per request: Removal's JSON
    PRIMARY KEY (case_ref, number)
) WITHOUT ROWID;
CREATE INDEX closures_by_closed ON closures (closed_at);

-- Takedown requests per host (000 §13.5–§13.6).
CREATE TABLE takedowns (
    case_ref     TEXT NOT NULL,
    id           TEXT NOT NULL,                  -- T1, T2, …
    host         TEXT NOT NULL,
    evidence     TEXT NOT NULL,                  -- E1,E2
    method       TEXT NOT NULL,
    sent_by      TEXT NOT NULL,                  -- school, complainant
    requested_at TEXT NOT NULL,
    deadline_at  TEXT NOT NULL,                  -- 24 hours after the request
    response     TEXT,
    check_result TEXT,
    isp          TEXT,
    isp_response TEXT,
    is_resolved  INTEGER NOT NULL,
    removed_at   TEXT,                           -- first check confirming removal or amendment
    PRIMARY KEY (case_ref, id)
) WITHOUT ROWID;

-- What is due when, for `overdue` (SPEC §6): open items only.
CREATE TABLE deadlines (
    case_ref TEXT NOT NULL,
    kind     TEXT NOT NULL,                      -- takedown, request-takedown, investigate-urgent
    subject  TEXT NOT NULL,                      -- T1, E2, or the case reference
    due_at   TEXT NOT NULL,
    PRIMARY KEY (case_ref, kind, subject)
) WITHOUT ROWID;
CREATE INDEX deadlines_by_due ON deadlines (due_at);

-- Sources of material by reference, to flag repeat sources (001 §8.5).
CREATE TABLE sources (
    ref      TEXT NOT NULL,                      -- lowercased, e.g. @handle
    case_ref TEXT NOT NULL,
    PRIMARY KEY (ref, case_ref)
) WITHOUT ROWID;
-- The projection replaces a case's rows by case: without this, every append (and every
-- case of a rebuild) would scan the whole table.
CREATE INDEX sources_by_case ON sources (case_ref);
