//! Custodian: the register a school keeps to show that it follows its Social
//! Networking Policy.
//!
//! A server-rendered actix-web application on diesel (SQLite embedded, or
//! PostgreSQL). Each register (`accounts`, `declarations`, `concerns`,
//! `policy`, `moderation`, `oversight`, and the pages of `people`) is a
//! folder with the same files: `domain` (types and rules, no I/O), `store`
//! (queries, no HTTP), `service` (reads and changes, access checked inside),
//! `handlers` (extract, call one service, render or redirect) and `views`
//! (askama pages).
//!
//! The register kit, below every register and importing none:
//! - `web::signed::Signed`: the signed-in request (the `Actor`, the state,
//!   the page's layout context), with `read` and `write` that run a service
//!   on the blocking pool in one trip;
//! - `people::actor::Actor`: who acts (a person, the command line, the
//!   system), built once per request and handed to every service;
//! - `tx::Tx`: one unit of work, a transaction with `record` (an audit
//!   event), `send` (an email to the outbox) and `refuse` (form errors, which
//!   roll it back and go back beside the fields);
//! - `web::form`: `Choice`, the `coded!` enums, the text validators; ids
//!   that deserialize from the path; `web::csv` for every export;
//! - `campaign`: ask, then remind twice (the yearly reconfirmation, the
//!   policy); `jobs`: the scheduled work, each job failing on its own.
//!
//! Under it all: the hash-chained audit log (`audit`), the email outbox and
//! its sender (`mail`), sign-in and sessions (`auth`), the database on both
//! backends (`db`), and `state`, the app state. `startup` wires the
//! registers to them (their routes, their jobs, `state::Hooks`), and nothing
//! below it imports it.

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
