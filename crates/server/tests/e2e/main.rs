//! End-to-end tests: the real server on port 0, driven over HTTP by the real client.

mod apikeys;
mod cli;
mod common;
mod limits;
mod login;
mod redis_limits;
mod refresh;
mod restart;
mod shapes;
mod tokens;
