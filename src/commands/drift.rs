//! Drift: does the database still match the migrations applied to it? Reads
//! the live database with the introspection `inspectdb` uses and compares it,
//! table by table and column by column, with the state the applied migrations
//! describe (`pookie_inspect::drift`). Meant for `pookie migrate --check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pookie_grammar::migration::{parse_migration, State};
use pookie_grammar::Source;

use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// The file of a migration folder that holds its operations.
const MIGRATION_FILE: &str = "migration.pookie";

/// Runs the check: prints "No drift: …" and exits with 0 when the database
/// matches the migrations applied to it, else prints one line per difference
/// and exits with 1.
// Wired into `pookie migrate --check` when the migration commands are merged.
#[allow(dead_code)]
pub fn run(settings: &Settings) -> CommandResult<ExitCode> {
    let db = project::connect(settings)?;
    let applied = applied(&db)?;
    let expected = applied_state(&settings.migrations, &applied)?;
    let differences =
        pookie_inspect::drift(&db, &expected).map_err(|error| CommandError(error.to_string()))?;
    if differences.is_empty() {
        println!(
            "No drift: the database matches the {} applied migration(s).",
            applied.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Drift: the database differs from the {} applied migration(s) in {} way(s):",
        applied.len(),
        differences.len()
    );
    for difference in &differences {
        println!("  {difference}");
    }
    println!(
        "Someone changed the database outside the migrations: undo the change by hand, \
         or write a migration that makes it (pookie makemigrations) and record it with \
         pookie migrate --fake."
    );
    Ok(ExitCode::FAILURE)
}

/// The names of the migrations the history table records as applied (none
/// when the table does not exist yet).
fn applied(db: &pookie::Db) -> CommandResult<Vec<String>> {
    let exists_sql = match db.dialect() {
        pookie::Dialect::Sqlite => {
            "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'pookie_migrations'"
        }
        pookie::Dialect::Postgres => {
            "SELECT 1 AS found WHERE to_regclass('pookie_migrations') IS NOT NULL"
        }
    };
    if db.fetch_one(exists_sql, &[])?.is_none() {
        return Ok(Vec::new());
    }
    db.fetch_all("SELECT name FROM pookie_migrations", &[])?
        .iter()
        .map(|row| {
            row.get("name")
                .and_then(pookie::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    CommandError("pookie_migrations holds a row without a name".to_owned())
                })
        })
        .collect()
}

/// The state the `applied` migrations of the folder `dir` leave, replayed in
/// folder order. Every applied migration must be in the folder.
pub fn applied_state(dir: &Path, applied: &[String]) -> CommandResult<State> {
    let folders = migration_folders(dir)?;
    for name in applied {
        if !folders.iter().any(|(folder, _)| folder == name) {
            return Err(CommandError(format!(
                "the database records the migration `{name}` as applied, but `{}` has no folder `{name}`: \
                 restore it, or check that --migrations-dir and --db name the right pair",
                dir.display()
            )));
        }
    }
    let mut state = State::default();
    for (name, path) in folders {
        if !applied.contains(&name) {
            continue;
        }
        let file = path.join(MIGRATION_FILE);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| CommandError(format!("cannot read `{}`: {e}", file.display())))?;
        let parsed = parse_migration(&Source { path: file, text }, &state)
            .map_err(|diagnostics| CommandError(diagnostics.to_string()))?;
        for operation in &parsed.operations {
            state
                .apply(operation)
                .map_err(|error| CommandError(format!("{name}: {error}")))?;
        }
    }
    Ok(state)
}

/// The numbered (`0001_name`) folders of `dir`, in name order (none when `dir` does not exist).
fn migration_folders(dir: &Path) -> CommandResult<Vec<(String, PathBuf)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(CommandError(format!(
                "cannot read the migrations folder `{}`: {error}",
                dir.display()
            )))
        }
    };
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            CommandError(format!(
                "cannot read the migrations folder `{}`: {e}",
                dir.display()
            ))
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let numbered = name.split_once('_').is_some_and(|(number, _)| {
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
        });
        if numbered && entry.path().is_dir() {
            folders.push((name, entry.path()));
        }
    }
    folders.sort();
    Ok(folders)
}
