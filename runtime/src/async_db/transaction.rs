//! Async transactions: `adb.transaction(|tx| async move { … }).await`
//! commits on `Ok`, rolls back on `Err`, on a panic, and when the future is
//! dropped before it ends (a request timeout); a transaction inside one is a
//! savepoint.

use std::future::Future;
use std::sync::Arc;

use super::{blocking, off_the_executor, AsyncDb};
use crate::db::{TransactionScope, DEFAULT_ALIAS};
use crate::error::Result;

impl AsyncDb {
    /// Runs `work` in a transaction on the `default` database. `work` gets
    /// a handle bound to the transaction: every query awaited through it is
    /// part of it. `Ok` commits; `Err`, a panic, or dropping the returned
    /// future before it ends rolls back — the connection never goes back to
    /// the pool inside a transaction. Calling `transaction` on the handle
    /// opens a savepoint.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> pookie::Result<()> {
    /// let adb = pookie::AsyncDb::connect("sqlite://:memory:").await?;
    /// adb.execute("CREATE TABLE t (x INTEGER)", vec![]).await?;
    /// adb.transaction(|tx| async move {
    ///     tx.execute("INSERT INTO t VALUES (1)", vec![]).await?;
    ///     // An inner failure rolls back only the inner block.
    ///     let inner: pookie::Result<()> = tx
    ///         .transaction(|inner| async move {
    ///             inner.execute("INSERT INTO t VALUES (2)", vec![]).await?;
    ///             Err(pookie::Error::custom("not this one"))
    ///         })
    ///         .await;
    ///     assert!(inner.is_err());
    ///     Ok(())
    /// })
    /// .await?;
    /// let total = adb.fetch_one("SELECT SUM(x) AS total FROM t", vec![]).await?.unwrap();
    /// assert_eq!(total.get::<i64>("total")?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(AsyncDb) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.transaction_on(DEFAULT_ALIAS, work).await
    }

    /// Runs `work` in a transaction on the database registered as `alias`.
    pub async fn transaction_on<T, F, Fut>(&self, alias: &str, work: F) -> Result<T>
    where
        F: FnOnce(AsyncDb) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let slot = match &self.transaction_slot {
            Some(held) => Arc::clone(held),
            None => Arc::new(self.slot().await?),
        };
        let db = self.db.clone();
        let alias = alias.to_owned();
        let held = Arc::clone(&slot);
        // Made on the blocking thread: dropped unused (this future was dropped
        // as the transaction opened), it still rolls back off the executor.
        let mut open = blocking(move || {
            db.open_transaction(&alias).map(|scope| OpenScope {
                scope: Some(scope),
                slot: Some(held),
            })
        })
        .await?;
        let inside = AsyncDb {
            db: open.handle().clone(),
            shared: Arc::clone(&self.shared),
            home: self.home,
            transaction_slot: Some(slot),
        };
        let outcome = work(inside).await;
        let (scope, slot) = open.take();
        match outcome {
            Ok(value) => {
                blocking(move || {
                    let _slot = slot;
                    scope.commit()
                })
                .await?;
                Ok(value)
            }
            Err(error) => {
                // The work's error is what matters; a failed rollback leaves
                // the pool to discard the connection.
                let _ = blocking(move || {
                    let _slot = slot;
                    scope.roll_back()
                })
                .await;
                Err(error)
            }
        }
    }
}

/// A transaction opened for async work. Dropped before the work ends (the
/// future was cancelled, or the work panicked), it rolls the transaction back
/// off the executor — after any operation of the transaction still running —
/// and only then frees the pool slot.
struct OpenScope {
    scope: Option<TransactionScope>,
    slot: Option<Arc<Option<tokio::sync::OwnedSemaphorePermit>>>,
}

impl OpenScope {
    fn handle(&self) -> &crate::Db {
        self.scope
            .as_ref()
            .expect("present until the work ends")
            .handle()
    }

    fn take(
        &mut self,
    ) -> (
        TransactionScope,
        Option<Arc<Option<tokio::sync::OwnedSemaphorePermit>>>,
    ) {
        (
            self.scope.take().expect("taken once, when the work ends"),
            self.slot.take(),
        )
    }
}

impl Drop for OpenScope {
    fn drop(&mut self) {
        let Some(scope) = self.scope.take() else {
            return;
        };
        let slot = self.slot.take();
        off_the_executor(move || {
            drop(scope);
            drop(slot);
        });
    }
}
