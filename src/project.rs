//! What the migration commands share: the settings, the schema as a state,
//! the migrations folder rendered for the runtime, and the database.

use std::borrow::Cow;
use std::fmt;

use pookie::migrate::{Down, Migration, Migrations, Plan, Script, Step};
use pookie_codegen::migrate::folder::{sql_file, Folder};
use pookie_codegen::migrate::{
    created_tables, render_migration, Rendered, RenderedScript, RenderedStep,
};
use pookie_grammar::ir::Schema;
use pookie_grammar::migration::{Backend, State};

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

/// One migration of the folder rendered for both backends.
pub struct RenderedMigration {
    /// The folder name.
    pub name: String,
    /// The checksum of its operations text.
    pub checksum: String,
    /// The tables it creates.
    pub creates_tables: Vec<String>,
    /// For a squashed migration, the migrations it replaces.
    pub replaces: Vec<String>,
    /// Per backend, in [`Backend::ALL`] order.
    pub rendered: Vec<(Backend, Rendered)>,
}

/// Every migration of the folder rendered for both backends.
pub fn render(folder: &Folder) -> CommandResult<Vec<RenderedMigration>> {
    let mut list = Vec::with_capacity(folder.migrations.len());
    for (index, migration) in folder.migrations.iter().enumerate() {
        let before = folder.state_before(index);
        let operations = &migration.parsed.operations;
        let in_migration =
            |e: pookie_codegen::Error| CommandError(format!("{}: {e}", migration.name));
        let mut rendered = Vec::with_capacity(2);
        for backend in Backend::ALL {
            let script =
                render_migration(&before, operations, dialect(backend)).map_err(in_migration)?;
            rendered.push((backend, script));
        }
        list.push(RenderedMigration {
            name: migration.name.clone(),
            checksum: migration.checksum.clone(),
            creates_tables: created_tables(&before, operations).map_err(in_migration)?,
            replaces: migration.parsed.replaces.clone(),
            rendered,
        });
    }
    Ok(list)
}

/// The dialect of a backend.
pub fn dialect(backend: Backend) -> pookie::Dialect {
    match backend {
        Backend::Sqlite => pookie::Dialect::Sqlite,
        Backend::Postgres => pookie::Dialect::Postgres,
    }
}

/// Every migration of the folder rendered for the runtime.
pub fn migrations(folder: &Folder) -> CommandResult<Migrations> {
    let list = render(folder)?
        .into_iter()
        .map(|migration| {
            let mut plans = migration.rendered.into_iter().map(|(_, r)| plan(r));
            let sqlite = plans.next().expect("rendered for SQLite");
            let postgres = plans.next().expect("rendered for PostgreSQL");
            Migration {
                name: Cow::Owned(migration.name),
                checksum: Cow::Owned(migration.checksum),
                replaces: Cow::Owned(migration.replaces.into_iter().map(Cow::Owned).collect()),
                creates_tables: Cow::Owned(
                    migration
                        .creates_tables
                        .into_iter()
                        .map(Cow::Owned)
                        .collect(),
                ),
                sqlite,
                postgres,
            }
        })
        .collect();
    Ok(Migrations::new(list))
}

/// The review files (`sqlite.up.sql` …) of a rendered migration: file name and text.
pub fn review_files(migration: &RenderedMigration) -> Vec<(String, String)> {
    let mut files = Vec::with_capacity(4);
    for (backend, rendered) in &migration.rendered {
        files.push((
            format!("{}.up.sql", backend.name()),
            sql_file(&migration.name, *backend, "up", Ok(&rendered.up)),
        ));
        files.push((
            format!("{}.down.sql", backend.name()),
            sql_file(&migration.name, *backend, "down", rendered.down.as_ref()),
        ));
    }
    files
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
