//! Transactions: `db.transaction(|tx| …)` commits when the closure returns
//! `Ok`, rolls back on `Err` or panic; a transaction inside a transaction is a
//! savepoint, so an inner failure undoes only the inner block. A session
//! (crate-internal) holds one connection outside a transaction, for work whose
//! state lives on the connection: advisory locks, SQLite pragmas.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use super::pool::Checkout;
use super::{Db, DEFAULT_ALIAS};
use crate::error::{Error, Result};

/// The connection a transaction (or a session) runs on, shared by every
/// handle inside it.
pub(crate) struct Pin {
    pub(crate) database: usize,
    state: Mutex<PinState>,
    /// The thread holding `state` for an operation (an open iterator keeps
    /// it), as its [`thread_token`], 0 for none: waiting for it on that same
    /// thread would never end.
    holder: AtomicUsize,
    /// True while a transaction is open on the connection: always for a
    /// transaction's pin, between BEGIN and COMMIT for a session's.
    in_transaction: AtomicBool,
}

pub(crate) struct PinState {
    /// `None` once the transaction has ended.
    pub(crate) connection: Option<Checkout>,
    depth: u32,
}

impl Pin {
    fn new(database: usize, connection: Checkout, in_transaction: bool) -> Pin {
        Pin {
            database,
            state: Mutex::new(PinState {
                connection: Some(connection),
                depth: 0,
            }),
            holder: AtomicUsize::new(0),
            in_transaction: AtomicBool::new(in_transaction),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, PinState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the transaction's connection for one operation, waiting for
    /// other threads; an error when this thread holds it already (an open
    /// iterator over rows of this transaction), where waiting would deadlock.
    pub(crate) fn lock_for_operation(&self) -> Result<MutexGuard<'_, PinState>> {
        let state = match self.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                if self.holder.load(Ordering::Relaxed) == thread_token() {
                    return Err(Error::usage(
                        "the transaction's connection is held by an open iterator: \
                         finish or drop the iterator before running another query \
                         in the same transaction",
                    ));
                }
                self.lock()
            }
        };
        self.holder.store(thread_token(), Ordering::Relaxed);
        Ok(state)
    }

    /// True while a transaction is open on the pinned connection.
    pub(crate) fn in_transaction(&self) -> bool {
        self.in_transaction.load(Ordering::SeqCst)
    }

    /// Called when an operation's lock is about to be released.
    pub(crate) fn release_holder(&self) {
        self.holder.store(0, Ordering::Relaxed);
    }
}

/// A number naming the calling thread among the living ones, never 0: the
/// address of a thread-local (cheaper than `thread::current()`, which clones
/// an `Arc` on every operation).
fn thread_token() -> usize {
    thread_local! {
        static TOKEN: u8 = const { 0 };
    }
    TOKEN.with(|token| token as *const u8 as usize)
}

impl Db {
    /// Runs `work` in a transaction on the `default` database.
    ///
    /// The closure gets a handle bound to the transaction: every query made
    /// through it is part of the transaction. `Ok` commits, `Err` or a panic
    /// rolls back (the panic then continues). Calling `transaction` again on the
    /// handle opens a savepoint.
    ///
    /// ```
    /// let db = pookie::Db::connect("sqlite://:memory:")?;
    /// db.execute("CREATE TABLE t (x INTEGER)", &[])?;
    /// let failed: pookie::Result<()> = db.transaction(|tx| {
    ///     tx.execute("INSERT INTO t VALUES (1)", &[])?;
    ///     Err(pookie::Error::custom("changed my mind"))
    /// });
    /// assert!(failed.is_err());
    /// db.transaction(|tx| {
    ///     tx.execute("INSERT INTO t VALUES (2)", &[])?;
    ///     // An inner failure rolls back only the inner block.
    ///     let _ = tx.transaction(|inner| -> pookie::Result<()> {
    ///         inner.execute("INSERT INTO t VALUES (3)", &[])?;
    ///         Err(pookie::Error::custom("not this one"))
    ///     });
    ///     Ok(())
    /// })?;
    /// let total = db.fetch_one("SELECT SUM(x) AS total FROM t", &[])?.unwrap();
    /// assert_eq!(total.get::<i64>("total")?, 2);
    /// # Ok::<(), pookie::Error>(())
    /// ```
    pub fn transaction<T>(&self, work: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        self.transaction_on(DEFAULT_ALIAS, work)
    }

