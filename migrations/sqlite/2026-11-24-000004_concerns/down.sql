DROP TABLE concern_entries;
DROP TABLE concern_evidence;
DROP TABLE concern_cases;
DROP TABLE concerns;
