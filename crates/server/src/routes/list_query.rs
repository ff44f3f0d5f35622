//! Reading a paged list's query string (`GET /users`, `GET /audit`): each fault a 400 with its
//! own code.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::StatusCode;
use tessera_api::ErrorCode;
use tessera_core::list_query::QueryError;

use crate::error::ApiError;

/// The list's filters as `parse` reads the query's `name=value` pairs.
pub(crate) fn parsed<T>(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    parse: impl FnOnce(Vec<(&str, &str)>) -> Result<T, QueryError>,
) -> Result<T, ApiError> {
    let Query(pairs) = query.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidParameter,
            e.body_text(),
        )
    })?;
    parse(
        pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
    )
    .map_err(query_error)
}

fn query_error(e: QueryError) -> ApiError {
    let code = match &e {
        QueryError::UnknownParameter(_) => ErrorCode::UnknownParameter,
        QueryError::InvalidParameter(_) => ErrorCode::InvalidParameter,
        QueryError::InvalidCursor => ErrorCode::InvalidCursor,
    };
    ApiError::new(StatusCode::BAD_REQUEST, code, e.to_string())
}
