//! The async PostgreSQL driver: a `deadpool-postgres` pool of `tokio-postgres`
//! clients for a database, opened with the same settings as its synchronous
//! pool (start-up options, TLS, timeouts, PgBouncer mode). Reads awaited
//! outside transactions run here, without a blocking thread.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use postgres::types::Type;

use super::connection::{log_statement, start_timer};
use super::options::{ConnectOptions, Engine};
use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// A pool of async connections to one PostgreSQL database.
pub(crate) struct NativePool {
    pool: Pool,
    /// Off behind PgBouncer in transaction mode (see `PgOptions`).
    statement_cache: bool,
    display: String,
}

impl NativePool {
    /// The async pool of a database opened with `options`, sized as its
    /// synchronous one; `None` for SQLite. No connection is made until the
    /// first query.
    pub(crate) fn new(
        options: &ConnectOptions,
        size: usize,
        wait: Duration,
    ) -> Result<Option<Self>> {
        let Engine::Postgres(pg) = &options.engine else {
            return Ok(None);
        };
        let mut config = async_config(&pg.startup_config());
        config.ssl_mode(pg.tls.driver_mode());
        let manager_config = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match pg.tls.client_config()? {
            Some(tls) => Manager::from_config(
                config,
                tokio_postgres_rustls::MakeRustlsConnect::new(rustls::ClientConfig::clone(&tls)),
                manager_config,
            ),
            None => Manager::from_config(config, postgres::NoTls, manager_config),
        };
        let pool = Pool::builder(manager)
            .max_size(size)
            .wait_timeout(Some(wait))
            .create_timeout(pg.startup_config().get_connect_timeout().copied())
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|error| Error::usage(format!("cannot set up the async pool: {error}")))?;
        Ok(Some(NativePool {
            pool,
            statement_cache: pg.statement_cache,
            display: options.to_string(),
        }))
    }

    /// Runs a query and maps every row.
    pub(crate) async fn query_map<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut map: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let (rows, _) = self.run(sql, params, usize::MAX).await?;
        rows.iter().map(|row| map(&Row::postgres(row))).collect()
    }

    /// Runs a query and maps its first row, if any; the rest are not read.
    pub(crate) async fn query_first<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let (rows, _) = self.run(sql, params, 1).await?;
        rows.first().map(|row| map(&Row::postgres(row))).transpose()
    }

    /// Runs a statement that returns no rows; the number of rows changed.
    pub(crate) async fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let (_, changed) = self.run(sql, params, usize::MAX).await?;
        Ok(changed.unwrap_or(0))
    }

    /// The rows of a statement, `limit` of them at most, and the number of
    /// rows it changed (known once every row was read).
    async fn run(
        &self,
        sql: &str,
        params: &[Param<'_>],
        limit: usize,
    ) -> Result<(Vec<tokio_postgres::Row>, Option<u64>)> {
        let client = self.pool.get().await.map_err(|error| {
            Error::connection(
                format!("no connection to `{}`: {error}", self.display),
                None,
            )
        })?;
        let started = start_timer();
        let stream = if self.statement_cache {
            match client.prepare_cached(sql).await {
                Ok(statement) => client.query_raw(&statement, params.iter()).await,
                Err(error) => Err(error),
            }
        } else {
            // Behind PgBouncer in transaction mode: unnamed, in one round trip.
            client
                .query_typed_raw(sql, params.iter().map(|param| (param, Type::UNKNOWN)))
                .await
        };
        let outcome = match stream {
            Ok(stream) => collect(stream, limit).await,
            Err(error) => Err(error),
        };
        log_statement(sql, params, started);
        Ok(outcome?)
    }
}

/// Reads up to `limit` rows of `stream`, and the number of rows the
/// statement changed when it read them all; dropping the stream early lets
/// the connection discard the rest.
async fn collect(
    stream: tokio_postgres::RowStream,
    limit: usize,
) -> std::result::Result<(Vec<tokio_postgres::Row>, Option<u64>), tokio_postgres::Error> {
    use futures_core::Stream;
    let mut stream = std::pin::pin!(stream);
    let mut rows = Vec::new();
    while rows.len() < limit {
        match std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            Some(row) => rows.push(row?),
            None => return Ok((rows, stream.rows_affected())),
        }
    }
    Ok((rows, None))
}

/// The async driver's settings, copied from the synchronous driver's.
fn async_config(sync: &postgres::Config) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    if let Some(user) = sync.get_user() {
        config.user(user);
    }
    if let Some(password) = sync.get_password() {
        config.password(password);
    }
    if let Some(dbname) = sync.get_dbname() {
        config.dbname(dbname);
    }
    if let Some(options) = sync.get_options() {
        config.options(options);
    }
    if let Some(name) = sync.get_application_name() {
        config.application_name(name);
    }
    for host in sync.get_hosts() {
        match host {
            tokio_postgres::config::Host::Tcp(name) => config.host(name),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => config.host_path(path),
        };
    }
    for address in sync.get_hostaddrs() {
        config.hostaddr(*address);
    }
    for port in sync.get_ports() {
        config.port(*port);
    }
    if let Some(timeout) = sync.get_connect_timeout() {
        config.connect_timeout(*timeout);
    }
    if let Some(timeout) = sync.get_tcp_user_timeout() {
        config.tcp_user_timeout(*timeout);
    }
    config
        .keepalives(sync.get_keepalives())
        .keepalives_idle(sync.get_keepalives_idle())
        .target_session_attrs(sync.get_target_session_attrs())
        .channel_binding(sync.get_channel_binding())
        .load_balance_hosts(sync.get_load_balance_hosts())
        .ssl_negotiation(sync.get_ssl_negotiation());
    if let Some(interval) = sync.get_keepalives_interval() {
        config.keepalives_interval(interval);
    }
    if let Some(retries) = sync.get_keepalives_retries() {
        config.keepalives_retries(retries);
    }
    config
}
