//! The page's defences: its headers, forms refused without the session's token or from
//! another origin (changing nothing), cookies no script can read, `Secure` and `__Host-`
//! cookies over HTTPS, and no plain HTTP but on loopback.

use reqwest::header::{HeaderMap, HeaderValue};

use super::browser::Browser;
use crate::common::TestServer;

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    for path in [
        "/ui/login",
        "/ui/account",
        "/ui/nowhere",
        "/ui/assets/tessera.css",
    ] {
        let page = b.get(path).await;
        let h = &page.headers;
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
    }
    let missing = b.get("/ui/nowhere").await;
    assert_eq!(missing.status, 404);
    assert!(missing.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let js = b.get("/ui/assets/tessera.js").await;
    assert!(js.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let account = b.get("/ui/account").await;
    assert!(!account.body.contains("<script>"), "no inline script");
    assert!(!account.body.contains("style=\""), "no inline style");
}

#[tokio::test]
async fn a_form_without_the_sessions_token_is_refused_and_changes_nothing() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let other = Browser::logged_in(&s.url, "admin", "admin").await;
    let foreign_token = other.get("/ui/account").await.csrf();
    for csrf in ["", "forged", foreign_token.as_str()] {
        let answer = b
            .post(
                "/ui/account/profile",
                &[("csrf", csrf), ("fullname", "Mallory")],
            )
            .await;
        assert_eq!(answer.status, 403, "token {csrf:?}");
        assert!(answer.body.contains("Form refused"));
    }
    let out = b.post("/ui/logout", &[("csrf", "forged")]).await;
    assert_eq!(out.status, 403);
    let page = b.get("/ui/account").await;
    assert_eq!(page.status, 200, "still logged in");
    assert!(!page.body.contains("Mallory"));
}

#[tokio::test]
async fn a_form_from_another_origin_is_refused_even_with_the_token() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let csrf = b.get("/ui/account").await.csrf();
    let fields = [("csrf", csrf.as_str()), ("fullname", "Mallory")];
    for origin in [
        "https://evil.example",
        "null",
        &s.url.replace("http:", "https:"),
    ] {
        let answer = b
            .post_from("/ui/account/profile", &fields, Some(origin))
            .await;
        assert_eq!(answer.status, 403, "{origin}");
    }
    let form = b.get("/ui/login").await;
    let login = b
        .post_from(
            "/ui/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "admin"),
                ("password", "admin"),
            ],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(login.status, 403, "login too");
    let no_token = b
        .post("/ui/login", &[("username", "admin"), ("password", "admin")])
        .await;
    assert_eq!(no_token.status, 403, "login needs its form token");
    assert!(!b.get("/ui/account").await.body.contains("Mallory"));
}

fn fetch_site(site: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("sec-fetch-site", HeaderValue::from_str(site).unwrap());
    h
}

#[tokio::test]
async fn a_null_origin_is_this_site_only_when_the_browser_says_same_origin() {
    let s = TestServer::start().await;
    let same = Browser::with_headers(&s.url, fetch_site("same-origin"));
    let form = same.get("/ui/login").await;
    let fields = [
        ("csrf", form.csrf()),
        ("username", "admin".to_string()),
        ("password", "admin".to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = same.post_from("/ui/login", &fields, Some("null")).await;
    assert_eq!(answer.status, 303, "a browser's own form under no-referrer");
    for site in ["cross-site", "same-site", "none"] {
        let other = Browser::with_headers(&s.url, fetch_site(site));
        let form = other.get("/ui/login").await;
        let csrf = form.csrf();
        let answer = other
            .post_from(
                "/ui/login",
                &[
                    ("csrf", &csrf),
                    ("username", "admin"),
                    ("password", "admin"),
                ],
                Some("null"),
            )
            .await;
        assert_eq!(answer.status, 403, "{site}");
    }
    let bare = Browser::new(&s.url);
    let form = bare.get("/ui/login").await;
    let answer = bare
        .post_from(
            "/ui/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "admin"),
                ("password", "admin"),
            ],
            Some("null"),
        )
        .await;
    assert_eq!(answer.status, 403, "null without Sec-Fetch-Site");
}

#[tokio::test]
async fn no_cookie_a_script_can_read_holds_anything_and_no_page_shows_a_token() {
    let s = TestServer::start().await;
    let b = Browser::new(&s.url);
    let login = b.get("/ui/login").await;
    let answer = b.login("admin", "admin").await;
    let mut all = login.set_cookies();
    all.extend(answer.set_cookies());
    for cookie in &all {
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    }
    let access = b.cookie("tessera-access").unwrap();
    let refresh = b.cookie("tessera-refresh").unwrap();
    let page = b.get("/ui/account").await;
    assert!(!page.body.contains(&access) && !page.body.contains(&refresh));
}

fn forwarded(proto: &str, client: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-forwarded-proto", HeaderValue::from_str(proto).unwrap());
    h.insert("x-forwarded-for", HeaderValue::from_str(client).unwrap());
    h
}

#[tokio::test]
async fn behind_a_trusted_proxy_saying_https_cookies_are_secure_and_host_prefixed() {
    let s =
        TestServer::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let b = Browser::with_headers(&s.url, forwarded("https", "203.0.113.5"));
    let form = b.get("/ui/login").await;
    assert_eq!(form.status, 200);
    let origin = s.url.replace("http:", "https:");
    let answer = b
        .post_from(
            "/ui/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "admin"),
                ("password", "admin"),
            ],
            Some(&origin),
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let cookies = answer.set_cookies();
    assert!(!cookies.is_empty());
    for c in &cookies {
        assert!(c.starts_with("__Host-tessera-"), "{c}");
        assert!(
            c.contains("; Secure") && c.contains("Path=/") && !c.contains("Domain="),
            "{c}"
        );
    }
    assert_eq!(b.get("/ui/account").await.status, 200);
    let plain_origin = b
        .post_from("/ui/logout", &[("csrf", "x")], Some(&s.url))
        .await;
    assert_eq!(
        plain_origin.status, 403,
        "an http: origin is not this https site"
    );
}

#[tokio::test]
async fn plain_http_is_for_loopback_only() {
    let s =
        TestServer::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let afar = Browser::with_headers(&s.url, forwarded("http", "203.0.113.5"));
    let page = afar.get("/ui/login").await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("HTTPS"));
    assert!(page.set_cookies().is_empty());
    let local = Browser::with_headers(&s.url, forwarded("http", "127.0.0.1"));
    assert_eq!(local.get("/ui/login").await.status, 200);
    let direct = Browser::new(&s.url);
    assert_eq!(
        direct.get("/ui/login").await.status,
        200,
        "loopback, no proxy"
    );
}
