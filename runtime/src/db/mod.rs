//! [`Db`]: the named databases a program talks to, and the connection to each.

mod postgres;
mod sqlite;
mod url;

use std::sync::{Arc, Mutex, MutexGuard};

use pookie_dialect::Dialect;

use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Param;

/// The alias of the database that models use unless their meta names another.
pub const DEFAULT_ALIAS: &str = "default";

/// The databases of a program, by alias. Cheap to clone and safe to share
/// between threads.
///
/// ```
/// let db = pookie::Db::connect("sqlite://:memory:")?;
/// assert_eq!(db.dialect(), pookie::Dialect::Sqlite);
/// db.execute("CREATE TABLE notes (body TEXT)", &[])?;
/// assert_eq!(db.execute("INSERT INTO notes VALUES (?)", &["hello".into()])?, 1);
/// # Ok::<(), pookie::Error>(())
/// ```
#[derive(Clone)]
pub struct Db {
    databases: Arc<Vec<Database>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let aliases: Vec<_> = self
            .databases
            .iter()
            .map(|d| (&d.alias, d.dialect))
            .collect();
        f.debug_struct("Db").field("databases", &aliases).finish()
    }
}

/// Collects named databases before connecting to all of them.
///
/// ```
/// let db = pookie::Db::builder()
///     .database("default", "sqlite://:memory:")
///     .database("analytics", "sqlite://:memory:")
///     .connect()?;
/// assert!(db.has_database("analytics"));
/// # Ok::<(), pookie::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct DbBuilder {
    urls: Vec<(String, String)>,
}

impl DbBuilder {
    /// Adds the database `alias` at `url` (see [`Db::connect`] for the URL forms).
    pub fn database(mut self, alias: impl Into<String>, url: impl Into<String>) -> Self {
        self.urls.push((alias.into(), url.into()));
        self
    }

    /// Connects to every database; the first failure is returned.
    pub fn connect(self) -> Result<Db> {
        let mut databases: Vec<Database> = Vec::with_capacity(self.urls.len());
        for (alias, url) in self.urls {
            if databases.iter().any(|d| d.alias == alias) {
                return Err(Error::usage(format!(
                    "the database alias `{alias}` is given twice"
                )));
            }
            databases.push(Database::open(alias, &url)?);
        }
        if databases.is_empty() {
            return Err(Error::usage(
                "no database given: add one with `.database(\"default\", url)`",
            ));
        }
        Ok(Db {
            databases: Arc::new(databases),
        })
    }
}

impl Db {
    /// Connects to one database, under the alias `default`.
    ///
    /// URLs: `sqlite:///relative/path.db` (relative to the working directory),
    /// `sqlite:////absolute/path.db`, `sqlite://:memory:`, and
    /// `postgresql://user:password@host:port/database`. A bad URL or an
    /// unreachable server is an [`Error::Connection`] saying what was wrong,
    /// never a panic; passwords never appear in errors.
    pub fn connect(url: &str) -> Result<Db> {
        Db::builder().database(DEFAULT_ALIAS, url).connect()
    }

    /// Starts a set of named databases.
    pub fn builder() -> DbBuilder {
        DbBuilder::default()
    }

    /// The dialect of the `default` database (or of the first one given).
    pub fn dialect(&self) -> Dialect {
        self.first().dialect
    }

    /// True when a database is registered under `alias`.
    pub fn has_database(&self, alias: &str) -> bool {
        self.databases.iter().any(|d| d.alias == alias)
    }

    /// Runs one SQL statement with bound parameters on the `default` database
    /// and returns the number of rows it changed. Placeholders are `?` on SQLite
    /// and `$1, $2, …` on PostgreSQL.
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let database = self.first();
        let mut connection = database.lock();
        connection.execute(sql, params)
    }

    fn first(&self) -> &Database {
        self.databases
            .iter()
            .find(|d| d.alias == DEFAULT_ALIAS)
            .unwrap_or(&self.databases[0])
    }

    /// A connection to the database registered as `alias`, for one operation.
    pub(crate) fn connection(&self, alias: &str) -> Result<ConnectionGuard<'_>> {
        let database = self.database(alias)?;
        Ok(ConnectionGuard {
            dialect: database.dialect,
            guard: database.lock(),
        })
    }

    /// The database registered as `alias`.
    fn database(&self, alias: &str) -> Result<&Database> {
        self.databases.iter().find(|d| d.alias == alias).ok_or_else(|| {
            let known: Vec<_> = self.databases.iter().map(|d| format!("`{}`", d.alias)).collect();
            Error::usage(format!(
                "no database is registered as `{alias}` (known: {}); add it with Db::builder().database(\"{alias}\", url)",
                known.join(", ")
            ))
        })
    }
}

/// One named database.
pub(crate) struct Database {
    alias: String,
    dialect: Dialect,
    // One connection per database for now; a pool takes its place behind `connection()`.
    connection: Mutex<Connection>,
}

impl Database {
    fn open(alias: String, url: &str) -> Result<Self> {
        let (dialect, connection) = match url::parse(url)? {
            url::Target::SqliteFile(path) => (
                Dialect::Sqlite,
                Connection::Sqlite(sqlite::open_file(&path)?),
            ),
            url::Target::SqliteMemory => {
                (Dialect::Sqlite, Connection::Sqlite(sqlite::open_memory()?))
            }
            url::Target::Postgres(url) => (
                Dialect::Postgres,
                Connection::Postgres(Box::new(postgres::connect(&url)?)),
            ),
        };
        Ok(Database {
            alias,
            dialect,
            connection: Mutex::new(connection),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held leaves the connection usable: every
        // statement is self-contained, so the poison carries no broken state.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection held for one operation, with the dialect of its database.
pub(crate) struct ConnectionGuard<'a> {
    dialect: Dialect,
    guard: MutexGuard<'a, Connection>,
}

impl ConnectionGuard<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }
}

impl std::ops::Deref for ConnectionGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.guard
    }
}

impl std::ops::DerefMut for ConnectionGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.guard
    }
}

/// An open connection to one backend.
pub(crate) enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::PgConnection>),
}

impl Connection {
    /// Runs a query and hands each row to `on_row` until it returns `false`.
    pub(crate) fn for_each_row(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        on_row: impl FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        match self {
            Connection::Sqlite(connection) => sqlite::for_each_row(connection, sql, params, on_row),
            Connection::Postgres(connection) => connection.for_each_row(sql, params, on_row),
        }
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
        match self {
            Connection::Sqlite(connection) => sqlite::execute(connection, sql, params),
            Connection::Postgres(connection) => connection.execute(sql, params),
        }
    }

    /// Runs statements without parameters (DDL).
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        match self {
            Connection::Sqlite(connection) => Ok(connection.execute_batch(sql)?),
            Connection::Postgres(connection) => connection.batch_execute(sql),
        }
    }
}
