-- Back to a token hash per handover. Waiting handovers end (their links
-- were person tokens, which the old code does not read); each row gets a
-- hash no token has.
CREATE TABLE chair_handovers_old (
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
INSERT INTO chair_handovers_old
    (id, from_person_id, to_person_id, outgoing_leaves, token_hash, created_at, expires_at,
     ended_at, outcome)
SELECT id, from_person_id, to_person_id, outgoing_leaves, 'none:' || id, created_at, expires_at,
       COALESCE(ended_at, CURRENT_TIMESTAMP), COALESCE(outcome, 'superseded')
FROM chair_handovers;
DROP TABLE chair_handovers;
ALTER TABLE chair_handovers_old RENAME TO chair_handovers;
CREATE INDEX chair_handovers_by_from ON chair_handovers (from_person_id, ended_at);

DELETE FROM person_tokens WHERE purpose = 'chair_accept';
CREATE TABLE person_tokens_old (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'invitation', 'password_reset')),
    person_id TEXT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO person_tokens_old (token_hash, purpose, person_id, created_at, expires_at, used_at)
SELECT token_hash, purpose, person_id, created_at, expires_at, used_at FROM person_tokens;
DROP TABLE person_tokens;
ALTER TABLE person_tokens_old RENAME TO person_tokens;
CREATE INDEX person_tokens_by_person ON person_tokens (person_id, purpose);
