-- Oversight: policy versions and their acknowledgement, the moderation log
-- of the official accounts, and the weekly audit digest.

-- A published version of the Social Networking Policy; never changed.
CREATE TABLE policy_versions (
    id TEXT PRIMARY KEY NOT NULL,
    number INTEGER NOT NULL UNIQUE,
    body TEXT NOT NULL,
    effective_on DATE NOT NULL,
    summary TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL REFERENCES people (id)
);

-- A person confirmed they read a version and reviewed their own profiles.
CREATE TABLE policy_acknowledgements (
    version_id TEXT NOT NULL REFERENCES policy_versions (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    acknowledged_at TIMESTAMP NOT NULL,
    PRIMARY KEY (version_id, person_id)
);
CREATE INDEX policy_acknowledgements_by_person ON policy_acknowledgements (person_id, acknowledged_at);

-- Who was asked to acknowledge a version, and reminded.
CREATE TABLE policy_requests (
    version_id TEXT NOT NULL REFERENCES policy_versions (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    asked_at TIMESTAMP NOT NULL,
    first_reminder_at TIMESTAMP,
    second_reminder_at TIMESTAMP,
    PRIMARY KEY (version_id, person_id)
);

-- What was done on an official account to keep it to Appendix 2.
CREATE TABLE moderation_actions (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    recorded_by TEXT NOT NULL REFERENCES people (id),
    recorded_at TIMESTAMP NOT NULL,
    occurred_on DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('follower_blocked', 'comment_removed', 'post_reported')),
    reason TEXT NOT NULL CHECK (reason IN ('advertising', 'offensive', 'negative_feedback', 'naming_negatively', 'friend_requests', 'photographs_of_children', 'identifying_children', 'other')),
    note TEXT NOT NULL
);
CREATE INDEX moderation_actions_by_account ON moderation_actions (account_id, occurred_on);
CREATE INDEX moderation_actions_by_date ON moderation_actions (occurred_on);

-- One weekly digest per recipient per week, so a week is sent once.
CREATE TABLE digests (
    recipient_id TEXT NOT NULL REFERENCES people (id),
    week_start DATE NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (recipient_id, week_start)
);

-- Those who switched the weekly digest off.
CREATE TABLE digest_opt_outs (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (id),
    opted_out_at TIMESTAMP NOT NULL
);

CREATE FUNCTION oversight_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is never changed once written', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policy_versions_sealed BEFORE UPDATE OR DELETE ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION oversight_refuse_change();
CREATE TRIGGER moderation_actions_sealed BEFORE UPDATE OR DELETE ON moderation_actions
    FOR EACH ROW EXECUTE FUNCTION oversight_refuse_change();
