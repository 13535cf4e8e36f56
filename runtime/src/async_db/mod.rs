//! [`AsyncDb`]: the same databases, models and query sets, awaited from a
//! tokio program (axum, actix-web, tonic).
//!
//! A query is built exactly as in a synchronous program; only running it
//! differs. Every operation runs, whole, on tokio's blocking threads — as
//! sqlx runs SQLite — so the executor never waits on a driver, and a future
//! dropped half-way (a request timeout) never leaves a connection mid-query:
//! the operation it started finishes or rolls back on its thread, and its
//! connection goes back clean. Waiting for a free connection is asynchronous:
//! an operation holds one of the pool's slots, awaited on a semaphore, before
//! it takes a thread.

mod ext;
mod stream;
mod transaction;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::db::{ConnectOptions, Db, RawRow};
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
    db: Db,
    slots: Arc<Slots>,
    /// Set on a transaction's handle: the slot its connection holds, which
    /// its operations use instead of taking one.
    transaction_slot: Option<Arc<Option<OwnedSemaphorePermit>>>,
}

/// The connections of the default database's pool, as permits: an operation
/// awaits one before it takes a blocking thread, so no thread sits waiting
/// for the pool.
struct Slots {
    semaphore: Arc<Semaphore>,
    wait: Duration,
}

impl std::fmt::Debug for AsyncDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncDb")
            .field("db", &self.db)
            .field(
                "free_connections",
                &self.slots.semaphore.available_permits(),
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
        let db = blocking(move || Db::connect(&url)).await?;
        Ok(AsyncDb::from_db(db))
    }

    /// Connects to one database described in the keyword form, as `default`.
    pub async fn connect_with(options: ConnectOptions) -> Result<AsyncDb> {
        let db = blocking(move || Db::connect_with(options)).await?;
        Ok(AsyncDb::from_db(db))
    }

    /// The async face of databases connected with [`Db::connect`] or
    /// [`Db::builder`] (named databases, replicas): both handles share the
    /// same pools.
    pub fn from_db(db: Db) -> AsyncDb {
        let (size, wait) = db.pool_limits();
        AsyncDb {
            db,
            slots: Arc::new(Slots {
                semaphore: Arc::new(Semaphore::new(size)),
                wait,
            }),
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
        self.run(move |db| db.fetch_all(&sql, &params)).await
    }

    /// Runs a raw query and returns its first row, if any.
    pub async fn fetch_one(
        &self,
        sql: impl Into<String>,
        params: Vec<Param<'static>>,
    ) -> Result<Option<RawRow>> {
        let sql = sql.into();
        self.run(move |db| db.fetch_one(&sql, &params)).await
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
        let acquire = Arc::clone(&self.slots.semaphore).acquire_owned();
        match tokio::time::timeout(self.slots.wait, acquire).await {
            Ok(Ok(permit)) => Ok(Some(permit)),
            Ok(Err(_closed)) => Err(Error::usage("the database handle is closed")),
            Err(_elapsed) => Err(Error::connection(
                format!(
                    "no connection to the database was free within {:?}: raise pool_max_size, \
                     or hold connections for less time (a long transaction, an unfinished stream)",
                    self.slots.wait
                ),
                None,
            )),
        }
    }
}

/// Runs `work` on a blocking thread; a panic in it is resumed here.
pub(crate) async fn blocking<T, F>(work: F) -> Result<T>
where
    F: FnOnce() -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(Error::usage(
                "the tokio runtime shut down while a database operation was running",
            )),
        },
    }
}
