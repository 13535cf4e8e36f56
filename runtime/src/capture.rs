//! Capturing the statements a block of code runs, for tests: Django's
//! `CaptureQueriesContext` ([`capture_queries`]) and `assertNumQueries`
//! ([`assert_num_queries`]).
//!
//! The runtime hands every statement it sends to [`record`] as well as to
//! `tracing`. A capture is a thread-local list, not a `tracing` subscriber:
//! `tracing` caches per call site whether anyone listens, and a call site
//! first reached on a thread with no subscriber, while another thread's
//! scoped subscriber is the only one alive, is cached as unheard, so
//! captures running in parallel tests would miss statements. Statements run
//! on other threads are not captured; nested captures each see the
//! statements of their block.

use std::cell::RefCell;
use std::fmt;

thread_local! {
    /// The open captures of this thread, innermost last.
    static OPEN_CAPTURES: RefCell<Vec<Vec<String>>> = const { RefCell::new(Vec::new()) };
}

/// Whether a capture is open on this thread (the runtime then times and
/// records its statements even when no `tracing` subscriber listens).
pub(crate) fn is_capturing() -> bool {
    OPEN_CAPTURES.with(|open| !open.borrow().is_empty())
}

/// Adds a statement to every capture open on this thread.
pub(crate) fn record(sql: &str) {
    OPEN_CAPTURES.with(|open| {
        for statements in open.borrow_mut().iter_mut() {
            statements.push(sql.to_owned());
        }
    });
}

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
    /// Closes the capture also when `block` panics, so that a caught panic
    /// leaves no capture open on the thread.
    struct OpenCapture;
    impl Drop for OpenCapture {
        fn drop(&mut self) {
            OPEN_CAPTURES.with(|open| open.borrow_mut().pop());
        }
    }
    impl OpenCapture {
        fn close(self) -> Vec<String> {
            let statements = OPEN_CAPTURES.with(|open| {
                std::mem::take(open.borrow_mut().last_mut().expect("this capture is open"))
            });
            drop(self);
            statements
        }
    }

    OPEN_CAPTURES.with(|open| open.borrow_mut().push(Vec::new()));
    let capture = OpenCapture;
    let value = block();
    let statements = capture.close();
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
