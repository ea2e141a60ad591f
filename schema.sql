-- Casebook schema, versions 1 and 2.
--
-- This file is the application's schema the program runs: it is compiled into the binary
-- (C23 #embed in Sources/CasebookSchema) and applied to a new database, after which PRAGMA
-- user_version is the last version below. It holds every version's step in order: version 1
-- from here, then each later version after a line beginning "-- >>> version N"
-- (Storage/SchemaSteps.swift splits it there). A file at an earlier version runs the later
-- steps, in one transaction, when it is next opened for writing. A later version adds a
-- step at the end; it never edits what an earlier one created.
--
-- The event log's own tables and triggers (events, blobs, redaction_rules) are not here:
-- they belong to the EventLog module, in Sources/EventLog/EventLog.sql, which EventStore
-- applies first, in the same transaction, with Casebook's redaction rules (the redactable
-- event types of Workflow.redactableTypes). What a new database holds is exactly those two
-- files run in that order; `verify` compares a database with a fresh one made the same way.

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
    left_at  TEXT,                               -- set by `staff leave`
    email    TEXT,                               -- where alerts go (`staff email`, SPEC §11)
    alerts_off INTEGER NOT NULL DEFAULT 0        -- 1 once the member turned alerts off
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
    is_restricted   INTEGER NOT NULL,            -- child sexual imagery: headteacher and safeguarding lead only (SPEC §9)
    reported_by     TEXT    NOT NULL,            -- the reporter's staff id (`concern mine`, SPEC §11)
    triage          TEXT,                        -- a concern: reported, accepted, declined; NULL for a case opened as one
    owner           TEXT                         -- the member assigned to own the case (`assign`, SPEC §11)
);
CREATE INDEX cases_by_reporter ON cases (reported_by) WHERE triage IS NOT NULL;
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
    referrals   TEXT    NOT NULL,                -- one kind per live referral then (comma-separated)
    staff       TEXT    NOT NULL DEFAULT '',     -- staff source and staff referred for discipline (comma-separated ids)
    police      TEXT    NOT NULL,                -- not-referred, referred, referred-override, referred-unlawful-conduct
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

-- >>> version 2: the lists read open cases newest first, off one index (issue 25).
-- `list --open` shows the newest 50 of the open cases: in (status, year, number) order
-- SQLite stops after 50 rows instead of reading and sorting every open case. The columns
-- after the key are what the visibility filter (CaseAccess.visibleCases: reference, school,
-- is_restricted) and `tasks` (owner) read, so the counts of `list`, `overdue` and `tasks`
-- read this index and the deadlines, never the cases' rows. It replaces version 1's
-- cases_by_status (status, school, reference), whose columns it holds.
DROP INDEX cases_by_status;
CREATE INDEX cases_by_status ON cases (status, year, number, reference, school, is_restricted, owner);
