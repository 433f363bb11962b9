//! Custodian: the register a school keeps to show that it follows its Social
//! Networking Policy.
//!
//! A server-rendered actix-web application on diesel (SQLite embedded, or
//! PostgreSQL). Each register is a folder with the same files: `domain`
//! (types and rules, no I/O), `store` (queries, no HTTP), `service` (one
//! transaction per action: the change, its audit event and its emails),
//! `handlers` (HTTP in and out, no diesel) and `views` (askama pages).
//!
//! Under the registers sit three mechanisms every change goes through: the
//! hash-chained audit log (`audit`), the email outbox and its sender (`mail`),
//! and the database layer that runs one schema on both backends (`db`).

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod campaign;
pub mod cli;
pub mod clock;
pub mod concerns;
pub mod config;
pub mod db;
pub mod declarations;
pub mod demo;
pub mod error;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod moderation;
pub mod oversight;
pub mod people;
pub mod policy;
pub mod startup;
pub mod state;
pub mod tx;
pub mod web;
