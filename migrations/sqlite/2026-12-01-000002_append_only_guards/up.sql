-- SECURITY: every table that records what happened is append-only, and the
-- database itself refuses to change or remove its rows, whoever asks: the
-- audit log, what a concern said and its evidence and timeline, each
-- version of a declaration and of the policy, each acknowledgement,
-- reconfirmation, password change, access review, moderation action, sent
-- digest, delivery attempt and chain verification. One message for all:
-- "<table> is append-only". Tables whose rows move on (grants, concern
-- cases, the outbox, reminders asked and sent) are not guarded: what
-- happened to them is in the audit log, itself guarded.
-- The list is `db::APPEND_ONLY_TABLES`; a test holds the two in step.

-- The guards from earlier migrations, said each their own way.
DROP TRIGGER concerns_sealed_update;
DROP TRIGGER concerns_sealed_delete;
DROP TRIGGER concern_evidence_sealed_update;
DROP TRIGGER concern_evidence_sealed_delete;
DROP TRIGGER concern_entries_sealed_update;
DROP TRIGGER concern_entries_sealed_delete;
DROP TRIGGER policy_versions_sealed_update;
DROP TRIGGER policy_versions_sealed_delete;
DROP TRIGGER moderation_actions_sealed_update;
DROP TRIGGER moderation_actions_sealed_delete;

-- audit_events keeps its guards (audit_events_no_update, _no_delete).
CREATE TRIGGER audit_verifications_no_update BEFORE UPDATE ON audit_verifications
BEGIN SELECT RAISE(ABORT, 'audit_verifications is append-only'); END;
CREATE TRIGGER audit_verifications_no_delete BEFORE DELETE ON audit_verifications
BEGIN SELECT RAISE(ABORT, 'audit_verifications is append-only'); END;
CREATE TRIGGER outbox_attempts_no_update BEFORE UPDATE ON outbox_attempts
BEGIN SELECT RAISE(ABORT, 'outbox_attempts is append-only'); END;
CREATE TRIGGER outbox_attempts_no_delete BEFORE DELETE ON outbox_attempts
BEGIN SELECT RAISE(ABORT, 'outbox_attempts is append-only'); END;
CREATE TRIGGER password_changes_no_update BEFORE UPDATE ON password_changes
BEGIN SELECT RAISE(ABORT, 'password_changes is append-only'); END;
CREATE TRIGGER password_changes_no_delete BEFORE DELETE ON password_changes
BEGIN SELECT RAISE(ABORT, 'password_changes is append-only'); END;
CREATE TRIGGER access_reviews_no_update BEFORE UPDATE ON access_reviews
BEGIN SELECT RAISE(ABORT, 'access_reviews is append-only'); END;
CREATE TRIGGER access_reviews_no_delete BEFORE DELETE ON access_reviews
BEGIN SELECT RAISE(ABORT, 'access_reviews is append-only'); END;
CREATE TRIGGER access_review_decisions_no_update BEFORE UPDATE ON access_review_decisions
BEGIN SELECT RAISE(ABORT, 'access_review_decisions is append-only'); END;
CREATE TRIGGER access_review_decisions_no_delete BEFORE DELETE ON access_review_decisions
BEGIN SELECT RAISE(ABORT, 'access_review_decisions is append-only'); END;
CREATE TRIGGER declaration_versions_no_update BEFORE UPDATE ON declaration_versions
BEGIN SELECT RAISE(ABORT, 'declaration_versions is append-only'); END;
CREATE TRIGGER declaration_versions_no_delete BEFORE DELETE ON declaration_versions
BEGIN SELECT RAISE(ABORT, 'declaration_versions is append-only'); END;
CREATE TRIGGER reconfirmations_no_update BEFORE UPDATE ON reconfirmations
BEGIN SELECT RAISE(ABORT, 'reconfirmations is append-only'); END;
CREATE TRIGGER reconfirmations_no_delete BEFORE DELETE ON reconfirmations
BEGIN SELECT RAISE(ABORT, 'reconfirmations is append-only'); END;
CREATE TRIGGER concerns_no_update BEFORE UPDATE ON concerns
BEGIN SELECT RAISE(ABORT, 'concerns is append-only'); END;
CREATE TRIGGER concerns_no_delete BEFORE DELETE ON concerns
BEGIN SELECT RAISE(ABORT, 'concerns is append-only'); END;
CREATE TRIGGER concern_evidence_no_update BEFORE UPDATE ON concern_evidence
BEGIN SELECT RAISE(ABORT, 'concern_evidence is append-only'); END;
CREATE TRIGGER concern_evidence_no_delete BEFORE DELETE ON concern_evidence
BEGIN SELECT RAISE(ABORT, 'concern_evidence is append-only'); END;
CREATE TRIGGER concern_entries_no_update BEFORE UPDATE ON concern_entries
BEGIN SELECT RAISE(ABORT, 'concern_entries is append-only'); END;
CREATE TRIGGER concern_entries_no_delete BEFORE DELETE ON concern_entries
BEGIN SELECT RAISE(ABORT, 'concern_entries is append-only'); END;
CREATE TRIGGER policy_versions_no_update BEFORE UPDATE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'policy_versions is append-only'); END;
CREATE TRIGGER policy_versions_no_delete BEFORE DELETE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'policy_versions is append-only'); END;
CREATE TRIGGER policy_acknowledgements_no_update BEFORE UPDATE ON policy_acknowledgements
BEGIN SELECT RAISE(ABORT, 'policy_acknowledgements is append-only'); END;
CREATE TRIGGER policy_acknowledgements_no_delete BEFORE DELETE ON policy_acknowledgements
BEGIN SELECT RAISE(ABORT, 'policy_acknowledgements is append-only'); END;
CREATE TRIGGER moderation_actions_no_update BEFORE UPDATE ON moderation_actions
BEGIN SELECT RAISE(ABORT, 'moderation_actions is append-only'); END;
CREATE TRIGGER moderation_actions_no_delete BEFORE DELETE ON moderation_actions
BEGIN SELECT RAISE(ABORT, 'moderation_actions is append-only'); END;
CREATE TRIGGER digests_no_update BEFORE UPDATE ON digests
BEGIN SELECT RAISE(ABORT, 'digests is append-only'); END;
CREATE TRIGGER digests_no_delete BEFORE DELETE ON digests
BEGIN SELECT RAISE(ABORT, 'digests is append-only'); END;
