//! [`Db`]: the named databases a program talks to, their connection pools,
//! transactions, and raw SQL.

mod connection;
mod options;
mod pool;
mod postgres;
mod raw;
mod sqlite;
mod stream;
mod transaction;

use std::sync::{Arc, MutexGuard};

use pookie_dialect::Dialect;

pub(crate) use connection::Connection;
pub use options::ConnectOptions;
use pool::{Database, PooledConnection};
pub use raw::{FromValue, On, RawRow, Value};
pub(crate) use stream::OwnedRows;
use transaction::{Pin, PinState};

use crate::error::{Error, Result};

/// The alias of the database that models use unless their meta names another.
pub const DEFAULT_ALIAS: &str = "default";

/// The databases of a program, by alias, each with its pool of connections.
/// `Db` is cheap to clone, `Send` and `Sync`: share it between threads.
///
/// ```
/// let db = pookie::Db::connect("sqlite://:memory:")?;
/// assert_eq!(db.dialect(), pookie::Dialect::Sqlite);
/// db.execute("CREATE TABLE notes (body TEXT)", &[])?;
/// assert_eq!(db.execute("INSERT INTO notes VALUES ($1)", &["hello".into()])?, 1);
/// let row = db.fetch_one("SELECT COUNT(*) AS n FROM notes", &[])?.unwrap();
/// assert_eq!(row.get::<i64>("n")?, 1);
/// # Ok::<(), pookie::Error>(())
/// ```
#[derive(Clone)]
pub struct Db {
    databases: Arc<Vec<Database>>,
    /// The database that the alias `default` means through this handle, if any.
    default: Option<usize>,
    /// Transactions this handle runs inside, one per database at most.
    pins: Vec<Arc<Pin>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let aliases: Vec<_> = self
            .databases
            .iter()
            .map(|d| (&d.alias, d.dialect))
            .collect();
        f.debug_struct("Db")
            .field("databases", &aliases)
            .field(
                "default",
                &self.default.map(|index| &self.databases[index].alias),
            )
            .field("in_transaction", &!self.pins.is_empty())
            .finish()
    }
}

/// Collects named databases before connecting to all of them.
///
/// ```
/// let db = pookie::Db::builder()
///     .database("default", "sqlite://:memory:")
///     .database_with("analytics", pookie::ConnectOptions::sqlite_memory())
///     .connect()?;
/// assert!(db.has_database("analytics"));
/// # Ok::<(), pookie::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct DbBuilder {
    databases: Vec<(String, Result<ConnectOptions>)>,
}

impl DbBuilder {
    /// Adds the database `alias` at `url` (see [`Db::connect`] for the URL forms).
    pub fn database(mut self, alias: impl Into<String>, url: &str) -> Self {
        self.databases
            .push((alias.into(), ConnectOptions::from_url(url)));
        self
    }

    /// Adds the database `alias` described in the keyword form.
    pub fn database_with(mut self, alias: impl Into<String>, options: ConnectOptions) -> Self {
        self.databases.push((alias.into(), Ok(options)));
        self
    }

    /// Connects to every database; the first failure is returned.
    pub fn connect(self) -> Result<Db> {
        let mut databases: Vec<Database> = Vec::with_capacity(self.databases.len());
        for (alias, options) in self.databases {
            if databases.iter().any(|d| d.alias == alias) {
                return Err(Error::usage(format!(
                    "the database alias `{alias}` is given twice"
                )));
            }
            databases.push(Database::open(alias, options?)?);
        }
        if databases.is_empty() {
            return Err(Error::usage(
                "no database given: add one with `.database(\"default\", url)`",
            ));
        }
        let default = databases.iter().position(|d| d.alias == DEFAULT_ALIAS);
        Ok(Db {
            databases: Arc::new(databases),
            default,
            pins: Vec::new(),
        })
    }
}

impl Db {
    /// Connects to one database, under the alias `default`.
    ///
    /// URLs: `sqlite:///relative/path.db` (relative to the working directory),
    /// `sqlite:////absolute/path.db`, `sqlite://:memory:`, and
    /// `postgresql://user:password@host:port/database?sslmode=…&connect_timeout=…`
    /// (plus `pool_max_size`, `pool_min_idle`, `pool_timeout`, `pool_health_check`).
    /// A bad URL, an unknown host, a refused password or a missing database is an
    /// [`Error::Connection`] saying what was wrong, never a panic; passwords never
    /// appear in errors or logs.
    pub fn connect(url: &str) -> Result<Db> {
        Db::builder().database(DEFAULT_ALIAS, url).connect()
    }

