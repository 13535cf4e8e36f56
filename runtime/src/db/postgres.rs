//! The PostgreSQL driver: connection set-up, binding, statement cache, row
//! iteration, and recovery from a connection the server closed.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{Format, IsNull, Kind, ToSql, Type};

use super::options::PgOptions;
use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// Statements kept prepared per connection before the cache starts over.
const STATEMENT_CACHE_CAPACITY: usize = 512;

/// A PostgreSQL connection with its prepared statements.
pub(crate) struct PgConnection {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
    options: PgOptions,
    tls: Option<Arc<rustls::ClientConfig>>,
    display: String,
    in_transaction: bool,
}

pub(crate) fn connect(
    options: &PgOptions,
    tls: Option<Arc<rustls::ClientConfig>>,
    display: &str,
) -> Result<PgConnection> {
    let client = open_client(options, tls.as_ref(), display)?;
    Ok(PgConnection {
        client,
        statements: HashMap::new(),
        options: options.clone(),
        tls,
        display: display.to_owned(),
        in_transaction: false,
    })
}

fn open_client(
    options: &PgOptions,
    tls: Option<&Arc<rustls::ClientConfig>>,
    display: &str,
) -> Result<postgres::Client> {
    let mut config = options.startup_config();
    config.ssl_mode(options.tls.driver_mode());
    let connected = match tls {
        Some(tls) => config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(
            rustls::ClientConfig::clone(tls),
        )),
        None => config.connect(postgres::NoTls),
    };
    connected.map_err(|error| {
        let reason = describe_connect_error(&error, options, display);
        Error::connection(
            format!("cannot connect to PostgreSQL at `{display}`: {reason}"),
            Some(Box::new(error)),
        )
    })
}

/// Why a connection attempt failed, in words that name the cause: the
/// server's own message for a missing database or role or a refused
/// password, the TLS problem, or what the network said.
fn describe_connect_error(error: &postgres::Error, options: &PgOptions, display: &str) -> String {
    let config = &options.config;
    let user = config.get_user().unwrap_or("");
    let dbname = config.get_dbname().unwrap_or(user);
    if let Some(db_error) = error.as_db_error() {
        let mut message = db_error.message().to_owned();
        if let Some(detail) = db_error.detail() {
            message = format!("{message} ({detail})");
        }
        let hint = match db_error.code().code() {
            "3D000" => format!(
                ": create it (CREATE DATABASE \"{dbname}\";) or fix the database name in the URL"
            ),
            "28000" if message.contains("role") => format!(
                ": create the role (CREATE ROLE \"{user}\" LOGIN;) or fix the user name in the URL"
            ),
            "28000" => ": the server's pg_hba.conf has no rule letting this user, database and host in".to_owned(),
            "28P01" => ": check the password (and that the user exists)".to_owned(),
            "53300" => ": the server has no connection slot left; lower pool_max_size or raise max_connections".to_owned(),
            "57P03" => ": the server is starting up or shutting down; try again shortly".to_owned(),
            _ => match db_error.hint() {
                Some(hint) => format!(" (hint: {hint})"),
                None => String::new(),
            },
        };
        return format!("{message}{hint}");
    }
    if let Some(tls) = super::tls::explain(error, options.tls.mode) {
        return tls;
    }
    let mut reason = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(current) = cause {
        let text = current.to_string();
        if !reason.contains(&text) {
            reason = format!("{reason}: {text}");
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            let address = display.split('@').next_back().unwrap_or(display);
            let address = address.split('/').next().unwrap_or(address);
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return format!("nothing accepts connections at {address}: is the server running, and on this port? ({reason})")
                }
                std::io::ErrorKind::TimedOut => {
                    return format!("no answer from {address} within the connect timeout ({reason})")
                }
                _ if text.contains("lookup") || text.contains("Name or service not known") || text.contains("nodename nor servname") => {
                    return format!("the host name in {address} is unknown: check it ({reason})")
                }
                _ => {}
            }
        }
        cause = current.source();
    }
    if reason.contains("timed out") || reason.contains("timeout") {
        return format!(
            "no answer within the connect timeout ({:?}): {reason}",
            config.get_connect_timeout().copied().unwrap_or_default()
        );
    }
    reason
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
            let mut rows = this.query_rows(sql, params).map_err(|e| (e, true))?;
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
        if !self.options.statement_cache {
            // Behind PgBouncer in transaction mode a prepared statement may be
            // gone by the next round trip: parse, bind and run it unnamed in
            // one, with the server inferring every parameter's type.
            return self
                .client
                .query_typed_raw(sql, params.iter().map(|param| (param, Type::UNKNOWN)));
        }
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
        self.client = open_client(&self.options, self.tls.as_ref(), &self.display)?;
        self.statements.clear();
        Ok(true)
    }

    /// Runs a statement that returns no rows; the number of rows changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        self.with_retry(|this| {
            if !this.options.statement_cache {
                let mut rows = this.query_rows(sql, params).map_err(|e| (e, true))?;
                while rows.next().map_err(|e| (e, false))?.is_some() {}
                return Ok(rows.rows_affected().unwrap_or(0));
            }
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
        if *ty == Type::UNKNOWN {
            return unnamed::to_text(self, out);
        }
        if let Kind::Domain(base) = ty.kind() {
            // A domain's values travel as its base type's.
            return self.to_sql(base, out);
        }
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
            Param::Text(v) if !<&str as ToSql>::accepts(ty) => {
                // Sent as text (see `encode_format`): the server reads it as
                // the column's type, be it an enum, a domain or a `db_type`.
                out.extend_from_slice(v.as_bytes());
                Ok(IsNull::No)
            }
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

    fn encode_format(&self, ty: &Type) -> Format {
        if let Kind::Domain(base) = ty.kind() {
            return self.encode_format(base);
        }
        // Unnamed statements leave every parameter's type to the server, so
        // values go as text, which it reads as whatever type it infers.
        // So do strings bound to a type that has no Rust string
        // counterpart (an enum, `tsvector`, a range): the server parses them.
        // And NULL, which needs no conversion: some types (`gtsvector`) have
        // no binary input at all, and the server refuses a binary NULL for them.
        let text_for_the_server = matches!(self, Param::Null)
            || (matches!(self, Param::Text(_)) && !<&str as ToSql>::accepts(ty));
        if *ty == Type::UNKNOWN || text_for_the_server {
            Format::Text
        } else {
            Format::Binary
        }
    }

    fn accepts(_: &Type) -> bool {
        // Each variant checks the parameter type itself, converting where it is safe.
        true
    }

    postgres::types::to_sql_checked!();
}

