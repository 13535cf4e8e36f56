//! The PostgreSQL driver: connection set-up, binding, statement cache and row iteration.

use std::collections::HashMap;
use std::time::Duration;

use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type};

use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// Statements kept prepared per connection before the cache starts over.
const STATEMENT_CACHE_CAPACITY: usize = 512;

/// How long a connection attempt may take when the URL does not say.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL connection with its prepared statements.
pub(crate) struct PgConnection {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

pub(crate) fn connect(url: &str) -> Result<PgConnection> {
    let redacted = super::url::redact(url);
    let mut config: postgres::Config = url.parse().map_err(|error: postgres::Error| {
        Error::connection(
            format!("invalid PostgreSQL URL `{redacted}`: {error}"),
            Some(Box::new(error)),
        )
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    let client = config.connect(postgres::NoTls).map_err(|error| {
        let reason = match std::error::Error::source(&error) {
            Some(source) => format!("{error}: {source}"),
            None => error.to_string(),
        };
        Error::connection(
            format!("cannot connect to PostgreSQL at `{redacted}`: {reason}"),
            Some(Box::new(error)),
        )
    })?;
    Ok(PgConnection {
        client,
        statements: HashMap::new(),
    })
}

impl PgConnection {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
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

    /// Runs a query and hands each row to `on_row` until it returns `false`.
    pub(crate) fn for_each_row(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut on_row: impl FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let statement = self.statement(sql)?;
        let mut rows = self.client.query_raw(&statement, params.iter())?;
        while let Some(row) = rows.next()? {
            if !on_row(&Row::postgres(&row))? {
                break;
            }
        }
        Ok(())
    }

    /// Runs a statement that returns no rows; the number of rows changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let statement = self.statement(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(self.client.execute(&statement, &refs)?)
    }

    /// Runs several statements without parameters.
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
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
