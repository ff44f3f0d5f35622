//! The tessera token server: HTTP routes, configuration, rate limits and start-up.

pub mod access_log;
pub mod app;
pub mod cli;
pub mod config;
pub mod connection;
pub mod connections;
pub mod error;
pub mod extract;
pub mod feed;
pub mod forwarded;
pub mod keyfile;
pub mod log_format;
pub mod metrics;
pub mod openapi;
pub mod panics;
pub mod plantdb;
pub mod private_files;
pub mod public_url;
pub mod ratelimit;
pub mod request_id;
pub mod request_trace;
pub mod routes;
pub mod serve;
pub mod startup;
pub mod state;
pub mod timeouts;
pub mod tls;
pub mod tls_reload;
pub mod web;

pub use config::Config;
pub use serve::{Running, Server};
