//! Database introspection for Pookie, shared by `pookie inspectdb` and the
//! migration tools: reads an existing database into `.pookie` models
//! ([`inspect`], [`render`]), and compares a live database with the state its
//! applied migrations describe ([`drift()`]). The catalog is read through the
//! runtime's [`pookie::Db`], so URLs and connection errors are the runtime's.
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
//! - on SQLite, which has B-tree indexes only, an index `method` does not
//!   come back;
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
pub mod drift;
pub mod lower;
pub mod naming;
pub mod postgres;
mod rows;
pub mod search;
pub mod shape;
pub mod sqlite;

use std::fmt;

use pookie::{ConnectOptions, Db, Dialect};
use pookie_grammar::ir::Module;

pub use drift::{drift, Difference};

/// What to inspect.
#[derive(Debug, Clone, Default)]
pub struct Options {
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
    pub(crate) fn new(message: impl Into<String>) -> Self {
        InspectError(message.into())
    }
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InspectError {}

impl From<pookie::Error> for InspectError {
    fn from(error: pookie::Error) -> Self {
        InspectError(error.to_string())
    }
}

/// Connects to the database at `url` to inspect it, through the runtime's
/// URL parser ([`pookie::ConnectOptions::from_url`]). An SQLite file that does
/// not exist is an error, not a new empty database; so is an in-memory one
/// (a fresh connection to it would be empty).
pub fn connect(url: &str) -> Result<Db, InspectError> {
    connect_with(ConnectOptions::from_url(url)?)
}

/// [`connect`] for a database described in the keyword form.
pub fn connect_with(options: ConnectOptions) -> Result<Db, InspectError> {
    if options.dialect() == Dialect::Sqlite {
        match options.sqlite_file() {
            Some(path) if !path.exists() => {
                return Err(InspectError::new(format!(
                    "the SQLite database `{}` does not exist",
                    path.display()
                )))
            }
            Some(_) => {}
            None => {
                return Err(InspectError::new(
                    "an in-memory SQLite database has nothing to inspect: \
                     name a file, sqlite:///relative/path.db or sqlite:////absolute/path.db",
                ))
            }
        }
    }
    Ok(Db::connect_with(options)?)
}

/// Reads the catalog of the `default` database of `db`, as each backend stores it.
pub fn read_catalog(db: &Db, options: &Options) -> Result<catalog::Catalog, InspectError> {
    match db.dialect() {
        Dialect::Sqlite => {
            if options.schema.is_some() {
                return Err(InspectError::new(
                    "`--schema` is for PostgreSQL; a SQLite database has one schema",
                ));
            }
            sqlite::catalog(db, options)
        }
        Dialect::Postgres => postgres::catalog(db, options),
    }
}

/// Reads the `default` database of `db` and returns the module `inspected`
/// describing it.
pub fn inspect(db: &Db, options: &Options) -> Result<Module, InspectError> {
    Ok(lower::module("inspected", &read_catalog(db, options)?))
}

/// The `.pookie` text for the database: a header naming where it came from,
/// then the canonical print of the module.
///
/// A table without columns (PostgreSQL allows `CREATE TABLE t ()`) has no
/// model: no model can read its rows. The header names it instead.
pub fn render(db: &Db, options: &Options) -> Result<String, InspectError> {
    let mut catalog = read_catalog(db, options)?;
    let (empty, tables): (Vec<_>, Vec<_>) = std::mem::take(&mut catalog.tables)
        .into_iter()
        .partition(|table| table.columns.is_empty());
    catalog.tables = tables;
    let module = lower::module("inspected", &catalog);
    let mut text = String::from(
        "// Written by `pookie inspectdb`. Read the `//` notes: each marks something the\n\
         // database has that the models do not say exactly.\n",
    );
    for table in &empty {
        let what = if table.is_view { "view" } else { "table" };
        text.push_str(&format!(
            "// The {what} `{}` has no columns, so no model can read its rows: it has no model.\n",
            table.name
        ));
    }
    text.push('\n');
    text.push_str(&pookie_grammar::print_module(&module));
    Ok(text)
}
