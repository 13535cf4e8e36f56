//! One named database: its dialect and its pool of connections (r2d2).

use std::sync::Mutex;
use std::time::Duration;

use pookie_dialect::Dialect;

use super::connection::Connection;
use super::options::{ConnectOptions, Engine};
use crate::error::{Error, Result};

/// Opens connections for the pool. The connection opened to check the
/// settings at start-up is kept and handed out first.
pub(crate) struct Manager {
    options: ConnectOptions,
    spare: Mutex<Option<Connection>>,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = Error;

    fn connect(&self) -> Result<Connection> {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match spare {
            Some(connection) => Ok(connection),
            None => Connection::open(&self.options),
        }
    }

    fn is_valid(&self, connection: &mut Connection) -> Result<()> {
        connection.ping()
    }

    fn has_broken(&self, connection: &mut Connection) -> bool {
        connection.is_broken()
    }
}

/// Reports the pool's background connection failures through `tracing`.
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<Error> for LogErrors {
    fn handle_error(&self, error: Error) {
        tracing::warn!(target: "pookie::pool", %error, "opening a pooled connection failed");
    }
}

/// One named database.
pub(crate) struct Database {
    pub(crate) alias: String,
    pub(crate) dialect: Dialect,
    display: String,
    pool: r2d2::Pool<Manager>,
}

pub(crate) type PooledConnection = r2d2::PooledConnection<Manager>;

impl Database {
    /// Connects once, so that a wrong URL, host, password or database name is
    /// reported at once and precisely, then sets the pool up around that connection.
    pub(crate) fn open(alias: String, options: ConnectOptions) -> Result<Database> {
        let first = Connection::open(&options)?;
        let in_memory = matches!(options.engine, Engine::SqliteMemory);
        // An in-memory database lives only as long as its one connection.
        let (idle_timeout, max_lifetime) = if in_memory {
            (None, None)
        } else {
            (
                Some(Duration::from_secs(600)),
                Some(Duration::from_secs(1800)),
            )
        };
        let display = options.to_string();
        let pool = r2d2::Pool::builder()
            .max_size(options.effective_max_size())
            .min_idle(Some(
                options.pool.min_idle.min(options.effective_max_size()),
            ))
            .connection_timeout(options.pool.checkout_timeout)
            .test_on_check_out(options.pool.health_check)
            .idle_timeout(idle_timeout)
            .max_lifetime(max_lifetime)
            .error_handler(Box::new(LogErrors))
            .build_unchecked(Manager {
                spare: Mutex::new(Some(first)),
                options: options.clone(),
            });
        tracing::debug!(target: "pookie::pool", %alias, url = %options, max_size = pool.max_size(), "database ready");
        Ok(Database {
            alias,
            dialect: options.dialect(),
            display,
            pool,
        })
    }

    /// A connection from the pool, waiting at most the checkout timeout.
    pub(crate) fn checkout(&self) -> Result<PooledConnection> {
        self.pool.get().map_err(|error| {
            Error::connection(
                format!(
                    "no connection to the database `{}` ({}) within {:?}: {error}",
                    self.alias,
                    self.display,
                    self.pool.connection_timeout()
                ),
                Some(Box::new(error)),
            )
        })
    }
}
