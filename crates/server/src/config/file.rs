//! The TOML file layer: read, parsed, its unknown keys named; a syntax error on one line that
//! does not quote the file.

use std::path::Path;

use figment::providers::{Format, Toml};

/// The file as a figment layer, once it is known to be readable TOML. Its unknown keys are
/// problems, but its other values are still read, so that their problems are reported too.
pub(super) fn file_layer(
    path: &Path,
    problems: &mut Vec<String>,
) -> Option<figment::providers::Data<Toml>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", path.display()));
            return None;
        }
    };
    let table = match text.parse::<toml::Table>() {
        Ok(table) => table,
        Err(e) => {
            problems.push(format!("{}: {}", path.display(), syntax_error(&text, &e)));
            return None;
        }
    };
    problems.extend(
        table
            .keys()
            .filter(|k| !super::load::KNOWN.contains(&k.as_str()))
            .map(|k| format!("{}: unknown key {k:?}", path.display())),
    );
    Some(Toml::file_exact(path))
}

/// A TOML syntax error on one line, without the text around it (which may hold a secret).
fn syntax_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return format!("not valid TOML: {message}");
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("not valid TOML at line {line}, column {column}: {message}")
}
