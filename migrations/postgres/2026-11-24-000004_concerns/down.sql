DROP TABLE concern_entries;
DROP TABLE concern_evidence;
DROP TABLE concern_cases;
DROP TABLE concerns;
DROP FUNCTION concerns_refuse_change();
