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
        let index = self.index_of(alias)?;
        if let Some(pin) = self.pins.iter().find(|pin| pin.database == index) {
            if pin.in_transaction() {
                return self.savepoint(pin, work);
            }
            return self.session_transaction(pin, work);
        }
        let database = &self.databases[index];
        let dialect = database.dialect;
        database.replicas.note_write();
        let (mut connection, uses) = database.checkout_warm()?;
        connection.batch_execute(dialect.begin_transaction())?;
        connection.set_in_transaction(true);
        let pin = Arc::new(Pin {
            database: index,
            state: Mutex::new(PinState {
                connection: Some(connection),
                depth: 0,
            }),
            holder: AtomicUsize::new(0),
            in_transaction: AtomicBool::new(true),
        });
        let mut inside = self.clone();
        inside.pins.push(Arc::clone(&pin));
        let outcome = catch_unwind(AssertUnwindSafe(|| work(&inside)));
        drop(inside);
        let Some(mut connection) = pin.lock().connection.take() else {
            unreachable!("only this function takes the transaction's connection");
        };
        let finish = |connection: &mut Checkout, sql: &str| {
            let result = connection.batch_execute(sql);
            connection.set_in_transaction(false);
            result
        };
        // A connection whose COMMIT or ROLLBACK failed may still be inside the
        // transaction: it goes back to the pool, which checks it, not to the
        // warm list.
        let result = match outcome {
            Ok(Ok(value)) => match finish(&mut connection, "COMMIT") {
                Ok(()) => Ok(value),
                Err(error) => {
                    let _ = finish(&mut connection, "ROLLBACK");
                    drop(connection);
                    return Err(error);
                }
            },
            Ok(Err(error)) => {
                // The closure's error is what matters; a failed rollback (a lost
                // connection) leaves the pool to discard the connection.
                if finish(&mut connection, "ROLLBACK").is_err() {
                    drop(connection);
                    return Err(error);
                }
                Err(error)
            }
            Err(panic) => {
                let _ = finish(&mut connection, "ROLLBACK");
                drop(connection);
                resume_unwind(panic)
            }
        };
        database.give_back(connection, uses);
        result
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
        let pin = Arc::new(Pin {
            database: index,
            state: Mutex::new(PinState {
                connection: Some(connection),
                depth: 0,
            }),
            holder: AtomicUsize::new(0),
            in_transaction: AtomicBool::new(false),
        });
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

    /// A transaction on a session's connection: BEGIN, `work`, then COMMIT on
    /// `Ok` or ROLLBACK on `Err` or panic.
    fn session_transaction<T>(&self, pin: &Pin, work: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let dialect = self.databases[pin.database].dialect;
        let run = |sql: &str| -> Result<()> {
            let mut state = pin.lock_for_operation()?;
            pin.release_holder();
            match state.connection.as_mut() {
                Some(connection) => connection.batch_execute(sql),
                None => Err(Error::usage(
                    "this session has ended: use the database handle outside its closure",
                )),
            }
        };
        run(dialect.begin_transaction())?;
        pin.in_transaction.store(true, Ordering::SeqCst);
        let outcome = catch_unwind(AssertUnwindSafe(|| work(self)));
        let result = match outcome {
            Ok(Ok(value)) => match run("COMMIT") {
                Ok(()) => Ok(value),
                Err(error) => {
                    let _ = run("ROLLBACK");
                    Err(error)
                }
            },
            Ok(Err(error)) => {
                let _ = run("ROLLBACK");
                Err(error)
            }
            Err(panic) => {
                let _ = run("ROLLBACK");
                pin.in_transaction.store(false, Ordering::SeqCst);
                resume_unwind(panic)
            }
        };
        pin.in_transaction.store(false, Ordering::SeqCst);
        result
    }

    fn savepoint<T>(&self, pin: &Pin, work: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let dialect = self.databases[pin.database].dialect;
        let name = {
            let mut state = pin.lock_for_operation()?;
            pin.release_holder();
            state.depth += 1;
            format!("pookie_savepoint_{}", state.depth)
        };
        let run = |build: fn(pookie_dialect::Dialect, &mut String, &str)| -> Result<()> {
            let mut sql = String::new();
            build(dialect, &mut sql, &name);
            let mut state = pin.lock();
            match state.connection.as_mut() {
                Some(connection) => connection.batch_execute(&sql),
                None => Ok(()),
            }
        };
        let opened = run(pookie_dialect::Dialect::push_savepoint);
        let outcome = match opened {
            Ok(()) => catch_unwind(AssertUnwindSafe(|| work(self))),
            Err(error) => Ok(Err(error)),
        };
        let result = match outcome {
            Ok(Ok(value)) => run(pookie_dialect::Dialect::push_release_savepoint).map(|()| value),
            Ok(Err(error)) => {
                let _ = run(pookie_dialect::Dialect::push_rollback_to_savepoint)
                    .and_then(|()| run(pookie_dialect::Dialect::push_release_savepoint));
                Err(error)
            }
            Err(panic) => {
                let _ = run(pookie_dialect::Dialect::push_rollback_to_savepoint)
                    .and_then(|()| run(pookie_dialect::Dialect::push_release_savepoint));
                pin.lock().depth -= 1;
                resume_unwind(panic)
            }
        };
        pin.lock().depth -= 1;
        result
    }
}
