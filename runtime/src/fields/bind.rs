//! Binding the parameter kinds of this module to each driver. The drivers call
//! these for every `Param` variant they do not bind themselves.

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};
use rusqlite::types::{ToSqlOutput, Value as SqliteValue, ValueRef};

use super::array::array_json;
use super::json::bind_json;
use super::numeric::encode_numeric;
use super::scalars::{sqlite_date, sqlite_time};
use crate::value::{sqlite_timestamp, Param};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

fn refuse(message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(message.into().into())
}

/// The SQLite value of `param`.
pub(crate) fn to_sqlite<'p>(param: &'p Param<'_>) -> rusqlite::Result<ToSqlOutput<'p>> {
    Ok(match param {
        Param::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        Param::Bool(v) => ToSqlOutput::Owned(SqliteValue::Integer(i64::from(*v))),
        Param::I16(v) => ToSqlOutput::Owned(SqliteValue::Integer(i64::from(*v))),
        Param::I32(v) => ToSqlOutput::Owned(SqliteValue::Integer(i64::from(*v))),
        Param::I64(v) => ToSqlOutput::Owned(SqliteValue::Integer(*v)),
        Param::F64(v) => ToSqlOutput::Owned(SqliteValue::Real(*v)),
        Param::Text(v) | Param::Decimal(v) | Param::Json(v) => {
            ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes()))
        }
        Param::Bytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        Param::DateTime(v) => ToSqlOutput::Owned(SqliteValue::Text(sqlite_timestamp(v))),
        Param::Date(v) => ToSqlOutput::Owned(SqliteValue::Text(sqlite_date(v))),
        Param::Time(v) => ToSqlOutput::Owned(SqliteValue::Text(sqlite_time(v))),
        Param::Uuid(v) => ToSqlOutput::Owned(SqliteValue::Text(
            v.hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer())
                .to_owned(),
        )),
        Param::Array(items) => {
            ToSqlOutput::Owned(SqliteValue::Text(array_json(items).map_err(refuse)?))
        }
        Param::Invalid(message) => return Err(refuse(message.clone())),
    })
}

/// Writes `param` for a PostgreSQL parameter of type `ty`, for the variants
/// that are not plain numbers, text or bytes.
pub(crate) fn to_postgres(
    param: &Param<'_>,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    match param {
        Param::Date(v) => v.to_sql_checked(ty, out),
        Param::Time(v) => v.to_sql_checked(ty, out),
        Param::Uuid(v) => match *ty {
            Type::TEXT | Type::VARCHAR => v.to_string().as_str().to_sql(ty, out),
            _ => v.to_sql_checked(ty, out),
        },
        Param::Decimal(text) => match *ty {
            Type::NUMERIC => encode_numeric(text, out).map(|()| IsNull::No),
            Type::TEXT | Type::VARCHAR => text.as_ref().to_sql(ty, out),
            _ => Err(format!("cannot bind the decimal {text} to a parameter of type {ty}").into()),
        },
        Param::Json(text) => bind_json(text, ty, out),
        Param::Array(items) => items.as_slice().to_sql(ty, out),
        Param::Invalid(message) => Err(message.clone().into()),
        other => Err(format!("cannot bind {other} to a parameter of type {ty}").into()),
    }
}
