//! What to run: the migrations of the list seen against the database's
//! history (squashed migrations standing in for the ones they replace), the
//! checks made before anything runs, and the actions that reach a target.

use std::collections::{HashMap, HashSet};
use std::fmt;

use pookie_dialect::Dialect;

use super::history::HistoryEntry;
use super::{Down, Migration, Migrations, Step};
use crate::error::{Error, Result};

/// Where `migrate` takes the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    /// Every migration applied.
    #[default]
    Latest,
    /// No migration applied: every applied one undone, newest first.
    Zero,
    /// This migration and every one before it applied, every one after it
    /// undone. A target before the applied ones migrates backwards.
    Name(String),
}

/// `"zero"` is [`Target::Zero`]; any other text names a migration (or the
/// start of one's name: `"0002"`).
impl From<&str> for Target {
    fn from(text: &str) -> Self {
        match text {
            "zero" => Target::Zero,
            name => Target::Name(name.to_owned()),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Latest => f.write_str("the latest migration"),
            Target::Zero => f.write_str("zero"),
            Target::Name(name) => f.write_str(name),
        }
    }
}

/// Which way a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Applied: its up script runs and its history row is inserted.
    Forwards,
    /// Undone: its down script runs and its history row is deleted.
    Backwards,
}

/// One thing the runner does, in one transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action<'m> {
    /// Runs the up script and records the migration.
    Apply(&'m Migration),
    /// Records a squashed migration whose replaced migrations are all applied,
    /// without running anything.
    Record(&'m Migration),
    /// Runs the down script and deletes the migration's rows (a squashed
    /// migration's and those of the migrations it replaces).
    Unapply(&'m Migration),
}

impl<'m> Action<'m> {
    pub(crate) fn migration(&self) -> &'m Migration {
        match *self {
            Action::Apply(m) | Action::Record(m) | Action::Unapply(m) => m,
        }
    }

    /// The name and direction, for the caller (a `Record` is bookkeeping
    /// and reports nothing).
    pub(crate) fn public(&self) -> Option<(String, Direction)> {
        match self {
            Action::Apply(m) => Some((m.name.to_string(), Direction::Forwards)),
            Action::Unapply(m) => Some((m.name.to_string(), Direction::Backwards)),
            Action::Record(_) => None,
        }
    }
}

/// Where a migration of the effective list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Its own history row exists.
    Applied,
    /// A squashed migration whose replaced migrations are all applied: it
    /// counts as applied; its own row is written on the next run.
    Covered,
    /// Not applied.
    Pending,
}

/// The list seen against the history.
pub(crate) struct View<'m> {
    list: &'m [Migration],
    /// The migrations that count, in order: a squashed migration stands in
    /// for the ones it replaces, unless the database applied only some of them.
    entries: Vec<(&'m Migration, Standing)>,
    /// Squashed migrations whose replaced migrations are partly applied: the
    /// replaced ones run, then the squashed one is recorded.
    partial_squashes: Vec<&'m Migration>,
    /// Problems that stop every run: edited applied migrations, applied
    /// migrations the list lacks, squashes that cannot be completed.
    problems: Vec<String>,
}

