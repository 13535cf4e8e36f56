//! `pookie`: the command-line tool of the Pookie ORM.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::styling::{AnsiColor, Styles};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

#[macro_use]
mod output;
mod commands;
mod inspect;
mod progress;
mod project;
mod settings;

use project::CommandResult;
use settings::{Overrides, Settings};

/// Pookie, a schema-first ORM for Rust: check schemas, make and apply migrations, inspect databases.
#[derive(Debug, Parser)]
#[command(
    name = "pookie",
    version,
    about = "Pookie, a schema-first ORM for Rust: check schemas, make and apply migrations, inspect databases",
    long_about = None,
    styles = STYLES,
    after_help = "Examples:
  pookie init blog                  a new crate that builds and runs at once
  pookie makemigrations && pookie migrate
  pookie graph > schema.mmd         the schema's diagram
  pookie completions bash > ~/.local/share/bash-completion/completions/pookie

Settings come from the nearest pookie.toml; DATABASE_URL overrides its database.
Exit codes: 0 success, 1 an error (bad input, a failed check), 2 wrong usage."
)]
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
    #[command(after_help = EXAMPLES_CHECK)]
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
    #[command(after_help = EXAMPLES_MAKEMIGRATIONS)]
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
    #[command(after_help = EXAMPLES_MIGRATE)]
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
    #[command(after_help = EXAMPLES_SHOWMIGRATIONS)]
    Showmigrations {
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Undo the last applied migrations with their down operations.
    #[command(after_help = EXAMPLES_ROLLBACK)]
    Rollback {
        /// How many migrations to undo.
        #[arg(long, default_value_t = 1, value_name = "N")]
        steps: usize,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Squash migrations FROM to TO (names or numbers) into one migration that replaces them.
    ///
    /// The squashed migration is written beside the originals: databases that
    /// applied them record it without running anything, new databases run its
    /// operations. Once every database has applied it, delete the originals.
    Squashmigrations {
        /// The first migration of the range: a name or number.
        #[arg(value_name = "FROM")]
        from: String,
        /// The last migration of the range: a name or number.
        #[arg(value_name = "TO")]
        to: String,
        /// The squashed migration's name after its number (default: squashed_<TO's name>).
        #[arg(short = 'n', long, value_name = "NAME")]
        name: Option<String>,
        /// Do not ask for confirmation.
        #[arg(long)]
        no_input: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Print the SQL a migration runs.
    #[command(after_help = EXAMPLES_SQLMIGRATE)]
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
    /// Query the database interactively in Django's syntax, over the project's schema
    ///
    /// Reads the models from the schema files of pookie.toml (nothing is
    /// compiled) and runs every query through Pookie's own query compiler, so
    /// the SQL is what the generated code would run. Tab completes models,
    /// methods, fields and lookups; history is kept in ~/.pookie_history
    /// (or $POOKIE_HISTORY). `\d Model` describes a model, `\sql` shows each query's SQL.
    ///
    /// Examples:
    ///   pookie shell
    ///   pookie shell -c 'Author.objects.filter(name__icontains="grace").order_by("-joined")[:5]'
    ///   pookie shell -c 'Post.objects.aggregate(total=Sum("view_count"))'
    ///   pookie shell --yes < cleanup.txt
    #[command(verbatim_doc_comment)]
    Shell {
        /// Run these lines (one query per line) and exit, instead of the interactive shell.
        #[arg(short = 'c', long = "command", value_name = "QUERY")]
        command: Option<String>,
        /// Delete without asking (a script's deletes need it).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Read an existing SQLite or PostgreSQL database and write .pookie models for it.
    ///
    /// Every table becomes a model (views too with --include-views), with its
    /// columns, keys, relations, constraints and indexes. What has no exact
    /// spelling in .pookie is kept as a `//` note, never dropped silently.
    #[command(after_help = EXAMPLES_INSPECTDB)]
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
    /// Scaffold a new crate that builds and runs at once.
    ///
    /// The crate holds a first model, its initial migration, a build script
    /// that generates the models and embeds the migrations, and a main that
    /// connects, applies them and runs a query. At a terminal every answer is asked step by step (name, database, URL,
    /// the first model and its fields); each is also a flag, and with --yes
    /// (or without a terminal) the flags and defaults are taken as they are.
    #[command(after_help = EXAMPLES_INIT)]
    Init {
        /// The crate and folder name (checked as `cargo new` does).
        #[arg(value_name = "NAME")]
        name: Option<String>,
        /// The database.
        #[arg(long, value_enum, value_name = "BACKEND")]
        database: Option<commands::init::Backend>,
        /// The database URL (default: sqlite:///NAME.sqlite3, or a local PostgreSQL database NAME).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// The first model: its name, then `field:Type(arguments)` items.
        #[arg(long, value_name = "SPEC")]
        model: Option<String>,
        /// Depend on a local Pookie checkout (its `runtime/` and `codegen/`) instead of crates.io.
        #[arg(long, value_name = "DIR")]
        pookie_path: Option<PathBuf>,
        /// Ask nothing: take the flags and the defaults.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Open the database's own shell (sqlite3 or psql) on the database of the settings.
    ///
    /// Arguments after `--` go to the shell. The password is handed to psql
    /// through its environment, never on a command line.
    #[command(after_help = EXAMPLES_DBSHELL)]
    Dbshell {
        /// Arguments for the shell itself.
        #[arg(last = true, value_name = "ARGS")]
        args: Vec<OsString>,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Rewrite schema files in the canonical layout, comments kept.
    ///
    /// The layout is the printer's: aligned `=`, arguments in a fixed order,
    /// comments and doc comments kept. Without FILE, formats the schemas of the settings. A `//` comment
    /// that has no model or field to go with (inside `meta`, above an enum,
    /// at the end of the file) makes the file refused, never lost.
    #[command(after_help = EXAMPLES_FMT)]
    Fmt {
        /// The .pookie files (default: the settings' `schemas`).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Write nothing; list the files that would change and exit with 1 if any (for CI).
        #[arg(long)]
        check: bool,
        /// The settings file (default: the nearest pookie.toml).
        #[arg(short = 's', long = "settings", value_name = "FILE")]
        settings: Option<PathBuf>,
    },
    /// Draw the entity-relationship diagram of the schema, or of a live database.
    ///
    /// Every model with its columns (types, PK / FK / UK) and every relation
    /// with its cardinality: ForeignKey many-to-one, OneToOneField one-to-one,
    /// ManyToManyField many-to-many. The schema is read unless --live,
    /// --database or --db asks for the database (through inspectdb's
    /// introspection).
    #[command(after_help = EXAMPLES_GRAPH)]
    Graph {
        /// Schema files to draw (default: the settings' `schemas`).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The diagram language.
        #[arg(long, value_enum, default_value_t = commands::graph::Format::Mermaid)]
        format: commands::graph::Format,
        /// Draw only these models (comma-separated or repeated).
        #[arg(long, value_name = "MODEL", value_delimiter = ',')]
        models: Vec<String>,
        /// Read the database of the settings instead of the schema.
        #[arg(long)]
        live: bool,
        /// The PostgreSQL schema to read with --live (default: public).
        #[arg(long, value_name = "NAME")]
        schema: Option<String>,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Print a completion script for your shell.
    #[command(after_help = EXAMPLES_COMPLETIONS)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const STYLES: Styles = Styles::styled()
    .header(AnsiColor::Green.on_default().bold())
    .usage(AnsiColor::Green.on_default().bold())
    .literal(AnsiColor::Cyan.on_default().bold())
    .placeholder(AnsiColor::Cyan.on_default())
    .error(AnsiColor::Red.on_default().bold())
    .valid(AnsiColor::Cyan.on_default().bold())
    .invalid(AnsiColor::Yellow.on_default().bold());

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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: written like any output, so that a closed
        // pipe or a full disk is handled as everywhere else.
        Err(error) if !error.use_stderr() => {
            out!("{}", error.render().ansi());
            output::flush();
            return ExitCode::SUCCESS;
        }
        // A usage error: clap's message and its exit code, 2.
        Err(error) => error.exit(),
    };
    let code = run(cli.command);
    output::flush();
    code
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Check { files } => check(&files),
        Command::Init {
            name,
            database,
            url,
            model,
            pookie_path,
            yes,
        } => report(
            std::env::current_dir()
                .map_err(|e| {
                    project::CommandError(format!("cannot read the current directory: {e}"))
                })
                .and_then(|cwd| {
                    commands::init::run(
                        &cwd,
                        &commands::init::Options {
                            name,
                            database,
                            url,
                            model,
                            pookie_path,
                            yes,
                        },
                    )
                }),
        ),
        Command::Dbshell { args, settings } => report(
            settings
                .load()
                .and_then(|settings| commands::dbshell::run(&settings, &args)),
        ),
        Command::Fmt {
            files,
            check,
            settings,
        } => report(
            schema_files(
                files,
                project::settings(&Overrides {
                    settings,
                    ..Overrides::default()
                }),
            )
            .and_then(|files| commands::fmt::run(&files, check)),
        ),
        Command::Graph {
            files,
            format,
            models,
            live,
            schema,
            settings,
        } => report((|| {
            let live = live || settings.database.is_some() || settings.db.is_some();
            if schema.is_some() && !live {
                return Err(project::CommandError(
                    "--schema names a PostgreSQL schema to read: add --live (or --database URL)"
                        .to_owned(),
                ));
            }
            let modules = if live {
                let url = settings.load()?.database_url()?;
                let failed = |e: pookie_inspect::InspectError| project::CommandError(e.to_string());
                let spinner = progress::spinner("reading the database");
                let db = pookie_inspect::connect(&url).map_err(failed)?;
                let options = pookie_inspect::Options {
                    schema,
                    ..pookie_inspect::Options::default()
                };
                let module = pookie_inspect::inspect(&db, &options).map_err(failed)?;
                spinner.finish_and_clear();
                vec![module]
            } else {
                let files = schema_files(files, settings.load())?;
                pookie_grammar::load_files(&files)
                    .map_err(|d| project::CommandError(d.to_string()))?
                    .modules
            };
            commands::graph::run(&modules, format, &models)
        })()),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "pookie", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            ExitCode::SUCCESS
        }
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
        Command::Squashmigrations {
            from,
            to,
            name,
            no_input,
            settings,
        } => report(settings.load().and_then(|settings| {
            commands::squashmigrations::run(
                &settings,
                &commands::squashmigrations::Options {
                    from,
                    to,
                    name,
                    no_input,
                },
            )
        })),
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
        Command::Shell {
            command,
            yes,
            settings,
        } => report(settings.load().and_then(|settings| {
            commands::shell::run(&settings, &commands::shell::Options { command, yes })
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

/// The schema files named on the command line, else the settings'.
fn schema_files(
    files: Vec<PathBuf>,
    settings: CommandResult<Settings>,
) -> CommandResult<Vec<PathBuf>> {
    if !files.is_empty() {
        return Ok(files);
    }
    Ok(settings?.schema_files()?.to_vec())
}

/// Prints a command's error and turns it into the exit code.
fn report(result: CommandResult<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            use output::ERROR;
            errln!("{ERROR}error:{ERROR:#} {error}");
            output::user_error()
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
            errln!(
                "{}",
                output::highlight_diagnostics(&diagnostics.to_string())
            );
            ExitCode::FAILURE
        }
    }
}

const EXAMPLES_CHECK: &str = "Examples:
  pookie check schemas/*.pookie";

const EXAMPLES_MAKEMIGRATIONS: &str = "Examples:
  pookie makemigrations                     the next migration, named from its changes
  pookie makemigrations -n add_post_slug     named
  pookie makemigrations --empty -n backfill  a data migration (a Rust step) to fill in
  pookie makemigrations --check              in CI: exit 1 when a migration is missing";

const EXAMPLES_MIGRATE: &str = "Examples:
  pookie migrate                    apply every pending migration
  pookie migrate 0002               migrate forwards or backwards to 0002_…
  pookie migrate zero               unapply everything
  pookie migrate --plan             print what would run
  pookie migrate --check            compare the live database with the migrations";

const EXAMPLES_SHOWMIGRATIONS: &str = "Examples:
  pookie showmigrations
  pookie showmigrations --db analytics";

const EXAMPLES_ROLLBACK: &str = "Examples:
  pookie rollback                   undo the last applied migration
  pookie rollback --steps 3";

const EXAMPLES_SQLMIGRATE: &str = "Examples:
  pookie sqlmigrate 0001
  pookie sqlmigrate 0002 --backend postgres --backwards";

const EXAMPLES_INSPECTDB: &str = "Examples:
  pookie inspectdb --database sqlite:///legacy.sqlite3 > schemas/legacy.pookie
  pookie inspectdb --database postgresql://app@localhost/shop --table orders --output schemas/shop.pookie";

const EXAMPLES_INIT: &str = "Examples:
  pookie init blog                                  asks, at a terminal
  pookie init blog --yes                            SQLite and a first Author model
  pookie init shop --database postgres --url postgresql://app@localhost/shop \\
      --model \"Product name:CharField(max_length=100) price:DecimalField(max_digits=8, decimal_places=2)\" --yes
  cd blog && cargo run";

const EXAMPLES_DBSHELL: &str = "Examples:
  pookie dbshell
  pookie dbshell --db analytics
  pookie dbshell -- -c \"SELECT count(*) FROM authors\"      psql
  pookie dbshell -- \"SELECT count(*) FROM authors\"         sqlite3";

const EXAMPLES_FMT: &str = "Examples:
  pookie fmt                          format the schemas of pookie.toml
  pookie fmt schemas/blog.pookie
  pookie fmt --check                  in CI: exit 1 and list the files that would change";

const EXAMPLES_GRAPH: &str = "Examples:
  pookie graph > schema.mmd                       Mermaid, for Markdown
  pookie graph --format dot | dot -Tsvg > schema.svg
  pookie graph --models Author,Post
  pookie graph --live --database postgresql://app@localhost/shop --schema sales";

const EXAMPLES_COMPLETIONS: &str = "Examples:
  pookie completions bash > ~/.local/share/bash-completion/completions/pookie
  pookie completions zsh > ~/.zfunc/_pookie
  pookie completions fish > ~/.config/fish/completions/pookie.fish";

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
