//! Capturing the statements a block of code runs, for tests: Django's
//! `CaptureQueriesContext` ([`capture_queries`]) and `assertNumQueries`
//! ([`assert_num_queries`]).
//!
//! Every statement the runtime sends is a `tracing` event (target
//! `pookie::sql`, level INFO, the SQL as its message). Capturing installs a
//! subscriber for the current thread only, for the duration of the block, so
//! tests running in parallel each see their own statements; statements run
//! on other threads are not captured. Inside the block, other `tracing`
//! output of the thread goes to the capture, not to the program's subscriber.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// The statements a block of code ran, in order, as the SQL sent to the
/// database (placeholders, not values).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapturedQueries {
    statements: Vec<String>,
}

impl CapturedQueries {
    /// The SQL of each statement, in the order they ran. The captured
    /// statements are also a slice themselves: `queries.len()`, `queries[0]`.
    pub fn statements(&self) -> &[String] {
        &self.statements
    }
}

impl std::ops::Deref for CapturedQueries {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.statements
    }
}

impl fmt::Display for CapturedQueries {
    /// One numbered statement per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, sql) in self.statements.iter().enumerate() {
            writeln!(f, "{}. {sql}", index + 1)?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a CapturedQueries {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.statements.iter()
    }
}

/// Runs `block` and returns what it returned with the statements it ran on
/// this thread (Django's `CaptureQueriesContext`).
///
/// ```
/// let db = pookie::Db::connect("sqlite://:memory:")?;
/// let (rows, queries) = pookie::capture_queries(|| {
///     db.execute("CREATE TABLE notes (body TEXT)", &[])?;
///     db.fetch_all("SELECT body FROM notes", &[])
/// });
/// assert!(rows?.is_empty());
/// assert_eq!(queries.len(), 2);
/// assert_eq!(queries[1], "SELECT body FROM notes");
/// # Ok::<(), pookie::Error>(())
/// ```
pub fn capture_queries<T>(block: impl FnOnce() -> T) -> (T, CapturedQueries) {
    let recorder = Recorder::default();
    let statements = Arc::clone(&recorder.statements);
    let value = tracing::subscriber::with_default(recorder, block);
    let statements =
        std::mem::take(&mut *statements.lock().unwrap_or_else(PoisonError::into_inner));
    (value, CapturedQueries { statements })
}

/// Runs `block` and panics, listing the statements, unless it ran exactly
/// `expected` of them on this thread (Django's `assertNumQueries`). Returns
/// what `block` returned.
///
/// ```
/// let db = pookie::Db::connect("sqlite://:memory:")?;
/// pookie::assert_num_queries(1, || db.execute("CREATE TABLE t (x INTEGER)", &[]))?;
/// # Ok::<(), pookie::Error>(())
/// ```
#[track_caller]
pub fn assert_num_queries<T>(expected: usize, block: impl FnOnce() -> T) -> T {
    let (value, queries) = capture_queries(block);
    assert!(
        queries.len() == expected,
        "expected {expected} statement(s), {} ran:\n{queries}",
        queries.len()
    );
    value
}

/// The subscriber of [`capture_queries`]: it records the message of every
/// `pookie::sql` INFO event. (Only the installing thread reaches it; the
/// mutex is what makes it `Sync`, as a subscriber must be.)
#[derive(Default)]
struct Recorder {
    statements: Arc<Mutex<Vec<String>>>,
}

struct MessageVisitor<'a>(&'a mut String);

impl Visit for MessageVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            *self.0 = format!("{value:?}");
        }
    }
}

fn is_statement(metadata: &Metadata<'_>) -> bool {
    metadata.target() == "pookie::sql" && *metadata.level() == Level::INFO
}

impl Subscriber for Recorder {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Ask per event: other threads may have other subscribers.
        Interest::sometimes()
    }
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        is_statement(metadata)
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if is_statement(event.metadata()) {
            let mut sql = String::new();
            event.record(&mut MessageVisitor(&mut sql));
            self.statements
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(sql);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}