impl<'m> View<'m> {
    pub(crate) fn new(list: &'m [Migration], history: &[HistoryEntry]) -> View<'m> {
        let applied: HashSet<&str> = history.iter().map(|row| row.name.as_str()).collect();
        let in_list: HashSet<&str> = list.iter().map(|m| m.name.as_ref()).collect();
        let mut problems = Vec::new();
        let mut partial_squashes = Vec::new();
        // Replaced migrations a squashed one stands in for: left out of the view.
        let mut stood_in: HashSet<&str> = HashSet::new();
        let mut standing: HashMap<&str, Standing> = HashMap::new();
        for migration in list {
            let name = migration.name.as_ref();
            let own = applied.contains(name);
            if migration.replaces.is_empty() {
                continue;
            }
            let replaced_applied = migration
                .replaces
                .iter()
                .filter(|r| applied.contains(r.as_ref()))
                .count();
            if own || replaced_applied == migration.replaces.len() || replaced_applied == 0 {
                stood_in.extend(migration.replaces.iter().map(|r| r.as_ref()));
                let state = if own {
                    Standing::Applied
                } else if replaced_applied > 0 {
                    Standing::Covered
                } else {
                    Standing::Pending
                };
                standing.insert(name, state);
                continue;
            }
            let missing: Vec<&str> = migration
                .replaces
                .iter()
                .map(|r| r.as_ref())
                .filter(|r| !applied.contains(r) && !in_list.contains(r))
                .collect();
            if missing.is_empty() {
                partial_squashes.push(migration);
            } else {
                problems.push(format!(
                    "the squashed migration {name} replaces {}; the database applied only some of them, \
                     and {} (not applied) are no longer among the migrations: put their folders back \
                     until every database has applied them, then the squashed migration takes over",
                    join(migration.replaces.iter().map(|r| r.as_ref())),
                    join(missing.iter().copied()),
                ));
            }
        }
        let partial: HashSet<&str> = partial_squashes.iter().map(|m| m.name.as_ref()).collect();
        let entries = list
            .iter()
            .filter(|m| !stood_in.contains(m.name.as_ref()) && !partial.contains(m.name.as_ref()))
            .map(|m| {
                let name = m.name.as_ref();
                let state = standing
                    .get(name)
                    .copied()
                    .unwrap_or(if applied.contains(name) {
                        Standing::Applied
                    } else {
                        Standing::Pending
                    });
                (m, state)
            })
            .collect();

        let mut seen = HashSet::new();
        for migration in list {
            if !seen.insert(migration.name.as_ref()) {
                problems.push(format!(
                    "two migrations are named {}: rename one of the folders",
                    migration.name
                ));
            }
        }
        let by_name: HashMap<&str, &Migration> =
            list.iter().map(|m| (m.name.as_ref(), m)).collect();
        for row in history {
            if let Some(migration) = by_name.get(row.name.as_str()) {
                if migration.checksum != row.checksum.as_str() {
                    problems.push(checksum_message(
                        &row.name,
                        &row.checksum,
                        &migration.checksum,
                    ));
                }
            }
        }
        let unknown = unknown_rows(list, history);
        if !unknown.is_empty() {
            problems.push(format!(
                "the database has applied migrations these migrations do not include: {}; \
                 put their folders back (or add a squashed migration whose `replaces` names them), \
                 or point at the database these migrations belong to",
                join(unknown.iter().map(|row| row.name.as_str()))
            ));
        }
        View {
            list,
            entries,
            partial_squashes,
            problems,
        }
    }

    /// Refuses a run when the history and the list disagree.
    pub(crate) fn check(&self) -> Result<()> {
        match self.problems.as_slice() {
            [] => Ok(()),
            [one] => Err(Error::migration(None, one.clone(), None)),
            many => Err(Error::migration(
                None,
                format!("the migrations cannot run:\n- {}", many.join("\n- ")),
                None,
            )),
        }
    }

    /// The actions that take the database to `target`: undoing first (newest
    /// first), then applying (oldest first).
    pub(crate) fn plan_to(&self, target: &Target) -> Result<Vec<Action<'m>>> {
        let keep = match target {
            Target::Latest => self.entries.len(),
            Target::Zero => 0,
            Target::Name(name) => self.position(name)? + 1,
        };
        let mut actions: Vec<Action<'m>> = self.entries[keep..]
            .iter()
            .rev()
            .filter(|(_, state)| *state != Standing::Pending)
            .map(|(m, _)| Action::Unapply(m))
            .collect();
        let forwards_from = actions.len();
        for (migration, state) in &self.entries[..keep] {
            match state {
                Standing::Pending => actions.push(Action::Apply(migration)),
                Standing::Covered => actions.push(Action::Record(migration)),
                Standing::Applied => {}
            }
        }
        self.record_completed_squashes(&mut actions, forwards_from);
        Ok(actions)
    }

    /// The actions that undo the last `steps` applied migrations, newest first.
    pub(crate) fn plan_rollback(&self, steps: usize) -> Vec<Action<'m>> {
        self.entries
            .iter()
            .rev()
            .filter(|(_, state)| *state != Standing::Pending)
            .take(steps)
            .map(|(m, _)| Action::Unapply(m))
            .collect()
    }

    /// After the last replaced migration of a partly applied squash runs,
    /// records the squashed one, so that later runs see it applied.
    fn record_completed_squashes(&self, actions: &mut Vec<Action<'m>>, forwards_from: usize) {
        for squash in &self.partial_squashes {
            let mut last = None;
            let mut complete = true;
            for replaced in squash.replaces.iter() {
                let in_plan = actions[forwards_from..]
                    .iter()
                    .position(|a| matches!(a, Action::Apply(m) if m.name == *replaced));
                let applied = self
                    .entries
                    .iter()
                    .any(|(m, state)| m.name == *replaced && *state == Standing::Applied);
                match in_plan {
                    Some(index) => last = last.max(Some(forwards_from + index)),
                    None if applied => {}
                    None => complete = false,
                }
            }
            if let (true, Some(last)) = (complete, last) {
                actions.insert(last + 1, Action::Record(squash));
            }
        }
    }

    fn position(&self, given: &str) -> Result<usize> {
        let name = self.resolve(given)?;
        if let Some(index) = self.entries.iter().position(|(m, _)| m.name == name) {
            return Ok(index);
        }
        let replaced_by = self
            .entries
            .iter()
            .find(|(m, _)| m.replaces.iter().any(|r| r == name));
        let message = match (replaced_by, self.list.iter().any(|m| m.name == name)) {
            (Some((squash, _)), _) => format!(
                "the migration {name} is replaced by the squashed migration {}: migrate to {} instead",
                squash.name, squash.name
            ),
            (None, true) => format!(
                "the migration {name} is part of a squash this database has partly applied: \
                 migrate to the latest migration first"
            ),
            (None, false) => format!(
                "there is no migration named `{name}`; the migrations are {}",
                join(self.list.iter().map(|m| m.name.as_ref()))
            ),
        };
        Err(Error::migration(Some(name), message, None))
    }

    /// The full name a target names: the name itself, or the one migration
    /// whose name starts with it (`0002` for `0002_add_post_view_count`).
    fn resolve<'a>(&'a self, given: &'a str) -> Result<&'a str> {
        if self.list.iter().any(|m| m.name == given) {
            return Ok(given);
        }
        let matching: Vec<&str> = self
            .list
            .iter()
            .map(|m| m.name.as_ref())
            .filter(|name| name.starts_with(given))
            .collect();
        match matching.as_slice() {
            [one] => Ok(one),
            [] => Ok(given),
            many => Err(Error::migration(
                None,
                format!(
                    "`{given}` could mean any of {}: give more of the name",
                    join(many.iter().copied())
                ),
                None,
            )),
        }
    }
}

