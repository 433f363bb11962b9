-- Back to one table per campaign kind, each row where it came from.
CREATE TABLE reconfirmation_requests (
    person_id TEXT NOT NULL REFERENCES people (id),
    school_year INTEGER NOT NULL,
    asked_at TIMESTAMP NOT NULL,
    first_reminder_at TIMESTAMP,
    second_reminder_at TIMESTAMP,
    PRIMARY KEY (person_id, school_year)
);
CREATE TABLE policy_requests (
    version_id TEXT NOT NULL REFERENCES policy_versions (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    asked_at TIMESTAMP NOT NULL,
    first_reminder_at TIMESTAMP,
    second_reminder_at TIMESTAMP,
    PRIMARY KEY (version_id, person_id)
);

INSERT INTO reconfirmation_requests
    (person_id, school_year, asked_at, first_reminder_at, second_reminder_at)
SELECT person_id, CAST(substr(campaign, 11) AS INTEGER), asked_at, first_reminder_at,
       second_reminder_at
FROM campaign_requests
WHERE campaign LIKE 'reconfirm:%';
INSERT INTO policy_requests
    (version_id, person_id, asked_at, first_reminder_at, second_reminder_at)
SELECT substr(campaign, 8), person_id, asked_at, first_reminder_at, second_reminder_at
FROM campaign_requests
WHERE campaign LIKE 'policy:%';

DROP TABLE campaign_requests;
