-- The successor's link to accept the chair is made by the mail sender as
-- the email goes (a person token of purpose chair_accept), like every other
-- one-time link: the handover keeps no token of its own. Links emailed
-- before this change stop working; the chair offers again.
-- SQLite cannot drop a UNIQUE column in place: the table is rebuilt.
UPDATE chair_handovers SET ended_at = CURRENT_TIMESTAMP, outcome = 'superseded'
WHERE ended_at IS NULL;
CREATE TABLE chair_handovers_new (
    id TEXT PRIMARY KEY NOT NULL,
    from_person_id TEXT NOT NULL REFERENCES people (id),
    to_person_id TEXT NOT NULL REFERENCES people (id),
    outgoing_leaves BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    outcome TEXT CHECK (outcome IN ('accepted', 'cancelled', 'superseded'))
);
INSERT INTO chair_handovers_new
    (id, from_person_id, to_person_id, outgoing_leaves, created_at, expires_at, ended_at, outcome)
SELECT id, from_person_id, to_person_id, outgoing_leaves, created_at, expires_at, ended_at, outcome
FROM chair_handovers;
DROP TABLE chair_handovers;
ALTER TABLE chair_handovers_new RENAME TO chair_handovers;
CREATE INDEX chair_handovers_by_from ON chair_handovers (from_person_id, ended_at);
CREATE INDEX chair_handovers_by_to ON chair_handovers (to_person_id, ended_at);

-- A person token may be a link to accept the chair.
CREATE TABLE person_tokens_new (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL
        CHECK (purpose IN ('setup', 'invitation', 'password_reset', 'chair_accept')),
    person_id TEXT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO person_tokens_new (token_hash, purpose, person_id, created_at, expires_at, used_at)
SELECT token_hash, purpose, person_id, created_at, expires_at, used_at FROM person_tokens;
DROP TABLE person_tokens;
ALTER TABLE person_tokens_new RENAME TO person_tokens;
CREATE INDEX person_tokens_by_person ON person_tokens (person_id, purpose);
