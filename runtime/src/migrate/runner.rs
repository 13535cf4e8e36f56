//! Running migrations: one transaction per migration, holding the run lock.

use std::time::Instant;

use pookie_dialect::Dialect;

use super::history;
use super::lock::RunLock;
use super::plan::{check_runnable, Action, Direction, Target, View};
use super::{Down, Migration, Migrations, Script, Step};
use crate::db::DEFAULT_ALIAS;
use crate::error::{Error, Result};
use crate::Db;

/// How `migrate_with` runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Where to take the database (default: every migration applied).
    pub target: Target,
    /// Record the migrations (insert or delete their history rows) without
    /// running their steps: for a database changed by hand.
    pub fake: bool,
    /// Record without running a migration whose `creates_tables` all exist
    /// already (a database that predates the migrations); a migration some of
    /// whose tables exist is an error naming them.
    pub fake_initial: bool,
}

/// What the runner is doing, for progress output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The migration's transaction started (the lock is held and the
    /// migration is still pending).
    Applying(&'a str),
    /// The migration committed; `faked` when it was recorded without running.
    Applied {
        /// The migration.
        name: &'a str,
        /// Recorded without running its steps (`fake`, `fake_initial`).
        faked: bool,
    },
    /// Undoing the migration started.
    RollingBack(&'a str),
    /// The migration was undone and its history row deleted.
    RolledBack(&'a str),
    /// A squashed migration whose replaced migrations are all applied was
    /// recorded as applied (nothing ran).
    Recorded(&'a str),
    /// Another runner applied (or undid) the migration while this one waited
    /// for the lock: nothing was done.
    AlreadyDone(&'a str),
}

/// Applies every pending migration, in order; returns the names applied.
///
/// ```
/// use std::borrow::Cow;
/// use pookie::migrate::{Down, Migration, Migrations, Plan, Script, Step};
///
/// fn script(sql: &'static str) -> Script {
///     Script { steps: Cow::Owned(vec![Step::Sql(sql.into())]), rebuilds_tables: false }
/// }
/// let plan = Plan {
///     up: script("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"),
///     down: Down::Script(script("DROP TABLE note")),
/// };
/// let migrations = Migrations::new(vec![Migration {
///     name: "0001_initial".into(),
///     checksum: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
///     replaces: Cow::Borrowed(&[]),
///     creates_tables: Cow::Borrowed(&[]),
///     sqlite: plan.clone(),
///     postgres: plan,
/// }]);
/// let db = pookie::Db::connect("sqlite://:memory:")?;
/// assert_eq!(pookie::migrate(&db, &migrations)?, ["0001_initial"]);
/// assert!(pookie::migrate(&db, &migrations)?.is_empty());
/// db.execute("INSERT INTO note (body) VALUES ('hello')", &[])?;
/// assert_eq!(pookie::migrate::rollback(&db, &migrations, 1, &mut |_| {})?, ["0001_initial"]);
/// # Ok::<(), pookie::Error>(())
/// ```
pub fn migrate(db: &Db, migrations: &Migrations) -> Result<Vec<String>> {
    let done = migrate_with(db, migrations, &MigrateOptions::default(), &mut |_| {})?;
    Ok(done.into_iter().map(|(name, _)| name).collect())
}

/// Takes the database to `options.target`, forwards or backwards, reporting
/// progress to `on_event`; returns each migration applied or undone, in the
/// order it ran.
///
/// Before anything runs it refuses: an applied migration whose checksum
/// changed, applied migrations the list lacks, a Rust function that is not
/// registered, a migration to undo that is irreversible on this backend.
/// Each migration then commits with its history row in one transaction; a
/// failure rolls that migration back, leaves the ones before it applied, and
/// returns an [`Error::Migration`] naming it, the failing statement or
/// function and the database's message.
pub fn migrate_with(
    db: &Db,
    migrations: &Migrations,
    options: &MigrateOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Vec<(String, Direction)>> {
    run(db, migrations, options, on_event, |view| {
        view.plan_to(&options.target)
    })
}

/// Undoes the last `steps` applied migrations (last in the list's order),
/// newest first, each in one transaction that deletes its history row;
/// returns their names. Fewer are undone when fewer are applied. Nothing runs
/// when one of them is irreversible on this backend.
pub fn rollback(
    db: &Db,
    migrations: &Migrations,
    steps: usize,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Vec<String>> {
    let done = run(
        db,
        migrations,
        &MigrateOptions::default(),
        on_event,
        |view| Ok(view.plan_rollback(steps)),
    )?;
    Ok(done.into_iter().map(|(name, _)| name).collect())
}

/// What [`migrate_with`] would do to reach `target`, without doing it: each
/// migration with the way it would run, in order. Refuses as `migrate` does
/// when the history and the list disagree; changes nothing (not even the
/// history table, which it does not create).
pub fn plan(db: &Db, migrations: &Migrations, target: &Target) -> Result<Vec<(String, Direction)>> {
    let history = history::read(db)?;
    let view = View::new(&migrations.list, &history);
    view.check()?;
    Ok(view
        .plan_to(target)?
        .iter()
        .filter_map(Action::public)
        .collect())
}

fn run<'m>(
    db: &Db,
    migrations: &'m Migrations,
    options: &MigrateOptions,
    on_event: &mut dyn FnMut(Event<'_>),
    plan: impl FnOnce(&View<'m>) -> Result<Vec<Action<'m>>>,
) -> Result<Vec<(String, Direction)>> {
    db.session_on(DEFAULT_ALIAS, |db| {
        let lock = RunLock::acquire(db)?;
        history::ensure_table(db)?;
        let history = history::read(db)?;
        let view = View::new(&migrations.list, &history);
        view.check()?;
        let actions = plan(&view)?;
        if !options.fake {
            check_runnable(&actions, migrations, db.dialect())?;
        }
        let mut done = Vec::new();
        for action in &actions {
            if run_action(db, migrations, *action, options, on_event)? {
                done.extend(action.public());
            }
        }
        lock.release()?;
        Ok(done)
    })
}

/// Runs one action in its own transaction; `false` when another runner had
/// done it already.
fn run_action(
    db: &Db,
    migrations: &Migrations,
    action: Action<'_>,
    options: &MigrateOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<bool> {
    let migration = action.migration();
    let dialect = db.dialect();
    let script = match action {
        Action::Apply(m) => Some(&m.plan(dialect).up),
        Action::Unapply(m) => match &m.plan(dialect).down {
            Down::Script(script) => Some(script),
            // Only with `fake`: check_runnable refuses it otherwise.
            Down::Irreversible(_) => None,
        },
        Action::Record(_) => None,
    };
    let rebuilds = dialect == Dialect::Sqlite
        && !options.fake
        && script.is_some_and(|script| script.rebuilds_tables);
    if rebuilds {
        // A no-op inside a transaction: it goes before BEGIN, on the same connection.
        db.connection(DEFAULT_ALIAS)?
            .batch_execute("PRAGMA foreign_keys = OFF")?;
    }
    let outcome =
        db.transaction(|tx| transact(tx, migrations, action, script, options, rebuilds, on_event));
    if rebuilds {
        let restored = db
            .connection(DEFAULT_ALIAS)
            .and_then(|mut connection| connection.batch_execute("PRAGMA foreign_keys = ON"));
        if let (Ok(_), Err(error)) = (&outcome, restored) {
            return Err(Error::migration(
                Some(&migration.name),
                format!(
                    "migration {} committed, but turning foreign keys back on failed: {error}",
                    migration.name
                ),
                Some(error),
            ));
        }
    }
    let Some(faked) = outcome? else {
        on_event(Event::AlreadyDone(&migration.name));
        return Ok(false);
    };
    on_event(match action {
        Action::Apply(m) => Event::Applied {
            name: &m.name,
            faked,
        },
        Action::Unapply(m) => Event::RolledBack(&m.name),
        Action::Record(m) => Event::Recorded(&m.name),
    });
    Ok(true)
}

/// The body of one migration's transaction: `None` when it turned out done
/// already, else whether it was faked.
fn transact(
    tx: &Db,
    migrations: &Migrations,
    action: Action<'_>,
    script: Option<&Script>,
    options: &MigrateOptions,
    rebuilds: bool,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Option<bool>> {
    let migration = action.migration();
    let name = migration.name.as_ref();
    // Read once the lock is held: another runner may have got here first.
    let mut rows: Vec<&str> = vec![name];
    rows.extend(migration.replaces.iter().map(|r| r.as_ref()));
    let recorded = history::recorded(tx, &rows)?;
    let done_already = match action {
        Action::Apply(_) => {
            recorded.iter().any(|r| r == name)
                || (!migration.replaces.is_empty() && recorded.len() == rows.len() - 1)
        }
        Action::Record(_) => recorded.iter().any(|r| r == name),
        Action::Unapply(_) => recorded.is_empty(),
    };
    if done_already {
        return Ok(None);
    }
    let faked = match action {
        Action::Record(_) => true,
        Action::Apply(m) => options.fake || (options.fake_initial && tables_exist(tx, m)?),
        Action::Unapply(_) => options.fake,
    };
    let started = Instant::now();
    match action {
        Action::Apply(_) => on_event(Event::Applying(name)),
        Action::Unapply(_) => on_event(Event::RollingBack(name)),
        Action::Record(_) => {}
    }
    if let (false, Some(script)) = (faked, script) {
        let forwards = matches!(action, Action::Apply(_));
        run_steps(tx, migrations, migration, script, forwards)?;
        if rebuilds {
            foreign_key_check(tx, migration, forwards)?;
        }
    }
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match action {
        Action::Apply(_) | Action::Record(_) => history::insert(
            tx,
            name,
            &migration.checksum,
            if faked { 0 } else { duration_ms },
        )?,
        Action::Unapply(_) => history::delete(tx, &rows)?,
    }
    Ok(Some(faked))
}

fn run_steps(
    tx: &Db,
    migrations: &Migrations,
    migration: &Migration,
    script: &Script,
    forwards: bool,
) -> Result<()> {
    let total = script.steps.len();
    for (index, step) in script.steps.iter().enumerate() {
        let outcome = match step {
            Step::Sql(sql) | Step::Script(sql) => tx
                .connection(DEFAULT_ALIAS)
                .and_then(|mut connection| connection.batch_execute(sql)),
            Step::Rust(function) => match migrations.find_function(function) {
                Some(run) => run(tx),
                None => Err(Error::usage(format!(
                    "the function `{function}` is not registered"
                ))),
            },
        };
        if let Err(error) = outcome {
            let what = match step {
                Step::Sql(sql) => format!("statement `{}`", excerpt(sql)),
                Step::Script(sql) => format!("script `{}`", excerpt(sql)),
                Step::Rust(function) => format!("function `{function}`"),
            };
            let (doing, kept) = if forwards {
                (
                    "applying",
                    "nothing of it was applied; the migrations before it stay applied",
                )
            } else {
                (
                    "undoing",
                    "nothing of it was undone; the migrations undone before it stay undone",
                )
            };
            return Err(Error::migration(
                Some(&migration.name),
                format!(
                    "{doing} migration {} failed at step {} of {total}, the {what}: {error} ({kept})",
                    migration.name,
                    index + 1,
                ),
                Some(error),
            ));
        }
    }
    Ok(())
}

/// `fake_initial`: true when every table the migration creates exists; an
/// error when only some do.
fn tables_exist(tx: &Db, migration: &Migration) -> Result<bool> {
    if migration.creates_tables.is_empty() {
        return Ok(false);
    }
    let mut present = Vec::new();
    let mut absent = Vec::new();
    for table in migration.creates_tables.iter() {
        if history::table_exists(tx, table)? {
            present.push(table.as_ref());
        } else {
            absent.push(table.as_ref());
        }
    }
    match (present.is_empty(), absent.is_empty()) {
        (_, true) => Ok(true),
        (true, false) => Ok(false),
        (false, false) => Err(Error::migration(
            Some(&migration.name),
            format!(
                "fake-initial: migration {} creates the tables {}, of which {} exist and {} do not: \
                 the database is half-way; create or drop tables by hand until it matches, or run \
                 without fake-initial",
                migration.name,
                migration.creates_tables.join(", "),
                present.join(", "),
                absent.join(", ")
            ),
            None,
        )),
    }
}

/// SQLite: after a table rebuild with foreign keys off, every reference must
/// still point at a row.
fn foreign_key_check(tx: &Db, migration: &Migration, forwards: bool) -> Result<()> {
    let violations =
        tx.connection(DEFAULT_ALIAS)?
            .query_map("PRAGMA foreign_key_check", &[], |row| {
                Ok(format!(
                    "{} row {} (references {})",
                    row.get::<String>(0)?,
                    row.get::<Option<i64>>(1)?
                        .map_or_else(|| "without rowid".to_owned(), |id| id.to_string()),
                    row.get::<String>(2)?
                ))
            })?;
    if violations.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = violations.iter().take(10).map(String::as_str).collect();
    Err(Error::migration(
        Some(&migration.name),
        format!(
            "{} migration {} failed the foreign-key check after rebuilding tables: {}{}; \
             nothing of it was kept: fix or delete those rows first",
            if forwards { "applying" } else { "undoing" },
            migration.name,
            shown.join(", "),
            if violations.len() > shown.len() {
                format!(" and {} more", violations.len() - shown.len())
            } else {
                String::new()
            }
        ),
        None,
    ))
}

/// A statement for a message: its first lines, whitespace squeezed.
fn excerpt(sql: &str) -> String {
    const LIMIT: usize = 300;
    let squeezed = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match squeezed.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &squeezed[..cut]),
        None => squeezed,
    }
}
