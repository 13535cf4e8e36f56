//! What the migration commands share: the settings, the schema as a state,
//! the migrations folder rendered for the runtime, and the database.

use std::borrow::Cow;
use std::fmt;

use pookie::migrate::{Down, Migration, Migrations, Plan, Script, Step};
use pookie_codegen::migrate::folder::Folder;
use pookie_codegen::migrate::{
    created_tables, render_migration, Rendered, RenderedScript, RenderedStep,
};
use pookie_grammar::ir::Schema;
use pookie_grammar::migration::State;

use crate::settings::{Overrides, Settings, SettingsError};

/// An error a command reports on stderr before exiting with 1.
#[derive(Debug)]
pub struct CommandError(pub String);

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<SettingsError> for CommandError {
    fn from(error: SettingsError) -> Self {
        CommandError(error.0)
    }
}

impl From<pookie::Error> for CommandError {
    fn from(error: pookie::Error) -> Self {
        CommandError(error.to_string())
    }
}

impl From<pookie_codegen::Error> for CommandError {
    fn from(error: pookie_codegen::Error) -> Self {
        CommandError(error.to_string())
    }
}

/// The result of a command.
pub type CommandResult<T = ()> = Result<T, CommandError>;

/// The settings of a command run in the current directory.
pub fn settings(overrides: &Overrides) -> CommandResult<Settings> {
    let cwd = std::env::current_dir()
        .map_err(|e| CommandError(format!("cannot read the current directory: {e}")))?;
    Ok(Settings::load(&cwd, overrides)?)
}

/// The schema files of the settings, loaded as one build.
pub fn schema(settings: &Settings) -> CommandResult<Schema> {
    let files = settings.schema_files()?;
    pookie_grammar::load_files(files).map_err(|diagnostics| CommandError(diagnostics.to_string()))
}

/// The state the current schema describes for the database in use.
pub fn schema_state(settings: &Settings) -> CommandResult<State> {
    Ok(State::from_schema(&schema(settings)?, &settings.alias))
}

/// The migrations folder of the settings; an empty folder when it does not exist yet.
pub fn folder(settings: &Settings) -> CommandResult<Folder> {
    Folder::read(&settings.migrations).map_err(|e| CommandError(e.to_string()))
}

/// Every migration of the folder rendered for the runtime.
pub fn migrations(folder: &Folder) -> CommandResult<Migrations> {
    let mut list = Vec::with_capacity(folder.migrations.len());
    for (index, migration) in folder.migrations.iter().enumerate() {
        let before = folder.state_before(index);
        let operations = &migration.parsed.operations;
        let in_migration =
            |e: pookie_codegen::Error| CommandError(format!("{}: {e}", migration.name));
        let sqlite =
            render_migration(&before, operations, pookie::Dialect::Sqlite).map_err(in_migration)?;
        let postgres = render_migration(&before, operations, pookie::Dialect::Postgres)
            .map_err(in_migration)?;
        let creates_tables = created_tables(&before, operations).map_err(in_migration)?;
        list.push(Migration {
            name: Cow::Owned(migration.name.clone()),
            checksum: Cow::Owned(migration.checksum.clone()),
            replaces: Cow::Owned(
                migration
                    .parsed
                    .replaces
                    .iter()
                    .map(|r| Cow::Owned(r.clone()))
                    .collect(),
            ),
            creates_tables: Cow::Owned(creates_tables.into_iter().map(Cow::Owned).collect()),
            sqlite: plan(sqlite),
            postgres: plan(postgres),
        });
    }
    Ok(Migrations::new(list))
}

fn plan(rendered: Rendered) -> Plan {
    Plan {
        up: script(rendered.up),
        down: match rendered.down {
            Ok(down) => Down::Script(script(down)),
            Err(why) => Down::Irreversible(Cow::Owned(why)),
        },
    }
}

fn script(rendered: RenderedScript) -> Script {
    Script {
        steps: Cow::Owned(
            rendered
                .steps
                .into_iter()
                .map(|step| match step {
                    RenderedStep::Sql(sql) => Step::Sql(Cow::Owned(sql)),
                    RenderedStep::Script(sql) => Step::Script(Cow::Owned(sql)),
                    RenderedStep::Rust(name) => Step::Rust(Cow::Owned(name)),
                })
                .collect(),
        ),
        rebuilds_tables: rendered.rebuilds_tables,
    }
}

/// Connects to the database in use.
pub fn connect(settings: &Settings) -> CommandResult<pookie::Db> {
    let url = settings.database_url()?;
    Ok(pookie::Db::connect(&url)?)
}
