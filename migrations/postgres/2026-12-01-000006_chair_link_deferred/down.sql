-- Back to a token hash per handover. Waiting handovers end (their links
-- were person tokens, which the old code does not read); each row gets a
-- hash no token has.
DROP INDEX chair_handovers_by_to;
UPDATE chair_handovers SET ended_at = CURRENT_TIMESTAMP, outcome = 'superseded'
WHERE ended_at IS NULL;
ALTER TABLE chair_handovers ADD COLUMN token_hash TEXT;
UPDATE chair_handovers SET token_hash = 'none:' || id;
ALTER TABLE chair_handovers ALTER COLUMN token_hash SET NOT NULL;
ALTER TABLE chair_handovers ADD CONSTRAINT chair_handovers_token_hash_key UNIQUE (token_hash);
DELETE FROM person_tokens WHERE purpose = 'chair_accept';
ALTER TABLE person_tokens DROP CONSTRAINT person_tokens_purpose_check;
ALTER TABLE person_tokens ADD CONSTRAINT person_tokens_purpose_check
    CHECK (purpose IN ('setup', 'invitation', 'password_reset'));
