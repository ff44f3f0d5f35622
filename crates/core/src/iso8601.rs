//! Timestamps as ISO-8601 UTC text (`2027-01-15T08:00:00Z`), without a date library.

use crate::Timestamp;

/// Formats seconds since the Unix epoch.
pub fn format(ts: Timestamp) -> String {
    format_with(ts, "Z")
}

/// `2027-01-15T08:00:00+00:00`, as Python's `isoformat()` writes UTC (PlantDB's answers).
pub fn format_offset(ts: Timestamp) -> String {
    format_with(ts, "+00:00")
}

fn format_with(ts: Timestamp, zone: &str) -> String {
    let (days, secs) = (ts.div_euclid(86_400), ts.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{zone}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::{format, format_offset};

    #[test]
    fn known_instants() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert_eq!(format(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(format(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_offset(951_782_400), "2000-02-29T00:00:00+00:00");
    }
}
