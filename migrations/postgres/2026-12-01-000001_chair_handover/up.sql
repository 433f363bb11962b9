-- The chair of governors passes only from the sitting chair to a successor
-- who accepts by an emailed one-time link (or from the command line). Only
-- the link's hash is kept; it works once and expires.
CREATE TABLE chair_handovers (
    id TEXT PRIMARY KEY NOT NULL,
    from_person_id TEXT NOT NULL REFERENCES people (id),
    to_person_id TEXT NOT NULL REFERENCES people (id),
    outgoing_leaves BOOLEAN NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    outcome TEXT CHECK (outcome IN ('accepted', 'cancelled', 'superseded'))
);
CREATE INDEX chair_handovers_by_from ON chair_handovers (from_person_id, ended_at);
