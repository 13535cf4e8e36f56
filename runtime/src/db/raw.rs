//! Raw SQL: statements with bound parameters, and rows read by column name.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use postgres::types::Type;
use rusqlite::types::ValueRef;

use super::{Db, DEFAULT_ALIAS};
use crate::error::{Error, Result};
use crate::value::Param;

/// A value read by raw SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean (PostgreSQL; SQLite has integers).
    Bool(bool),
    /// Any integer.
    Int(i64),
    /// Any float.
    Float(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A timestamp (PostgreSQL; SQLite keeps text).
    DateTime(DateTime<Utc>),
}

impl Value {
    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The number as a float, if this is an integer or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(*v as f64),
            Value::Float(v) => Some(*v),
            _ => None,
        }
    }

    /// The text, if this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(v) => Some(v),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean or (SQLite) the integer 0 or 1.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            _ => None,
        }
    }

    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value's kind and the value, for error messages.
    fn describe(&self) -> String {
        match self {
            Value::Null => "NULL".to_owned(),
            Value::Bool(v) => format!("the boolean {v}"),
            Value::Int(v) => format!("the integer {v}"),
            Value::Float(v) => format!("the float {v}"),
            Value::Text(v) => format!("the text {v:?}"),
            Value::Bytes(v) => format!("{} bytes", v.len()),
            Value::DateTime(v) => format!("the timestamp {v}"),
        }
    }
}

/// A Rust type a raw value converts into, for [`RawRow::get`].
#[diagnostic::on_unimplemented(
    message = "a raw row's column cannot be read as `{Self}`",
    label = "read it as i64, i32, f64, bool, String, Vec<u8>, DateTime<Utc>, Value, or an Option of one"
)]
pub trait FromValue: Sized {
    /// The value as `Self`, or what was expected (`an integer`) when it is not one.
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str>;
}

macro_rules! from_value {
    ($($ty:ty => $expected:literal, |$v:ident| $convert:expr;)*) => {$(
        impl FromValue for $ty {
            fn from_value($v: &Value) -> std::result::Result<Self, &'static str> {
                $convert.ok_or($expected)
            }
        }
    )*};
}

from_value! {
    i64 => "an integer", |v| v.as_i64();
    i32 => "an integer that fits an i32", |v| v.as_i64().and_then(|n| i32::try_from(n).ok());
    f64 => "a number", |v| v.as_f64();
    bool => "a boolean", |v| v.as_bool();
    String => "text", |v| v.as_str().map(str::to_owned);
    Vec<u8> => "bytes", |v| match v { Value::Bytes(b) => Some(b.clone()), _ => None };
    DateTime<Utc> => "a timestamp", |v| match v {
        Value::DateTime(t) => Some(*t),
        // SQLite keeps timestamps as text.
        Value::Text(t) => t.parse::<DateTime<Utc>>().ok(),
        _ => None,
    };
    Value => "a value", |v| Some(v.clone());
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
        match value {
            Value::Null => Ok(None),
            value => T::from_value(value).map(Some),
        }
    }
}

/// One row of a raw query: values by column name, in select order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl RawRow {
    /// The column `name` as a `T`: `row.get::<i64>("cnt")?`. A column the row
    /// does not have, or a value that is not a `T` (NULL included, unless `T`
    /// is an `Option`), is an [`Error::Decode`] naming the column.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T> {
        let value = self.value(name).ok_or_else(|| Error::Decode {
            column: name.to_owned(),
            message: format!(
                "the row has no such column (it has {})",
                self.columns
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        T::from_value(value).map_err(|expected| Error::Decode {
            column: name.to_owned(),
            message: format!("expected {expected}, found {}", value.describe()),
        })
    }

    /// The value of the column `name`, or `None` when there is no such column.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.columns
            .iter()
            .position(|c| c == name)
            .map(|index| &self.values[index])
    }

    /// The column names, in select order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values, in select order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// `(name, value)` pairs, in select order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns.iter().map(String::as_str).zip(&self.values)
    }
}

fn sqlite_value(value: ValueRef<'_>) -> Result<Value, String> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(v) => Value::Int(v),
        ValueRef::Real(v) => Value::Float(v),
        ValueRef::Text(bytes) => Value::Text(
            std::str::from_utf8(bytes)
                .map_err(|e| format!("invalid UTF-8: {e}"))?
                .to_owned(),
        ),
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec()),
    })
}

