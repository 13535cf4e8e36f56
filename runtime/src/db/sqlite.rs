//! The SQLite driver: connection set-up, binding and row iteration.

use std::path::Path;
use std::time::Duration;

use pookie_dialect::{
    SQLITE_CASEFOLD_FUNCTION, SQLITE_DECIMAL_COLLATION, SQLITE_REGEXP_FUNCTION,
    SQLITE_UPPER_FUNCTION,
};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// Statements kept prepared per connection.
const STATEMENT_CACHE_CAPACITY: usize = 256;

pub(crate) fn open_file(path: &Path, busy_timeout: Duration) -> Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(path).map_err(|error| {
        Error::connection(
            format!(
                "cannot open the SQLite database `{}`: {error}",
                path.display()
            ),
            Some(Box::new(error)),
        )
    })?;
    connection.busy_timeout(busy_timeout)?;
    // WAL lets readers work while one connection writes; NORMAL sync is safe with WAL.
    switch_to_wal(&connection, busy_timeout).map_err(|error| {
        Error::connection(
            format!(
                "cannot use the SQLite database `{}`: {error}",
                path.display()
            ),
            Some(Box::new(error)),
        )
    })?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    configure(connection, busy_timeout)
}

/// Sets the journal mode to WAL. Switching a database that is not in WAL mode
/// yet needs its exclusive lock, and SQLite answers "database is locked" at
/// once, without waiting, while another connection writes (several programs
/// starting together on a new file, each migrating it): retried for as long
/// as the busy timeout.
fn switch_to_wal(
    connection: &rusqlite::Connection,
    busy_timeout: Duration,
) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + busy_timeout;
    loop {
        match connection.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(())) {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            outcome => return outcome,
        }
    }
}

pub(crate) fn open_memory(busy_timeout: Duration) -> Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open_in_memory()?;
    configure(connection, busy_timeout)
}

fn configure(
    connection: rusqlite::Connection,
    busy_timeout: Duration,
) -> Result<rusqlite::Connection> {
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(busy_timeout)?;
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
    register_regexp_and_upper(&connection)?;
    connection.create_collation(SQLITE_DECIMAL_COLLATION, compare_decimal_text)?;
    crate::fields::decimal_aggregates::register(&connection)?;
    Ok(connection)
}

/// The decimal collation: two texts compared as the numbers they spell, exactly
/// (`"10.00" > "9.50"`, `"1.0" = "1.00"`). Text that is not a number sorts after
/// every number, by its bytes, so that the order stays total.
fn compare_decimal_text(left: &str, right: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    use std::str::FromStr;
    if left == right {
        return Ordering::Equal;
    }
    let parse = |text: &str| bigdecimal::BigDecimal::from_str(text.trim()).ok();
    match (parse(left), parse(right)) {
        (Some(left), Some(right)) => left.cmp(&right),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => left.cmp(right),
    }
}

impl rusqlite::ToSql for Param<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        crate::fields::bind::to_sqlite(self)
    }
}

pub(crate) fn prepare<'c>(
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

pub(crate) fn ping(connection: &rusqlite::Connection) -> Result<()> {
    connection.query_row("SELECT 1", [], |_| Ok(()))?;
    Ok(())
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

/// SQLite parses `x REGEXP p` as `regexp(p, x)` but ships no such function;
/// this one runs Rust's `regex`, compiling each pattern once per statement.
/// Also registers a Unicode upper-case function (SQLite's `UPPER` is ASCII-only).
fn register_regexp_and_upper(connection: &rusqlite::Connection) -> Result<()> {
    connection.create_scalar_function(
        SQLITE_REGEXP_FUNCTION,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            let pattern =
                context.get_or_create_aux(
                    0,
                    |value| -> std::result::Result<
                        regex::Regex,
                        Box<dyn std::error::Error + Send + Sync>,
                    > {
                        let text = value.as_str()?;
                        Ok(regex::Regex::new(text)?)
                    },
                )?;
            Ok(match context.get_raw(1) {
                ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                    .ok()
                    .map(|text| pattern.is_match(text)),
                _ => None,
            })
        },
    )?;
    connection.create_scalar_function(
        SQLITE_UPPER_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            Ok(match context.get_raw(0) {
                ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok().map(str::to_uppercase),
                _ => None,
            })
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::compare_decimal_text;

    #[test]
    fn decimal_text_compares_by_value() {
        assert_eq!(compare_decimal_text("10.00", "9.50"), Ordering::Greater);
        assert_eq!(compare_decimal_text("-10", "-9.5"), Ordering::Less);
        assert_eq!(compare_decimal_text("1.0", "1.00"), Ordering::Equal);
        let huge = "12345678901234567890123456789012345678901234567890123456789012345";
        let huge_plus_one = "12345678901234567890123456789012345678901234567890123456789012346";
        assert_eq!(compare_decimal_text(huge, huge_plus_one), Ordering::Less);
        assert_eq!(
            compare_decimal_text("0.1", "0.10000000000000000000000000001"),
            Ordering::Less
        );
        assert_eq!(compare_decimal_text("abc", "99"), Ordering::Greater);
        assert_eq!(compare_decimal_text("abc", "abd"), Ordering::Less);
    }
}
