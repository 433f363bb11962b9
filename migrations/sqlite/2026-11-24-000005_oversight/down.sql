DROP TABLE digest_opt_outs;
DROP TABLE digests;
DROP TABLE moderation_actions;
DROP TABLE policy_requests;
DROP TABLE policy_acknowledgements;
DROP TABLE policy_versions;
