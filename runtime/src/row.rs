//! Values on their way out of the database: [`Row`] and [`FromSql`].

use chrono::{DateTime, NaiveDateTime, Utc};
use postgres::types::{FromSql as PgFromSql, Kind, Type};
use rusqlite::types::ValueRef;

use crate::error::{Error, Result};

/// One result row, read by column index.
///
/// A row may be a window on a wider one (the columns of a model joined by
/// `select_related`): its index 0 is then the window's first column.
pub struct Row<'a> {
    inner: RowInner<'a>,
    offset: usize,
}

#[derive(Clone, Copy)]
enum RowInner<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl<'a> Row<'a> {
    pub(crate) fn sqlite(row: &'a rusqlite::Row<'a>) -> Self {
        Row {
            inner: RowInner::Sqlite(row),
            offset: 0,
        }
    }

    pub(crate) fn postgres(row: &'a postgres::Row) -> Self {
        Row {
            inner: RowInner::Postgres(row),
            offset: 0,
        }
    }

    /// The columns of this row from `offset` on, as a row of their own.
    pub(crate) fn window(&self, offset: usize) -> Row<'a> {
        Row {
            inner: self.inner,
            offset: self.offset + offset,
        }
    }

    /// True when column `index` is NULL, whatever its type.
    pub(crate) fn is_null(&self, index: usize) -> bool {
        let index = index + self.offset;
        match &self.inner {
            RowInner::Sqlite(row) => matches!(row.get_ref(index), Ok(ValueRef::Null)),
            RowInner::Postgres(row) => is_postgres_null(row, index),
        }
    }

    /// Reads column `index` (0-based) as `T`.
    #[inline]
    pub fn get<T: FromSql>(&self, index: usize) -> Result<T> {
        let index = index + self.offset;
        let decoded = match &self.inner {
            RowInner::Sqlite(row) => match row.get_ref(index) {
                Ok(value) => T::from_sqlite(value),
                Err(error) => Err(error.to_string()),
            },
            RowInner::Postgres(row) => T::from_postgres(row, index),
        };
        decoded.map_err(|message| Error::Decode {
            column: self.column_name(index - self.offset),
            message,
        })
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        let total = match &self.inner {
            RowInner::Sqlite(row) => row.as_ref().column_count(),
            RowInner::Postgres(row) => row.len(),
        };
        total.saturating_sub(self.offset)
    }

    /// True when the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads column `index` with the decoder of the row's backend.
    pub(crate) fn raw_value<T>(
        &self,
        index: usize,
        sqlite: impl FnOnce(ValueRef<'_>) -> Result<T, String>,
        postgres: impl FnOnce(&postgres::Row, usize) -> Result<T, String>,
    ) -> Result<T, String> {
        let index = index + self.offset;
        match &self.inner {
            RowInner::Sqlite(row) => sqlite(row.get_ref(index).map_err(|e| e.to_string())?),
            RowInner::Postgres(row) => postgres(row, index),
        }
    }

    /// The name of column `index`, as the database reports it.
    pub fn column_name(&self, index: usize) -> String {
        let index = index + self.offset;
        let name = match &self.inner {
            RowInner::Sqlite(row) => row.as_ref().column_name(index).ok().map(str::to_owned),
            RowInner::Postgres(row) => row.columns().get(index).map(|c| c.name().to_owned()),
        };
        name.unwrap_or_else(|| format!("#{index}"))
    }
}

/// A Rust type a column can be read into, on every backend.
pub trait FromSql: Sized {
    /// Reads an SQLite value.
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String>;
    /// Reads column `index` of a PostgreSQL row.
    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String>;
}

pub(crate) fn sqlite_type_error(expected: &str, value: ValueRef<'_>) -> String {
    format!("expected {expected}, found {}", value.data_type())
}

pub(crate) fn postgres_get<'r, T: PgFromSql<'r>>(
    row: &'r postgres::Row,
    index: usize,
) -> Result<T, String> {
    row.try_get(index)
        .map_err(|error| match std::error::Error::source(&error) {
            Some(source) => source.to_string(),
            None => error.to_string(),
        })
}

/// The text of a string column, or the label of an enum type's value (whose
/// binary form is its label): a `CharField(choices = …)` read from a column
/// of a PostgreSQL enum type (or of a domain over one).
pub(crate) struct PgText<'a>(pub(crate) &'a str);

impl<'a> PgFromSql<'a> for PgText<'a> {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        match ty.kind() {
            Kind::Enum(_) => Ok(PgText(std::str::from_utf8(raw)?)),
            _ => <&str>::from_sql(ty, raw).map(PgText),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Enum(_)) || <&str as PgFromSql>::accepts(ty)
    }
}

/// Any PostgreSQL integer column, widened to i64, so that `COUNT(*)` (BIGINT)
/// or an INTEGER primary key read the same way.
struct PgInteger(i64);

impl<'a> PgFromSql<'a> for PgInteger {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgInteger(match *ty {
            Type::INT2 => i64::from(i16::from_sql(ty, raw)?),
            Type::INT4 => i64::from(i32::from_sql(ty, raw)?),
            _ => i64::from_sql(ty, raw)?,
        }))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT2 | Type::INT4 | Type::INT8)
    }
}

