//! One named database: its dialect and its pool of connections (r2d2).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pookie_dialect::Dialect;

use super::connection::Connection;
use super::options::{ConnectOptions, Engine};
use crate::error::{Error, Result};

/// Opens connections for the pool. The connection opened to check the
/// settings at start-up is kept and handed out first.
pub(crate) struct Manager {
    options: ConnectOptions,
    spare: Mutex<Option<Connection>>,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = Error;

    fn connect(&self) -> Result<Connection> {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match spare {
            Some(connection) => Ok(connection),
            None => Connection::open(&self.options),
        }
    }

    fn is_valid(&self, connection: &mut Connection) -> Result<()> {
        connection.ping()
    }

    fn has_broken(&self, connection: &mut Connection) -> bool {
        connection.is_broken()
    }
}

/// Reports the pool's background connection failures through `tracing`.
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<Error> for LogErrors {
    fn handle_error(&self, error: Error) {
        tracing::warn!(target: "pookie::pool", %error, "opening a pooled connection failed");
    }
}

/// How many operations a connection serves from the warm list before it goes
/// back to the pool, so that the pool's lifetime and idle rules still reach it.
const WARM_USES: u32 = 1000;

/// How long an operation waiting for the pool waits before looking at the
/// warm list again.
const WARM_RECHECK: Duration = Duration::from_millis(20);

/// How long a replica that could not be reached is left out before it is tried again.
const REPLICA_RETRY_AFTER: Duration = Duration::from_secs(30);

/// The longest a read waits for a replica's connection before the primary serves it.
const REPLICA_CHECKOUT: Duration = Duration::from_secs(2);

/// Which replica serves a read.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum ReplicaPolicy {
    /// Each read goes to the next replica in turn (the default).
    #[default]
    RoundRobin,
    /// Every read goes to the first replica given; the others serve when it is down.
    InOrder,
    /// A function of the number of replicas and a counter of reads, giving the
    /// index of the replica to try first (the others follow when it is down).
    Custom(Arc<dyn Fn(usize, usize) -> usize + Send + Sync>),
}

impl std::fmt::Debug for ReplicaPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReplicaPolicy::RoundRobin => "RoundRobin",
            ReplicaPolicy::InOrder => "InOrder",
            ReplicaPolicy::Custom(_) => "Custom",
        })
    }
}

/// A read replica of a database, with its own pool.
pub(crate) struct Replica {
    pub(crate) database: Database,
    /// Set when the replica could not be reached: reads skip it until then.
    down_until: Mutex<Option<Instant>>,
}

/// The replicas of one database and how reads are spread over them.
#[derive(Default)]
pub(crate) struct Replicas {
    pub(crate) list: Vec<Replica>,
    pub(crate) policy: ReplicaPolicy,
    reads: AtomicUsize,
    /// Read-your-writes: after a write through the primary, reads stay on the
    /// primary for this long.
    pub(crate) sticky: Option<Duration>,
    last_write: Mutex<Option<Instant>>,
}

impl Replicas {
    pub(crate) fn new(list: Vec<Replica>, policy: ReplicaPolicy, sticky: Option<Duration>) -> Self {
        Replicas {
            list,
            policy,
            reads: AtomicUsize::new(0),
            sticky,
            last_write: Mutex::new(None),
        }
    }

    /// Notes a write on the primary, for read-your-writes.
    pub(crate) fn note_write(&self) {
        if self.sticky.is_some() && !self.list.is_empty() {
            *self
                .last_write
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Instant::now());
        }
    }

    fn recently_written(&self) -> bool {
        let Some(window) = self.sticky else {
            return false;
        };
        self.last_write
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some_and(|at| at.elapsed() < window)
    }

    /// A connection of a replica for one read, or `None` when the primary
    /// must serve it: no replica, a recent write, or every replica down.
    pub(crate) fn checkout(&self) -> Option<(Checkout, u32, &Replica)> {
        if self.list.is_empty() || self.recently_written() {
            return None;
        }
        let count = self.list.len();
        let read = self.reads.fetch_add(1, Ordering::Relaxed);
        let first = match &self.policy {
            ReplicaPolicy::RoundRobin => read % count,
            ReplicaPolicy::InOrder => 0,
            ReplicaPolicy::Custom(choose) => choose(count, read) % count,
        };
        (0..count)
            .map(|offset| &self.list[(first + offset) % count])
            .find_map(|replica| replica.checkout().map(|(c, uses)| (c, uses, replica)))
    }
}

