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

-- Statement-level, so that TRUNCATE (which fires no row trigger) and an
-- UPDATE or DELETE that matches no row are refused alike.
CREATE FUNCTION append_only_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

-- The guards from earlier migrations: row-level, some without TRUNCATE.
DROP TRIGGER audit_events_no_update ON audit_events;
DROP TRIGGER audit_events_no_delete ON audit_events;
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER concerns_sealed ON concerns;
DROP TRIGGER concerns_sealed_truncate ON concerns;
DROP TRIGGER concern_evidence_sealed ON concern_evidence;
DROP TRIGGER concern_entries_sealed ON concern_entries;
DROP TRIGGER concern_entries_sealed_truncate ON concern_entries;
DROP TRIGGER policy_versions_sealed ON policy_versions;
DROP TRIGGER moderation_actions_sealed ON moderation_actions;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER audit_verifications_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_verifications
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER outbox_attempts_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON outbox_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER password_changes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON password_changes
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER access_reviews_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER access_review_decisions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_review_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER declaration_versions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON declaration_versions
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER reconfirmations_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON reconfirmations
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER concerns_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON concerns
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER concern_evidence_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON concern_evidence
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER concern_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON concern_entries
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER policy_versions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON policy_versions
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER policy_acknowledgements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON policy_acknowledgements
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER moderation_actions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON moderation_actions
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
CREATE TRIGGER digests_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON digests
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
