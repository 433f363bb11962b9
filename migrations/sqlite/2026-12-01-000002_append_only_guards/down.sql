DROP TRIGGER audit_verifications_no_update;
DROP TRIGGER audit_verifications_no_delete;
DROP TRIGGER outbox_attempts_no_update;
DROP TRIGGER outbox_attempts_no_delete;
DROP TRIGGER password_changes_no_update;
DROP TRIGGER password_changes_no_delete;
DROP TRIGGER access_reviews_no_update;
DROP TRIGGER access_reviews_no_delete;
DROP TRIGGER access_review_decisions_no_update;
DROP TRIGGER access_review_decisions_no_delete;
DROP TRIGGER declaration_versions_no_update;
DROP TRIGGER declaration_versions_no_delete;
DROP TRIGGER reconfirmations_no_update;
DROP TRIGGER reconfirmations_no_delete;
DROP TRIGGER concerns_no_update;
DROP TRIGGER concerns_no_delete;
DROP TRIGGER concern_evidence_no_update;
DROP TRIGGER concern_evidence_no_delete;
DROP TRIGGER concern_entries_no_update;
DROP TRIGGER concern_entries_no_delete;
DROP TRIGGER policy_versions_no_update;
DROP TRIGGER policy_versions_no_delete;
DROP TRIGGER policy_acknowledgements_no_update;
DROP TRIGGER policy_acknowledgements_no_delete;
DROP TRIGGER moderation_actions_no_update;
DROP TRIGGER moderation_actions_no_delete;
DROP TRIGGER digests_no_update;
DROP TRIGGER digests_no_delete;

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
CREATE TRIGGER policy_versions_sealed_update BEFORE UPDATE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'a published policy version is never changed'); END;
CREATE TRIGGER policy_versions_sealed_delete BEFORE DELETE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'a published policy version is never changed'); END;
CREATE TRIGGER moderation_actions_sealed_update BEFORE UPDATE ON moderation_actions
BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only'); END;
CREATE TRIGGER moderation_actions_sealed_delete BEFORE DELETE ON moderation_actions
BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only'); END;
