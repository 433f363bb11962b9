DROP TABLE password_reset_throttle;
ALTER TABLE outbox DROP COLUMN link_person_id;
ALTER TABLE outbox DROP COLUMN link_purpose;
