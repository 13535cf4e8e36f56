//! Drift: does the database still match the migrations applied to it? Reads
//! the live database with the introspection `inspectdb` uses and compares it,
//! table by table and column by column, with the state the applied migrations
//! describe (`pookie_inspect::drift`). Meant for `pookie migrate --check`.

use std::process::ExitCode;

use pookie_grammar::migration::State;

use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// Runs the check: prints "No drift: …" and exits with 0 when the database
/// matches the migrations applied to it, else prints one line per difference
/// and exits with 1.
pub fn run(settings: &Settings) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let migrations = project::migrations(&folder)?;
    let db = project::connect(settings)?;
    let status = pookie::migrate::show_migrations(&db, &migrations)?;
    if let Some(unknown) = status.unknown.first() {
        return Err(CommandError(format!(
            "the database records the migration `{}` as applied, but `{}` does not hold it: \
             restore it, or check that --migrations-dir and --db name the right pair",
            unknown.name,
            settings.migrations.display()
        )));
    }
    let mut expected = State::default();
    let mut applied = 0;
    for (file, migration) in folder.migrations.iter().zip(&status.migrations) {
        if migration.applied_at.is_none() {
            continue;
        }
        applied += 1;
        for operation in &file.parsed.operations {
            expected
                .apply(operation)
                .map_err(|error| CommandError(format!("{}: {error}", file.name)))?;
        }
    }
    let differences =
        pookie_inspect::drift(&db, &expected).map_err(|error| CommandError(error.to_string()))?;
    if differences.is_empty() {
        outln!("No drift: the database matches the {applied} applied migration(s).");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "Drift: the database differs from the {applied} applied migration(s) in {} way(s):",
        differences.len()
    );
    for difference in &differences {
        outln!("  {difference}");
    }
    outln!(
        "Someone changed the database outside the migrations: undo the change by hand, \
         or write a migration that makes it (pookie makemigrations) and record it with \
         pookie migrate --fake."
    );
    Ok(ExitCode::FAILURE)
}
