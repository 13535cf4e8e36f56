//! Serialising concurrent runners (several instances of a program starting
//! at once, each migrating the same database).
//!
//! PostgreSQL: a session-level advisory lock, held on the run's connection
//! from before the history is read until the run ends. SQLite: each
//! migration's transaction is `BEGIN IMMEDIATE`, which takes the database's
//! write lock; the runner waits for it (the busy timeout) for as long as a
//! migration may take, and re-reads the history inside the transaction.

use pookie_dialect::Dialect;

use crate::db::DEFAULT_ALIAS;
use crate::error::Result;
use crate::Db;

/// The key of the advisory lock: the bytes of "pookiemg". One per database,
/// so two schemas of one database migrate one after the other.
const ADVISORY_KEY: i64 = 0x706F_6F6B_6965_6D67;

/// How long an SQLite runner waits for another runner's migration, in
/// milliseconds: long enough for a large table rebuild.
const SQLITE_WAIT_MS: i64 = 10 * 60 * 1000;

/// The lock of one run, on the run's session connection; released when
/// dropped (after an error or a panic too).
pub(crate) struct RunLock<'a> {
    db: &'a Db,
    /// What `release` undoes; `None` once released.
    held: Option<Held>,
}

enum Held {
    Advisory,
    /// The busy timeout to restore.
    SqliteWait(i64),
}

impl<'a> RunLock<'a> {
    /// Takes the lock, waiting for any other runner to finish.
    pub(crate) fn acquire(db: &'a Db) -> Result<RunLock<'a>> {
        let mut connection = db.connection(DEFAULT_ALIAS)?;
        let held = match db.dialect() {
            Dialect::Postgres => {
                tracing::debug!(target: "pookie::migrate", "waiting for the migration lock");
                connection.batch_execute(&format!("SELECT pg_advisory_lock({ADVISORY_KEY})"))?;
                Held::Advisory
            }
            Dialect::Sqlite => {
                let previous = connection
                    .query_first("PRAGMA busy_timeout", &[], |row| row.get::<i64>(0))?
                    .unwrap_or(0);
                connection.batch_execute(&format!("PRAGMA busy_timeout = {SQLITE_WAIT_MS}"))?;
                Held::SqliteWait(previous)
            }
        };
        Ok(RunLock {
            db,
            held: Some(held),
        })
    }

    /// Releases the lock, reporting a failure.
    pub(crate) fn release(mut self) -> Result<()> {
        self.release_held()
    }

    fn release_held(&mut self) -> Result<()> {
        let sql = match self.held.take() {
            None => return Ok(()),
            Some(Held::Advisory) => format!("SELECT pg_advisory_unlock({ADVISORY_KEY})"),
            Some(Held::SqliteWait(previous)) => format!("PRAGMA busy_timeout = {previous}"),
        };
        self.db.connection(DEFAULT_ALIAS)?.batch_execute(&sql)
    }
}

impl Drop for RunLock<'_> {
    fn drop(&mut self) {
        if let Err(error) = self.release_held() {
            // Unlocking fails when the connection was lost, which freed the
            // lock with the session.
            tracing::warn!(target: "pookie::migrate", %error, "releasing the migration lock failed");
        }
    }
}
