-- SECURITY: each reviewing channel numbers its own concerns: C-1, C-2 for
-- the headteacher, G-1 for the chair of governors (concerns about the
-- head), L-1 for those sent straight to the LADO. One sequence for all
-- left gaps in the head's queue exactly where the sealed concerns were.
-- `number` stays as the order raised across channels, and is never shown.
ALTER TABLE concerns ADD COLUMN channel_number BIGINT NOT NULL DEFAULT 0;

-- Existing concerns, numbered in each channel in the order they were raised
-- (the one change ever made to a concern as raised, so its guard steps aside).
ALTER TABLE concerns DISABLE TRIGGER concerns_append_only;
UPDATE concerns SET channel_number = (
    SELECT COUNT(*) FROM concerns AS earlier
    WHERE earlier.reviewer_role = concerns.reviewer_role AND earlier.number <= concerns.number
);
ALTER TABLE concerns ENABLE TRIGGER concerns_append_only;

CREATE UNIQUE INDEX concerns_by_channel_number ON concerns (reviewer_role, channel_number);

-- The last number given in each channel. Raising a concern bumps its row
-- in the raising transaction, which serialises raises in one channel.
CREATE TABLE concern_series (
    channel TEXT PRIMARY KEY NOT NULL CHECK (channel IN ('headteacher', 'chair', 'lado')),
    last_number BIGINT NOT NULL
);
INSERT INTO concern_series (channel, last_number)
SELECT channel, (SELECT COALESCE(MAX(channel_number), 0) FROM concerns WHERE reviewer_role = channel)
FROM (SELECT 'headteacher' AS channel UNION ALL SELECT 'chair' UNION ALL SELECT 'lado') AS channels;
