//! Drift: where a live database differs from the state its applied migrations
//! describe (someone altered it by hand). The database is inspected as
//! `pookie inspectdb` does, both sides are reduced to their [`Shape`]s (what a
//! database stores, so an `EmailField` and a `CharField` of the same length are
//! the same column), and compared table by table, then column by column.
//!
//! Compared: tables (the history table `pookie_migrations`, SQLite's own
//! tables and the tables of unmanaged models are left out), columns (type,
//! nullability, default, one-column UNIQUE, foreign key), primary keys,
//! `unique_together`, indexes, CHECK constraints, full-text search indexes
//! (recognized by their names and definitions, not reported as foreign
//! tables, triggers or indexes) and the join tables of
//! many-to-many fields. PostgreSQL re-spells the conditions of CHECK
//! constraints and partial indexes (`price > 0` comes back as
//! `price > (0)::double precision`), so there only their presence is compared.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use pookie::{Db, Dialect};
use pookie_grammar::ir::{DefaultValue, IndexMethod, Model, OnDelete, OnUpdate, Schema};
use pookie_grammar::migration::State;

use crate::shape::{self, ColumnShape, IndexShape, ReferenceShape, SearchShape, Shape};
use crate::{inspect, InspectError, Options};

/// The tables drift never reports: the migration history.
pub const IGNORED_TABLES: &[&str] = &["pookie_migrations"];

/// One way the database differs from the migrations; prints as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The table.
    pub table: String,
    /// What in the table differs.
    pub subject: Subject,
    /// How it differs.
    pub change: Change,
}

/// The part of a table a [`Difference`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The table itself.
    Table,
    /// A column.
    Column(String),
    /// The primary key.
    PrimaryKey,
    /// A `unique_together` set (UNIQUE over several columns), its columns sorted.
    UniqueTogether(Vec<String>),
    /// A secondary index, by name.
    Index(String),
    /// A CHECK constraint, by name (by condition when it has none).
    Check(String),
    /// The join table of a many-to-many field without `through`, by target table.
    ManyToMany(String),
    /// A full-text search index, by name.
    SearchIndex(String),
}

/// How a [`Subject`] differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The migrations have it; the database does not.
    Missing,
    /// The database has it; the migrations do not.
    Unexpected,
    /// Both have it, with another `aspect`: each side as it reads in a sentence.
    Differs {
        /// What differs.
        aspect: Aspect,
        /// The database's side (`VARCHAR(200)`, `NULL`, `default 0`).
        database: String,
        /// The migrations' side.
        migrations: String,
    },
}

/// What differs between two columns, indexes or constraints of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// The stored type.
    Type,
    /// NULL or NOT NULL.
    Nullability,
    /// The stored default.
    Default,
    /// A one-column UNIQUE constraint.
    Unique,
    /// The foreign key.
    References,
    /// The definition of a key, index or constraint.
    Definition,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Table => f.write_str("the table"),
            Subject::Column(column) => write!(f, "column `{column}`"),
            Subject::PrimaryKey => f.write_str("the primary key"),
            Subject::UniqueTogether(columns) => write!(f, "UNIQUE {}", list(columns)),
            Subject::Index(name) => write!(f, "index `{name}`"),
            Subject::Check(name) => write!(f, "CHECK `{name}`"),
            Subject::ManyToMany(target) => {
                write!(f, "the many-to-many join table to `{target}`")
            }
            Subject::SearchIndex(name) => write!(f, "search index `{name}`"),
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = &self.table;
        match (&self.subject, &self.change) {
            (Subject::Table, Change::Missing) => write!(f, "table `{table}` is missing"),
            (Subject::Table, Change::Unexpected) => write!(
                f,
                "table `{table}` is in the database but not in the migrations"
            ),
            (subject, Change::Missing) => write!(f, "table `{table}`: {subject} is missing"),
            (subject, Change::Unexpected) => write!(
                f,
                "table `{table}`: {subject} is in the database but not in the migrations"
            ),
            (
                subject,
                Change::Differs {
                    aspect,
                    database,
                    migrations,
                },
            ) => {
                let verb = match aspect {
                    Aspect::Default => "has",
                    Aspect::References => "references",
                    _ => "is",
                };
                write!(
                    f,
                    "table `{table}`: {subject} {verb} {database} in the database, {migrations} in the migrations"
                )
            }
        }
    }
}

