DROP TABLE access_review_decisions;
DROP TABLE access_reviews;
DROP TABLE password_changes;
DROP TABLE grants;
DROP TABLE account_custodians;
DROP TABLE accounts;
