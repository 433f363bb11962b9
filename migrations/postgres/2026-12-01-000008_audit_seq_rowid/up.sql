-- The index on time carries `seq` too, so that a date filter turns into a
-- range of sequence numbers from the index alone (SQLite's index on time
-- carries it as the rowid; there this migration rebuilds the table).
DROP INDEX audit_events_by_time;
CREATE INDEX audit_events_by_time ON audit_events (occurred_at, seq);
