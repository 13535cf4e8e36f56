//! `pookie inspectdb`: reads an existing database and writes `.pookie` models for it.
//!
//! One module per backend reads the catalog ([`sqlite`]: PRAGMAs and
//! `sqlite_master`; [`postgres`]: `pg_catalog`) into a backend-neutral
//! [`catalog::Catalog`]; [`lower`] turns it into one Schema IR module, naming
//! everything by the rules in [`naming`]; the grammar's canonical printer
//! writes it. What has no exact spelling in the language is kept as a `//`
//! comment on the model or field, never dropped silently.
//!
//! # What comes back, and what does not
//!
//! Inspecting the tables Pookie created from a schema gives the schema back,
//! up to these normalisations (what the database does not store):
//!
//! - model names are the table names in CamelCase, and `db_table` is always
//!   written; field names come from the column names (`author_id` → `author`
//!   for a relation), with `db_column` when the two differ;
//! - `EmailField`, `URLField` and `SlugField` come back as `CharField` with
//!   their `max_length`; `auto_now`/`auto_now_add`, `blank`, `editable`,
//!   validators, `help_text`, `verbose_name`, `ordering` and `db_alias` are
//!   application behaviour and do not come back; nor do abstract models
//!   (their fields are in each table);
//! - `PROTECT` comes back as `RESTRICT` (the database enforces it that way);
//! - on SQLite, `BigAutoField` comes back as `AutoField` (one rowid type) and
//!   `ArrayField` as `JSONField` with a note (JSON text that does not record
//!   its element type);
//! - a `JSONField`'s Rust type (`schema = "crate::Type"`) is not stored, so it
//!   comes back as a `JSONField` of `serde_json::Value`;
//! - defaults the application fills in (`now`, `uuid4`, `[]`, `{}`,
//!   `UUIDField(auto = true)`) do not come back; a `choices` default comes back
//!   as its stored string; date and time literal defaults come back as the
//!   database spells them, verbatim in `sql("…")`;
//! - a ManyToManyField without `through` comes back as the same field on the
//!   same model, without a model for its join table, named after the target
//!   (`tags = ManyToManyField(Tags)`); its `related_name` does not come back.
//!   Any other pure join table (two foreign keys, together the primary key)
//!   stays a model, and the first target gets `ManyToManyField(…, through = …)`;
//! - doc comments come back only from PostgreSQL comments.

pub mod catalog;
mod defaults;
pub mod lower;
pub mod naming;
pub mod postgres;
pub mod sqlite;

use std::fmt;
use std::path::PathBuf;

use pookie_grammar::ir::Module;

/// What to inspect.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The database URL (`sqlite:///path.db`, `postgresql://…`).
    pub database: String,
    /// Only these tables (all when empty).
    pub tables: Vec<String>,
    /// The PostgreSQL schema (default `public`).
    pub schema: Option<String>,
    /// Include views as read-only (`managed = false`) models.
    pub include_views: bool,
}

impl Options {
    fn wants(&self, table: &str, is_view: bool) -> bool {
        if self.tables.is_empty() {
            self.include_views || !is_view
        } else {
            self.tables.iter().any(|t| t == table)
        }
    }

    /// Every `--table` must exist.
    fn check_found<'a>(
        &self,
        found: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<(), InspectError> {
        let missing: Vec<&str> = self
            .tables
            .iter()
            .map(String::as_str)
            .filter(|t| !found.clone().any(|f| f == *t))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(InspectError::new(format!(
                "no table or view named {} in the database",
                missing
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }
}

/// An inspection failure, with a message naming what is wrong.
#[derive(Debug)]
pub struct InspectError(String);

impl InspectError {
    fn new(message: impl Into<String>) -> Self {
        InspectError(message.into())
    }
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InspectError {}

impl From<rusqlite::Error> for InspectError {
    fn from(error: rusqlite::Error) -> Self {
        InspectError(format!("SQLite: {error}"))
    }
}

impl From<::postgres::Error> for InspectError {
    fn from(error: ::postgres::Error) -> Self {
        InspectError(format!("PostgreSQL: {error}"))
    }
}

const URL_HELP: &str = "use sqlite:///relative/path.db, sqlite:////absolute/path.db or \
                        postgresql://user:password@host:port/database";

/// Reads the database and returns the module `name` describing it.
pub fn inspect(name: &str, options: &Options) -> Result<Module, InspectError> {
    let url = options.database.as_str();
    let Some((scheme, rest)) = url.split_once("://").or_else(|| url.split_once(':')) else {
        return Err(InspectError::new(format!(
            "`{url}` is not a database URL: {URL_HELP}"
        )));
    };
    let catalog = match scheme {
        "sqlite" | "sqlite3" => {
            if options.schema.is_some() {
                return Err(InspectError::new(
                    "`--schema` is for PostgreSQL; a SQLite database has one schema",
                ));
            }
            let path = rest.split_once('?').map_or(rest, |(path, _)| path);
            let path = path.strip_prefix('/').unwrap_or(path);
            if path.is_empty() || path == ":memory:" {
                return Err(InspectError::new(format!(
                    "the SQLite URL names no database file: {URL_HELP}"
                )));
            }
            sqlite::catalog(&sqlite::open(path)?, options)?
        }
        "postgres" | "postgresql" => {
            let mut client = ::postgres::Client::connect(url, ::postgres::NoTls)
                .map_err(|e| InspectError::new(format!("cannot connect to PostgreSQL: {e}")))?;
            postgres::catalog(&mut client, options)?
        }
        other => {
            return Err(InspectError::new(format!(
                "unsupported database `{other}`: {URL_HELP}"
            )))
        }
    };
    Ok(lower::module(name, &catalog))
}

/// The `.pookie` text for the database: a header naming where it came from,
/// then the canonical print of the module.
pub fn render(options: &Options) -> Result<String, InspectError> {
    let module = inspect("inspected", options)?;
    let mut text = String::from(
        "// Written by `pookie inspectdb`. Read the `//` notes: each marks something the\n\
         // database has that the models do not say exactly.\n\n",
    );
    text.push_str(&pookie_grammar::print_module(&module));
    Ok(text)
}

/// Where `pookie inspectdb` writes.
#[derive(Debug, Clone)]
pub struct Output {
    /// The file, or stdout when `None`.
    pub file: Option<PathBuf>,
    /// Overwrite an existing file.
    pub force: bool,
}

/// Runs `pookie inspectdb`: renders and writes, refusing to overwrite a file
/// without `force`.
pub fn run(options: &Options, output: &Output) -> Result<(), InspectError> {
    if let (Some(file), false) = (&output.file, output.force) {
        if file.exists() {
            return Err(InspectError::new(format!(
                "`{}` exists; pass --force to overwrite it",
                file.display()
            )));
        }
    }
    let text = render(options)?;
    match &output.file {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| InspectError::new(format!("cannot write `{}`: {e}", file.display()))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