    /// Runs `work` in a transaction on the database registered as `alias`.
    pub fn transaction_on<T>(&self, alias: &str, work: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let scope = self.open_transaction(alias)?;
        let outcome = catch_unwind(AssertUnwindSafe(|| work(scope.handle())));
        match outcome {
            Ok(Ok(value)) => scope.commit().map(|()| value),
            Ok(Err(error)) => {
                // The closure's error is what matters; a failed rollback (a
                // lost connection) leaves the pool to discard the connection.
                let _ = scope.roll_back();
                Err(error)
            }
            Err(panic) => {
                drop(scope);
                resume_unwind(panic)
            }
        }
    }

    /// Opens a transaction on the database `alias` (a savepoint when this
    /// handle is inside one already) and returns it open: queries go through
    /// [`TransactionScope::handle`] until [`commit`](TransactionScope::commit)
    /// or [`roll_back`](TransactionScope::roll_back); dropping the scope
    /// unfinished rolls it back.
    pub(crate) fn open_transaction(&self, alias: &str) -> Result<TransactionScope> {
        let index = self.index_of(alias)?;
        if let Some(pin) = self.pins.iter().find(|pin| pin.database == index) {
            let pin = Arc::clone(pin);
            let dialect = self.databases[index].dialect;
            if pin.in_transaction() {
                let name = {
                    let mut state = pin.lock_for_operation()?;
                    pin.release_holder();
                    state.depth += 1;
                    format!("pookie_savepoint_{}", state.depth)
                };
                let mut sql = String::new();
                dialect.push_savepoint(&mut sql, &name);
                if let Err(error) = run_on_pin(&pin, &sql) {
                    pin.lock().depth -= 1;
                    return Err(error);
                }
                return Ok(TransactionScope::new(
                    self.clone(),
                    pin,
                    Level::Savepoint(name),
                ));
            }
            run_on_pin(&pin, dialect.begin_transaction())?;
            pin.in_transaction.store(true, Ordering::SeqCst);
            return Ok(TransactionScope::new(self.clone(), pin, Level::OnSession));
        }
        let database = &self.databases[index];
        database.replicas.note_write();
        let (mut connection, uses) = database.checkout_warm()?;
        connection.batch_execute(database.dialect.begin_transaction())?;
        connection.set_in_transaction(true);
        let pin = Arc::new(Pin::new(index, connection, true));
        let mut inside = self.clone();
        inside.pins.push(Arc::clone(&pin));
        Ok(TransactionScope::new(inside, pin, Level::Top { uses }))
    }

    /// Runs `work` with one connection of the database `alias` held for every
    /// statement made through the handle it gets, outside any transaction; a
    /// `transaction_on` through that handle opens a real transaction on that
    /// connection, not a savepoint. For work whose state lives on the
    /// connection: a PostgreSQL advisory lock, SQLite's `foreign_keys` pragma
    /// (a no-op inside a transaction). A connection the server closed is
    /// reported, never silently replaced: the session's state went with it.
    pub(crate) fn session_on<T>(
        &self,
        alias: &str,
        work: impl FnOnce(&Db) -> Result<T>,
    ) -> Result<T> {
        let index = self.index_of(alias)?;
        if self.pins.iter().any(|pin| pin.database == index) {
            return Err(Error::usage(format!(
                "this must run outside a transaction on the database `{alias}`: \
                 call it with the database handle, not a transaction's"
            )));
        }
        let database = &self.databases[index];
        let (mut connection, uses) = database.checkout_warm()?;
        connection.set_in_transaction(true);
        let pin = Arc::new(Pin::new(index, connection, false));
        let mut inside = self.clone();
        inside.pins.push(Arc::clone(&pin));
        let outcome = catch_unwind(AssertUnwindSafe(|| work(&inside)));
        drop(inside);
        let Some(mut connection) = pin.lock().connection.take() else {
            unreachable!("only this function takes the session's connection");
        };
        connection.set_in_transaction(false);
        match outcome {
            Ok(result) => {
                database.give_back(connection, uses);
                result
            }
            // The pool checks a connection it gets back; the warm list would not.
            Err(panic) => {
                drop(connection);
                resume_unwind(panic)
            }
        }
    }
}

