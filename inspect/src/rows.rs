//! Reading catalog rows ([`pookie::RawRow`]) by column name, with errors that
//! name the column: a catalog query that does not return what it selects is a
//! bug in this crate, never the user's input, but it must not panic.

use pookie::{RawRow, Value};

use super::InspectError;

fn value<'r>(row: &'r RawRow, column: &str) -> Result<&'r Value, InspectError> {
    row.value(column).ok_or_else(|| {
        InspectError::new(format!("the catalog query returned no column `{column}`"))
    })
}

fn wrong(column: &str, expected: &str, found: &Value) -> InspectError {
    InspectError::new(format!(
        "the catalog column `{column}` holds {found:?}, not {expected}"
    ))
}

/// A text column that may be NULL.
pub fn opt_text(row: &RawRow, column: &str) -> Result<Option<String>, InspectError> {
    match value(row, column)? {
        Value::Null => Ok(None),
        Value::Text(text) => Ok(Some(text.clone())),
        other => Err(wrong(column, "text", other)),
    }
}

/// A text column.
pub fn text(row: &RawRow, column: &str) -> Result<String, InspectError> {
    opt_text(row, column)?.ok_or_else(|| wrong(column, "text", &Value::Null))
}

/// An integer column.
pub fn int(row: &RawRow, column: &str) -> Result<i64, InspectError> {
    let found = value(row, column)?;
    found
        .as_i64()
        .ok_or_else(|| wrong(column, "an integer", found))
}

/// A boolean column (SQLite's 0 and 1 included).
pub fn boolean(row: &RawRow, column: &str) -> Result<bool, InspectError> {
    let found = value(row, column)?;
    found
        .as_bool()
        .ok_or_else(|| wrong(column, "a boolean", found))
}

/// A text column holding a JSON array of strings (PostgreSQL arrays are read
/// as `to_json(…)::text`: raw rows do not decode arrays).
pub fn text_list(row: &RawRow, column: &str) -> Result<Vec<String>, InspectError> {
    let json = text(row, column)?;
    serde_json::from_str(&json).map_err(|e| {
        InspectError::new(format!(
            "the catalog column `{column}` is not a JSON list of text: {e}"
        ))
    })
}

/// A text column holding a JSON array of strings and NULLs.
pub fn opt_text_list(row: &RawRow, column: &str) -> Result<Vec<Option<String>>, InspectError> {
    let json = text(row, column)?;
    serde_json::from_str(&json).map_err(|e| {
        InspectError::new(format!(
            "the catalog column `{column}` is not a JSON list of text: {e}"
        ))
    })
}
