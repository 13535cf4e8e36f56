//! The SQLite driver: connection set-up, binding and row iteration.

use std::path::Path;

use pookie_dialect::SQLITE_CASEFOLD_FUNCTION;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// Statements kept prepared per connection.
const STATEMENT_CACHE_CAPACITY: usize = 256;

pub(crate) fn open_file(path: &Path) -> Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(path).map_err(|error| {
        Error::connection(
            format!(
                "cannot open the SQLite database `{}`: {error}",
                path.display()
            ),
            Some(Box::new(error)),
        )
    })?;
    // WAL lets readers work while one connection writes; NORMAL sync is safe with WAL.
    connection
        .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
        .map_err(|error| {
            Error::connection(
                format!(
                    "cannot use the SQLite database `{}`: {error}",
                    path.display()
                ),
                Some(Box::new(error)),
            )
        })?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    configure(connection)
}

pub(crate) fn open_memory() -> Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open_in_memory()?;
    configure(connection)
}

fn configure(connection: rusqlite::Connection) -> Result<rusqlite::Connection> {
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
    connection.create_scalar_function(
        SQLITE_CASEFOLD_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            Ok(match context.get_raw(0) {
                ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => Some(text.to_lowercase()),
                    Err(_) => None,
                },
                _ => None,
            })
        },
    )?;
    Ok(connection)
}

impl rusqlite::ToSql for Param<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        crate::fields::bind::to_sqlite(self)
    }
}

fn prepare<'c>(
    connection: &'c rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut statement = connection.prepare_cached(sql)?;
    for (index, param) in params.iter().enumerate() {
        statement.raw_bind_parameter(index + 1, param)?;
    }
    Ok(statement)
}

/// Runs a query and hands each row to `on_row` until it returns `false`.
pub(crate) fn for_each_row(
    connection: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
    mut on_row: impl FnMut(&Row<'_>) -> Result<bool>,
) -> Result<()> {
    let mut statement = prepare(connection, sql, params)?;
    let mut rows = statement.raw_query();
    while let Some(row) = rows.next()? {
        if !on_row(&Row::sqlite(row))? {
            break;
        }
    }
    Ok(())
}

/// Runs a statement that returns no rows; the number of rows changed.
pub(crate) fn execute(
    connection: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64> {
    let mut statement = prepare(connection, sql, params)?;
    Ok(statement.raw_execute()? as u64)
}