/// Runs transaction control on a pinned connection.
fn run_on_pin(pin: &Pin, sql: &str) -> Result<()> {
    let mut state = pin.lock_for_operation()?;
    pin.release_holder();
    match state.connection.as_mut() {
        Some(connection) => connection.batch_execute(sql),
        None => Err(Error::usage(
            "this transaction has ended: use the database handle outside its closure",
        )),
    }
}

/// What a [`TransactionScope`] opened.
enum Level {
    /// A transaction on a connection of its own, taken from the pool.
    Top { uses: u32 },
    /// A transaction on a session's connection, which stays with the session.
    OnSession,
    /// A savepoint inside an open transaction.
    Savepoint(String),
}

/// An open transaction or savepoint. It ends with [`commit`](Self::commit) or
/// [`roll_back`](Self::roll_back); dropped unfinished (a panic, a cancelled
/// future), it rolls back, and a top-level transaction's connection goes to
/// the pool, which checks it, never to the warm list.
pub(crate) struct TransactionScope {
    /// The handle queries of the transaction go through.
    handle: Db,
    pin: Arc<Pin>,
    level: Level,
    finished: bool,
}

impl TransactionScope {
    fn new(handle: Db, pin: Arc<Pin>, level: Level) -> Self {
        TransactionScope {
            handle,
            pin,
            level,
            finished: false,
        }
    }

    /// The handle whose queries run inside the transaction.
    pub(crate) fn handle(&self) -> &Db {
        &self.handle
    }

    /// COMMIT (RELEASE for a savepoint). A failed COMMIT is rolled back and
    /// its error returned.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.finish(true)
    }

    /// ROLLBACK (ROLLBACK TO and RELEASE for a savepoint).
    pub(crate) fn roll_back(mut self) -> Result<()> {
        self.finish(false)
    }

    fn finish(&mut self, commit: bool) -> Result<()> {
        self.finished = true;
        let dialect = self.handle.databases[self.pin.database].dialect;
        match &self.level {
            Level::Savepoint(name) => {
                let statement = |build: fn(pookie_dialect::Dialect, &mut String, &str)| {
                    let mut sql = String::new();
                    build(dialect, &mut sql, name);
                    let mut state = self.pin.lock();
                    match state.connection.as_mut() {
                        Some(connection) => connection.batch_execute(&sql),
                        None => Ok(()),
                    }
                };
                let result = if commit {
                    statement(pookie_dialect::Dialect::push_release_savepoint)
                } else {
                    statement(pookie_dialect::Dialect::push_rollback_to_savepoint)
                        .and_then(|()| statement(pookie_dialect::Dialect::push_release_savepoint))
                };
                self.pin.lock().depth -= 1;
                result
            }
            Level::OnSession => {
                let result = if commit {
                    run_on_pin(&self.pin, "COMMIT").inspect_err(|_| {
                        let _ = run_on_pin(&self.pin, "ROLLBACK");
                    })
                } else {
                    run_on_pin(&self.pin, "ROLLBACK")
                };
                self.pin.in_transaction.store(false, Ordering::SeqCst);
                result
            }
            Level::Top { uses } => {
                let uses = *uses;
                // Handles cloned out of the transaction find it ended.
                let Some(mut connection) = self.pin.lock().connection.take() else {
                    unreachable!("only the scope takes the transaction's connection");
                };
                let mut run = |sql: &str| {
                    let result = connection.batch_execute(sql);
                    connection.set_in_transaction(false);
                    result
                };
                let result = if commit {
                    run("COMMIT").inspect_err(|_| {
                        let _ = run("ROLLBACK");
                    })
                } else {
                    run("ROLLBACK")
                };
                // A connection whose COMMIT or ROLLBACK failed may still be
                // inside the transaction: it goes back to the pool, which
                // checks it, not to the warm list.
                if result.is_ok() {
                    let database = &self.handle.databases[self.pin.database];
                    database.give_back(connection, uses);
                }
                result
            }
        }
    }
}

impl Drop for TransactionScope {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if let Level::Top { .. } = self.level {
            // Unfinished: a panic or a cancelled future. The connection goes
            // to the pool (which checks it) even when the rollback works.
            self.finished = true;
            let taken = self.pin.lock().connection.take();
            if let Some(mut connection) = taken {
                let _ = connection.batch_execute("ROLLBACK");
                connection.set_in_transaction(false);
            }
            return;
        }
        let _ = self.finish(false);
    }
}
