//! The integration suite: the real app over HTTP, a real database and a real
//! SMTP server. Every test reads as a person's story.

mod helpers;

mod accounts;
mod audit_log;
mod authorization;
mod chair;
mod cli;
mod concerns;
mod declarations;
mod exports;
mod free;
mod health;
mod inference;
mod migrations;
mod moderation;
mod outbox;
mod oversight;
mod passwords;
mod people;
mod policy;
mod sealed;
mod secrets;
mod security;
mod sign_in;