    /// Connects to one database described in the keyword form, as `default`.
    pub fn connect_with(options: ConnectOptions) -> Result<Db> {
        Db::builder()
            .database_with(DEFAULT_ALIAS, options)
            .connect()
    }

    /// Starts a set of named databases.
    pub fn builder() -> DbBuilder {
        DbBuilder::default()
    }

    /// The dialect of the `default` database (of the first one given when none
    /// is called `default`).
    pub fn dialect(&self) -> Dialect {
        self.databases[self.default.unwrap_or(0)].dialect
    }

    /// True when a database is registered under `alias`.
    pub fn has_database(&self, alias: &str) -> bool {
        self.index_of(alias).is_ok()
    }

    /// The same databases, with `default` meaning `alias`: every model that has
    /// no `db_alias` of its own, every raw statement and every transaction
    /// through the returned handle go to `alias`.
    pub fn using(&self, alias: &str) -> Result<Db> {
        let index = self.index_of(alias)?;
        Ok(Db {
            databases: Arc::clone(&self.databases),
            default: Some(index),
            pins: self.pins.clone(),
        })
    }

    fn index_of(&self, alias: &str) -> Result<usize> {
        let found = match (alias, self.default) {
            (DEFAULT_ALIAS, Some(index)) => Some(index),
            _ => self.databases.iter().position(|d| d.alias == alias),
        };
        found.ok_or_else(|| {
            let known: Vec<_> = self.databases.iter().map(|d| format!("`{}`", d.alias)).collect();
            Error::usage(format!(
                "no database is registered as `{alias}` (known: {}); add it with Db::builder().database(\"{alias}\", url)",
                known.join(", ")
            ))
        })
    }

    /// True when this handle runs inside a transaction on the database `alias`.
    pub(crate) fn is_in_transaction(&self, alias: &str) -> bool {
        self.index_of(alias).is_ok_and(|index| {
            self.pins
                .iter()
                .any(|pin| pin.database == index && pin.in_transaction())
        })
    }

    /// A connection to the database registered as `alias`, for one operation:
    /// the transaction's connection when this handle is inside one, else one
    /// from the pool. Never hold it while running user code or another
    /// operation on this `Db`.
    pub(crate) fn connection(&self, alias: &str) -> Result<ConnectionGuard<'_>> {
        let index = self.index_of(alias)?;
        let database = &self.databases[index];
        let inner = match self.pins.iter().find(|pin| pin.database == index) {
            Some(pin) => {
                let state = pin.lock_for_operation()?;
                if state.connection.is_none() {
                    pin.release_holder();
                    return Err(Error::usage(
                        "this transaction has ended: use the database handle outside the transaction closure",
                    ));
                }
                GuardInner::Pinned(state, pin)
            }
            None => {
                let (connection, uses) = database.checkout_warm()?;
                GuardInner::Pooled(Some(connection), uses, database)
            }
        };
        Ok(ConnectionGuard {
            dialect: database.dialect,
            inner,
        })
    }
}

/// A connection held for one operation, with the dialect of its database.
pub(crate) struct ConnectionGuard<'a> {
    dialect: Dialect,
    inner: GuardInner<'a>,
}

enum GuardInner<'a> {
    /// Always `Some` until dropped: handed back to the database then.
    Pooled(Option<PooledConnection>, u32, &'a Database),
    Pinned(MutexGuard<'a, PinState>, &'a Pin),
}

impl Drop for ConnectionGuard<'_> {
    fn drop(&mut self) {
        match &mut self.inner {
            GuardInner::Pinned(_, pin) => pin.release_holder(),
            GuardInner::Pooled(connection, uses, database) => {
                if let Some(connection) = connection.take() {
                    database.give_back(connection, *uses);
                }
            }
        }
    }
}

impl ConnectionGuard<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }
}

impl std::ops::Deref for ConnectionGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match &self.inner {
            GuardInner::Pooled(connection, ..) => connection
                .as_ref()
                .expect("held until the guard is dropped"),
            GuardInner::Pinned(state, _) => state
                .connection
                .as_ref()
                .expect("checked when the guard was made"),
        }
    }
}

impl std::ops::DerefMut for ConnectionGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match &mut self.inner {
            GuardInner::Pooled(connection, ..) => connection
                .as_mut()
                .expect("held until the guard is dropped"),
            GuardInner::Pinned(state, _) => state
                .connection
                .as_mut()
                .expect("checked when the guard was made"),
        }
    }
}