fn postgres_value(row: &postgres::Row, index: usize) -> Result<Value, String> {
    fn get<'r, T: postgres::types::FromSql<'r>>(
        row: &'r postgres::Row,
        index: usize,
    ) -> Result<Option<T>, String> {
        row.try_get(index).map_err(|e| e.to_string())
    }
    let ty = row.columns()[index].type_().clone();
    let value = match ty {
        Type::BOOL => get::<bool>(row, index)?.map(Value::Bool),
        Type::INT2 => get::<i16>(row, index)?.map(|v| Value::Int(v.into())),
        Type::INT4 => get::<i32>(row, index)?.map(|v| Value::Int(v.into())),
        Type::INT8 => get::<i64>(row, index)?.map(Value::Int),
        Type::OID => get::<u32>(row, index)?.map(|v| Value::Int(v.into())),
        Type::FLOAT4 => get::<f32>(row, index)?.map(|v| Value::Float(v.into())),
        Type::FLOAT8 => get::<f64>(row, index)?.map(Value::Float),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            get::<String>(row, index)?.map(Value::Text)
        }
        Type::BYTEA => get::<Vec<u8>>(row, index)?.map(Value::Bytes),
        Type::TIMESTAMPTZ => get::<DateTime<Utc>>(row, index)?.map(Value::DateTime),
        Type::TIMESTAMP => get::<NaiveDateTime>(row, index)?.map(|v| Value::DateTime(v.and_utc())),
        other => {
            return Err(format!(
                "raw rows do not read the PostgreSQL type `{other}` yet: cast the column in SQL, e.g. `{}::text`",
                row.columns()[index].name()
            ))
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

/// A named database of a [`Db`], for raw SQL and transactions: `db.on("replica")`.
#[derive(Debug, Clone, Copy)]
pub struct On<'a> {
    db: &'a Db,
    alias: &'a str,
}

impl On<'_> {
    /// Runs one statement with bound parameters; returns how many rows it changed.
    /// Placeholders are `$1, $2, …` on both backends, as for
    /// [`QuerySet::raw`](crate::QuerySet::raw) (SQLite's own `?` works there too).
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let mut connection = self.db.connection(self.alias)?;
        let sql = connection.dialect().numbered_placeholders(sql);
        connection.execute(&sql, params)
    }

    /// Runs a query and returns every row, by column name.
    pub fn fetch_all(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<RawRow>> {
        let mut rows = Vec::new();
        self.for_each(sql, params, |row| {
            rows.push(row);
            true
        })?;
        Ok(rows)
    }

    /// Runs a query and returns its first row, if any.
    pub fn fetch_one(&self, sql: &str, params: &[Param<'_>]) -> Result<Option<RawRow>> {
        let mut first = None;
        self.for_each(sql, params, |row| {
            first = Some(row);
            false
        })?;
        Ok(first)
    }

    /// Runs `work` in a transaction on this database.
    pub fn transaction<T>(&self, work: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        self.db.transaction_on(self.alias, work)
    }

    fn for_each(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut keep_going: impl FnMut(RawRow) -> bool,
    ) -> Result<()> {
        let mut connection = if is_plain_select(sql) {
            self.db.read_connection(self.alias, false)?
        } else {
            self.db.connection(self.alias)?
        };
        let sql = connection.dialect().numbered_placeholders(sql);
        let mut reader = RawRowReader::default();
        connection.for_each_row(&sql, params, |row| Ok(keep_going(reader.read(row)?)))
    }
}

/// Turns the rows of one query into [`RawRow`]s sharing one list of column names.
#[derive(Default)]
pub(crate) struct RawRowReader {
    columns: Option<Arc<[String]>>,
}

impl RawRowReader {
    pub(crate) fn read(&mut self, row: &crate::row::Row<'_>) -> Result<RawRow> {
        let names = self
            .columns
            .get_or_insert_with(|| (0..row.len()).map(|i| row.column_name(i)).collect());
        let values = (0..row.len())
            .map(|index| {
                row.raw_value(index, sqlite_value, postgres_value)
                    .map_err(|message| Error::Decode {
                        column: row.column_name(index),
                        message,
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(RawRow {
            columns: Arc::clone(names),
            values,
        })
    }
}

impl Db {
    /// Raw SQL and transactions on the database registered as `alias`.
    pub fn on<'a>(&'a self, alias: &'a str) -> On<'a> {
        On { db: self, alias }
    }

    /// Runs one statement with bound parameters on the `default` database and
    /// returns how many rows it changed. Placeholders are `$1, $2, …` on both
    /// backends, so that one statement runs unchanged on either.
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        self.on(DEFAULT_ALIAS).execute(sql, params)
    }

    /// Runs a query on the `default` database and returns every row, by column
    /// name (PookieDB's `execute(…, fetch="all")`).
    pub fn fetch_all(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<RawRow>> {
        self.on(DEFAULT_ALIAS).fetch_all(sql, params)
    }

    /// Runs a query on the `default` database and returns its first row
    /// (PookieDB's `execute(…, fetch="one")`).
    pub fn fetch_one(&self, sql: &str, params: &[Param<'_>]) -> Result<Option<RawRow>> {
        self.on(DEFAULT_ALIAS).fetch_one(sql, params)
    }
}

/// True for a statement that only reads: it starts with SELECT and locks no
/// rows. Such raw queries may go to a replica; anything else (a CTE, a
/// `SELECT … FOR UPDATE`, an `INSERT … RETURNING`) runs on the primary.
pub(crate) fn is_plain_select(sql: &str) -> bool {
    let text = sql.trim_start();
    let starts_with_select = text
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("select"))
        && !text[6..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
    let upper = text.to_ascii_uppercase();
    starts_with_select
        && !upper.contains(" FOR UPDATE")
        && !upper.contains(" FOR SHARE")
        && !upper.contains(" FOR NO KEY UPDATE")
        && !upper.contains(" FOR KEY SHARE")
        && !upper.contains("NEXTVAL(")
        && !upper.contains("SETVAL(")
        && !upper.contains("PG_ADVISORY")
}
