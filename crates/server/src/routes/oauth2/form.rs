//! The form body of `/oauth2/*` (`application/x-www-form-urlencoded`, RFC 6749 appendix B)
//! and the client's credentials, from HTTP Basic (`client_secret_basic`) or the form
//! (`client_secret_post`).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::errors::OAuthFail;

/// The form's parameters. A parameter without a value counts as absent (RFC 6749 section
/// 3.1); one given twice is refused.
pub struct OAuthForm(pub HashMap<String, String>);

impl OAuthForm {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A required parameter.
    pub fn required(&self, name: &str) -> Result<&str, OAuthFail> {
        self.get(name)
            .ok_or_else(|| OAuthFail::invalid_request(format!("missing {name}")))
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

impl<S: Send + Sync> FromRequest<S> for OAuthForm {
    type Rejection = OAuthFail;

    async fn from_request(req: Request, state: &S) -> Result<Self, OAuthFail> {
        if !is_form(req.headers()) {
            return Err(OAuthFail::invalid_request(
                "the body must be application/x-www-form-urlencoded",
            ));
        }
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            OAuthFail::new(e.status(), "invalid_request", "the body cannot be read")
        })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|_| OAuthFail::invalid_request("the body is not a valid form"))?;
        let mut params = HashMap::with_capacity(pairs.len());
        for (name, value) in pairs {
            if value.is_empty() {
                continue;
            }
            if params.insert(name.clone(), value).is_some() {
                return Err(OAuthFail::invalid_request(format!(
                    "{} is given more than once",
                    tessera_core::text::printable_prefix(&name, 64)
                )));
            }
        }
        Ok(OAuthForm(params))
    }
}

/// A client's id and secret as presented. `Debug` leaves the secret out.
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// `%XX` and `+` decoded, as RFC 6749 section 2.3.1 has HTTP Basic credentials encoded.
fn form_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The credentials of `Authorization: Basic`, `None` without that header (or with another
/// scheme); a malformed one is `invalid_client`.
pub fn basic(headers: &HeaderMap) -> Result<Option<ClientCredentials>, OAuthFail> {
    let Some(raw) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let Some((scheme, encoded)) = raw.trim().split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let malformed = || OAuthFail::invalid_client("malformed HTTP Basic credentials");
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(malformed)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some(ClientCredentials {
        client_id: form_decode(id).ok_or_else(malformed)?,
        client_secret: form_decode(secret).ok_or_else(malformed)?,
    }))
}

/// The client's credentials from HTTP Basic or from the form, `None` when there are none;
/// both at once is `invalid_request` (RFC 6749 section 2.3), an id without a secret
/// `invalid_client` (tessera has no public clients).
pub fn client_credentials(
    headers: &HeaderMap,
    form: &OAuthForm,
) -> Result<Option<ClientCredentials>, OAuthFail> {
    let basic = basic(headers)?;
    let posted = match (form.get("client_id"), form.get("client_secret")) {
        (None, None) => None,
        (Some(id), Some(secret)) => Some(ClientCredentials {
            client_id: id.to_string(),
            client_secret: secret.to_string(),
        }),
        (Some(_), None) if basic.is_some() => None,
        _ => {
            return Err(OAuthFail::invalid_client(
                "client_id and client_secret go together",
            ))
        }
    };
    match (basic, posted) {
        (Some(_), Some(_)) => Err(OAuthFail::invalid_request(
            "use one way of client authentication, not HTTP Basic and the form together",
        )),
        (b, p) => Ok(b.or(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        assert_eq!(form_decode("a%3Ab+c").as_deref(), Some("a:b c"));
        assert_eq!(form_decode("plain").as_deref(), Some("plain"));
        assert_eq!(form_decode("bad%4"), None);
        assert_eq!(form_decode("bad%zz"), None);
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("id%2B1:s%3Acret"));
        headers.insert(AUTHORIZATION, value.parse().unwrap());
        let c = basic(&headers).unwrap().unwrap();
        assert_eq!(
            (c.client_id.as_str(), c.client_secret.as_str()),
            ("id+1", "s:cret")
        );
        headers.insert(AUTHORIZATION, "Basic !!!".parse().unwrap());
        assert_eq!(basic(&headers).unwrap_err().error, "invalid_client");
        headers.insert(AUTHORIZATION, "Bearer x".parse().unwrap());
        assert!(basic(&headers).unwrap().is_none());
    }
}