/// The history rows of migrations the list lacks and no squashed migration
/// of the list replaces.
pub(crate) fn unknown_rows<'h>(
    list: &[Migration],
    history: &'h [HistoryEntry],
) -> Vec<&'h HistoryEntry> {
    let known: HashSet<&str> = list
        .iter()
        .flat_map(|m| std::iter::once(m.name.as_ref()).chain(m.replaces.iter().map(|r| r.as_ref())))
        .collect();
    history
        .iter()
        .filter(|row| !known.contains(row.name.as_str()))
        .collect()
}

/// The message for an applied migration whose text changed.
pub(crate) fn checksum_message(name: &str, recorded: &str, now: &str) -> String {
    format!(
        "migration {name} was applied with checksum {} but its file now has {}: \
         an applied migration must not be edited; revert the change or write a new migration",
        short(recorded),
        short(now)
    )
}

fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}

/// Refuses, before anything runs, actions that cannot complete: a migration
/// to undo that is irreversible on this backend, a Rust function not
/// registered.
pub(crate) fn check_runnable(
    actions: &[Action<'_>],
    migrations: &Migrations,
    dialect: Dialect,
) -> Result<()> {
    let irreversible: Vec<(&str, &str)> = actions
        .iter()
        .filter_map(|action| match action {
            Action::Unapply(m) => match &m.plan(dialect).down {
                Down::Irreversible(reason) => Some((m.name.as_ref(), reason.as_ref())),
                Down::Script(_) => None,
            },
            _ => None,
        })
        .collect();
    if let Some(first) = irreversible.first() {
        let what = match irreversible.as_slice() {
            [(name, reason)] => {
                format!("migration {name} cannot be undone on {dialect} ({reason})")
            }
            many => format!(
                "these migrations cannot be undone on {dialect}: {}",
                many.iter()
                    .map(|(name, reason)| format!("{name} ({reason})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Error::migration(
            Some(first.0),
            format!(
                "nothing was undone: {what}; give its RunSQL/RunRust a backward step, \
                 or roll back only the migrations after it"
            ),
            None,
        ));
    }
    let mut missing: Vec<(String, String)> = Vec::new();
    for action in actions {
        let (migration, steps, way) = match action {
            Action::Apply(m) => (m, &m.plan(dialect).up.steps, "forwards"),
            Action::Unapply(m) => match &m.plan(dialect).down {
                Down::Script(script) => (m, &script.steps, "backwards"),
                Down::Irreversible(_) => continue,
            },
            Action::Record(_) => continue,
        };
        for step in steps.iter() {
            if let Step::Rust(function) = step {
                if migrations.find_function(function).is_none() {
                    missing.push((function.to_string(), format!("{} {way}", migration.name)));
                }
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|(f, _)| f.as_str()).collect();
    Err(Error::migration(
        None,
        format!(
            "nothing was run: the migrations call Rust functions this program has not registered: {}; \
             register each one on the migrations with `.function(\"{first}\", {first})`, \
             or list them in `pookie::include_migrations!({})`",
            missing
                .iter()
                .map(|(f, m)| format!("`{f}` ({m})"))
                .collect::<Vec<_>>()
                .join(", "),
            join(dedup(&names).into_iter()),
            first = names[0],
        ),
        None,
    ))
}

fn dedup<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    names.iter().copied().filter(|n| seen.insert(*n)).collect()
}

fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
