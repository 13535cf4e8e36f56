//! Rows read one at a time from an open statement, with the connection they
//! come from held for as long as they are read ([`OwnedRows`]).
//!
//! The connection guard, the statement and the driver's row cursor borrow
//! each other; `self_cell` keeps them together without unsafe code of ours.

use postgres::fallible_iterator::FallibleIterator;
use self_cell::{self_cell, MutBorrow};

use super::connection::Connection;
use super::{ConnectionGuard, Db};
use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

type SqliteRowsOf<'s> = rusqlite::Rows<'s>;

self_cell!(
    /// A prepared SQLite statement and the rows it is stepping through.
    struct SqliteRows<'c> {
        owner: MutBorrow<rusqlite::CachedStatement<'c>>,
        #[covariant]
        dependent: SqliteRowsOf,
    }
);

/// The cursor of one backend, borrowing its connection.
enum Cursor<'c> {
    Sqlite(SqliteRows<'c>),
    Postgres(postgres::RowIter<'c>),
}

self_cell!(
    /// A connection and the cursor of the query running on it.
    struct GuardedCursor<'db> {
        owner: MutBorrow<ConnectionGuard<'db>>,
        #[not_covariant]
        dependent: Cursor,
    }
);

/// Why a cursor could not be opened; `lost` when the server had closed the
/// connection before the query ran.
struct OpenError {
    error: Error,
    lost: bool,
}

/// The rows of one query, read one by one. Holds its connection (a pooled
/// one, or the transaction's) until dropped.
pub(crate) struct OwnedRows<'db> {
    cell: GuardedCursor<'db>,
    /// Set once the last row was read or a row failed: no more rows.
    finished: bool,
}

fn open_cursor<'c>(
    connection: &'c mut Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Cursor<'c>, OpenError> {
    let plain = |error: Error| OpenError { error, lost: false };
    match connection {
        Connection::Sqlite(connection) => {
            let statement = super::sqlite::prepare(connection, sql, params).map_err(plain)?;
            Ok(Cursor::Sqlite(SqliteRows::new(
                MutBorrow::new(statement),
                |statement| statement.borrow_mut().raw_query(),
            )))
        }
        Connection::Postgres(connection) => connection
            .query_rows(sql, params)
            .map(Cursor::Postgres)
            .map_err(|error| OpenError {
                lost: super::postgres::is_connection_lost(&error),
                error: Error::from(error),
            }),
    }
}

impl Db {
    /// The dialect of the database registered as `alias`, to write a query
    /// before its connection is taken.
    pub(crate) fn dialect_of(&self, alias: &str) -> Result<pookie_dialect::Dialect> {
        Ok(self.databases[self.index_of(alias)?].dialect)
    }

    /// Runs a query and returns its rows as a cursor holding the connection.
    /// A connection the server had closed is replaced once, as for every other
    /// query, as long as no row has been read (and outside transactions).
    pub(crate) fn stream<'db>(
        &'db self,
        alias: &str,
        sql: &str,
        params: &[Param<'_>],
        locks_rows: bool,
    ) -> Result<OwnedRows<'db>> {
        let guard = self.read_connection(alias, locks_rows)?;
        let started = super::connection::start_timer();
        let first = GuardedCursor::try_new_or_recover(MutBorrow::new(guard), |guard| {
            open_cursor(guard.borrow_mut(), sql, params)
        });
        let cell = match first {
            Ok(cell) => cell,
            Err((guard, OpenError { error, lost })) => {
                let mut guard = guard.into_inner();
                if guard.can_fall_back(&error, lost) {
                    guard.fall_back(&error)?;
                    return Ok(OwnedRows {
                        cell: GuardedCursor::try_new(MutBorrow::new(guard), |guard| {
                            open_cursor(guard.borrow_mut(), sql, params)
                        })
                        .map_err(|failure| failure.error)?,
                        finished: false,
                    });
                }
                if !lost {
                    return Err(error);
                }
                if !guard.reconnect_for_retry()? {
                    return Err(error);
                }
                GuardedCursor::try_new(MutBorrow::new(guard), |guard| {
                    open_cursor(guard.borrow_mut(), sql, params)
                })
                .map_err(|failure| failure.error)?
            }
        };
        super::connection::log_statement(sql, params, started);
        Ok(OwnedRows {
            cell,
            finished: false,
        })
    }
}

impl OwnedRows<'_> {
    /// Reads the next row through `map`; `None` after the last one. After an
    /// error, no more rows are read.
    pub(crate) fn next_with<T>(
        &mut self,
        map: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Option<Result<T>> {
        if self.finished {
            return None;
        }
        let outcome = self
            .cell
            .with_dependent_mut(|_, cursor| -> Result<Option<T>> {
                match cursor {
                    Cursor::Sqlite(rows) => {
                        rows.with_dependent_mut(|_, rows| match rows.next()? {
                            Some(row) => map(&Row::sqlite(row)).map(Some),
                            None => Ok(None),
                        })
                    }
                    Cursor::Postgres(rows) => match rows.next()? {
                        Some(row) => map(&Row::postgres(&row)).map(Some),
                        None => Ok(None),
                    },
                }
            });
        match outcome {
            Ok(Some(value)) => Some(Ok(value)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(error) => {
                self.finished = true;
                Some(Err(error))
            }
        }
    }
}