/// Compares the `default` database of `db` (on PostgreSQL, its current
/// schema) with `expected`, the state the applied migrations leave (for the
/// database's alias). Returns the
/// differences table by table (in table-name order), empty when the database
/// matches.
pub fn drift(db: &Db, expected: &State) -> Result<Vec<Difference>, InspectError> {
    let dialect = db.dialect();
    // Migrations create their tables in the connection's current schema.
    let schema = match dialect {
        Dialect::Sqlite => None,
        Dialect::Postgres => db
            .fetch_one("SELECT current_schema() AS name", &[])?
            .and_then(|row| {
                row.value("name")
                    .and_then(|v| v.as_str().map(str::to_owned))
            }),
    };
    let options = Options {
        schema,
        ..Options::default()
    };
    let mut module = inspect(db, &options)?;
    // Every inspected table is in the database, also one that inspectdb
    // leaves unmanaged (a keyless table whose stand-in key can be NULL).
    for model in &mut module.models {
        model.meta.managed = None;
    }
    let found = Schema {
        modules: vec![module],
    };
    let expected_schema = expected.to_schema();
    Ok(compare(&expected_schema, &found, dialect))
}

/// Compares two schemas by table: `expected` (from the migrations) and `found`
/// (inspected from a database of `dialect`).
pub fn compare(expected: &Schema, found: &Schema, dialect: Dialect) -> Vec<Difference> {
    let sqlite = dialect == Dialect::Sqlite;
    // Tables of unmanaged models are someone else's: neither side reports them.
    let unmanaged: BTreeSet<String> = expected
        .modules
        .iter()
        .flat_map(|m| &m.models)
        .filter(|m| !m.is_abstract && m.meta.managed == Some(false))
        .map(Model::table_name)
        .collect();
    let by_table = |schema: &'_ Schema| -> BTreeMap<String, Shape> {
        shape::tables(schema)
            .into_iter()
            .filter(|m| !IGNORED_TABLES.contains(&m.table_name().as_str()))
            .filter(|m| !unmanaged.contains(&m.table_name()))
            .map(|m| (m.table_name(), shape::shape(schema, m, sqlite)))
            .collect()
    };
    let expected = by_table(expected);
    let found = by_table(found);
    let names: BTreeSet<&String> = expected.keys().chain(found.keys()).collect();
    let mut differences = Vec::new();
    for name in names {
        let table = |subject, change| Difference {
            table: name.clone(),
            subject,
            change,
        };
        match (expected.get(name), found.get(name)) {
            (Some(_), None) => differences.push(table(Subject::Table, Change::Missing)),
            (None, Some(_)) => differences.push(table(Subject::Table, Change::Unexpected)),
            (Some(expected), Some(found)) => {
                compare_tables(expected, found, dialect, &mut |subject, change| {
                    differences.push(table(subject, change))
                })
            }
            (None, None) => {}
        }
    }
    differences
}

