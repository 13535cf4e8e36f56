//! Column types, named per backend.

use crate::Dialect;

/// A column type, independent of the backend; [`Dialect::type_name`] spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInt,
    /// Double-precision float.
    Double,
    /// Exact decimal with `precision` digits, `scale` of them after the point.
    Decimal {
        /// Total digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
    },
    /// Boolean.
    Boolean,
    /// Variable-length string of at most n characters.
    Varchar(u32),
    /// Fixed-length string of n characters.
    Char(u32),
    /// Unlimited text.
    Text,
    /// UUID.
    Uuid,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Point in time, stored in UTC.
    Timestamp,
    /// JSON document.
    Json,
    /// Raw bytes.
    Bytes,
    /// Array of the element type.
    Array(Box<SqlType>),
    /// A type the schema names itself (`TextField(db_type = "tsvector")`): spelled
    /// as given, its values read and written as text.
    Named(String),
}

impl Dialect {
    /// The type as written in a column definition.
    ///
    /// SQLite names are chosen for their type affinity as well as for what they
    /// say: values that must keep their exact text (decimals, JSON, UUIDs) use
    /// names with TEXT affinity so that SQLite never turns them into numbers, and
    /// the names stay distinct so that `inspectdb` can recover the field type
    /// (`DECIMAL_TEXT(p, s)` keeps the digits and places, `UUID_TEXT`,
    /// `JSON_TEXT`, `ARRAY_TEXT`). Dates, times and timestamps are `DATE`,
    /// `TIME` and `DATETIME`: NUMERIC affinity, which leaves ISO-8601 text as
    /// it is (it never looks like a number), and the names other tools expect.
    ///
    /// ```
    /// use pookie_dialect::{Dialect, SqlType};
    /// assert_eq!(Dialect::Postgres.type_name(&SqlType::Varchar(100)), "VARCHAR(100)");
    /// assert_eq!(Dialect::Sqlite.type_name(&SqlType::Timestamp), "DATETIME");
    /// assert_eq!(Dialect::Postgres.type_name(&SqlType::Timestamp), "TIMESTAMP WITH TIME ZONE");
    /// ```
    pub fn type_name(self, ty: &SqlType) -> String {
        match self {
            Dialect::Sqlite => sqlite_type_name(ty),
            Dialect::Postgres => postgres_type_name(ty),
        }
    }
}

fn sqlite_type_name(ty: &SqlType) -> String {
    match ty {
        SqlType::SmallInt => "SMALLINT".into(),
        SqlType::Integer => "INTEGER".into(),
        SqlType::BigInt => "BIGINT".into(),
        SqlType::Double => "REAL".into(),
        SqlType::Decimal { precision, scale } => format!("DECIMAL_TEXT({precision}, {scale})"),
        SqlType::Boolean => "BOOLEAN".into(),
        SqlType::Varchar(n) => format!("VARCHAR({n})"),
        SqlType::Char(n) => format!("CHAR({n})"),
        SqlType::Text => "TEXT".into(),
        SqlType::Uuid => "UUID_TEXT".into(),
        SqlType::Date => "DATE".into(),
        SqlType::Time => "TIME".into(),
        SqlType::Timestamp => "DATETIME".into(),
        SqlType::Json => "JSON_TEXT".into(),
        SqlType::Bytes => "BLOB".into(),
        // Distinct from JSON_TEXT so that `inspectdb` tells a list from a document.
        SqlType::Array(_) => "ARRAY_TEXT".into(),
        SqlType::Named(name) if is_sqlite_type_name(name) => name.clone(),
        // `tsvector[]`, `"char"`: SQLite cannot declare them; text holds their values.
        SqlType::Named(_) => "TEXT".into(),
    }
}

/// Whether SQLite accepts `name` as a declared type: words, then at most one
/// parenthesised list of numbers (`DOUBLE PRECISION`, `NUMERIC(10, 2)`).
fn is_sqlite_type_name(name: &str) -> bool {
    let (words, arguments) = match name.split_once('(') {
        Some((words, rest)) => (words, Some(rest)),
        None => (name, None),
    };
    let words_ok = words
        .split_whitespace()
        .all(|word| word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        && words
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic());
    let arguments_ok = arguments.is_none_or(|rest| {
        rest.strip_suffix(')').is_some_and(|inside| {
            inside.split(',').all(|n| {
                !n.trim().is_empty()
                    && n.trim()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
            })
        })
    });
    words_ok && arguments_ok
}

fn postgres_type_name(ty: &SqlType) -> String {
    match ty {
        SqlType::SmallInt => "SMALLINT".into(),
        SqlType::Integer => "INTEGER".into(),
        SqlType::BigInt => "BIGINT".into(),
        SqlType::Double => "DOUBLE PRECISION".into(),
        SqlType::Decimal { precision, scale } => format!("NUMERIC({precision}, {scale})"),
        SqlType::Boolean => "BOOLEAN".into(),
        SqlType::Varchar(n) => format!("VARCHAR({n})"),
        SqlType::Char(n) => format!("CHAR({n})"),
        SqlType::Text => "TEXT".into(),
        SqlType::Uuid => "UUID".into(),
        SqlType::Date => "DATE".into(),
        SqlType::Time => "TIME".into(),
        SqlType::Timestamp => "TIMESTAMP WITH TIME ZONE".into(),
        SqlType::Json => "JSONB".into(),
        SqlType::Bytes => "BYTEA".into(),
        SqlType::Array(element) => format!("{}[]", postgres_type_name(element)),
        SqlType::Named(name) => name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite decides a column's affinity from substrings of its declared type;
    /// values that must stay text need a name containing CHAR, CLOB or TEXT.
    fn sqlite_affinity_is_text(declared: &str) -> bool {
        let upper = declared.to_ascii_uppercase();
        !upper.contains("INT") && ["CHAR", "CLOB", "TEXT"].iter().any(|s| upper.contains(s))
    }

    #[test]
    fn exact_text_types_keep_text_affinity_on_sqlite() {
        for ty in [
            SqlType::Decimal {
                precision: 65,
                scale: 30,
            },
            SqlType::Uuid,
            SqlType::Json,
            SqlType::Array(Box::new(SqlType::Integer)),
            SqlType::Varchar(10),
            SqlType::Text,
        ] {
            let name = Dialect::Sqlite.type_name(&ty);
            assert!(
                sqlite_affinity_is_text(&name),
                "{name} must have TEXT affinity"
            );
        }
    }

    #[test]
    fn postgres_arrays_nest_the_element_type() {
        let ty = SqlType::Array(Box::new(SqlType::Varchar(50)));
        assert_eq!(Dialect::Postgres.type_name(&ty), "VARCHAR(50)[]");
    }
}
