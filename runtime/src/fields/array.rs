//! `ArrayField`: a `Vec<T>` stored as a JSON array on SQLite and as a native
//! array on PostgreSQL.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use postgres::types::{FromSql as PgFromSql, Type};
use rusqlite::types::ValueRef;
use rust_decimal::Decimal;
use serde_json::Value;

use super::numeric::{parse_decimal, PgNumeric};
use super::scalars::{parse_date, parse_time};
use crate::row::{parse_sqlite_timestamp, postgres_get, sqlite_type_error, FromSql};
use crate::value::{Param, ToParam};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// A type that can be an element of an `ArrayField`.
pub trait ArrayElement: Sized {
    /// The element as a parameter.
    fn element_param(&self) -> Param<'_>;
    /// Reads the element from its JSON form (SQLite).
    fn from_json(value: &Value) -> Result<Self, String>;
    /// Reads the element from PostgreSQL's binary form.
    #[doc(hidden)]
    fn from_pg(ty: &Type, raw: &[u8]) -> Result<Self, BoxError>;
    /// Whether a PostgreSQL array of `ty` holds this element type.
    #[doc(hidden)]
    fn pg_accepts(ty: &Type) -> bool;
}

fn expected(what: &str, value: &Value) -> String {
    format!("expected {what} in the JSON array, found {value}")
}

macro_rules! native_element {
    ($($ty:ty => $json:expr),* $(,)?) => {$(
        impl ArrayElement for $ty {
            fn element_param(&self) -> Param<'_> {
                self.to_param()
            }
            fn from_json(value: &Value) -> Result<Self, String> {
                let read: fn(&Value) -> Option<$ty> = $json;
                read(value).ok_or_else(|| expected(stringify!($ty), value))
            }
            fn from_pg(ty: &Type, raw: &[u8]) -> Result<Self, BoxError> {
                <$ty as PgFromSql>::from_sql(ty, raw).map(Into::into)
            }
            fn pg_accepts(ty: &Type) -> bool {
                <$ty as PgFromSql>::accepts(ty)
            }
        }
    )*};
}

native_element!(
    i16 => |v| v.as_i64().and_then(|v| i16::try_from(v).ok()),
    i32 => |v| v.as_i64().and_then(|v| i32::try_from(v).ok()),
    i64 => |v| v.as_i64(),
    f64 => |v| v.as_f64(),
    bool => |v| v.as_bool(),
    NaiveDate => |v| v.as_str().and_then(parse_date),
    NaiveTime => |v| v.as_str().and_then(parse_time),
    DateTime<Utc> => |v| v.as_str().and_then(parse_sqlite_timestamp),
    uuid::Uuid => |v| v.as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()),
);

impl ArrayElement for String {
    fn element_param(&self) -> Param<'_> {
        self.to_param()
    }
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| expected("a string", value))
    }
    fn from_pg(ty: &Type, raw: &[u8]) -> Result<Self, BoxError> {
        <&str as PgFromSql>::from_sql(ty, raw).map(str::to_owned)
    }
    fn pg_accepts(ty: &Type) -> bool {
        <&str as PgFromSql>::accepts(ty)
    }
}

macro_rules! decimal_element {
    ($($ty:ty),*) => {$(
        impl ArrayElement for $ty {
            fn element_param(&self) -> Param<'_> {
                self.to_param()
            }
            fn from_json(value: &Value) -> Result<Self, String> {
                match value {
                    Value::String(text) => parse_decimal(text),
                    Value::Number(number) => parse_decimal(&number.to_string()),
                    other => Err(expected("a decimal", other)),
                }
            }
            fn from_pg(ty: &Type, raw: &[u8]) -> Result<Self, BoxError> {
                let PgNumeric(text) = PgNumeric::from_sql(ty, raw)?;
                Ok(parse_decimal(&text)?)
            }
            fn pg_accepts(ty: &Type) -> bool {
                <PgNumeric as PgFromSql>::accepts(ty)
            }
        }
    )*};
}

decimal_element!(Decimal, BigDecimal);

/// One element of a PostgreSQL array.
struct PgElement<T>(T);

impl<'a, T: ArrayElement> PgFromSql<'a> for PgElement<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        T::from_pg(ty, raw).map(PgElement)
    }
    fn accepts(ty: &Type) -> bool {
        T::pg_accepts(ty)
    }
}

impl<T: ArrayElement> ToParam for Vec<T> {
    fn to_param(&self) -> Param<'_> {
        Param::Array(self.iter().map(T::element_param).collect())
    }
}

impl<T: ArrayElement> From<Vec<T>> for Param<'static> {
    fn from(value: Vec<T>) -> Self {
        Param::Array(
            value
                .iter()
                .map(|element| element.element_param().into_owned())
                .collect(),
        )
    }
}

impl<T: ArrayElement> FromSql for Vec<T> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        let bytes = match value {
            ValueRef::Text(bytes) => bytes,
            other => return Err(sqlite_type_error("a JSON array", other)),
        };
        let items: Vec<Value> = serde_json::from_slice(bytes)
            .map_err(|error| format!("the column does not hold a JSON array: {error}"))?;
        items.iter().map(T::from_json).collect()
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        let items: Vec<PgElement<T>> = postgres_get(row, index)?;
        Ok(items.into_iter().map(|PgElement(item)| item).collect())
    }
}

/// The JSON form of an array parameter, as SQLite stores it. Decimals are JSON
/// strings so that no digit is lost; dates and times use their SQLite text.
pub(crate) fn array_json(items: &[Param<'_>]) -> Result<String, String> {
    fn element(param: &Param<'_>) -> Result<Value, String> {
        Ok(match param {
            Param::Null => Value::Null,
            Param::Bool(v) => Value::Bool(*v),
            Param::I16(v) => Value::from(*v),
            Param::I32(v) => Value::from(*v),
            Param::I64(v) => Value::from(*v),
            Param::F64(v) => serde_json::Number::from_f64(*v)
                .map(Value::Number)
                .ok_or_else(|| format!("{v} cannot be stored in a JSON array"))?,
            Param::Text(v) | Param::Decimal(v) => Value::String(v.to_string()),
            Param::DateTime(v) => Value::String(crate::value::sqlite_timestamp(v)),
            Param::Date(v) => Value::String(super::scalars::sqlite_date(v)),
            Param::Time(v) => Value::String(super::scalars::sqlite_time(v)),
            Param::Uuid(v) => Value::String(v.to_string()),
            Param::Array(items) => {
                Value::Array(items.iter().map(element).collect::<Result<_, _>>()?)
            }
            Param::Json(text) => serde_json::from_str(text).map_err(|e| e.to_string())?,
            Param::Bytes(_) => return Err("bytes cannot be stored in a JSON array".into()),
            Param::Invalid(message) => return Err(message.clone()),
        })
    }
    let items = items.iter().map(element).collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Array(items).to_string())
}