impl Replica {
    /// Opens the replica's pool; one that cannot be reached now is logged and
    /// left out for a while, not an error.
    pub(crate) fn open(alias: String, options: ConnectOptions) -> Result<Replica> {
        options.validate()?;
        let shown = options.to_string();
        let (first, down_until) = match Connection::open(&options) {
            Ok(connection) => (Some(connection), None),
            Err(error) => {
                tracing::warn!(target: "pookie::pool", %alias, replica = %shown, %error, "the replica cannot be reached: the primary serves its reads");
                (None, Some(Instant::now() + REPLICA_RETRY_AFTER))
            }
        };
        Ok(Replica {
            database: Database::with_first(alias, options, first, Some(REPLICA_CHECKOUT)),
            down_until: Mutex::new(down_until),
        })
    }

    fn checkout(&self) -> Option<(Checkout, u32)> {
        let mut down_until = self
            .down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if down_until.is_some_and(|until| Instant::now() < until) {
            return None;
        }
        *down_until = None;
        drop(down_until);
        // A connection the replica closed (it was stopped or restarted) is
        // dropped here rather than failing the read.
        for _ in 0..2 {
            match self.database.checkout_warm() {
                Ok((connection, _)) if connection.is_broken() => continue,
                Ok(found) => return Some(found),
                Err(error) => {
                    tracing::warn!(target: "pookie::pool", replica = %self.database.display, %error, "the replica cannot be reached: the primary serves this read");
                    break;
                }
            }
        }
        self.mark_down();
        None
    }

    /// Leaves the replica out of reads for a while.
    pub(crate) fn mark_down(&self) {
        *self
            .down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some(Instant::now() + REPLICA_RETRY_AFTER);
    }
}

/// One named database.
pub(crate) struct Database {
    pub(crate) alias: String,
    pub(crate) dialect: Dialect,
    pub(crate) display: String,
    pool: r2d2::Pool<Manager>,
    /// Connections handed back by finished operations, checked out of the
    /// pool and kept ready, with how many operations each has served. Taking
    /// one is a lock and a pop, where a pool checkout costs hundreds of
    /// instructions (its lock, condition variable and clock reads). Unused
    /// when connections are health-checked on checkout.
    warm: Mutex<Vec<(Checkout, u32)>>,
    keeps_warm: bool,
    /// Operations waiting for the pool: while there are any, finished
    /// connections go back to the pool, which wakes them.
    waiting: AtomicUsize,
    /// The read replicas of this database (none unless given).
    pub(crate) replicas: Replicas,
    /// What it was opened with (the async pool opens its connections so too).
    #[cfg_attr(not(feature = "async"), allow(dead_code))]
    pub(crate) options: ConnectOptions,
}

pub(crate) type PooledConnection = r2d2::PooledConnection<Manager>;

/// A connection taken for an operation or a transaction. Boxed: it moves
/// from the warm list to the operation and back on every query, and a pooled
/// connection is a few hundred bytes.
pub(crate) type Checkout = Box<PooledConnection>;

impl Database {
    /// Connects once, so that a wrong URL, host, password or database name is
    /// reported at once and precisely, then sets the pool up around that connection.
    pub(crate) fn open(alias: String, options: ConnectOptions) -> Result<Database> {
        options.validate()?;
        let first = Connection::open(&options)?;
        Ok(Database::with_first(alias, options, Some(first), None))
    }

