-- Concerns raised with the headteacher (policy clause i). What was raised,
-- its evidence and its timeline are never changed: triggers refuse it.

CREATE TABLE concerns (
    id TEXT PRIMARY KEY NOT NULL,
    -- A short number people can quote: "C-12".
    number BIGINT NOT NULL UNIQUE,
    raised_by TEXT NOT NULL REFERENCES people (id),
    raised_at TIMESTAMP NOT NULL,
    about_kind TEXT NOT NULL CHECK (about_kind IN ('staff', 'headteacher', 'account', 'community', 'other')),
    -- The member of staff, or the headteacher at the time.
    about_person_id TEXT REFERENCES people (id),
    about_account_id TEXT REFERENCES accounts (id),
    about_detail TEXT NOT NULL,
    implicates_chair BOOLEAN NOT NULL,
    happened_on DATE NOT NULL,
    what_happened TEXT NOT NULL,
    -- The head; the chair for a concern about the head; 'lado' when it
    -- implicates both and goes straight to the LADO.
    reviewer_role TEXT NOT NULL CHECK (reviewer_role IN ('headteacher', 'chair', 'lado'))
);
CREATE INDEX concerns_by_raiser ON concerns (raised_by, raised_at);

-- Where the concern stands: the one mutable part, kept apart so that the
-- concern as raised can be sealed.
CREATE TABLE concern_cases (
    concern_id TEXT PRIMARY KEY NOT NULL REFERENCES concerns (id),
    reviewer_role TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'under_review', 'closed', 'referred_to_lado')),
    classification TEXT CHECK (classification IN ('low_level', 'allegation', 'not_a_concern')),
    lado_due_at TIMESTAMP,
    lado_referred_on DATE,
    outcome TEXT CHECK (outcome IN ('substantiated', 'unsubstantiated', 'unfounded', 'false', 'malicious', 'no_further_action', 'advice_given', 'recorded_low_level')),
    closing_summary TEXT,
    closed_at TIMESTAMP,
    person_informed_on DATE,
    raised_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX concern_cases_queue ON concern_cases (reviewer_role, status, raised_at);

CREATE TABLE concern_evidence (
    id TEXT PRIMARY KEY NOT NULL,
    concern_id TEXT NOT NULL REFERENCES concerns (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'application/pdf')),
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    -- In the database, not on disk: it is backed up with everything else
    -- and never reachable from the web root.
    content BLOB NOT NULL,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX concern_evidence_by_concern ON concern_evidence (concern_id, added_at);

CREATE TABLE concern_entries (
    id TEXT PRIMARY KEY NOT NULL,
    concern_id TEXT NOT NULL REFERENCES concerns (id),
    recorded_at TIMESTAMP NOT NULL,
    author_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('note', 'action', 'status', 'classification', 'closed', 'informed')),
    -- The action, status, classification or outcome, as a code.
    code TEXT,
    on_date DATE,
    reference TEXT,
    body TEXT NOT NULL
);
CREATE INDEX concern_entries_by_concern ON concern_entries (concern_id, recorded_at);

CREATE TRIGGER concerns_sealed_update BEFORE UPDATE ON concerns
BEGIN SELECT RAISE(ABORT, 'a concern as raised is never changed'); END;
CREATE TRIGGER concerns_sealed_delete BEFORE DELETE ON concerns
BEGIN SELECT RAISE(ABORT, 'a concern as raised is never changed'); END;
CREATE TRIGGER concern_evidence_sealed_update BEFORE UPDATE ON concern_evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never changed'); END;
CREATE TRIGGER concern_evidence_sealed_delete BEFORE DELETE ON concern_evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never changed'); END;
CREATE TRIGGER concern_entries_sealed_update BEFORE UPDATE ON concern_entries
BEGIN SELECT RAISE(ABORT, 'a timeline entry is never changed; add a correction'); END;
CREATE TRIGGER concern_entries_sealed_delete BEFORE DELETE ON concern_entries
BEGIN SELECT RAISE(ABORT, 'a timeline entry is never changed; add a correction'); END;
