//! `pookie makemigrations`: the next migration, from what changed in the schema.

use std::process::ExitCode;

use pookie_codegen::migrate::diff::{diff, Changes};
use pookie_codegen::migrate::{folder, naming, render_migration};
use pookie_grammar::migration::{Backend, Operation};

use super::questions;
use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// The flags of `makemigrations`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--name`: the migration's name after its number.
    pub name: Option<String>,
    /// `--empty`: a migration with a Rust code step to fill in.
    pub empty: bool,
    /// `--dry-run`: say what would be written, write nothing.
    pub dry_run: bool,
    /// `--check`: write nothing, exit 1 when a migration is needed.
    pub check: bool,
    /// `--no-input`: never prompt; fail where a question would be asked.
    pub no_input: bool,
}

/// Runs the command.
pub fn run(settings: &Settings, options: &Options) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let from = folder.state();
    let stale = stale_review_files(&folder)?;
    if !stale.is_empty() && !options.check && !options.dry_run {
        for (path, text) in &stale {
            std::fs::write(path, text)
                .map_err(|e| CommandError(format!("cannot write `{}`: {e}", path.display())))?;
            outln!(
                "Refreshed {} (it did not show what the migration runs)",
                path.display()
            );
        }
    }
    if options.check && !stale.is_empty() {
        for (path, _) in &stale {
            outln!(
                "Out of date: {} does not show what the migration runs",
                path.display()
            );
        }
    }
    let changes = if options.empty {
        let function = options.name.clone().unwrap_or_else(|| "custom".to_owned());
        Changes {
            operations: vec![Operation::RunRust {
                forward: function.clone(),
                backward: Some(format!("undo_{function}")),
            }],
            warnings: Vec::new(),
        }
    } else {
        let to = project::schema_state(settings)?;
        let mut questioner = questions::questioner(options.no_input);
        diff(&from, &to, questioner.as_mut()).map_err(|e| CommandError(e.to_string()))?
    };
    if changes.operations.is_empty() {
        outln!("No changes detected");
        if options.check && !stale.is_empty() {
            outln!("Run `pookie makemigrations` to refresh the review files.");
            return Ok(ExitCode::FAILURE);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let name = match &options.name {
        Some(name) => {
            naming::validate_name(name).map_err(CommandError)?;
            name.clone()
        }
        None => naming::suggest_name(&changes.operations, folder.migrations.is_empty()),
    };
    let name = naming::folder_name(folder.next_number(), &name);
    if options.check {
        outln!("Migrations needed for `{}`:", settings.alias);
        print_summary(&name, &changes);
        outln!("Run `pookie makemigrations` to write them.");
        return Ok(ExitCode::FAILURE);
    }
    let text = changes.to_text();
    let mut rendered = Vec::new();
    for backend in Backend::ALL {
        let dialect = match backend {
            Backend::Sqlite => pookie::Dialect::Sqlite,
            Backend::Postgres => pookie::Dialect::Postgres,
        };
        rendered.push((backend, render_migration(&from, &text.operations, dialect)?));
    }
    outln!("Migrations for `{}`:", settings.alias);
    print_summary(&name, &changes);
    if options.dry_run {
        outln!("(dry run: nothing written)");
    } else {
        folder::write_migration(&settings.migrations, &name, &text, &rendered)
            .map_err(|e| CommandError(e.to_string()))?;
    }
    for (_, warning) in &changes.warnings {
        errln!("warning: {name}: {warning}");
    }
    if options.empty {
        print_code_step_help(&changes.operations);
    }
    Ok(ExitCode::SUCCESS)
}

/// The review files (`sqlite.up.sql` …) that differ from what their
/// migration renders, with the text they should hold.
fn stale_review_files(
    folder: &pookie_codegen::migrate::folder::Folder,
) -> CommandResult<Vec<(std::path::PathBuf, String)>> {
    let mut stale = Vec::new();
    for migration in project::render(folder)? {
        let dir = folder.dir.join(&migration.name);
        for (file, text) in project::review_files(&migration) {
            let path = dir.join(file);
            let on_disk = std::fs::read_to_string(&path)
                .ok()
                .map(|t| t.replace("\r\n", "\n"));
            if on_disk.as_deref() != Some(text.as_str()) {
                stale.push((path, text));
            }
        }
    }
    Ok(stale)
}

fn print_summary(name: &str, changes: &Changes) {
    outln!("  {name}");
    for operation in &changes.operations {
        outln!("    {} {}", operation.sign(), operation.describe());
    }
}

fn print_code_step_help(operations: &[Operation]) {
    let mut names = Vec::new();
    for operation in operations {
        if let Operation::RunRust { forward, backward } = operation {
            names.push(forward.clone());
            names.extend(backward.clone());
        }
    }
    outln!("\nAdd these functions to your program (they run inside the migration's transaction;");
    outln!("read and write rows with raw SQL, as the tables are at this migration):\n");
    for name in &names {
        outln!(
            "    fn {name}(db: &pookie::Db) -> pookie::Result<()> {{\n        \
             // e.g. db.execute(\"UPDATE …\", &[])?;\n        Ok(())\n    }}\n"
        );
    }
    outln!("and register them where the migrations are embedded:\n");
    outln!(
        "    pookie::migrate(&db, &pookie::include_migrations!({}))?;",
        names.join(", ")
    );
}