fn compare_tables(
    expected: &Shape,
    found: &Shape,
    dialect: Dialect,
    report: &mut dyn FnMut(Subject, Change),
) {
    let sqlite = dialect == Dialect::Sqlite;
    let differs = |aspect, database: String, migrations: String| Change::Differs {
        aspect,
        database,
        migrations,
    };
    // Columns, in the migrations' order, then the unexpected ones.
    for column in &expected.columns {
        let subject = || Subject::Column(column.column.clone());
        let Some(other) = found.columns.iter().find(|c| c.column == column.column) else {
            report(subject(), Change::Missing);
            continue;
        };
        for (aspect, database, migrations) in column_differences(other, column, dialect) {
            report(subject(), differs(aspect, database, migrations));
        }
    }
    for column in &found.columns {
        if !expected.columns.iter().any(|c| c.column == column.column) {
            report(Subject::Column(column.column.clone()), Change::Unexpected);
        }
    }
    if found.primary_key != expected.primary_key {
        report(
            Subject::PrimaryKey,
            differs(
                Aspect::Definition,
                list(&found.primary_key),
                list(&expected.primary_key),
            ),
        );
    }
    for set in &expected.unique_together {
        if !found.unique_together.contains(set) {
            report(Subject::UniqueTogether(set.clone()), Change::Missing);
        }
    }
    for set in &found.unique_together {
        if !expected.unique_together.contains(set) {
            report(Subject::UniqueTogether(set.clone()), Change::Unexpected);
        }
    }
    let indexes = |shape: &Shape| -> BTreeMap<String, IndexShape> {
        shape
            .indexes
            .iter()
            .map(|index| {
                let name = index.2.clone().unwrap_or_else(|| list(&index.0));
                (name, index.clone())
            })
            .collect()
    };
    let (expected_indexes, found_indexes) = (indexes(expected), indexes(found));
    for (name, index) in &expected_indexes {
        match found_indexes.get(name) {
            None => report(Subject::Index(name.clone()), Change::Missing),
            Some(other) => {
                let same = other.0 == index.0
                    && other.1 == index.1
                    && (!sqlite || other.3 == index.3)
                    && other.3.is_some() == index.3.is_some()
                    && other.4 == index.4;
                if !same {
                    report(
                        Subject::Index(name.clone()),
                        differs(
                            Aspect::Definition,
                            describe_index(other),
                            describe_index(index),
                        ),
                    );
                }
            }
        }
    }
    for name in found_indexes.keys() {
        if !expected_indexes.contains_key(name) {
            report(Subject::Index(name.clone()), Change::Unexpected);
        }
    }
    let checks = |shape: &Shape| -> BTreeMap<String, String> {
        shape
            .checks
            .iter()
            .map(|(name, condition)| {
                (
                    name.clone().unwrap_or_else(|| condition.clone()),
                    condition.clone(),
                )
            })
            .collect()
    };
    let (expected_checks, found_checks) = (checks(expected), checks(found));
    for (name, condition) in &expected_checks {
        match found_checks.get(name) {
            None => report(Subject::Check(name.clone()), Change::Missing),
            Some(other) if sqlite && other != condition => report(
                Subject::Check(name.clone()),
                differs(
                    Aspect::Definition,
                    format!("({other})"),
                    format!("({condition})"),
                ),
            ),
            Some(_) => {}
        }
    }
    for name in found_checks.keys() {
        if !expected_checks.contains_key(name) {
            report(Subject::Check(name.clone()), Change::Unexpected);
        }
    }
    for index in &expected.search_indexes {
        let subject = || Subject::SearchIndex(index.0.clone());
        match found.search_indexes.iter().find(|other| other.0 == index.0) {
            None => report(subject(), Change::Missing),
            Some(other) if other != index => report(
                subject(),
                differs(
                    Aspect::Definition,
                    describe_search_index(other),
                    describe_search_index(index),
                ),
            ),
            Some(_) => {}
        }
    }
    for index in &found.search_indexes {
        if !expected.search_indexes.iter().any(|e| e.0 == index.0) {
            report(Subject::SearchIndex(index.0.clone()), Change::Unexpected);
        }
    }
    for target in &expected.many_to_many {
        if !found.many_to_many.contains(target) {
            report(Subject::ManyToMany(target.clone()), Change::Missing);
        }
    }
    for target in &found.many_to_many {
        if !expected.many_to_many.contains(target) {
            report(Subject::ManyToMany(target.clone()), Change::Unexpected);
        }
    }
}

