DROP INDEX audit_events_by_time;
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
