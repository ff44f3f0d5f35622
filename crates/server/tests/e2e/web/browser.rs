//! A small browser for the web page's tests: a cookie jar (what `Set-Cookie` says, as a
//! browser keeps it), same-origin form posts with their `Origin`, and no redirect followed
//! unless asked, so that each answer can be looked at.

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

/// One answer.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .map_or("", |l| l.to_str().unwrap())
    }

    /// Every `Set-Cookie` of the answer.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }

    /// The value of the first hidden field `name`.
    pub fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body));
        let rest = &self.body[at + marker.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// The page's form token.
    pub fn csrf(&self) -> String {
        self.field("csrf")
    }
}

pub struct Browser {
    http: reqwest::Client,
    pub base: String,
    /// Cookies by name.
    pub jar: Mutex<BTreeMap<String, String>>,
    /// Extra headers sent with every request.
    extra: HeaderMap,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self::with_headers(base, HeaderMap::new())
    }

    pub fn with_headers(base: &str, extra: HeaderMap) -> Self {
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_string(),
            jar: Mutex::new(BTreeMap::new()),
            extra,
        }
    }

    /// Another tab of the same browser: the same cookies, from now on kept apart.
    pub fn tab(&self) -> Self {
        let other = Self::with_headers(&self.base, self.extra.clone());
        *other.jar.lock().unwrap() = self.jar.lock().unwrap().clone();
        other
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().unwrap().get(name).cloned()
    }

    fn cookie_header(&self) -> String {
        let jar = self.jar.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, headers: &HeaderMap) {
        let mut jar = self.jar.lock().unwrap();
        for value in headers.get_all(SET_COOKIE) {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap();
            let (name, v) = pair.split_once('=').unwrap();
            if v.is_empty() || value.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), v.to_string());
            }
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        let req = req
            .headers(self.extra.clone())
            .header("cookie", self.cookie_header());
        let answer = req.send().await.unwrap();
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        self.keep(&headers);
        Page {
            status,
            headers,
            body: answer.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// GET, following redirects within the site.
    pub async fn open(&self, path: &str) -> Page {
        let mut page = self.get(path).await;
        let mut hops = 0;
        while (300..400).contains(&page.status) && hops < 5 {
            let next = page.location().to_string();
            page = self.get(&next).await;
            hops += 1;
        }
        page
    }

    /// A form post as the page sends it: from this origin.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let origin = self.origin();
        self.post_from(path, fields, Some(&origin)).await
    }

    /// A form post with the `Origin` given (or none).
    pub async fn post_from(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(fields);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        self.send(req).await
    }

    pub fn origin(&self) -> String {
        self.base.trim_end_matches('/').to_string()
    }

    /// Logs in through the login form; the answer to the form.
    pub async fn login(&self, username: &str, password: &str) -> Page {
        let form = self.get("/ui/login").await;
        assert_eq!(form.status, 200, "{}", form.body);
        self.post(
            "/ui/login",
            &[
                ("csrf", &form.csrf()),
                ("next", "/ui/account"),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// Logs in and lands on the account page.
    pub async fn logged_in(base: &str, username: &str, password: &str) -> Self {
        let b = Self::new(base);
        let answer = b.login(username, password).await;
        assert_eq!(answer.status, 303, "{}", answer.body);
        b
    }
}
