//! The address of the client a request came from, for the events its handling records, and its
//! user agent, for the sessions it opens or refreshes. A route runs the domain call inside
//! [`from_client`] (and [`with_user_agent`]); code outside a request (the command line, the
//! background tasks) has neither.

use std::future::Future;
use std::net::IpAddr;

tokio::task_local! {
    static CLIENT_IP: IpAddr;
    static USER_AGENT: Option<String>;
}

/// Runs `work` with `ip` as the client of the events it records.
pub async fn from_client<F: Future>(ip: IpAddr, work: F) -> F::Output {
    CLIENT_IP.scope(ip, work).await
}

/// The client of the request being handled, if any.
pub fn client_ip() -> Option<IpAddr> {
    CLIENT_IP.try_with(|ip| *ip).ok()
}

/// Runs `work` with `user_agent` (as the client sent it) as the client's user agent.
pub async fn with_user_agent<F: Future>(user_agent: Option<String>, work: F) -> F::Output {
    USER_AGENT.scope(user_agent, work).await
}

/// The user agent of the request being handled, as the client sent it, if any.
pub fn user_agent() -> Option<String> {
    USER_AGENT.try_with(Clone::clone).ok().flatten()
}