/// Parameters as text, for unnamed statements (PgBouncer's transaction mode).
mod unnamed {
    use std::fmt::Write;

    use bytes::{BufMut, BytesMut};
    use postgres::types::IsNull;

    use super::BoxError;
    use crate::value::Param;

    pub(super) fn to_text(param: &Param<'_>, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if matches!(param, Param::Null) {
            return Ok(IsNull::Yes);
        }
        let mut text = String::new();
        write_text(param, &mut text)?;
        out.put_slice(text.as_bytes());
        Ok(IsNull::No)
    }

    fn write_text(param: &Param<'_>, out: &mut String) -> Result<(), BoxError> {
        match param {
            Param::Null => out.push_str("NULL"),
            Param::Bool(v) => out.push_str(if *v { "t" } else { "f" }),
            Param::I16(v) => write!(out, "{v}")?,
            Param::I32(v) => write!(out, "{v}")?,
            Param::I64(v) => write!(out, "{v}")?,
            Param::F64(v) if v.is_nan() => out.push_str("NaN"),
            Param::F64(v) if v.is_infinite() => {
                out.push_str(if *v > 0.0 { "Infinity" } else { "-Infinity" })
            }
            Param::F64(v) => write!(out, "{v:?}")?,
            Param::Text(v) | Param::Decimal(v) | Param::Json(v) => {
                if v.contains('\0') {
                    return Err("PostgreSQL text cannot hold the NUL character (\\0)".into());
                }
                out.push_str(v)
            }
            Param::Bytes(v) => {
                out.push_str("\\x");
                for byte in v.iter() {
                    write!(out, "{byte:02x}")?;
                }
            }
            // A column without time zone holds UTC by Pookie's convention; one
            // without time zone ignores the offset, one with it reads it.
            Param::DateTime(v) => write!(out, "{}", v.format("%Y-%m-%d %H:%M:%S%.6f+00"))?,
            Param::Date(v) => write!(out, "{}", v.format("%Y-%m-%d"))?,
            Param::Time(v) => write!(out, "{}", v.format("%H:%M:%S%.6f"))?,
            Param::Uuid(v) => write!(out, "{v}")?,
            Param::Array(items) => {
                out.push('{');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    match item {
                        Param::Null => out.push_str("NULL"),
                        Param::Array(_) => write_text(item, out)?,
                        _ => {
                            let mut element = String::new();
                            write_text(item, &mut element)?;
                            out.push('"');
                            for c in element.chars() {
                                if c == '"' || c == '\\' {
                                    out.push('\\');
                                }
                                out.push(c);
                            }
                            out.push('"');
                        }
                    }
                }
                out.push('}');
            }
            Param::Invalid(message) => return Err(message.clone().into()),
        }
        Ok(())
    }
}
