//! Checking what the client was answered: the refusals (status, code and error text) of calls
//! made through `tessera_client::Client`.

use std::fmt::Debug;

use tessera_api::ErrorCode;
use tessera_client::ClientError;

/// The refusal of a call that was expected to fail.
pub fn refusal<T: Debug>(got: &Result<T, ClientError>) -> &ClientError {
    match got {
        Ok(answer) => panic!("expected a refusal, got {answer:?}"),
        Err(e) => e,
    }
}

/// The status of a refusal; `None` for a success (or a failure without an answer).
pub fn refused<T>(got: &Result<T, ClientError>) -> Option<u16> {
    got.as_ref().err().and_then(ClientError::status)
}

/// The code of a refusal; `None` for a success.
pub fn code<T>(got: &Result<T, ClientError>) -> Option<ErrorCode> {
    got.as_ref().err().and_then(ClientError::code)
}

/// The error text of a refusal.
pub fn reason<T: Debug>(got: &Result<T, ClientError>) -> String {
    refusal(got).message().unwrap_or_default().to_string()
}

/// Asserts a call was refused with `status` and `code`, and an error text.
pub fn assert_refused<T: Debug>(
    got: &Result<T, ClientError>,
    status: u16,
    code: impl Into<ErrorCode>,
) {
    assert_refusal(refusal(got), status, code);
}

/// Asserts a refusal has `status` and `code` (an [`ErrorCode`] or its wire string, one the API
/// defines), and an error text.
pub fn assert_refusal(e: &ClientError, status: u16, code: impl Into<ErrorCode>) {
    assert_eq!(e.status(), Some(status), "{e}");
    let code = code.into();
    assert!(!matches!(code, ErrorCode::Unknown(_)), "{code:?}");
    assert_eq!(e.code(), Some(code), "{e}");
    assert!(!e.message().unwrap_or_default().is_empty(), "{e}");
}
