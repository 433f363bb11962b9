-- `seq` becomes the table's rowid (an INTEGER PRIMARY KEY is the rowid
-- itself): walking the log by sequence number reads the table's own
-- b-tree, with no second lookup per row, and the index on time carries
-- `seq` in every entry, so a date filter turns into a range of sequence
-- numbers through that index alone. SQLite cannot change a primary key in
-- place: the table is rebuilt, every row copied as it is (the chain's
-- hashes cover the values, not the table), its indexes and guards made
-- again exactly as before. Dropping the old table drops its guards first,
-- so no guard fires on the copy.
CREATE TABLE audit_events_new (
    seq INTEGER PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    occurred_at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person', 'cli', 'system')),
    actor_id TEXT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_events_new
    (seq, id, occurred_at, actor_kind, actor_id, action, subject_type, subject_id,
     summary, data, prev_hash, hash)
SELECT seq, id, occurred_at, actor_kind, actor_id, action, subject_type, subject_id,
       summary, data, prev_hash, hash
FROM audit_events ORDER BY seq;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_by_action ON audit_events (action, seq);
CREATE INDEX audit_events_by_subject ON audit_events (subject_type, subject_id, seq);

-- SECURITY: the log is append-only; even the app cannot change history.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
