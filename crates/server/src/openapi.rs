//! The OpenAPI 3.1 document, served at `GET /api/v1/openapi.json`. Its paths come from the
//! `#[utoipa::path]` of each handler, registered with the router in one place
//! ([`crate::routes::api`]); this module adds what every operation shares: the security schemes,
//! the error body on every error answer, and the errors any route may give.

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use tessera_api::oauth2::OAuthError;
use tessera_api::ErrorBody;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, HttpBuilder, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi as _, PartialSchema, ToSchema};

/// Security scheme of an access token (a JWT) in `Authorization: Bearer`.
pub const ACCESS_TOKEN: &str = "access_token";
/// Security scheme of a personal or resource token (`tsr_pat_…`) in `Authorization: Bearer`.
pub const SCOPED_TOKEN: &str = "scoped_token";
/// Security scheme of a service client: HTTP Basic with its id and secret.
pub const CLIENT_BASIC: &str = "client_basic";
/// Security scheme of PlantDB's clients: the token alone in `Authorization`, without a scheme.
pub const BARE_TOKEN: &str = "bare_token";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "tessera",
        description = "The tessera token server. Every error answer is JSON with `error` (text) \
            and `code` (stable, see the `ErrorCode` schema). The routes under `/api/v1/auth` keep \
            PlantDB 0.17's wire shapes, leniencies included: a bearer token may be sent without \
            the `Bearer` scheme (`bare_token`), and the POST routes that take no input \
            accept an empty, missing or malformed body.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0")
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "PlantDB-compatible sessions: login, refresh, validation, logout"),
        (name = "sessions", description = "A user's live sessions: list them, end one, end the others or all"),
        (name = "apikeys", description = "No-session API keys for a backend service"),
        (name = "tokens", description = "Personal tokens (PlantDB's API tokens)"),
        (name = "resources", description = "Resources, their maintainers and their tokens"),
        (name = "users", description = "Users: admins manage them and reset their passwords; each user reads and renames themself and changes their password"),
        (name = "audit", description = "The audit trail of security events, for admins"),
        (name = "standard", description = "Standard endpoints at the root: the JWKS (RFC 7517)"),
        (name = "clients", description = "Service clients (confidential OAuth 2.0 clients), for admins"),
        (name = "oauth2", description = "The standard endpoints: OAuth 2.0 token, introspection and revocation (form-encoded; errors as RFC 6749 section 5.2), and the server's metadata"),
        (name = "operations", description = "Health and this document")
    )
)]
struct Base;

/// The document before any route is registered.
pub fn base() -> OpenApi {
    Base::openapi()
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = |format: &str, description: &str| {
            let http: Http = HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format(format)
                .description(Some(description))
                .build();
            SecurityScheme::Http(http)
        };
        components.add_security_scheme(
            ACCESS_TOKEN,
            bearer(
                "JWT",
                "An access token from `POST /api/v1/auth/login` or `/auth/token/refresh`. The \
                 scheme is case-insensitive (`bearer` works). While its user must change their \
                 password (after an admin's reset), every route refuses it with 403 \
                 `password_change_required` but `POST /api/v1/users/me/password` and logout.",
            ),
        );
        components.add_security_scheme(
            SCOPED_TOKEN,
            bearer(
                "tsr_pat_",
                "A personal token (`POST /api/v1/auth/token/create-api-token`) or a resource \
                 token (`POST /api/v1/resources/{name}/tokens`).",
            ),
        );
        components.add_security_scheme(
            CLIENT_BASIC,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "A service client's `client_id` and `client_secret` (RFC 6749 section \
                         2.3.1, `client_secret_basic`); the token endpoint also takes them in \
                         the form (`client_secret_post`).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            BARE_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "PlantDB's leniency: the token alone, without `Bearer `, wherever a bearer \
                 token is accepted. An empty header counts as no token.",
            ))),
        );
        let mut schemas = vec![(ErrorBody::name().into_owned(), ErrorBody::schema())];
        ErrorBody::schemas(&mut schemas);
        components.schemas.extend(schemas);
    }
}

/// Adds to every operation the errors any route may give, and the error body and headers to
/// every error answer.
pub fn finish(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        // The OAuth 2.0 endpoints answer errors as RFC 6749 section 5.2 words them.
        let oauth = path.starts_with("/oauth2/");
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
            &mut item.put,
        ]
        .into_iter()
        .flatten()
        {
            add_shared_errors(op, oauth);
        }
    }
}

fn add_shared_errors(op: &mut Operation, oauth: bool) {
    let has_body = op.request_body.is_some();
    // A lenient body (optional in the document) reads as `{}` when it is not a JSON object.
    let strict_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.required == Some(utoipa::openapi::Required::True));
    let has_path_params = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut shared =
        vec![
        ("500", "`internal_error`: an unexpected failure; the text never shows internal detail"),
        (
            "503",
            "`unavailable`: the request took longer than `request_timeout_seconds`, a queue is \
             full, or the store cannot answer (`Retry-After`)",
        ),
    ];
    if has_body {
        shared.extend([
            ("408", "`request_timeout`: the body stopped arriving"),
            (
                "413",
                "`payload_too_large`: the body is over `max_body_bytes`",
            ),
        ]);
    }
    if strict_body && !oauth {
        shared.extend([
            (
                "400",
                "`bad_request`: the body is not a JSON object, or a field is invalid",
            ),
            (
                "415",
                "`unsupported_media_type`: a non-empty body that is not `application/json`",
            ),
        ]);
    }
    if has_path_params {
        shared.push((
            "400",
            "`bad_request`: a path parameter that cannot be decoded",
        ));
    }
    if secured && !oauth {
        shared.push((
            "401",
            "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`: no valid \
             credential (checked before the body is read)",
        ));
    }
    for (status, description) in shared {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| ResponseBuilder::new().description(description).into());
    }
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(response) = response {
            if status.starts_with('4') || status.starts_with('5') {
                error_answer(status, response, oauth);
            }
        }
    }
}

fn error_answer(status: &str, response: &mut Response, oauth: bool) {
    if response.content.is_empty() {
        let schema = if oauth {
            OAuthError::name()
        } else {
            ErrorBody::name()
        };
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(schema)))
            .build();
        response
            .content
            .insert("application/json".to_string(), content);
    }
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(String::schema())
            .description(Some(description))
            .build()
    };
    match status {
        "401" if oauth => {
            response.headers.insert(
                "WWW-Authenticate".into(),
                header("`Basic realm=\"tessera\"`"),
            );
        }
        "401" => {
            response.headers.insert(
                "WWW-Authenticate".into(),
                header("`Bearer error=\"invalid_token\"`"),
            );
        }
        "429" | "503" => {
            response
                .headers
                .insert("Retry-After".into(), header("Seconds to wait"));
        }
        _ => {}
    }
}

/// The finished document of every route.
pub fn document() -> OpenApi {
    let mut doc = crate::routes::api().into_openapi();
    finish(&mut doc);
    doc
}

/// `GET /api/v1/openapi.json`
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object))
)]
pub async fn serve() -> impl IntoResponse {
    // Built once: the document depends on nothing but the code.
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        document()
            .to_json()
            .expect("the OpenAPI document serialises")
    });
    ([(CONTENT_TYPE, "application/json")], json.as_str())
}
