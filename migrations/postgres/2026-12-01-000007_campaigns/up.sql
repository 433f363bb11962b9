-- One ask-and-remind table for every campaign, keyed by the campaign:
-- "reconfirm:<school year>" for the yearly reconfirmation of declarations,
-- "policy:<version id>" for the acknowledgement of a policy version.
CREATE TABLE campaign_requests (
    campaign TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    asked_at TIMESTAMP NOT NULL,
    first_reminder_at TIMESTAMP,
    second_reminder_at TIMESTAMP,
    PRIMARY KEY (campaign, person_id)
);

INSERT INTO campaign_requests
    (campaign, person_id, asked_at, first_reminder_at, second_reminder_at)
SELECT 'reconfirm:' || CAST(school_year AS TEXT), person_id, asked_at, first_reminder_at,
       second_reminder_at
FROM reconfirmation_requests;
INSERT INTO campaign_requests
    (campaign, person_id, asked_at, first_reminder_at, second_reminder_at)
SELECT 'policy:' || version_id, person_id, asked_at, first_reminder_at, second_reminder_at
FROM policy_requests;

DROP TABLE reconfirmation_requests;
DROP TABLE policy_requests;
