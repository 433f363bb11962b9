//! People: everyone who signs in, their roles, and leavers (deactivated,
//! never deleted), and the chair of governors' handover. A core module:
//! the registers above use its domain, store and actor, and it reaches
//! them only through `state::Hooks`.
//!
//! `handlers` are the pages (`routes` says where), `service` what people
//! do and see (who may, inside), `store` the queries, `names` the narrow
//! reads of who a page or a change names, `views` the pages' structs,
//! `actor` who is acting.

pub mod actor;
pub mod domain;
pub mod handlers;
pub mod names;
mod routes;
pub mod service;
pub mod store;
pub mod views;

pub use routes::routes;
