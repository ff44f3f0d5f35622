//! One access line per answer: request id, method, route template, status and latency, at INFO
//! under `tessera::access`; never the query string nor a token.

use crate::{log, start};

/// The access line of the request with id `id`.
fn access_line(id: &str) -> String {
    let lines: Vec<String> = log()
        .lines_with(id)
        .into_iter()
        .filter(|l| l.contains("tessera::access"))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines[0].clone()
}

#[tokio::test]
async fn every_answer_has_an_access_line_with_its_route_template_and_status() {
    let (running, _dir) = start(|_| {}).await;
    let api = format!("http://{}/api/v1", running.addr);
    let http = reqwest::Client::new();
    let cases = [
        (
            http.get(format!("{api}/auth/login?username=someone-secret")),
            "acc-check-1",
            "GET",
            "route=/api/v1/auth/login",
            200,
        ),
        (
            http.delete(format!("{api}/auth/tokens/tsr_pat_not-a-real-token"))
                .bearer_auth("a-bearer-token-value"),
            "acc-param-2",
            "DELETE",
            "route=/api/v1/auth/tokens/{id}",
            401,
        ),
        (
            http.get(format!("{api}/no/such/route")),
            "acc-missing-3",
            "GET",
            "route=unmatched",
            404,
        ),
    ];
    for (request, id, method, route, status) in cases {
        let resp = request.header("x-request-id", id).send().await.unwrap();
        assert_eq!(resp.status(), status);
        let line = access_line(id);
        assert!(line.contains(" INFO "), "{line}");
        assert!(line.contains(&format!("request_id={id}")), "{line}");
        assert!(line.contains(&format!("method={method}")), "{line}");
        assert!(line.contains(route), "{line}");
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("latency_us="), "{line}");
        for secret in [
            "someone-secret",
            "not-a-real-token",
            "a-bearer-token-value",
            "?",
        ] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
    running.stop().await;
}
