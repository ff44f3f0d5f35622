//! Timestamps as ISO-8601 UTC text (`2027-01-15T08:00:00Z`).

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::Timestamp;

const ZULU: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const OFFSET: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");

/// Formats seconds since the Unix epoch.
pub fn format(ts: Timestamp) -> String {
    format_with(ts, ZULU)
}

/// `2027-01-15T08:00:00+00:00`, as Python's `isoformat()` writes UTC (PlantDB's answers).
pub fn format_offset(ts: Timestamp) -> String {
    format_with(ts, OFFSET)
}

/// An instant beyond the years 9999 (or before -9999) is written as the last (or first) second
/// that four-digit years can hold.
fn format_with(ts: Timestamp, items: &[BorrowedFormatItem<'_>]) -> String {
    let at = OffsetDateTime::from_unix_timestamp(ts).unwrap_or_else(|_| {
        if ts < 0 {
            PrimitiveDateTime::MIN.assume_utc()
        } else {
            PrimitiveDateTime::MAX.assume_utc()
        }
    });
    // Formatting these components into a String cannot fail.
    at.format(items).unwrap_or_default()
}

/// Reads an ISO-8601 UTC time: `2027-01-15T08:00:00Z`, or with `+00:00` (RFC 3339; a
/// fraction of a second is dropped). Any other offset is refused: the API speaks UTC.
pub fn parse(text: &str) -> Option<Timestamp> {
    let at = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    at.offset().is_utc().then(|| at.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::{format, format_offset};

    /// The formatter this module had before it used `time` (H. Hinnant's civil-date algorithm):
    /// the output must stay byte for byte the same.
    fn civil(ts: i64) -> String {
        let (days, secs) = (ts.div_euclid(86_400), ts.rem_euclid(86_400));
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
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }

    #[test]
    fn known_instants() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert_eq!(format(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(format(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_offset(951_782_400), "2000-02-29T00:00:00+00:00");
    }

    #[test]
    fn the_same_text_as_before_from_year_0_to_9999() {
        const YEAR_0: i64 = -62_167_219_200;
        const YEAR_10000: i64 = 253_402_300_800;
        // A prime step visits every time of day and every day of the year many times over.
        let mut ts = YEAR_0;
        while ts < YEAR_10000 {
            assert_eq!(format(ts), civil(ts), "{ts}");
            ts += 9_999_991;
        }
        for ts in [YEAR_0, YEAR_10000 - 1, 0, 1_800_000_000, 4_107_542_399] {
            assert_eq!(format(ts), civil(ts), "{ts}");
            assert_eq!(format_offset(ts), civil(ts).replace('Z', "+00:00"));
        }
    }

    #[test]
    fn instants_beyond_four_digit_years_are_clamped_not_a_panic() {
        assert_eq!(format(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(format(253_402_300_800), "9999-12-31T23:59:59Z");
        assert!(format(i64::MIN).starts_with("-9999-01-01T00:00:00"));
    }
}
