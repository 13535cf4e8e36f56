//! [`Db`]: the named databases a program talks to, their connection pools,
//! transactions, and raw SQL.

mod connection;
#[cfg(feature = "async")]
mod native_pg;
mod options;
mod pool;
mod postgres;
mod raw;
mod secret;
mod sqlite;
mod stream;
mod tls;
mod transaction;

use std::sync::{Arc, MutexGuard};

use pookie_dialect::Dialect;

pub(crate) use connection::Connection;
#[cfg(feature = "async")]
pub(crate) use native_pg::NativePool;
pub use options::ConnectOptions;
pub use pool::ReplicaPolicy;
use pool::{Checkout, Database, Replica, Replicas};
#[cfg(feature = "async")]
pub(crate) use raw::{is_plain_select, RawRowReader};
pub use raw::{FromValue, On, RawRow, Value};
pub(crate) use stream::OwnedRows;
pub use tls::SslMode;
#[cfg(feature = "async")]
pub(crate) use transaction::TransactionScope;
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
    /// Set by [`Db::primary`]: reads skip the replicas.
    primary_only: bool,
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
            .field("primary_only", &self.primary_only)
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
    replicas: Vec<(String, Result<ConnectOptions>)>,
    policies: Vec<(String, ReplicaPolicy)>,
    read_your_writes: Vec<(String, std::time::Duration)>,
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

    /// Gives the database `alias` a read replica at `url` (the URL forms of
    /// [`Db::connect`]; call it once per replica). Reads outside transactions
    /// then go to the replicas ([`ReplicaPolicy::RoundRobin`] unless
    /// [`replica_policy`](Self::replica_policy) says otherwise); writes,
    /// `select_for_update` and everything inside a transaction go to the
    /// primary. A replica that cannot be reached is left out for 30 s with a
    /// warning in the log (target `pookie::pool`), and the primary serves
    /// its reads.
    ///
    /// ```no_run
    /// let db = pookie::Db::builder()
    ///     .database("default", "postgresql://app@primary/shop")
    ///     .replica("default", "postgresql://app@replica1/shop")
    ///     .replica("default", "postgresql://app@replica2/shop")
    ///     .read_your_writes("default", std::time::Duration::from_secs(2))
    ///     .connect()?;
    /// # Ok::<(), pookie::Error>(())
    /// ```
    pub fn replica(mut self, alias: impl Into<String>, url: &str) -> Self {
        self.replicas
            .push((alias.into(), ConnectOptions::from_url(url)));
        self
    }

    /// Gives the database `alias` a read replica described in the keyword form.
    pub fn replica_with(mut self, alias: impl Into<String>, options: ConnectOptions) -> Self {
        self.replicas.push((alias.into(), Ok(options)));
        self
    }

    /// How reads of the database `alias` are spread over its replicas.
    pub fn replica_policy(mut self, alias: impl Into<String>, policy: ReplicaPolicy) -> Self {
        self.policies.push((alias.into(), policy));
        self
    }

    /// Read-your-writes for the database `alias`: after any write through its
    /// primary (by any handle of this `Db`), reads stay on the primary for
    /// `window`, so that a program reads back what it wrote even while the
    /// replicas lag. For a single request, [`Db::primary`] does the same.
    pub fn read_your_writes(
        mut self,
        alias: impl Into<String>,
        window: std::time::Duration,
    ) -> Self {
        self.read_your_writes.push((alias.into(), window));
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
        for (alias, options) in self.replicas {
            let Some(database) = databases.iter_mut().find(|d| d.alias == alias) else {
                return Err(Error::usage(format!(
                    "a replica is given for `{alias}`, which is no database: add it first with .database(\"{alias}\", url)"
                )));
            };
            let options = options?;
            if options.dialect() != database.dialect {
                return Err(Error::usage(format!(
                    "the replica `{options}` of `{alias}` is not of the same kind of database as its primary"
                )));
            }
            let replica = Replica::open(alias.clone(), options)?;
            let mut list = std::mem::take(&mut database.replicas.list);
            list.push(replica);
            database.replicas = Replicas::new(list, ReplicaPolicy::default(), None);
        }
        for database in &mut databases {
            let policy = self
                .policies
                .iter()
                .rev()
                .find(|(alias, _)| *alias == database.alias)
                .map(|(_, policy)| policy.clone())
                .unwrap_or_default();
            let sticky = self
                .read_your_writes
                .iter()
                .rev()
                .find(|(alias, _)| *alias == database.alias)
                .map(|(_, window)| *window);
            let list = std::mem::take(&mut database.replicas.list);
            database.replicas = Replicas::new(list, policy, sticky);
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
            primary_only: false,
        })
    }
}

