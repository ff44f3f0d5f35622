//! End-to-end tests: the real server on port 0, driven over HTTP by the real client.

mod any_input;
mod apikeys;
mod audit;
mod backup;
mod cli;
mod common;
mod config_check;
mod control_chars;
mod failed_lookups;
mod forwarded;
mod limits;
mod login;
mod metrics;
mod openapi;
mod panics;
mod password_policy;
mod passwords;
mod redis_limits;
mod refresh;
mod request_id;
mod restart;
mod rights_first;
mod scoped_cli;
mod scoped_memory;
mod scoped_personal;
mod scoped_resource_tokens;
mod scoped_resources;
mod scoped_rights;
mod scoped_support;
mod scoped_user_changes;
mod sessions;
mod shapes;
mod slow_clients;
mod start_checks;
#[path = "../support/mod.rs"]
mod support;
mod tls;
#[cfg(unix)]
mod tls_process;
mod tls_slow_clients;
mod tls_support;
mod tokens;
mod upgrade;
mod write_queue;