/// The aspects in which `found` differs from `expected`, each as
/// (aspect, database's side, migrations' side).
fn column_differences(
    found: &ColumnShape,
    expected: &ColumnShape,
    dialect: Dialect,
) -> Vec<(Aspect, String, String)> {
    let mut out = Vec::new();
    if found.kind != expected.kind {
        out.push((
            Aspect::Type,
            shape::type_name(&found.kind, dialect),
            shape::type_name(&expected.kind, dialect),
        ));
    } else if let (Some(found_type), Some(expected_type)) = (&found.db_type, &expected.db_type) {
        // Both read as text: their own types are what differs, when the
        // database names one (a type SQLite cannot spell is declared TEXT).
        if found_type != expected_type {
            out.push((Aspect::Type, found_type.clone(), expected_type.clone()));
        }
    }
    if found.null != expected.null {
        let null = |null: bool| if null { "NULL" } else { "NOT NULL" }.to_owned();
        out.push((Aspect::Nullability, null(found.null), null(expected.null)));
    }
    if found.default != expected.default {
        out.push((
            Aspect::Default,
            describe_default(found.default.as_ref()),
            describe_default(expected.default.as_ref()),
        ));
    }
    // A primary-key column is unique by its key; the table compares keys.
    if found.unique != expected.unique && !found.primary_key && !expected.primary_key {
        let unique = |unique: bool| if unique { "UNIQUE" } else { "not unique" }.to_owned();
        out.push((
            Aspect::Unique,
            unique(found.unique),
            unique(expected.unique),
        ));
    }
    if found.references != expected.references {
        out.push((
            Aspect::References,
            describe_references(found.references.as_ref()),
            describe_references(expected.references.as_ref()),
        ));
    }
    out
}

fn list(columns: &[String]) -> String {
    let names: Vec<String> = columns.iter().map(|c| format!("`{c}`")).collect();
    format!("({})", names.join(", "))
}

fn describe_index(index: &IndexShape) -> String {
    let (columns, unique, _, condition, method) = index;
    let mut text = format!(
        "{}on {}",
        if *unique { "UNIQUE " } else { "" },
        list(columns)
    );
    if *method != IndexMethod::Btree {
        text.push_str(&format!(" USING {}", method.name()));
    }
    if let Some(condition) = condition {
        text.push_str(&format!(" WHERE {condition}"));
    }
    text
}

fn describe_search_index(index: &SearchShape) -> String {
    format!("on {} ({})", list(&index.1), index.2)
}

fn describe_default(default: Option<&DefaultValue>) -> String {
    let value = match default {
        None => return "no default".to_owned(),
        Some(DefaultValue::Null) => "NULL".to_owned(),
        Some(DefaultValue::Bool(b)) => b.to_string(),
        Some(DefaultValue::Int(n)) => n.to_string(),
        Some(DefaultValue::Float(x)) => format!("{x:?}"),
        Some(DefaultValue::Str(s)) => format!("{s:?}"),
        Some(DefaultValue::Sql(sql)) if sql == shape::TEMPORAL_DEFAULT => sql.clone(),
        Some(DefaultValue::Sql(sql)) => format!("sql({sql:?})"),
        Some(other) => format!("{other:?}"),
    };
    format!("default {value}")
}

fn describe_references(references: Option<&ReferenceShape>) -> String {
    let Some((table, column, on_delete, on_update)) = references else {
        return "nothing (no foreign key)".to_owned();
    };
    let target = match column {
        Some(column) => format!("`{table}`.`{column}`"),
        None => format!("`{table}`"),
    };
    let action = match on_delete {
        OnDelete::Cascade => "CASCADE",
        OnDelete::Protect | OnDelete::Restrict => "RESTRICT",
        OnDelete::SetNull => "SET NULL",
        OnDelete::SetDefault => "SET DEFAULT",
        OnDelete::DoNothing => "NO ACTION",
    };
    match on_update {
        OnUpdate::DoNothing => format!("{target} ON DELETE {action}"),
        other => format!("{target} ON DELETE {action} ON UPDATE {}", other.sql()),
    }
}
