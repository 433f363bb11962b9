-- One-time links are made as an email is sent, never stored: the outbox
-- keeps which link to make (its purpose and person), not the link.
ALTER TABLE outbox ADD COLUMN link_purpose TEXT;
ALTER TABLE outbox ADD COLUMN link_person_id TEXT;

-- Emails sent before this change still hold their link: the token (43
-- letters and digits after "token=") is removed from the stored copy.
UPDATE outbox
SET body_text = replace(body_text, substr(body_text, strpos(body_text, 'token=') + 6, 43), '[link removed once sent]')
WHERE status = 'sent' AND strpos(body_text, 'token=') > 0;
UPDATE outbox
SET body_html = replace(body_html, substr(body_html, strpos(body_html, 'token=') + 6, 43), '[link removed once sent]')
WHERE status = 'sent' AND strpos(body_html, 'token=') > 0;

-- At most one password reset email per person in a while, whoever asks.
CREATE TABLE password_reset_throttle (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (id),
    last_sent_at TIMESTAMP NOT NULL
);
