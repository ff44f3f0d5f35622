//! Free text that reaches logs and answers (audiences, subjects, descriptions, full names): no
//! control characters, so a value can never forge a log line, nor hide or reorder what follows
//! it on a terminal. Usernames and resource names have narrower alphabets of their own.

use crate::error::{Error, Result};

/// Whether `c` is refused in such text: C0 and C1 controls (newlines, tabs, escapes), the
/// line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A 400 naming `what` when `value` holds a forbidden character.
pub fn check_printable(what: &str, value: &str) -> Result<()> {
    if value.chars().any(is_forbidden) {
        return Err(Error::BadRequest(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(())
}

/// `value` without its forbidden characters, cut to at most `max_chars` characters: for text a
/// client sends unasked (a user agent), kept for display rather than refused.
pub fn printable_prefix(value: &str, max_chars: usize) -> String {
    value
        .chars()
        .filter(|c| !is_forbidden(*c))
        .take(max_chars)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printable_prefix_drops_controls_and_keeps_at_most_the_cap() {
        assert_eq!(
            printable_prefix("curl/8.0\r\nX: 1\u{1b}[2J", 64),
            "curl/8.0X: 1[2J"
        );
        assert_eq!(printable_prefix("Müller李雷", 7), "Müller李");
        assert_eq!(printable_prefix("", 3), "");
    }

    #[test]
    fn controls_separators_and_bidi_overrides_are_refused() {
        for bad in [
            "a\nb",
            "a\rb",
            "a\tb",
            "\u{1b}[31m",
            "a\u{0}",
            "\u{85}",
            "a\u{2028}b",
            "\u{202E}x",
            "\u{2066}x",
        ] {
            assert!(check_printable("name", bad).is_err(), "{bad:?}");
        }
        for good in [
            "Anna Müller",
            "José",
            "李雷",
            "/api/v2 data",
            "svc:x@y",
            "\u{200F}שלום",
        ] {
            assert!(check_printable("name", good).is_ok(), "{good:?}");
        }
        let Err(Error::BadRequest(m)) = check_printable("audience", "a\nb") else {
            panic!("a 400");
        };
        assert_eq!(m, "audience must not contain control characters");
    }
}
