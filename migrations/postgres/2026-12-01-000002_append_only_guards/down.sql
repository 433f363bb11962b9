DROP TRIGGER audit_events_append_only ON audit_events;
DROP TRIGGER audit_verifications_append_only ON audit_verifications;
DROP TRIGGER outbox_attempts_append_only ON outbox_attempts;
DROP TRIGGER password_changes_append_only ON password_changes;
DROP TRIGGER access_reviews_append_only ON access_reviews;
DROP TRIGGER access_review_decisions_append_only ON access_review_decisions;
DROP TRIGGER declaration_versions_append_only ON declaration_versions;
DROP TRIGGER reconfirmations_append_only ON reconfirmations;
DROP TRIGGER concerns_append_only ON concerns;
DROP TRIGGER concern_evidence_append_only ON concern_evidence;
DROP TRIGGER concern_entries_append_only ON concern_entries;
DROP TRIGGER policy_versions_append_only ON policy_versions;
DROP TRIGGER policy_acknowledgements_append_only ON policy_acknowledgements;
DROP TRIGGER moderation_actions_append_only ON moderation_actions;
DROP TRIGGER digests_append_only ON digests;
DROP FUNCTION append_only_refuse();

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER concerns_sealed BEFORE UPDATE OR DELETE ON concerns
    FOR EACH ROW EXECUTE FUNCTION concerns_refuse_change();
CREATE TRIGGER concerns_sealed_truncate BEFORE TRUNCATE ON concerns
    FOR EACH STATEMENT EXECUTE FUNCTION concerns_refuse_change();
CREATE TRIGGER concern_evidence_sealed BEFORE UPDATE OR DELETE ON concern_evidence
    FOR EACH ROW EXECUTE FUNCTION concerns_refuse_change();
CREATE TRIGGER concern_entries_sealed BEFORE UPDATE OR DELETE ON concern_entries
    FOR EACH ROW EXECUTE FUNCTION concerns_refuse_change();
CREATE TRIGGER concern_entries_sealed_truncate BEFORE TRUNCATE ON concern_entries
    FOR EACH STATEMENT EXECUTE FUNCTION concerns_refuse_change();
CREATE TRIGGER policy_versions_sealed BEFORE UPDATE OR DELETE ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION oversight_refuse_change();
CREATE TRIGGER moderation_actions_sealed BEFORE UPDATE OR DELETE ON moderation_actions
    FOR EACH ROW EXECUTE FUNCTION oversight_refuse_change();
