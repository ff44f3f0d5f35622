//! Concurrent calls released together, for races such as two refreshes of one token.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

use tessera_client::ClientError;
use tokio::sync::Barrier;

/// Starts `n` calls (`call(i)` makes the i-th) on their own tasks, releases them together, and
/// returns their outcomes in order.
pub async fn race<T, Fut>(n: usize, mut call: impl FnMut(usize) -> Fut) -> Vec<T>
where
    T: Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, call) = (barrier.clone(), call(i));
            tokio::spawn(async move {
                barrier.wait().await;
                call.await
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(n);
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

/// The answer of the only call that succeeded (asserting there is exactly one), and the
/// refusals of the others.
pub fn one_winner<T: Debug>(outcomes: &[Result<T, ClientError>]) -> (&T, Vec<&ClientError>) {
    let winners: Vec<&T> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    let losers = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    (winners[0], losers)
}
