//! `pookie rollback`: undoes the last applied migrations.

use std::process::ExitCode;

use pookie::migrate::Event;

use crate::project::{self, CommandResult};
use crate::settings::Settings;

/// Runs the command.
pub fn run(settings: &Settings, steps: usize) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let migrations = project::migrations(&folder)?;
    let db = project::connect(settings)?;
    let rolled = pookie::migrate::rollback(&db, &migrations, steps, &mut |event| {
        if let Event::RolledBack(name) = event {
            outln!("↩ Rolled back: {name}");
        }
    })?;
    if rolled.is_empty() {
        outln!("Nothing to roll back: no migration is applied.");
    } else {
        outln!("Done. {} migration(s) rolled back.", rolled.len());
    }
    Ok(ExitCode::SUCCESS)
}
