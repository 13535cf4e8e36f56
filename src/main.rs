//! `pookie`: the command-line tool of the Pookie ORM.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[macro_use]
mod output;
mod commands;
mod inspect;
mod project;
mod settings;

use project::CommandResult;
use settings::{Overrides, Settings};

/// Pookie, a schema-first ORM for Rust: check schemas, make and apply migrations, inspect databases.
#[derive(Debug, Parser)]
#[command(name = "pookie", version, about = "Pookie, a schema-first ORM for Rust: check schemas, make and apply migrations, inspect databases", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and validate schema files, printing every error with its position.
    ///
    /// The files are checked as one build, so models may refer to models of the
    /// other files. Exits with 1 when there are errors.
    Check {
        /// The .pookie files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Write the next migration from what changed in the schema since the last one.
    ///
    /// Renames are never guessed: `renamed_from = "old"` on a field (or in a
    /// model's meta) makes one; otherwise a removed and an added field of the
    /// same shape are offered as a rename at a prompt (default no).
    Makemigrations {
        /// The migration's name after its number (snake_case).
        #[arg(short = 'n', long, value_name = "NAME")]
        name: Option<String>,
        /// Write a migration with a Rust code step (a data migration) to fill in.
        #[arg(long)]
        empty: bool,
        /// Print what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write nothing; exit with 1 when the schema has changes no migration holds (for CI).
        #[arg(long)]
        check: bool,
        /// Never prompt: fail, listing what needs an answer and how to give it in the schema.
        #[arg(long)]
        no_input: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Apply pending migrations, or migrate forwards or backwards to TARGET.
    Migrate {
        /// A migration name or number to migrate to, or `zero` to unapply everything.
        #[arg(value_name = "TARGET")]
        target: Option<String>,
        /// Record the migrations as applied without running them.
        #[arg(long)]
        fake: bool,
        /// Record an initial migration as applied when its tables already exist.
        #[arg(long)]
        fake_initial: bool,
        /// Print what would run; run nothing.
        #[arg(long)]
        plan: bool,
        /// Run nothing: compare the live database with what its applied
        /// migrations describe, table by table and column by column; exit
        /// with 1 when someone changed it by hand.
        #[arg(long, conflicts_with_all = ["target", "fake", "fake_initial", "plan"])]
        check: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// List every migration: applied (✓) or not (○), with when it was applied.
    Showmigrations {
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Undo the last applied migrations with their down operations.
    Rollback {
        /// How many migrations to undo.
        #[arg(long, default_value_t = 1, value_name = "N")]
        steps: usize,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Print the SQL a migration runs.
    Sqlmigrate {
        /// The migration's name or number.
        #[arg(value_name = "NAME")]
        name: String,
        /// The backend to print it for (default: the database's).
        #[arg(long, value_enum)]
        backend: Option<BackendArg>,
        /// Print the SQL that unapplies it.
        #[arg(long)]
        backwards: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Read an existing SQLite or PostgreSQL database and write .pookie models for it.
    ///
    /// Every table becomes a model (views too with --include-views), with its
    /// columns, keys, relations, constraints and indexes. What has no exact
    /// spelling in .pookie is kept as a `//` note, never dropped silently.
    Inspectdb {
        /// Inspect only this table (repeat for several).
        #[arg(long = "table", value_name = "NAME")]
        tables: Vec<String>,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the --output file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
        /// The PostgreSQL schema to inspect (default: public).
        #[arg(long, value_name = "NAME")]
        schema: Option<String>,
        /// Include views, as read-only (`managed = false`) models.
        #[arg(long)]
        include_views: bool,
        // The database: --database URL, else --db ALIAS of the settings, else
        // DATABASE_URL, else the settings' default database.
        #[command(flatten)]
        settings: SettingsArgs,
    },
}

/// The flags that choose settings and database, shared by the database commands.
#[derive(Debug, Clone, Args)]
struct SettingsArgs {
    /// The settings file (default: the nearest pookie.toml).
    #[arg(short = 's', long = "settings", value_name = "FILE")]
    file: Option<PathBuf>,
    /// The database URL (overrides the settings and DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The database of the settings to use.
    #[arg(long = "db", value_name = "ALIAS")]
    db: Option<String>,
    /// The migrations folder (default: the settings' `migrations`, else `migrations`).
    #[arg(short = 'd', long = "migrations-dir", value_name = "DIR")]
    migrations_dir: Option<PathBuf>,
}

impl SettingsArgs {
    fn load(&self) -> CommandResult<Settings> {
        project::settings(&Overrides {
            settings: self.file.clone(),
            database: self.database.clone(),
            alias: self.db.clone(),
            migrations_dir: self.migrations_dir.clone(),
        })
    }
}

/// A backend named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum BackendArg {
    Sqlite,
    Postgres,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { files } => check(&files),
        Command::Makemigrations {
            name,
            empty,
            dry_run,
            check,
            no_input,
            settings,
        } => report(settings.load().and_then(|settings| {
            commands::makemigrations::run(
                &settings,
                &commands::makemigrations::Options {
                    name,
                    empty,
                    dry_run,
                    check,
                    no_input,
                },
            )
        })),
        Command::Migrate {
            target,
            fake,
            fake_initial,
            plan,
            check,
            settings,
        } => report(settings.load().and_then(|settings| {
            if check {
                return commands::drift::run(&settings);
            }
            commands::migrate::run(
                &settings,
                &commands::migrate::Options {
                    target,
                    fake,
                    fake_initial,
                    plan,
                },
            )
        })),
        Command::Showmigrations { settings } => report(
            settings
                .load()
                .and_then(|settings| commands::showmigrations::run(&settings)),
        ),
        Command::Rollback { steps, settings } => report(
            settings
                .load()
                .and_then(|settings| commands::rollback::run(&settings, steps)),
        ),
        Command::Sqlmigrate {
            name,
            backend,
            backwards,
            settings,
        } => report(settings.load().and_then(|settings| {
            let backend = backend.map(|backend| match backend {
                BackendArg::Sqlite => pookie_grammar::migration::Backend::Sqlite,
                BackendArg::Postgres => pookie_grammar::migration::Backend::Postgres,
            });
            commands::sqlmigrate::run(&settings, &name, backend, backwards)
        })),
        Command::Inspectdb {
            tables,
            output,
            force,
            schema,
            include_views,
            settings,
        } => report(settings.load().and_then(|settings| {
            inspect::run(
                &settings,
                &pookie_inspect::Options {
                    tables,
                    schema,
                    include_views,
                },
                &inspect::Output {
                    file: output,
                    force,
                },
            )
        })),
    }
}

/// Prints a command's error and turns it into the exit code.
fn report(result: CommandResult<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            errln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `pookie check`: what it accepts, the build compiles. The schema is loaded
/// and validated, then the code is generated (without writing it), so that
/// what the code generator refuses is refused here first.
fn check(files: &[PathBuf]) -> ExitCode {
    let generated = |schema: &pookie_grammar::ir::Schema| {
        pookie_codegen::Config::new().generate(schema).map(drop)
    };
    match pookie_grammar::load_files(files) {
        Ok(schema) if generated(&schema).is_err() => {
            let error = generated(&schema).unwrap_err();
            errln!("{}", generation_error(&schema, &error));
            ExitCode::FAILURE
        }
        Ok(schema) => {
            let models: usize = schema
                .modules
                .iter()
                .map(|module| module.models.iter().filter(|m| !m.is_abstract).count())
                .sum();
            let noun = if files.len() == 1 { "file" } else { "files" };
            outln!("ok: {models} models in {} {noun}", files.len());
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            errln!("{diagnostics}");
            ExitCode::FAILURE
        }
    }
}

/// A code generator error as a diagnostic: `file:line:col` of the model (and
/// field) it names, found in the schema file of its module.
fn generation_error(schema: &pookie_grammar::ir::Schema, error: &pookie_codegen::Error) -> String {
    let pookie_codegen::Error::Unsupported {
        module,
        location,
        message,
    } = error
    else {
        return format!("error: {error}");
    };
    let path = schema
        .modules
        .iter()
        .find(|m| &m.name == module)
        .map(|m| m.path.clone());
    let position = path.as_ref().and_then(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        let mut names = location.split('`').skip(1).step_by(2).map(str::to_owned);
        let model = names.next()?;
        let field = names.next();
        locate(&text, &model, field.as_deref())
    });
    match (path, position) {
        (Some(path), Some((line, column))) => format!(
            "error: {location}: {message}\n  --> {}:{line}:{column}",
            path.display()
        ),
        (Some(path), None) => format!("error: {location}: {message}\n  --> {}", path.display()),
        _ => format!("error: {error}"),
    }
}

/// The 1-based line and column of `model Name` (or of `field =` inside it).
fn locate(text: &str, model: &str, field: Option<&str>) -> Option<(usize, usize)> {
    let mut in_model = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        let model_at = words.iter().position(|w| *w == "model");
        if let Some(at) = model_at {
            let name = words.get(at + 1).map(|w| w.trim_end_matches('{'));
            in_model = name == Some(model);
            if in_model && field.is_none() {
                let column = line.find(model).map_or(indent, |c| c) + 1;
                return Some((index + 1, column));
            }
            continue;
        }
        if let (true, Some(field)) = (in_model, field) {
            if words.first() == Some(&field) {
                return Some((index + 1, indent + 1));
            }
        }
    }
    None
}
