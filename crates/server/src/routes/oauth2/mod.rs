//! The standard endpoints at the root (not under `/api/v1`), where OAuth 2.0 clients look for
//! them. Form bodies and RFC 6749 error bodies live only here.

mod client_auth;
mod errors;
mod form;
pub mod introspect;
pub mod metadata;
pub mod revoke;
pub mod token;
