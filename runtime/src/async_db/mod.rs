//! [`AsyncDb`]: the same databases, models and query sets, awaited from a
//! tokio program (axum, actix-web, tonic).
//!
//! A query is built exactly as in a synchronous program; only running it
//! differs. On PostgreSQL, plain reads and hook-less inserts outside
//! transactions run natively on `tokio-postgres` (a `deadpool-postgres` pool
//! per database). Every other
//! operation runs, whole, on tokio's blocking threads — as sqlx runs SQLite —
//! so the executor never waits on a driver, and a future dropped half-way (a
//! request timeout) never leaves a connection mid-operation: the operation
//! it started finishes or rolls back on its thread, and its connection goes
//! back clean. Waiting for a free connection is asynchronous: blocking work
//! holds one of its database's slots, awaited on a semaphore, before it takes
//! a thread.

mod ext;
mod stream;
mod transaction;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::db::{is_plain_select, ConnectOptions, Db, NativePool, RawRow, RawRowReader};
use crate::error::{Error, Result};
use crate::migrate::Migrations;
use crate::value::Param;
use crate::Dialect;

pub use ext::{AsyncInsert, AsyncModel};
pub use stream::ModelStream;

/// A database handle for async code: [`Db`]'s databases, pools and
/// transactions, awaited. Cheap to clone, `Send` and `Sync`; clone it into
/// every task or request handler.
///
/// Query sets and insert forms are the synchronous API's. Query sets have
/// awaited forms of their terminal methods (`aall`, `aget`, `acount`,
/// `acreate`, `astream`, …); the [`AsyncModel`] and [`AsyncInsert`] traits
/// give instances and insert forms theirs (`asave`, `adelete`, …); and
/// [`run`](AsyncDb::run) awaits any other synchronous operation.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> pookie::Result<()> {
/// let adb = pookie::AsyncDb::connect("sqlite://:memory:").await?;
/// adb.execute("CREATE TABLE notes (body TEXT)", vec![]).await?;
/// adb.execute("INSERT INTO notes VALUES ($1)", vec!["hello".into()]).await?;
/// let count = adb
///     .run(|db| db.fetch_one("SELECT COUNT(*) AS n FROM notes", &[]))
///     .await?
///     .unwrap();
/// assert_eq!(count.get::<i64>("n")?, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncDb {
    // Declared before `shared`, so that it is dropped first: see `Shared`.
    db: Db,
    shared: Arc<Shared>,
    /// The index of the database `default` means through this handle.
    home: usize,
    /// Set on a transaction's handle: the slot its connection holds, which
    /// its operations use instead of taking one.
    transaction_slot: Option<Arc<Option<OwnedSemaphorePermit>>>,
}

/// What every clone of an [`AsyncDb`] shares.
struct Shared {
    /// Per database, the connections of its pool as permits: an operation
    /// awaits one before it takes a blocking thread, so no thread sits
    /// waiting for the pool.
    slots: Vec<Slots>,
    /// Per database, the async pool that reads outside transactions use
    /// (PostgreSQL without replicas).
    native: Vec<Option<NativePool>>,
    /// A handle on the databases, dropped last and off the executor: closing
    /// a PostgreSQL connection blocks (the client says goodbye to the
    /// server), which must not happen on an executor thread.
    keep_alive: Option<Db>,
}

struct Slots {
    semaphore: Arc<Semaphore>,
    /// How long an operation waits for a permit.
    wait: Duration,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(db) = self.keep_alive.take() {
            off_the_executor(move || drop(db));
        }
    }
}

impl AsyncDb {
    /// The async pool to read the database `alias` with, when the read may
    /// skip the blocking threads: outside transactions, on PostgreSQL
    /// without replicas.
    pub(crate) fn native_reader(&self, alias: &str) -> Option<&NativePool> {
        if self.transaction_slot.is_some() || self.db.is_pinned() {
            return None;
        }
        let index = self.db.database_index(alias).ok()?;
        self.shared.native.get(index)?.as_ref()
    }
}

/// Runs `work` where blocking is allowed, from a `Drop` that may run on an
/// executor thread: on a thread of its own when inside a tokio runtime (even
/// one shutting down, whose blocking pool takes no more work), else here.
pub(crate) fn off_the_executor(work: impl FnOnce() + Send + 'static) {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    let spawned = std::thread::Builder::new()
        .name("pookie-cleanup".into())
        .spawn(work);
    if let Err(error) = spawned {
        tracing::error!(target: "pookie::pool", %error, "no thread to close connections or roll back on");
    }
}

impl std::fmt::Debug for AsyncDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncDb")
            .field("db", &self.db)
            .field(
                "free_connections",
                &self.shared.slots[self.home].semaphore.available_permits(),
            )
            .finish()
    }
}

impl From<Db> for AsyncDb {
    fn from(db: Db) -> Self {
        AsyncDb::from_db(db)
    }
}

impl AsyncDb {
    /// Connects to one database under the alias `default` (the URL forms of
    /// [`Db::connect`]), without blocking the executor.
    pub async fn connect(url: &str) -> Result<AsyncDb> {
        let url = url.to_owned();
        // Made on the blocking thread: dropped here unused (the connecting
        // future was dropped), it still closes its connections off the executor.
        blocking(move || Db::connect(&url).map(AsyncDb::from_db)).await
    }

    /// Connects to one database described in the keyword form, as `default`.
    pub async fn connect_with(options: ConnectOptions) -> Result<AsyncDb> {
        blocking(move || Db::connect_with(options).map(AsyncDb::from_db)).await
    }

