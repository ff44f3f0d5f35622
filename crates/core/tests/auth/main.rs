//! Domain tests of `Auth`: the real SQLite store, a manual clock, no HTTP. Time only moves when
//! a test moves it; the store fails only when a test tells it to.

mod audit;
mod clock_skew;
mod debug_redaction;
mod expiry;
mod failing;
mod flaky;
mod gate;
mod lockout;
mod refresh_rules;
mod rotation;
mod sessions;
mod smart_lockout;
mod stamp;
mod support;