macro_rules! integer_from_sql {
    ($($ty:ty),*) => {$(
        impl FromSql for $ty {
            #[inline]
            fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
                match value {
                    ValueRef::Integer(v) => <$ty>::try_from(v)
                        .map_err(|_| format!("{v} does not fit in {}", stringify!($ty))),
                    other => Err(sqlite_type_error("an integer", other)),
                }
            }

            #[inline]
            fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
                let PgInteger(v) = postgres_get(row, index)?;
                <$ty>::try_from(v).map_err(|_| format!("{v} does not fit in {}", stringify!($ty)))
            }
        }
    )*};
}

integer_from_sql!(i16, i32, i64);

impl FromSql for f64 {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Real(v) => Ok(v),
            ValueRef::Integer(v) => Ok(v as f64),
            other => Err(sqlite_type_error("a number", other)),
        }
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        match row.columns().get(index).map(|c| c.type_()) {
            Some(&Type::FLOAT4) => postgres_get::<f32>(row, index).map(f64::from),
            _ => postgres_get(row, index),
        }
    }
}

impl FromSql for bool {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Integer(v) => Ok(v != 0),
            other => Err(sqlite_type_error("a boolean (0 or 1)", other)),
        }
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        postgres_get(row, index)
    }
}

impl FromSql for String {
    #[inline]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|error| format!("the text is not valid UTF-8: {error}")),
            other => Err(sqlite_type_error("text", other)),
        }
    }

    #[inline]
    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        let PgText(text) = postgres_get(row, index)?;
        // CHAR(n) pads with spaces; SQLite keeps the text as written, so
        // FixedCharField values read the same on both backends without them.
        if row.columns().get(index).map(|c| c.type_()) == Some(&Type::BPCHAR) {
            return Ok(text.trim_end_matches(' ').to_owned());
        }
        Ok(text.to_owned())
    }
}

impl FromSql for Vec<u8> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Blob(bytes) => Ok(bytes.to_vec()),
            other => Err(sqlite_type_error("a blob", other)),
        }
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        postgres_get::<&[u8]>(row, index).map(<[u8]>::to_vec)
    }
}

impl FromSql for DateTime<Utc> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        let text = match value {
            ValueRef::Text(bytes) => {
                std::str::from_utf8(bytes).map_err(|error| format!("invalid UTF-8: {error}"))?
            }
            other => return Err(sqlite_type_error("an ISO-8601 timestamp", other)),
        };
        parse_sqlite_timestamp(text).ok_or_else(|| format!("`{text}` is not an ISO-8601 timestamp"))
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        match row.columns().get(index).map(|c| c.type_()) {
            // A column without time zone holds UTC by Pookie's convention.
            Some(&Type::TIMESTAMP) => {
                postgres_get::<NaiveDateTime>(row, index).map(|v| v.and_utc())
            }
            _ => postgres_get(row, index),
        }
    }
}

/// Reads the timestamps Pookie writes (`2024-05-01T12:00:00.000000Z`) and the
/// other time values SQLite's own date and time functions accept as text
/// (`2024-05-01 12:00:00`, with or without seconds, fraction and offset, and
/// a date alone, which is midnight).
pub(crate) fn parse_sqlite_timestamp(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(value) = DateTime::parse_from_rfc3339(text) {
        return Some(value.with_timezone(&Utc));
    }
    if let Ok(value) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(value.with_timezone(&Utc));
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|date| date.and_time(chrono::NaiveTime::MIN))
    })
    .map(|value| value.and_utc())
}

impl<T: FromSql> FromSql for Option<T> {
    #[inline]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Null => Ok(None),
            value => T::from_sqlite(value).map(Some),
        }
    }

    #[inline]
    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        // NULL is checked first: the typed decoders reject it.
        if is_postgres_null(row, index) {
            Ok(None)
        } else {
            T::from_postgres(row, index).map(Some)
        }
    }
}

fn is_postgres_null(row: &postgres::Row, index: usize) -> bool {
    struct Nullness;
    impl<'a> PgFromSql<'a> for Nullness {
        fn from_sql(
            _: &Type,
            _: &'a [u8],
        ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
            Ok(Nullness)
        }
        fn accepts(_: &Type) -> bool {
            true
        }
    }
    matches!(row.try_get::<_, Option<Nullness>>(index), Ok(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_timestamps_parse_in_every_common_spelling() {
        let expected = "2024-05-01T12:30:00Z".parse::<DateTime<Utc>>().unwrap();
        for text in [
            "2024-05-01T12:30:00.000000Z",
            "2024-05-01T12:30:00Z",
            "2024-05-01 12:30:00",
            "2024-05-01 12:30:00.000",
            "2024-05-01 12:30:00+00:00",
            "2024-05-01T14:30:00+02:00",
        ] {
            assert_eq!(parse_sqlite_timestamp(text), Some(expected), "{text}");
        }
        assert_eq!(parse_sqlite_timestamp("2024-05-01 12:30"), Some(expected));
        let midnight = "2024-05-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(parse_sqlite_timestamp("2024-05-01"), Some(midnight));
        assert_eq!(parse_sqlite_timestamp("yesterday"), None);
        assert_eq!(parse_sqlite_timestamp("2024-05-01 noon"), None);
    }
}
