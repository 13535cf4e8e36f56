//! `pookie showmigrations`: every migration, applied (✓) or not (○).

use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL;
use comfy_table::Table;

use crate::project::{self, CommandResult};
use crate::settings::Settings;

/// Runs the command.
pub fn run(settings: &Settings) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let migrations = project::migrations(&folder)?;
    let db = project::connect(settings)?;
    let status = pookie::migrate::show_migrations(&db, &migrations)?;
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL)
        .set_header(["Status", "Migration Name", "Applied At"]);
    for migration in &status.migrations {
        let (mark, when) = match &migration.applied_at {
            Some(at) => ("✓", at.format("%Y-%m-%d %H:%M:%S").to_string()),
            None => ("○", String::new()),
        };
        table.add_row([mark, &migration.name, &when]);
    }
    outln!("{table}");
    for entry in &status.unknown {
        errln!(
            "warning: {} is applied to the database but is not in the migrations folder",
            entry.name
        );
    }
    for migration in &status.migrations {
        if let Some(checksum) = &migration.changed_checksum {
            errln!(
                "warning: {} was applied with checksum {checksum}, but its migration.pookie has changed since",
                migration.name
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
