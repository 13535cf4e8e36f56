//! `pookie sqlmigrate`: the SQL a migration runs, as the runner would run it.

use std::process::ExitCode;

use pookie::migrate::{Down, Script, Step};

use super::migrate::target;
use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// Runs the command for migration `name` on `backend` (the database's when `None`).
pub fn run(
    settings: &Settings,
    name: &str,
    backend: Option<pookie::Dialect>,
    backwards: bool,
) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let migrations = project::migrations(&folder)?;
    let pookie::migrate::Target::Name(full) = target(&migrations, Some(name))? else {
        return Err(CommandError(format!(
            "`{name}` is not a migration: give a migration's name or number"
        )));
    };
    let migration = migrations
        .list
        .iter()
        .find(|m| m.name == full)
        .expect("target() returns names of the list");
    let dialect = match backend {
        Some(dialect) => dialect,
        None => settings
            .database_url()
            .ok()
            .map(|url| {
                if url.starts_with("postgres") {
                    pookie::Dialect::Postgres
                } else {
                    pookie::Dialect::Sqlite
                }
            })
            .unwrap_or(pookie::Dialect::Sqlite),
    };
    let plan = match dialect {
        pookie::Dialect::Sqlite => &migration.sqlite,
        pookie::Dialect::Postgres => &migration.postgres,
    };
    let script = if backwards {
        match &plan.down {
            Down::Script(script) => script,
            Down::Irreversible(why) => {
                return Err(CommandError(format!("{full} cannot be unapplied: {why}")))
            }
        }
    } else {
        &plan.up
    };
    print!("{}", render(script));
    Ok(ExitCode::SUCCESS)
}

/// The script as SQL text: each statement followed by `;`, code steps as comments.
fn render(script: &Script) -> String {
    let mut out = String::new();
    if script.rebuilds_tables {
        out.push_str("-- rebuilds tables: foreign keys are off around the transaction, checked before commit\n");
    }
    for step in script.steps.iter() {
        match step {
            Step::Sql(sql) | Step::Script(sql) => {
                out.push_str(sql.trim_end().trim_end_matches(';'));
                out.push_str(";\n");
            }
            Step::Rust(function) => {
                out.push_str(&format!("-- RunRust: {function}\n"));
            }
        }
    }
    if script.steps.is_empty() {
        out.push_str("-- no SQL: this migration changes the schema state only\n");
    }
    out
}
