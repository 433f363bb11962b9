-- Official accounts and credential custody (policy clause j). Custodian
-- records who holds each login, never the passwords themselves.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    platform TEXT NOT NULL CHECK (platform IN ('facebook', 'instagram', 'x', 'youtube', 'tiktok', 'linkedin', 'other')),
    handle TEXT NOT NULL,
    profile_url TEXT NOT NULL,
    purpose TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES people (id),
    opened_on DATE NOT NULL,
    entered_by TEXT NOT NULL REFERENCES people (id),
    entered_at TIMESTAMP NOT NULL,
    recorded_as_existing BOOLEAN NOT NULL,
    password_change_due BOOLEAN NOT NULL,
    last_password_change_on DATE,
    last_password_change_by TEXT REFERENCES people (id),
    last_reviewed_at TIMESTAMP,
    closed_at TIMESTAMP,
    closed_by TEXT REFERENCES people (id),
    close_reason TEXT
);
CREATE INDEX accounts_by_status ON accounts (closed_at, platform, handle);

CREATE TABLE account_custodians (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    added_at TIMESTAMP NOT NULL,
    added_by TEXT NOT NULL REFERENCES people (id),
    removed_at TIMESTAMP,
    removed_by TEXT REFERENCES people (id)
);
CREATE INDEX account_custodians_by_account ON account_custodians (account_id, removed_at);
CREATE INDEX account_custodians_by_person ON account_custodians (person_id, removed_at);
CREATE UNIQUE INDEX account_custodians_one_current ON account_custodians (account_id, person_id) WHERE removed_at IS NULL;

CREATE TABLE grants (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    grantee_id TEXT NOT NULL REFERENCES people (id),
    granted_by TEXT NOT NULL REFERENCES people (id),
    granted_at TIMESTAMP NOT NULL,
    aim TEXT NOT NULL,
    purpose TEXT NOT NULL,
    ends_on DATE,
    message_id TEXT,
    confirmed_at TIMESTAMP,
    ended_at TIMESTAMP,
    ended_by TEXT REFERENCES people (id),
    end_kind TEXT CHECK (end_kind IN ('revoked', 'expired', 'deactivated', 'account_closed', 'review')),
    end_reason TEXT
);
CREATE INDEX grants_by_account ON grants (account_id, ended_at);
CREATE INDEX grants_by_grantee ON grants (grantee_id, ended_at);
CREATE INDEX grants_by_end_date ON grants (ended_at, ends_on);
-- No two live grants of the same account to the same person.
CREATE UNIQUE INDEX grants_one_live ON grants (account_id, grantee_id) WHERE ended_at IS NULL;

CREATE TABLE password_changes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    changed_on DATE NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES people (id),
    recorded_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX password_changes_by_account ON password_changes (account_id, recorded_at);

CREATE TABLE access_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    reviewed_by TEXT NOT NULL REFERENCES people (id),
    reviewed_at TIMESTAMP NOT NULL,
    kept INTEGER NOT NULL,
    revoked INTEGER NOT NULL,
    notes TEXT NOT NULL
);
CREATE INDEX access_reviews_by_account ON access_reviews (account_id, reviewed_at);

CREATE TABLE access_review_decisions (
    review_id TEXT NOT NULL REFERENCES access_reviews (id),
    grant_id TEXT NOT NULL REFERENCES grants (id),
    decision TEXT NOT NULL CHECK (decision IN ('keep', 'revoke')),
    PRIMARY KEY (review_id, grant_id)
);
