//! `choices = SomeEnum`: the enums generated from a schema's `enum` blocks are
//! stored as their string values.

use std::fmt;

use rusqlite::types::ValueRef;

use crate::row::{postgres_get, sqlite_type_error};

/// A `choices` enum generated from a schema's `enum` block. Generated code
/// implements it, with `Display`, `FromStr`, `ToParam`, `FromSql` and
/// `FieldType` on top.
pub trait Choice: Copy + Sized + 'static {
    /// The enum's name as written in the schema.
    const NAME: &'static str;
    /// Every stored value, in declaration order.
    const VALUES: &'static [&'static str];
    /// The string stored in the database.
    fn value(self) -> &'static str;
    /// The variant stored as `value`, if any.
    fn from_value(value: &str) -> Option<Self>;

    /// Parses a stored value, with an error listing the allowed ones.
    fn parse(value: &str) -> Result<Self, InvalidChoice> {
        Self::from_value(value).ok_or_else(|| InvalidChoice {
            enum_name: Self::NAME,
            value: value.to_owned(),
            allowed: Self::VALUES,
        })
    }
}

/// A string that is none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidChoice {
    /// The enum's name.
    pub enum_name: &'static str,
    /// The string that was given.
    pub value: String,
    /// The values the enum allows.
    pub allowed: &'static [&'static str],
}

impl fmt::Display for InvalidChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a {}: expected ", self.value, self.enum_name)?;
        for (i, value) in self.allowed.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == self.allowed.len() {
                    " or "
                } else {
                    ", "
                })?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidChoice {}

/// Reads an SQLite value into the enum `C`. Called by generated code.
pub fn choice_from_sqlite<C: Choice>(value: ValueRef<'_>) -> Result<C, String> {
    match value {
        ValueRef::Text(bytes) => {
            let text =
                std::str::from_utf8(bytes).map_err(|error| format!("invalid UTF-8: {error}"))?;
            C::parse(text).map_err(|error| error.to_string())
        }
        other => Err(sqlite_type_error("text", other)),
    }
}

/// Reads column `index` of a PostgreSQL row into the enum `C`. Called by generated code.
pub fn choice_from_postgres<C: Choice>(row: &postgres::Row, index: usize) -> Result<C, String> {
    let crate::row::PgText(text) = postgres_get(row, index)?;
    C::parse(text).map_err(|error| error.to_string())
}
