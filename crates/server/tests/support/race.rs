//! Concurrent calls released together, for races such as two refreshes of one token.

use std::future::Future;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;

use super::http::{send_request, Answer};

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

/// `n` concurrent presentations of one refresh token, spread over `urls` (refresh routes).
pub async fn refresh_race(urls: &[String], refresh_token: &str, n: usize) -> Vec<Answer> {
    let body = json!({ "refresh_token": refresh_token });
    race(n, |i| {
        let req = reqwest::Client::new()
            .post(&urls[i % urls.len()])
            .json(&body);
        async move {
            let (status, _, body) = send_request(req).await;
            (status, body)
        }
    })
    .await
}

/// The body of the only 200 among `answers` (asserting there is exactly one), and the others.
pub fn one_winner(answers: &[Answer]) -> (&serde_json::Value, Vec<&Answer>) {
    let (winners, losers): (Vec<&Answer>, Vec<&Answer>) = answers.iter().partition(|a| a.0 == 200);
    assert_eq!(winners.len(), 1, "{answers:?}");
    (&winners[0].1, losers)
}
