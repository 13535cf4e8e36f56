//! `pookie squashmigrations FROM TO`: one migration replacing a range of
//! migrations, Django's way. The squashed migration is written beside the
//! originals (`0001_squashed_0004_add_post_slug`, its text starting with
//! `Replaces(migrations = […])`): databases that applied the originals record
//! it without running anything, new databases run its own operations. Once
//! every database has applied it, the originals can be deleted.

use std::io::IsTerminal;
use std::process::ExitCode;

use pookie_codegen::migrate::folder::{self, Folder, MigrationFile};
use pookie_codegen::migrate::{naming, render_migration};
use pookie_grammar::migration::{parse_migration, print_migration, Backend, MigrationText};
use pookie_grammar::Source;

use super::squash_ops;
use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// The arguments of `squashmigrations`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The first migration of the range: a name or a number.
    pub from: String,
    /// The last migration of the range: a name or a number.
    pub to: String,
    /// `--name`: the squashed migration's name after its number (default
    /// `squashed_<last migration>`).
    pub name: Option<String>,
    /// `--no-input`: do not ask for confirmation.
    pub no_input: bool,
}

/// Runs the command.
pub fn run(settings: &Settings, options: &Options) -> CommandResult<ExitCode> {
    let folder = project::folder(settings)?;
    let from = find(&folder, &options.from)?;
    let to = find(&folder, &options.to)?;
    if from > to {
        return Err(CommandError(format!(
            "{} comes after {}: give the first migration of the range, then the last",
            folder.migrations[from].name, folder.migrations[to].name
        )));
    }
    let range = &folder.migrations[from..=to];
    check_range(&folder, from, range)?;
    let first = &range[0];
    let last = &range[range.len() - 1];
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| format!("squashed_{}", last.name));
    naming::validate_name(&name).map_err(CommandError)?;
    let folder_name = naming::folder_name(first.number, &name);

    let before = folder.state_before(from);
    let concatenated: Vec<_> = range
        .iter()
        .flat_map(|m| m.parsed.operations.iter().cloned())
        .collect();
    let folded = squash_ops::fold(&before, concatenated.clone());
    // The folds are checked, not trusted: the squash must leave the state the
    // originals leave, or it is the plain concatenation.
    let operations = if leaves(&before, &folded, last) {
        folded
    } else {
        concatenated
    };
    let replaces: Vec<String> = range.iter().map(|m| m.name.clone()).collect();
    let mut doc = format!("Squashed {} to {}", first.name, last.name);
    for operation in &operations {
        doc.push_str(&format!("\n{} {}", operation.sign(), operation.describe()));
    }
    let text = MigrationText {
        doc: Some(doc),
        replaces: replaces.clone(),
        operations,
        notes: Vec::new(),
    };
    // What is written is what will be read back: parse the printed text.
    let printed = print_migration(&text);
    let source = Source {
        path: settings
            .migrations
            .join(&folder_name)
            .join(folder::MIGRATION_FILE),
        text: printed,
    };
    let text = parse_migration(&source, &before).map_err(|diagnostics| {
        CommandError(format!(
            "the squashed migration does not read back (a bug in pookie; please report it):\n{diagnostics}"
        ))
    })?;
    if !leaves(&before, &text.operations, last) {
        return Err(CommandError(format!(
            "the operations of {} to {} do not replay to the schema they leave (a bug in pookie; please report it)",
            first.name, last.name
        )));
    }

    outln!(
        "Will squash {} migration(s) into {folder_name}:",
        range.len()
    );
    for migration in range {
        outln!("  - {}", migration.name);
    }
    if !options.no_input && std::io::stdin().is_terminal() {
        let proceed = inquire::Confirm::new("Do you wish to proceed?")
            .with_default(false)
            .prompt()
            .unwrap_or(false);
        if !proceed {
            outln!("Nothing written.");
            return Ok(ExitCode::SUCCESS);
        }
    }

    let mut rendered = Vec::new();
    for backend in Backend::ALL {
        let dialect = match backend {
            Backend::Sqlite => pookie::Dialect::Sqlite,
            Backend::Postgres => pookie::Dialect::Postgres,
        };
        rendered.push((
            backend,
            render_migration(&before, &text.operations, dialect)?,
        ));
    }
    let written = folder::write_migration(&settings.migrations, &folder_name, &text, &rendered)
        .map_err(|e| CommandError(e.to_string()))?;
    // The folder must read as before with the squash in it; if it does not,
    // take the squash back out rather than leave a broken folder.
    if let Err(error) = Folder::read(&settings.migrations) {
        let _ = std::fs::remove_dir_all(&written);
        return Err(CommandError(format!(
            "the squashed migration would break the migrations folder, so it was not kept: {error}"
        )));
    }

    let from_count: usize = range.iter().map(|m| m.parsed.operations.len()).sum();
    outln!(
        "Created {} ({} operation(s), from {from_count}):",
        written.display(),
        text.operations.len()
    );
    for operation in &text.operations {
        outln!("    {} {}", operation.sign(), operation.describe());
    }
    outln!("  with migration.pookie and the review files sqlite.up.sql, sqlite.down.sql, postgres.up.sql, postgres.down.sql.");
    if text
        .operations
        .iter()
        .any(|op| matches!(op, pookie_grammar::migration::Operation::RunSql { .. }))
        || text
            .operations
            .iter()
            .any(|op| matches!(op, pookie_grammar::migration::Operation::RunRust { .. }))
    {
        outln!(
            "\nIt keeps the RunSQL/RunRust steps of the originals, in place: check that they still \
             make sense on a fresh database (the Rust functions stay registered under the same names)."
        );
    }
    outln!(
        "\nNext: commit it beside the originals and run `pookie migrate` on every database \
         (one that applied {} records it without running anything; a new one runs its operations). \
         Once every database has applied it, delete the originals ({}): {folder_name} then \
         stands in for them.",
        replaces.join(", "),
        replaces.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// True when `operations`, replayed from `before`, leave the state the
/// migration `last` leaves.
fn leaves(
    before: &pookie_grammar::migration::State,
    operations: &[pookie_grammar::migration::Operation],
    last: &MigrationFile,
) -> bool {
    let mut state = before.clone();
    operations.iter().all(|op| state.apply(op).is_ok()) && folder::same_state(&state, &last.state)
}

/// The index of the migration a command-line argument names: its full name
/// or its number (`0002` or `2`).
fn find(folder: &Folder, given: &str) -> CommandResult<usize> {
    let number: Option<u32> = given.parse().ok();
    let matches: Vec<usize> = folder
        .migrations
        .iter()
        .enumerate()
        .filter(|(_, m)| m.name == given || (Some(m.number) == number && !given.contains('_')))
        .map(|(index, _)| index)
        .collect();
    let names = || {
        folder
            .migrations
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match matches.as_slice() {
        [one] => Ok(*one),
        [] if folder.migrations.is_empty() => Err(CommandError(format!(
            "there are no migrations in {} to squash: run `pookie makemigrations` first",
            folder.dir.display()
        ))),
        [] => Err(CommandError(format!(
            "no migration named `{given}`: give a migration's name or number ({})",
            names()
        ))),
        many => Err(CommandError(format!(
            "`{given}` could mean any of {}: give the full name",
            many.iter()
                .map(|&i| folder.migrations[i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Refuses ranges that cannot be squashed: fewer than two migrations,
/// squashed migrations, migrations already replaced by a squash.
fn check_range(folder: &Folder, from: usize, range: &[MigrationFile]) -> CommandResult {
    if range.len() < 2 {
        return Err(CommandError(format!(
            "{} alone is nothing to squash: give a range of two or more migrations",
            range[0].name
        )));
    }
    for (offset, migration) in range.iter().enumerate() {
        if !migration.parsed.replaces.is_empty() {
            return Err(CommandError(format!(
                "{} is a squashed migration: squashing squashed migrations is not supported; \
                 squash a range of plain migrations",
                migration.name
            )));
        }
        if folder.is_replaced(from + offset) {
            return Err(CommandError(format!(
                "{} is already replaced by a squashed migration: squash a range after it, or \
                 delete the originals once every database has applied the squash",
                migration.name
            )));
        }
    }
    Ok(())
}
