DROP TABLE reconfirmation_requests;
DROP TABLE reconfirmations;
DROP TABLE declaration_versions;
DROP TABLE declarations;