    /// Sets the pool up around `first` (when there is one); `wait` caps the
    /// checkout timeout (a replica's, so that a read falls back quickly).
    fn with_first(
        alias: String,
        options: ConnectOptions,
        first: Option<Connection>,
        wait: Option<Duration>,
    ) -> Database {
        let in_memory = matches!(options.engine, Engine::SqliteMemory);
        // An in-memory database lives only as long as its one connection.
        let (idle_timeout, max_lifetime) = if in_memory {
            (None, None)
        } else {
            (
                Some(Duration::from_secs(600)),
                Some(Duration::from_secs(1800)),
            )
        };
        let display = options.to_string();
        let pool = r2d2::Pool::builder()
            .max_size(options.effective_max_size())
            .min_idle(Some(
                options.pool.min_idle.min(options.effective_max_size()),
            ))
            .connection_timeout(wait.map_or(options.pool.checkout_timeout, |wait| {
                wait.min(options.pool.checkout_timeout)
            }))
            .test_on_check_out(options.pool.health_check)
            .idle_timeout(idle_timeout)
            .max_lifetime(max_lifetime)
            .error_handler(Box::new(LogErrors))
            .build_unchecked(Manager {
                spare: Mutex::new(first),
                options: options.clone(),
            });
        tracing::debug!(target: "pookie::pool", %alias, url = %options, max_size = pool.max_size(), "database ready");
        Database {
            alias,
            dialect: options.dialect(),
            display,
            pool,
            warm: Mutex::new(Vec::new()),
            keeps_warm: !options.pool.health_check,
            waiting: AtomicUsize::new(0),
            replicas: Replicas::default(),
            options,
        }
    }

    /// A connection for one operation: a warm one if there is one, else from
    /// the pool. Hand it back with [`Database::give_back`].
    pub(crate) fn checkout_warm(&self) -> Result<(Checkout, u32)> {
        if !self.keeps_warm {
            return Ok((Box::new(self.checkout()?), 0));
        }
        if let Some(warm) = self.pop_warm() {
            return Ok(warm);
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let timeout = self.pool.connection_timeout();
        let started = Instant::now();
        // A connection handed back between the look at the warm list and the
        // wait on the pool would be missed: wait in short slices, looking again.
        let outcome = loop {
            let slice = timeout.saturating_sub(started.elapsed()).min(WARM_RECHECK);
            match self.pool.get_timeout(slice) {
                Ok(connection) => break Ok((Box::new(connection), 0)),
                Err(error) => {
                    if let Some(warm) = self.pop_warm() {
                        break Ok(warm);
                    }
                    if started.elapsed() >= timeout {
                        break Err(self.checkout_error(error));
                    }
                }
            }
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        outcome
    }

    fn pop_warm(&self) -> Option<(Checkout, u32)> {
        self.warm
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop()
    }

    /// Keeps a connection an operation has finished with ready for the next
    /// one, unless it is broken or has served its share: those go back to the
    /// pool, which discards or recycles them.
    pub(crate) fn give_back(&self, connection: Checkout, uses: u32) {
        if !self.keeps_warm
            || uses >= WARM_USES
            || self.waiting.load(Ordering::SeqCst) > 0
            || connection.is_broken()
        {
            return;
        }
        self.warm
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((connection, uses + 1));
    }

    /// The pool's size and its checkout timeout.
    #[cfg(feature = "async")]
    pub(crate) fn limits(&self) -> (usize, Duration) {
        (
            self.pool.max_size() as usize,
            self.pool.connection_timeout(),
        )
    }

    /// A connection from the pool, waiting at most the checkout timeout.
    pub(crate) fn checkout(&self) -> Result<PooledConnection> {
        self.pool.get().map_err(|error| self.checkout_error(error))
    }

    fn checkout_error(&self, error: r2d2::Error) -> Error {
        Error::connection(
            format!(
                "no connection to the database `{}` ({}) within {:?}: {error}",
                self.alias,
                self.display,
                self.pool.connection_timeout()
            ),
            Some(Box::new(error)),
        )
    }
}