impl Db {
    /// Connects to one database, under the alias `default`.
    ///
    /// URLs: `sqlite:///relative/path.db` (relative to the working directory),
    /// `sqlite:////absolute/path.db`, `sqlite://:memory:`, and
    /// `postgresql://user:password@host:port/database?sslmode=…&connect_timeout=…`
    /// or PostgreSQL's keyword form `host=… dbname=… user=…` (plus `pool_max_size`,
    /// `pool_min_idle`, `pool_timeout`, `pool_health_check`; TLS, timeouts,
    /// `application_name` and `pgbouncer=true` as [`ConnectOptions::from_url`] lists;
    /// `busy_timeout` for SQLite).
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
            primary_only: self.primary_only,
        })
    }

    /// The same databases with every read on the primaries, never on a
    /// replica: for reads that must see the latest writes (ActiveRecord's
    /// `connected_to(role: :writing)`).
    pub fn primary(&self) -> Db {
        Db {
            primary_only: true,
            ..self.clone()
        }
    }

    /// For each database, in order: the size of its pool and how long an
    /// operation waits for one of its connections.
    #[cfg(feature = "async")]
    pub(crate) fn pool_limits(&self) -> Vec<(usize, std::time::Duration)> {
        self.databases.iter().map(Database::limits).collect()
    }

    /// The index of the database `alias` names through this handle.
    #[cfg(feature = "async")]
    pub(crate) fn database_index(&self, alias: &str) -> Result<usize> {
        self.index_of(alias)
    }

    /// For each database, in order: its async pool, when it is a PostgreSQL
    /// database without replicas (reads through replicas keep to the
    /// synchronous routing).
    #[cfg(feature = "async")]
    pub(crate) fn native_pools(&self) -> Result<Vec<Option<NativePool>>> {
        self.databases
            .iter()
            .map(|database| {
                if !database.replicas.list.is_empty() {
                    return Ok(None);
                }
                let (size, wait) = database.limits();
                NativePool::new(&database.options, size, wait)
            })
            .collect()
    }

    /// True when this handle is inside a transaction or a session on any
    /// database: its statements then go to the pinned connection.
    #[cfg(feature = "async")]
    pub(crate) fn is_pinned(&self) -> bool {
        !self.pins.is_empty()
    }

    /// A connection for one read of the database `alias`: on a replica when
    /// it has any and nothing keeps the read on the primary (a transaction, a
    /// row lock, [`Db::primary`], a recent write under read-your-writes).
    pub(crate) fn read_connection(
        &self,
        alias: &str,
        locks_rows: bool,
    ) -> Result<ConnectionGuard<'_>> {
        let index = self.index_of(alias)?;
        let database = &self.databases[index];
        if locks_rows
            || self.primary_only
            || database.replicas.list.is_empty()
            || self.pins.iter().any(|pin| pin.database == index)
        {
            return self.connection_at(index, locks_rows);
        }
        match database.replicas.checkout() {
            Some((connection, uses, replica)) => Ok(ConnectionGuard {
                dialect: database.dialect,
                inner: GuardInner::Pooled(Some(connection), uses, &replica.database),
                fallback: Some((replica, database)),
            }),
            None => self.connection_at(index, false),
        }
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
        self.connection_at(self.index_of(alias)?, true)
    }

    /// A connection to the primary of database `index`; `writes` when the
    /// operation may write (read-your-writes then keeps reads on the primary).
    fn connection_at(&self, index: usize, writes: bool) -> Result<ConnectionGuard<'_>> {
        let database = &self.databases[index];
        if writes {
            database.replicas.note_write();
        }
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
            fallback: None,
        })
    }
}

/// A connection held for one operation, with the dialect of its database.
pub(crate) struct ConnectionGuard<'a> {
    dialect: Dialect,
    inner: GuardInner<'a>,
    /// For a replica's connection: the replica, and the primary that serves
    /// the read instead when the replica cannot.
    fallback: Option<(&'a Replica, &'a Database)>,
}

enum GuardInner<'a> {
    /// Always `Some` until dropped: handed back to the database then.
    Pooled(Option<Checkout>, u32, &'a Database),
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

    /// True when `error` (before any row was read) means the replica this
    /// connection belongs to cannot serve, so the primary should.
    pub(crate) fn can_fall_back(&self, error: &Error, lost: bool) -> bool {
        self.fallback.is_some() && (lost || matches!(error, Error::Connection { .. }))
    }

    /// Leaves the replica out for a while and takes a connection of the primary instead.
    pub(crate) fn fall_back(&mut self, error: &Error) -> Result<()> {
        let Some((replica, primary)) = self.fallback.take() else {
            return Ok(());
        };
        tracing::warn!(target: "pookie::pool", replica = %replica.database.display, %error, "the replica cannot serve: the primary serves this read");
        replica.mark_down();
        let (connection, uses) = primary.checkout_warm()?;
        // The replica's connection goes back to its pool, which drops it if broken.
        self.inner = GuardInner::Pooled(Some(connection), uses, primary);
        Ok(())
    }

    /// As [`Connection::for_each_row`]; on a replica that cannot serve, the
    /// read runs on the primary instead (when no row was read yet).
    pub(crate) fn for_each_row(
        &mut self,
        sql: &str,
        params: &[crate::value::Param<'_>],
        mut on_row: impl FnMut(&crate::row::Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let mut delivered = false;
        let outcome = Connection::for_each_row(self, sql, params, |row| {
            delivered = true;
            on_row(row)
        });
        match outcome {
            Err(error) if !delivered && self.can_fall_back(&error, false) => {
                self.fall_back(&error)?;
                Connection::for_each_row(self, sql, params, on_row)
            }
            other => other,
        }
    }

    /// As [`Connection::query_map`], falling back as [`Self::for_each_row`].
    pub(crate) fn query_map<T>(
        &mut self,
        sql: &str,
        params: &[crate::value::Param<'_>],
        mut map: impl FnMut(&crate::row::Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each_row(sql, params, |row| {
            out.push(map(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// As [`Connection::query_first`], falling back as [`Self::for_each_row`].
    pub(crate) fn query_first<T>(
        &mut self,
        sql: &str,
        params: &[crate::value::Param<'_>],
        map: impl FnOnce(&crate::row::Row<'_>) -> Result<T>,
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
