//! Rows of a query set as a [`futures_core::Stream`], read on a blocking
//! thread and handed over through a small bounded channel: memory stays flat
//! however many rows there are, and dropping the stream stops the read.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use super::{blocking, AsyncDb};
use crate::error::Result;
use crate::model::Model;
use crate::query::QuerySet;

/// Rows read ahead of the consumer, at most.
const READ_AHEAD: usize = 64;

/// The rows of a query set, one at a time, as a [`futures_core::Stream`]
/// (`while let Some(row) = stream.next().await` with `futures::StreamExt`).
/// Its connection is held until the last row is read or the stream is
/// dropped; dropping it early stops the query.
#[must_use = "a stream reads nothing until it is polled"]
pub struct ModelStream<M> {
    rows: mpsc::Receiver<Result<M>>,
}

impl<M> std::fmt::Debug for ModelStream<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelStream").finish_non_exhaustive()
    }
}

impl<M> futures_core::Stream for ModelStream<M> {
    type Item = Result<M>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rows.poll_recv(cx)
    }
}

impl AsyncDb {
    /// Streams the rows of `query` (see [`QuerySet::iterator`]: rows read
    /// from the open statement as they are asked for, on a blocking thread).
    /// Must be called inside a tokio runtime.
    pub fn stream<M: Model>(&self, query: QuerySet<M>) -> ModelStream<M> {
        let (sender, rows) = mpsc::channel(READ_AHEAD);
        let adb = self.clone();
        tokio::spawn(async move {
            let slot = match adb.slot().await {
                Ok(slot) => slot,
                Err(error) => {
                    let _ = sender.send(Err(error)).await;
                    return;
                }
            };
            let db = adb.db.clone();
            let reader = sender.clone();
            let outcome = blocking(move || {
                let _slot = slot;
                for row in query.iterator(&db)? {
                    // The consumer dropped the stream: stop reading.
                    if reader.blocking_send(row).is_err() {
                        break;
                    }
                }
                Ok(())
            })
            .await;
            if let Err(error) = outcome {
                let _ = sender.send(Err(error)).await;
            }
        });
        ModelStream { rows }
    }
}
