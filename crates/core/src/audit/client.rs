//! The address of the client a request came from, for the events its handling records. A route
//! runs the domain call inside [`from_client`]; code outside a request (the command line, the
//! background tasks) has none.

use std::future::Future;
use std::net::IpAddr;

tokio::task_local! {
    static CLIENT_IP: IpAddr;
}

/// Runs `work` with `ip` as the client of the events it records.
pub async fn from_client<F: Future>(ip: IpAddr, work: F) -> F::Output {
    CLIENT_IP.scope(ip, work).await
}

/// The client of the request being handled, if any.
pub fn client_ip() -> Option<IpAddr> {
    CLIENT_IP.try_with(|ip| *ip).ok()
}
