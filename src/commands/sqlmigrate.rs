//! `pookie sqlmigrate`: the SQL a migration runs, as its review file shows it.

use std::process::ExitCode;

use pookie_grammar::migration::Backend;

use super::migrate::target;
use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// Runs the command for migration `name` on `backend` (the database's when `None`).
pub fn run(
    settings: &Settings,
    name: &str,
    backend: Option<Backend>,
    backwards: bool,
) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let migrations = project::migrations(&folder)?;
    let pookie::migrate::Target::Name(full) = target(&migrations, Some(name))? else {
        return Err(CommandError(format!(
            "`{name}` is not a migration: give a migration's name or number"
        )));
    };
    let backend = backend.unwrap_or_else(|| match settings.database_url() {
        Ok(url) if url.starts_with("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    });
    let file = format!(
        "{}.{}.sql",
        backend.name(),
        if backwards { "down" } else { "up" }
    );
    let rendered = project::render(&folder)?;
    let migration = rendered
        .iter()
        .find(|m| m.name == full)
        .expect("target() returns names of the folder");
    let (_, text) = project::review_files(migration)
        .into_iter()
        .find(|(name, _)| *name == file)
        .expect("a review file per backend and direction");
    out!("{text}");
    Ok(ExitCode::SUCCESS)
}