    /// The async face of databases connected with [`Db::connect`] or
    /// [`Db::builder`] (named databases, replicas): both handles share the
    /// same pools.
    pub fn from_db(db: Db) -> AsyncDb {
        let slots = db
            .pool_limits()
            .into_iter()
            .map(|(size, wait)| Slots {
                semaphore: Arc::new(Semaphore::new(size)),
                wait,
            })
            .collect();
        let native = db.native_pools().unwrap_or_else(|error| {
            tracing::warn!(target: "pookie::pool", %error, "no async pool: reads run on blocking threads");
            Vec::new()
        });
        let home = db.database_index(crate::db::DEFAULT_ALIAS).unwrap_or(0);
        AsyncDb {
            shared: Arc::new(Shared {
                slots,
                native,
                keep_alive: Some(db.clone()),
            }),
            db,
            home,
            transaction_slot: None,
        }
    }

    /// The synchronous handle on the same databases (inside a transaction,
    /// the transaction's). Blocking calls on it belong in
    /// [`run`](Self::run) or a blocking thread, not on the executor.
    pub fn sync_db(&self) -> &Db {
        &self.db
    }

    /// The dialect of the `default` database.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// The same databases, with `default` meaning `alias` (see [`Db::using`]).
    pub fn using(&self, alias: &str) -> Result<AsyncDb> {
        Ok(AsyncDb {
            db: self.db.using(alias)?,
            home: self.db.database_index(alias)?,
            ..self.clone()
        })
    }

    /// The same databases with every read on the primaries (see [`Db::primary`]).
    pub fn primary(&self) -> AsyncDb {
        AsyncDb {
            db: self.db.primary(),
            ..self.clone()
        }
    }

    /// Runs any synchronous operation of the API — a query set's, a model's,
    /// a relation's, a paginator's, raw SQL — on a blocking thread, with
    /// this handle's database, and awaits its result.
    ///
    /// Dropping the returned future does not stop an operation that has
    /// started: it runs to its end (a transaction it opened commits or rolls
    /// back), so its connection goes back clean.
    pub async fn run<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&Db) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.slot().await?;
        let db = self.db.clone();
        blocking(move || {
            let _permit = permit;
            work(&db)
        })
        .await
    }

    /// Runs a statement of raw SQL (placeholders `$1`, `$2`, … on both
    /// backends); the number of rows changed.
    pub async fn execute(
        &self,
        sql: impl Into<String>,
        params: Vec<Param<'static>>,
    ) -> Result<u64> {
        let sql = sql.into();
        self.run(move |db| db.execute(&sql, &params)).await
    }

    /// Runs a raw query and returns every row.
    pub async fn fetch_all(
        &self,
        sql: impl Into<String>,
        params: Vec<Param<'static>>,
    ) -> Result<Vec<RawRow>> {
        let sql = sql.into();
        if let Some(native) = self.native_raw_reader(&sql) {
            let sql = Dialect::Postgres.numbered_placeholders(&sql);
            let mut reader = RawRowReader::default();
            return native
                .query_map(&sql, &params, |row| reader.read(row))
                .await;
        }
        self.run(move |db| db.fetch_all(&sql, &params)).await
    }

    /// Runs a raw query and returns its first row, if any.
    pub async fn fetch_one(
        &self,
        sql: impl Into<String>,
        params: Vec<Param<'static>>,
    ) -> Result<Option<RawRow>> {
        let sql = sql.into();
        if let Some(native) = self.native_raw_reader(&sql) {
            let sql = Dialect::Postgres.numbered_placeholders(&sql);
            return native
                .query_first(&sql, &params, |row| RawRowReader::default().read(row))
                .await;
        }
        self.run(move |db| db.fetch_one(&sql, &params)).await
    }

    /// The async pool for a raw statement on the `default` database: only
    /// for a plain SELECT (anything else may write, and runs as the
    /// synchronous API runs it).
    fn native_raw_reader(&self, sql: &str) -> Option<&NativePool> {
        is_plain_select(sql)
            .then(|| self.native_reader(crate::db::DEFAULT_ALIAS))
            .flatten()
    }

    /// Applies the migrations not applied yet (see [`crate::migrate()`]);
    /// the names of those it applied.
    pub async fn migrate(&self, migrations: Migrations) -> Result<Vec<String>> {
        self.run(move |db| crate::migrate(db, &migrations)).await
    }

    /// A slot of the pool for one operation; none needed inside a
    /// transaction, whose connection is held already.
    async fn slot(&self) -> Result<Option<OwnedSemaphorePermit>> {
        if self.transaction_slot.is_some() {
            return Ok(None);
        }
        let slots = &self.shared.slots[self.home];
        let acquire = Arc::clone(&slots.semaphore).acquire_owned();
        match tokio::time::timeout(slots.wait, acquire).await {
            Ok(Ok(permit)) => Ok(Some(permit)),
            Ok(Err(_closed)) => Err(Error::usage("the database handle is closed")),
            Err(_elapsed) => Err(Error::connection(
                format!(
                    "no connection to the database was free within {:?}: raise pool_max_size, \
                     or hold connections for less time (a long transaction, an unfinished stream)",
                    slots.wait
                ),
                None,
            )),
        }
    }
}

/// Starts `work` on a blocking thread at once (not when first polled: the
/// work runs even if the returned future is never awaited); a panic in it is
/// resumed where the future is awaited.
pub(crate) fn blocking<T, F>(work: F) -> impl std::future::Future<Output = Result<T>>
where
    F: FnOnce() -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    let running = tokio::task::spawn_blocking(work);
    async move {
        match running.await {
            Ok(result) => result,
            Err(error) => match error.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => Err(Error::usage(
                    "the tokio runtime shut down while a database operation was running",
                )),
            },
        }
    }
}
