//! One open connection to either backend, with every statement logged
//! through `tracing` (target `pookie::sql`).

use std::time::Instant;

use super::options::{ConnectOptions, Engine};
use super::{postgres, sqlite};
use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// An open connection to one backend.
pub(crate) enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::PgConnection>),
}

/// Logs a statement at INFO with its duration, and its parameters at DEBUG
/// only (they may hold personal data).
pub(crate) fn log_statement(sql: &str, params: &[Param<'_>], started: Option<Instant>) {
    if let Some(started) = started {
        let micros = started.elapsed().as_micros() as u64;
        crate::capture::record(sql);
        tracing::info!(target: "pookie::sql", duration_us = micros, "{sql}");
        tracing::debug!(target: "pookie::sql", ?params, "parameters");
    }
}

pub(crate) fn start_timer() -> Option<Instant> {
    (crate::capture::is_capturing()
        || tracing::enabled!(target: "pookie::sql", tracing::Level::INFO))
    .then(Instant::now)
}

impl Connection {
    pub(crate) fn open(options: &ConnectOptions) -> Result<Connection> {
        Ok(match &options.engine {
            Engine::SqliteFile(path) => {
                Connection::Sqlite(sqlite::open_file(path, options.busy_timeout)?)
            }
            Engine::SqliteMemory => Connection::Sqlite(sqlite::open_memory(options.busy_timeout)?),
            Engine::Postgres(pg) => {
                let tls = pg.tls.client_config()?;
                Connection::Postgres(Box::new(postgres::connect(pg, tls, &options.to_string())?))
            }
        })
    }

    /// Runs a query and hands each row to `on_row` until it returns `false`.
    pub(crate) fn for_each_row(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        on_row: impl FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let started = start_timer();
        let outcome = match self {
            Connection::Sqlite(connection) => sqlite::for_each_row(connection, sql, params, on_row),
            Connection::Postgres(connection) => connection.for_each_row(sql, params, on_row),
        };
        log_statement(sql, params, started);
        outcome
    }

    /// Runs a query and maps every row.
    pub(crate) fn query_map<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut map: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each_row(sql, params, |row| {
            out.push(map(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Runs a query and maps its first row, if any.
    pub(crate) fn query_first<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut map = Some(map);
        let mut out = None;
        self.for_each_row(sql, params, |row| {
            if let Some(map) = map.take() {
                out = Some(map(row)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// Runs a statement that returns no rows; the number of rows changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let started = start_timer();
        let outcome = match self {
            Connection::Sqlite(connection) => sqlite::execute(connection, sql, params),
            Connection::Postgres(connection) => connection.execute(sql, params),
        };
        log_statement(sql, params, started);
        outcome
    }

    /// Runs an INSERT of `rows` rows into a table whose key the database
    /// assigns, and returns the keys in row order: from `RETURNING` on
    /// PostgreSQL, from the statement's last key on SQLite, where one INSERT
    /// assigns consecutive keys.
    pub(crate) fn insert_returning_keys(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        rows: usize,
    ) -> Result<Vec<i64>> {
        match self {
            Connection::Sqlite(_) => {
                let last = self.insert_returning_key(sql, params)?;
                Ok((last + 1 - rows as i64..=last).collect())
            }
            Connection::Postgres(_) => self.query_map(sql, params, |row| row.get::<i64>(0)),
        }
    }

    /// Runs a one-row INSERT into a table whose key the database assigns and
    /// returns that key.
    pub(crate) fn insert_returning_key(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64> {
        let key = match self {
            Connection::Sqlite(connection) => {
                let started = start_timer();
                let outcome = sqlite::execute(connection, sql, params);
                log_statement(sql, params, started);
                outcome.map(|_| Some(connection.last_insert_rowid()))?
            }
            Connection::Postgres(_) => self.query_first(sql, params, |row| row.get::<i64>(0))?,
        };
        key.ok_or_else(|| Error::usage("the INSERT returned no key"))
    }

    /// Runs statements without parameters (DDL, transaction control).
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        let started = start_timer();
        let outcome = match self {
            Connection::Sqlite(connection) => Ok(connection.execute_batch(sql)?),
            Connection::Postgres(connection) => connection.batch_execute(sql),
        };
        log_statement(sql, &[], started);
        outcome
    }

    /// Marks the connection as inside (or outside) a transaction: a lost
    /// connection is then reported instead of silently replaced.
    pub(crate) fn set_in_transaction(&mut self, in_transaction: bool) {
        if let Connection::Postgres(connection) = self {
            connection.set_in_transaction(in_transaction);
        }
    }

    /// Replaces a connection the server closed, so that a query that never
    /// ran can be sent again; `false` (nothing done) inside a transaction,
    /// whose earlier work went with the connection.
    pub(crate) fn reconnect_for_retry(&mut self) -> Result<bool> {
        match self {
            Connection::Sqlite(_) => Ok(false),
            Connection::Postgres(connection) => connection.reconnect_for_retry(),
        }
    }

    /// A round trip proving the connection works (the pool's health check).
    pub(crate) fn ping(&mut self) -> Result<()> {
        match self {
            Connection::Sqlite(connection) => sqlite::ping(connection),
            Connection::Postgres(connection) => connection.ping(),
        }
    }

    /// True when the connection can no longer be used, so the pool drops it.
    pub(crate) fn is_broken(&self) -> bool {
        match self {
            Connection::Sqlite(_) => false,
            Connection::Postgres(connection) => connection.is_closed(),
        }
    }
}
