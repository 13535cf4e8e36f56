//! What a backend reads from its catalog, before any naming decision: tables,
//! columns with their closest field type, keys, constraints and indexes, in the
//! database's own names. Each backend module fills a [`Catalog`]; `lower` turns it
//! into the Schema IR.

use pookie_grammar::ir::{DefaultValue, FieldKind, OnDelete};

/// Everything read from one database (or one PostgreSQL schema).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Tables (and views, when asked for), in name order.
    pub tables: Vec<Table>,
    /// PostgreSQL enum types used by the tables' columns.
    pub enums: Vec<DbEnum>,
}

/// A PostgreSQL enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbEnum {
    /// The type name.
    pub name: String,
    /// Its labels, in sort order.
    pub values: Vec<String>,
}

/// One table or view.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The table name as the database spells it.
    pub name: String,
    /// A view rather than a table.
    pub is_view: bool,
    /// A materialized view (with `is_view`): it stores rows, refreshed by `REFRESH MATERIALIZED VIEW`.
    pub materialized: bool,
    /// The table comment (`COMMENT ON TABLE`).
    pub comment: Option<String>,
    /// Columns in table order.
    pub columns: Vec<Column>,
    /// The primary-key columns, in key order (empty when there is none).
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// UNIQUE constraints (and the column-level `UNIQUE`), as column lists.
    pub uniques: Vec<Unique>,
    /// Indexes created on their own (`CREATE [UNIQUE] INDEX`), partial ones included.
    pub indexes: Vec<IndexInfo>,
    /// CHECK constraints: optional name and condition.
    pub checks: Vec<(Option<String>, String)>,
    /// Full-text search indexes (`meta { search_indexes }`).
    pub search_indexes: Vec<crate::search::SearchIndexInfo>,
    /// Things the backend read but cannot express, one sentence each.
    pub notes: Vec<String>,
}

impl Table {
    /// Whether `columns` (in any order) are exactly the primary key or a unique set.
    pub fn is_unique_set(&self, columns: &[String]) -> bool {
        let same =
            |set: &[String]| set.len() == columns.len() && columns.iter().all(|c| set.contains(c));
        same(&self.primary_key) || self.uniques.iter().any(|u| same(&u.columns))
    }
}

/// One column.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column name as the database spells it.
    pub name: String,
    /// The closest field type.
    pub kind: FieldKind,
    /// Why `kind` is only the closest safe mapping (the native type and what was lost).
    pub guess: Option<String>,
    /// The PostgreSQL enum type of the column, when it has one.
    pub enum_type: Option<String>,
    /// The column's own type, when no field type reads it: the field is a
    /// `TextField(db_type = …)`, read and written as text.
    pub db_type: Option<String>,
    /// NULL allowed.
    pub nullable: bool,
    /// The database default, classified, with its SQL text (kept as `sql(…)`
    /// when the classified value does not fit the field type).
    pub default: Option<(DefaultValue, String)>,
    /// The database assigns the value (SQLite integer primary key, PostgreSQL
    /// identity or `serial`).
    pub auto: bool,
    /// The column comment (`COMMENT ON COLUMN`).
    pub comment: Option<String>,
    /// Something about the column that cannot be expressed (a generated column's
    /// expression, a collation, a domain).
    pub note: Option<String>,
}

/// A foreign key (one or more columns).
#[derive(Debug, Clone)]
pub struct ForeignKey {
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub target_table: String,
    /// The referenced columns (empty in SQLite's `REFERENCES t` shorthand: the primary key).
    pub target_columns: Vec<String>,
    /// The `ON DELETE` action.
    pub on_delete: OnDelete,
    /// The `ON UPDATE` action, as SQL spells it, unless it is `NO ACTION`.
    pub on_update: Option<String>,
}

/// A UNIQUE constraint (its name is not kept: `unique_together` has none).
#[derive(Debug, Clone)]
pub struct Unique {
    /// Its columns.
    pub columns: Vec<String>,
}

/// A secondary index.
#[derive(Debug, Clone)]
pub struct IndexInfo {
    /// The index name.
    pub name: String,
    /// Its columns; `None` entries are expressions, which the language cannot name.
    pub columns: Vec<Option<String>>,
    /// A UNIQUE index.
    pub unique: bool,
    /// A partial index's WHERE condition.
    pub condition: Option<String>,
    /// The index method when it is not the default `btree` (`gin`, `gist`, `brin`, `hash`, …).
    pub method: Option<String>,
}

/// A referential action as SQL spells it, from the catalogs' spelling;
/// `None` for `NO ACTION` (the default, nothing to say).
pub fn action_sql(action: &str) -> Option<String> {
    let sql = match action.to_ascii_uppercase().as_str() {
        "CASCADE" | "C" => "CASCADE",
        "SET NULL" | "N" => "SET NULL",
        "SET DEFAULT" | "D" => "SET DEFAULT",
        "RESTRICT" | "R" => "RESTRICT",
        _ => return None,
    };
    Some(sql.to_string())
}

/// Maps a referential action as the catalogs spell it.
pub fn on_delete(action: &str) -> OnDelete {
    match action.to_ascii_uppercase().as_str() {
        "CASCADE" | "C" => OnDelete::Cascade,
        "SET NULL" | "N" => OnDelete::SetNull,
        "SET DEFAULT" | "D" => OnDelete::SetDefault,
        "RESTRICT" | "R" => OnDelete::Restrict,
        _ => OnDelete::DoNothing,
    }
}

/// The note for a trigger, which the models cannot express: its definition.
pub fn trigger_note(name: &str, definition: &str) -> String {
    format!(
        "The trigger `{name}` runs in the database (the models do not express it): {definition}"
    )
}
