DROP TABLE concern_series;
DROP INDEX concerns_by_channel_number;
ALTER TABLE concerns DROP COLUMN channel_number;
