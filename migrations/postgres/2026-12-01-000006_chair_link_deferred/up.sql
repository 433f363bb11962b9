-- The successor's link to accept the chair is made by the mail sender as
-- the email goes (a person token of purpose chair_accept), like every other
-- one-time link: the handover keeps no token of its own. Links emailed
-- before this change stop working; the chair offers again.
UPDATE chair_handovers SET ended_at = CURRENT_TIMESTAMP, outcome = 'superseded'
WHERE ended_at IS NULL;
ALTER TABLE chair_handovers DROP COLUMN token_hash;
CREATE INDEX chair_handovers_by_to ON chair_handovers (to_person_id, ended_at);

-- A person token may be a link to accept the chair.
ALTER TABLE person_tokens DROP CONSTRAINT person_tokens_purpose_check;
ALTER TABLE person_tokens ADD CONSTRAINT person_tokens_purpose_check
    CHECK (purpose IN ('setup', 'invitation', 'password_reset', 'chair_accept'));
