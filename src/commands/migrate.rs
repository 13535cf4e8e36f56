//! `pookie migrate`: applies pending migrations, or migrates to a target.

use std::process::ExitCode;

use pookie::migrate::{self as runner, Direction, Event, MigrateOptions, Migrations, Step, Target};

use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// The flags of `migrate`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A migration name (or its number), or `zero`.
    pub target: Option<String>,
    /// `--fake`: record without running.
    pub fake: bool,
    /// `--fake-initial`: record an initial migration whose tables exist.
    pub fake_initial: bool,
    /// `--plan`: print what would run, run nothing.
    pub plan: bool,
}

/// Runs the command.
pub fn run(settings: &Settings, options: &Options) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let migrations = project::migrations(&folder)?;
    let db = project::connect(settings)?;
    let target = target(&migrations, options.target.as_deref())?;
    let planned = runner::plan(&db, &migrations, &target)?;
    if options.plan {
        if planned.is_empty() {
            outln!("No planned migration operations.");
        }
        for (name, direction) in &planned {
            match direction {
                Direction::Forwards => outln!("  ↑ Apply {name}"),
                Direction::Backwards => outln!("  ↓ Unapply {name}"),
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The CLI does not have the program's functions: it applies what comes
    // before the first migration that runs Rust code, then says how to go on.
    let dialect = db.dialect();
    let code_step = planned.iter().position(|(name, direction)| {
        *direction == Direction::Forwards
            && migrations
                .list
                .iter()
                .find(|m| m.name == *name)
                .is_some_and(|m| runs_rust(m, dialect, *direction))
    });
    let (target, stopped_at) = match code_step {
        Some(0) => {
            return Err(code_step_error(&planned[0].0, &migrations, dialect));
        }
        Some(index) => (Target::Name(planned[index - 1].0.clone()), Some(index)),
        None => (target, None),
    };
    let run_options = MigrateOptions {
        target,
        fake: options.fake,
        fake_initial: options.fake_initial,
    };
    let mut forwards = 0;
    let mut backwards = 0;
    runner::migrate_with(&db, &migrations, &run_options, &mut |event| match event {
        Event::Applied { name, faked: false } => {
            forwards += 1;
            outln!("✓ Applied: {name}");
        }
        Event::Applied { name, faked: true } => {
            forwards += 1;
            outln!("✓ Faked: {name} (recorded, not run)");
        }
        Event::RolledBack(name) => {
            backwards += 1;
            outln!("↩ Unapplied: {name}");
        }
        _ => {}
    })?;
    if let Some(index) = stopped_at {
        return Err(code_step_error(&planned[index].0, &migrations, dialect));
    }
    match (forwards, backwards) {
        (0, 0) => outln!("Already up to date. No migrations to apply."),
        (n, 0) => outln!("Done. {n} migration(s) applied."),
        (0, n) => outln!("Done. {n} migration(s) unapplied."),
        (f, b) => outln!("Done. {f} migration(s) applied, {b} unapplied."),
    }
    Ok(ExitCode::SUCCESS)
}

fn runs_rust(migration: &runner::Migration, dialect: pookie::Dialect, _: Direction) -> bool {
    let plan = match dialect {
        pookie::Dialect::Sqlite => &migration.sqlite,
        pookie::Dialect::Postgres => &migration.postgres,
    };
    plan.up
        .steps
        .iter()
        .any(|step| matches!(step, Step::Rust(_)))
}

fn code_step_error(name: &str, migrations: &Migrations, dialect: pookie::Dialect) -> CommandError {
    let functions: Vec<String> = migrations
        .list
        .iter()
        .find(|m| m.name == name)
        .map(|m| {
            let plan = match dialect {
                pookie::Dialect::Sqlite => &m.sqlite,
                pookie::Dialect::Postgres => &m.postgres,
            };
            plan.up
                .steps
                .iter()
                .filter_map(|step| match step {
                    Step::Rust(function) => Some(function.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    CommandError(format!(
        "stopped before {name}: it runs Rust code ({}), which lives in your program, not in the CLI\n  \
         = help: apply the rest from your program, where the functions are registered:\n          \
         pookie::migrate(&db, &pookie::include_migrations!({}))?;",
        functions.join(", "),
        functions.join(", ")
    ))
}

/// The target named on the command line: a migration name, its number, or `zero`.
pub fn target(migrations: &Migrations, name: Option<&str>) -> CommandResult<Target> {
    let Some(name) = name else {
        return Ok(Target::Latest);
    };
    if name == "zero" {
        return Ok(Target::Zero);
    }
    let matches: Vec<&str> = migrations
        .list
        .iter()
        .map(|m| m.name.as_ref())
        .filter(|full| *full == name || full.split('_').next() == Some(name))
        .collect();
    match matches.as_slice() {
        [one] => Ok(Target::Name((*one).to_owned())),
        _ => Err(CommandError(format!(
            "no migration named `{name}`: give a migration's name or number ({}), or `zero` to unapply everything",
            migrations
                .list
                .iter()
                .map(|m| m.name.as_ref())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
