-- Declarations of social contact with pupils' families (policy clause g).
-- Each change is a new version; earlier versions are kept.

CREATE TABLE declarations (
    id TEXT PRIMARY KEY NOT NULL,
    declarant_id TEXT NOT NULL REFERENCES people (id),
    -- Who reviews it: the head, or the chair for the head's own.
    reviewer_role TEXT NOT NULL CHECK (reviewer_role IN ('headteacher', 'chair')),
    state TEXT NOT NULL CHECK (state IN ('awaiting_review', 'returned', 'acknowledged', 'ended')),
    current_version INTEGER NOT NULL,
    -- The current version's class or year group, for browsing by class.
    class_or_year TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    review_notes TEXT,
    conditions TEXT,
    reviewed_at TIMESTAMP,
    reviewed_by TEXT REFERENCES people (id),
    ended_on DATE,
    end_reason TEXT
);
CREATE INDEX declarations_by_declarant ON declarations (declarant_id, updated_at);
CREATE INDEX declarations_by_state ON declarations (reviewer_role, state, updated_at);
CREATE INDEX declarations_by_class ON declarations (class_or_year, state);

CREATE TABLE declaration_versions (
    declaration_id TEXT NOT NULL REFERENCES declarations (id),
    version INTEGER NOT NULL,
    contact_name TEXT NOT NULL,
    link TEXT NOT NULL CHECK (link IN ('parent_carer', 'other_relative')),
    class_or_year TEXT NOT NULL,
    nature TEXT NOT NULL CHECK (nature IN ('social_circle', 'relative', 'neighbour', 'club_or_faith', 'online', 'other')),
    in_person BOOLEAN NOT NULL,
    platforms TEXT NOT NULL,
    since TEXT NOT NULL,
    description TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (declaration_id, version)
);

-- Each yearly answer, kept as history, never overwritten.
CREATE TABLE reconfirmations (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    school_year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('declarations', 'nil_return')),
    confirmed_at TIMESTAMP NOT NULL
);
CREATE INDEX reconfirmations_by_year ON reconfirmations (school_year, person_id);
CREATE INDEX reconfirmations_by_person ON reconfirmations (person_id, confirmed_at);

-- Who was asked to reconfirm, and reminded, each school year.
CREATE TABLE reconfirmation_requests (
    person_id TEXT NOT NULL REFERENCES people (id),
    school_year INTEGER NOT NULL,
    asked_at TIMESTAMP NOT NULL,
    first_reminder_at TIMESTAMP,
    second_reminder_at TIMESTAMP,
    PRIMARY KEY (person_id, school_year)
);
