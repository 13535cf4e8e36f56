//! Dates, times and UUIDs: how SQLite spells them as text, and how each is read back.
//!
//! SQLite has no date or UUID type; Pookie stores them as fixed-width text whose
//! order is the values' order: `YYYY-MM-DD`, `HH:MM:SS.ffffff`, lowercase
//! hyphenated UUIDs (and timestamps as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, see
//! [`crate::value`]). Text order is time order for the years 0000 to 9999;
//! dates outside that range (negative years, or five-digit ones) are stored and
//! read back exactly, but sort and compare wrongly on SQLite, and SQLite's own
//! date functions (the `year`, `month` … lookups) do not understand them.
//! PostgreSQL stores them natively (years 4713 BC to 294276 AD for timestamps,
//! 5874897 AD for dates).

use chrono::{NaiveDate, NaiveTime};
use rusqlite::types::ValueRef;

use crate::row::{postgres_get, sqlite_type_error, FromSql};

/// `YYYY-MM-DD`.
pub(crate) fn sqlite_date(value: &NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

/// `HH:MM:SS.ffffff`.
pub(crate) fn sqlite_time(value: &NaiveTime) -> String {
    value.format("%H:%M:%S%.6f").to_string()
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

pub(crate) fn parse_time(text: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(text, format).ok())
}

fn sqlite_text<'v>(value: ValueRef<'v>, expected: &str) -> Result<&'v str, String> {
    match value {
        ValueRef::Text(bytes) => {
            std::str::from_utf8(bytes).map_err(|error| format!("invalid UTF-8: {error}"))
        }
        other => Err(sqlite_type_error(expected, other)),
    }
}

impl FromSql for NaiveDate {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        let text = sqlite_text(value, "a date (YYYY-MM-DD)")?;
        parse_date(text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        postgres_get(row, index)
    }
}

impl FromSql for NaiveTime {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        let text = sqlite_text(value, "a time (HH:MM:SS)")?;
        parse_time(text).ok_or_else(|| format!("`{text}` is not a time (HH:MM:SS)"))
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        postgres_get(row, index)
    }
}

impl FromSql for uuid::Uuid {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            // Other tools often store UUIDs as 16 raw bytes.
            ValueRef::Blob(bytes) => uuid::Uuid::from_slice(bytes).map_err(|e| e.to_string()),
            value => {
                let text = sqlite_text(value, "a UUID")?;
                uuid::Uuid::parse_str(text)
                    .map_err(|error| format!("`{text}` is not a UUID: {error}"))
            }
        }
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        postgres_get(row, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_four_digit_years_round_trip_as_text() {
        for (y, m, d) in [
            (1, 1, 1),
            (1969, 12, 31),
            (9999, 12, 31),
            (-44, 3, 15),
            (12000, 1, 1),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(parse_date(&sqlite_date(&date)), Some(date), "{date}");
        }
    }

    #[test]
    fn times_keep_microseconds() {
        let time = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
        assert_eq!(sqlite_time(&time), "23:59:58.123456");
        assert_eq!(parse_time(&sqlite_time(&time)), Some(time));
        assert_eq!(parse_time("07:30"), NaiveTime::from_hms_opt(7, 30, 0));
    }
}
