//! Applying migrations: the runner the `pookie` CLI and programs that embed
//! their migrations share.
//!
//! A [`Migration`] arrives here already rendered: for each backend, the steps
//! that apply it and the steps that undo it. `pookie-codegen` renders them from
//! the operations of `migrations/NNNN_name/migration.pookie`, at build time for
//! embedded migrations (`pookie::include_migrations!()`) and at run time in the
//! CLI. The runner never parses operations or SQL.
//!
//! What the runner guarantees, on both backends:
//! - each migration and its row in the history table (`pookie_migrations`)
//!   commit in one transaction; a failure rolls both back and names the
//!   migration, the statement and the database's message;
//! - concurrent runners are serialised (a PostgreSQL advisory lock; SQLite's
//!   `BEGIN IMMEDIATE` and busy timeout), and the pending list is computed
//!   once the lock is held;
//! - an applied migration whose checksum changed is refused, naming it; an
//!   applied migration the list does not hold is reported;
//! - a rollback past an irreversible migration stops before anything runs;
//! - a [`Step::Rust`] names a function the program registered
//!   ([`Migrations::function`]); a name not registered is an error before any
//!   migration runs.
//!
//! The entry points: [`migrate`] (everything pending), [`migrate_with`] (a
//! target, faking, progress events), [`rollback`], [`plan`] and
//! [`show_migrations`]. Embedded migrations come from
//! [`include_migrations!`](crate::include_migrations).

mod history;
mod lock;
mod plan;
mod runner;
mod status;

use std::borrow::Cow;

use pookie_dialect::Dialect;

use crate::{Db, Result};

pub use history::{HistoryEntry, HISTORY_TABLE};
pub use plan::{Direction, Target};
pub use runner::{migrate, migrate_with, plan, rollback, Event, MigrateOptions};
pub use status::{show_migrations, MigrationStatus, Status};

/// One step of a migration script on one backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// One SQL statement, rendered from an operation.
    Sql(Cow<'static, str>),
    /// SQL written by a person (`RunSQL`): one or several statements, run as a batch.
    Script(Cow<'static, str>),
    /// A Rust function of the program, by its registered name (`RunRust`).
    Rust(Cow<'static, str>),
}

/// The steps that move a database one migration forwards or backwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The steps, in order.
    pub steps: Cow<'static, [Step]>,
    /// SQLite only: the script rebuilds tables, so foreign-key enforcement is
    /// switched off around its transaction and `PRAGMA foreign_key_check` runs
    /// before it commits.
    pub rebuilds_tables: bool,
}

/// How a migration is undone on one backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Down {
    /// These steps undo it.
    Script(Script),
    /// It cannot be undone; the text says why ("RunSQL without backward SQL").
    Irreversible(Cow<'static, str>),
}

/// The up and down scripts of a migration on one backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Forwards.
    pub up: Script,
    /// Backwards.
    pub down: Down,
}

/// One migration, rendered for both backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The folder name: `0002_add_post_view_count`. Migrations apply in the
    /// order of their names' numbers.
    pub name: Cow<'static, str>,
    /// The SHA-256 of its operations text (line endings and a byte-order mark
    /// normalised), lowercase hex. Stored in the history when applied.
    pub checksum: Cow<'static, str>,
    /// For a squashed migration, the migrations it replaces: a database that
    /// applied all of them has applied this one.
    pub replaces: Cow<'static, [Cow<'static, str>]>,
    /// The tables its operations create (for `--fake-initial`: an initial
    /// migration whose tables all exist is recorded without running).
    pub creates_tables: Cow<'static, [Cow<'static, str>]>,
    /// On SQLite.
    pub sqlite: Plan,
    /// On PostgreSQL.
    pub postgres: Plan,
}

impl Migration {
    /// Its up and down scripts on `dialect`.
    pub fn plan(&self, dialect: Dialect) -> &Plan {
        match dialect {
            Dialect::Sqlite => &self.sqlite,
            Dialect::Postgres => &self.postgres,
        }
    }
}

/// A function a `RunRust` step runs: it gets the migration's transaction.
pub type RustStep = fn(&Db) -> Result<()>;

/// The migrations of a program, in order, and the Rust functions their
/// `RunRust` steps name.
#[derive(Debug, Clone)]
pub struct Migrations {
    /// The migrations, in order.
    pub list: Cow<'static, [Migration]>,
    /// The registered functions, by name.
    pub functions: Vec<(Cow<'static, str>, RustStep)>,
}

impl Migrations {
    /// Migrations embedded in the program (what `include_migrations!` expands to).
    pub const fn embedded(list: &'static [Migration]) -> Self {
        Migrations {
            list: Cow::Borrowed(list),
            functions: Vec::new(),
        }
    }

    /// Migrations built at run time (the CLI reads them from a folder).
    pub fn new(list: Vec<Migration>) -> Self {
        Migrations {
            list: Cow::Owned(list),
            functions: Vec::new(),
        }
    }

    /// Registers the function a `RunRust(forward = "name")` step runs.
    pub fn function(mut self, name: impl Into<Cow<'static, str>>, run: RustStep) -> Self {
        self.functions.push((name.into(), run));
        self
    }

    /// The function registered as `name` (the last one, when registered twice).
    pub fn find_function(&self, name: &str) -> Option<RustStep> {
        self.functions
            .iter()
            .rev()
            .find(|(registered, _)| registered == name)
            .map(|(_, run)| *run)
    }
}
