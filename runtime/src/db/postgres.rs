//! The PostgreSQL driver: connection set-up, binding, statement cache, row
//! iteration, and recovery from a connection the server closed.

use std::collections::HashMap;

use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type};

use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// Statements kept prepared per connection before the cache starts over.
const STATEMENT_CACHE_CAPACITY: usize = 512;

/// A PostgreSQL connection with its prepared statements.
pub(crate) struct PgConnection {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
    config: postgres::Config,
    display: String,
    in_transaction: bool,
}

pub(crate) fn connect(config: &postgres::Config, display: &str) -> Result<PgConnection> {
    let client = open_client(config, display)?;
    Ok(PgConnection {
        client,
        statements: HashMap::new(),
        config: config.clone(),
        display: display.to_owned(),
        in_transaction: false,
    })
}

fn open_client(config: &postgres::Config, display: &str) -> Result<postgres::Client> {
    config.connect(postgres::NoTls).map_err(|error| {
        let reason = match std::error::Error::source(&error) {
            Some(source) => format!("{error}: {source}"),
            None => error.to_string(),
        };
        let hint = if reason.contains("TLS") || reason.contains("ssl") {
            " (this build connects without TLS: use sslmode=disable or prefer)"
        } else {
            ""
        };
        Error::connection(
            format!("cannot connect to PostgreSQL at `{display}`: {reason}{hint}"),
            Some(Box::new(error)),
        )
    })
}

/// True when the server closed the connection before it answered: it ended
/// the session (a restart, `pg_terminate_backend`) and the statement found the
/// connection closed, reset or at its end. Running it again on a new connection
/// is then safe, with one exception documented on `with_retry`.
pub(crate) fn is_connection_lost(error: &postgres::Error) -> bool {
    // SQLSTATE class 57P: the server is shutting down or was told to end this session.
    if error.is_closed()
        || error
            .code()
            .is_some_and(|code| code.code().starts_with("57P"))
    {
        return true;
    }
    let io =
        std::error::Error::source(error).and_then(|source| source.downcast_ref::<std::io::Error>());
    io.is_some_and(|io| {
        matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof
        )
    })
}

impl PgConnection {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        if self.statements.len() >= STATEMENT_CACHE_CAPACITY {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs `operation`; when the server had closed the connection (restart,
    /// `pg_terminate_backend`), reconnects and runs it once more. Inside a
    /// transaction the error is returned instead: the transaction's earlier work
    /// is gone with the connection. The one case a retry cannot tell apart is a
    /// server that crashed after committing a statement but before answering it;
    /// writes that must never run twice belong in a transaction.
    fn with_retry<T>(
        &mut self,
        mut operation: impl FnMut(&mut Self) -> Result<T, (postgres::Error, bool)>,
    ) -> Result<T> {
        match operation(self) {
            Ok(value) => Ok(value),
            Err((error, retryable)) if retryable && is_connection_lost(&error) => {
                if !self.reconnect_for_retry()? {
                    return Err(error.into());
                }
                operation(self).map_err(|(error, _)| Error::from(error))
            }
            Err((error, _)) => Err(error.into()),
        }
    }

    /// Runs a query and hands each row to `on_row` until it returns `false`.
    pub(crate) fn for_each_row(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut on_row: impl FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let mut callback_error = None;
        let outcome = self.with_retry(|this| {
            // Once a row was handed out, a failure cannot be retried.
            let statement = this.statement(sql).map_err(|e| (e, true))?;
            let mut rows = this
                .client
                .query_raw(&statement, params.iter())
                .map_err(|e| (e, true))?;
            let mut delivered = false;
            while let Some(row) = rows.next().map_err(|e| (e, !delivered))? {
                delivered = true;
                match on_row(&Row::postgres(&row)) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        callback_error = Some(error);
                        break;
                    }
                }
            }
            Ok(())
        });
        match callback_error {
            Some(error) => Err(error),
            None => outcome,
        }
    }

    /// Starts a query and returns its rows as a cursor borrowing the client
    /// (a retry after a lost connection is the caller's, through
    /// [`reconnect_for_retry`](Self::reconnect_for_retry)).
    pub(crate) fn query_rows(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<postgres::RowIter<'_>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_raw(&statement, params.iter())
    }

    /// Opens a new connection in place of one the server closed; `false`
    /// inside a transaction, where the error must be reported instead.
    pub(crate) fn reconnect_for_retry(&mut self) -> Result<bool> {
        if self.in_transaction {
            return Ok(false);
        }
        tracing::warn!(target: "pookie::pool", database = %self.display, "the server closed the connection; reconnecting once");
        self.client = open_client(&self.config, &self.display)?;
        self.statements.clear();
        Ok(true)
    }

    /// Runs a statement that returns no rows; the number of rows changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        self.with_retry(|this| {
            let statement = this.statement(sql).map_err(|e| (e, true))?;
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
            this.client
                .execute(&statement, &refs)
                .map_err(|e| (e, true))
        })
    }

    /// Runs several statements without parameters.
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.with_retry(|this| this.client.batch_execute(sql).map_err(|e| (e, true)))
    }

    pub(crate) fn set_in_transaction(&mut self, in_transaction: bool) {
        self.in_transaction = in_transaction;
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    pub(crate) fn ping(&mut self) -> Result<()> {
        Ok(self.client.is_valid(std::time::Duration::from_secs(5))?)
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

fn bind_integer(value: i64, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    match *ty {
        Type::INT2 => i16::try_from(value)?.to_sql(ty, out),
        Type::INT4 => i32::try_from(value)?.to_sql(ty, out),
        Type::INT8 => value.to_sql(ty, out),
        Type::FLOAT8 => (value as f64).to_sql(ty, out),
        _ => Err(format!("cannot bind the integer {value} to a parameter of type {ty}").into()),
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Param::Null => Ok(IsNull::Yes),
            Param::Bool(v) => v.to_sql_checked(ty, out),
            Param::I16(v) => bind_integer(i64::from(*v), ty, out),
            Param::I32(v) => bind_integer(i64::from(*v), ty, out),
            Param::I64(v) => bind_integer(*v, ty, out),
            Param::F64(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql_checked(ty, out),
            },
            Param::Text(v) => v.as_ref().to_sql_checked(ty, out),
            Param::Bytes(v) => v.as_ref().to_sql_checked(ty, out),
            Param::DateTime(v) => match *ty {
                // A column without time zone holds UTC by Pookie's convention.
                Type::TIMESTAMP => v.naive_utc().to_sql(ty, out),
                _ => v.to_sql_checked(ty, out),
            },
            other => crate::fields::bind::to_postgres(other, ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        // Each variant checks the parameter type itself, converting where it is safe.
        true
    }

    postgres::types::to_sql_checked!();
}
