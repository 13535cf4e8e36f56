//! JSON columns: `serde_json::Value`, or any type of the user's that implements
//! `Serialize` and `Deserialize` (`JSONField(schema = "crate::Settings")`).

use std::borrow::Cow;

use postgres::types::{FromSql as PgFromSql, Type};
use rusqlite::types::ValueRef;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::row::{postgres_get, sqlite_type_error, FromSql};
use crate::value::{Param, ToParam};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// The JSONB binary format is a version byte, then the text.
const JSONB_VERSION: u8 = 1;

/// A value of a JSON column read into the user's type `T`: generated code
/// reads a `JSONField(schema = …)` through it.
///
/// ```
/// use pookie::{Json, Param, ToParam};
/// let tags = Json(vec!["rust", "orm"]);
/// assert_eq!(tags.to_param(), Param::Json(r#"["rust","orm"]"#.into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Json<T>(pub T);

/// `value` serialized as a JSON parameter; a value whose `Serialize` fails
/// becomes a parameter that refuses to bind, with the reason (`full_clean`
/// reports it first, so a save never gets that far).
pub fn json_param<T: Serialize + ?Sized>(value: &T) -> Param<'static> {
    match serde_json::to_string(value) {
        Ok(text) => Param::Json(Cow::Owned(text)),
        Err(error) => Param::Invalid(format!("the value cannot be written as JSON: {error}")),
    }
}

/// The JSON text of a column on either backend.
struct PgJsonText<'a>(&'a [u8]);

impl<'a> PgFromSql<'a> for PgJsonText<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        if *ty == Type::JSONB {
            match raw.split_first() {
                Some((&JSONB_VERSION, text)) => Ok(PgJsonText(text)),
                _ => Err("unsupported JSONB version".into()),
            }
        } else {
            Ok(PgJsonText(raw))
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::JSON | Type::JSONB | Type::TEXT | Type::VARCHAR)
    }
}

/// Writes JSON text for a parameter of type `ty`.
pub(crate) fn bind_json(
    text: &str,
    ty: &Type,
    out: &mut bytes::BytesMut,
) -> Result<postgres::types::IsNull, BoxError> {
    use bytes::BufMut;
    match *ty {
        Type::JSONB => out.put_u8(JSONB_VERSION),
        Type::JSON | Type::TEXT | Type::VARCHAR => {}
        _ => return Err(format!("cannot bind JSON to a parameter of type {ty}").into()),
    }
    out.put_slice(text.as_bytes());
    Ok(postgres::types::IsNull::No)
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes)
        .map_err(|error| format!("the JSON does not fit the field's type: {error}"))
}

fn from_sqlite_json<T: DeserializeOwned>(value: ValueRef<'_>) -> Result<T, String> {
    match value {
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => decode(bytes),
        other => Err(sqlite_type_error("JSON text", other)),
    }
}

fn from_postgres_json<T: DeserializeOwned>(row: &postgres::Row, index: usize) -> Result<T, String> {
    let PgJsonText(bytes) = postgres_get(row, index)?;
    decode(bytes)
}

impl ToParam for serde_json::Value {
    fn to_param(&self) -> Param<'_> {
        Param::Json(Cow::Owned(self.to_string()))
    }
}

impl From<serde_json::Value> for Param<'static> {
    fn from(value: serde_json::Value) -> Self {
        Param::Json(Cow::Owned(value.to_string()))
    }
}

impl FromSql for serde_json::Value {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        from_sqlite_json(value)
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        from_postgres_json(row, index)
    }
}

/// `ArrayField(JSONField())`: a PostgreSQL `jsonb[]`; on SQLite the column
/// is one JSON array, whose elements are the values themselves.
impl super::ArrayElement for serde_json::Value {
    fn element_param(&self) -> Param<'_> {
        self.to_param()
    }

    fn from_json(value: &serde_json::Value) -> Result<Self, String> {
        Ok(value.clone())
    }

    fn from_pg(ty: &Type, raw: &[u8]) -> Result<Self, BoxError> {
        let PgJsonText(bytes) = PgJsonText::from_sql(ty, raw)?;
        Ok(decode(bytes)?)
    }

    fn pg_accepts(ty: &Type) -> bool {
        <PgJsonText<'_> as PgFromSql<'_>>::accepts(ty)
    }
}

impl<T: Serialize> ToParam for Json<T> {
    fn to_param(&self) -> Param<'_> {
        json_param(&self.0)
    }
}

impl<T: DeserializeOwned> FromSql for Json<T> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        from_sqlite_json(value).map(Json)
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        from_postgres_json(row, index).map(Json)
    }
}
