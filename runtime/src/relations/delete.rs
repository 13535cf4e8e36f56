//! What `on_delete` needs from the runtime: PROTECT refuses a delete and names
//! the rows that block it, and a refusal of the database's own foreign-key
//! check says which rows caused it. CASCADE, SET_NULL, SET_DEFAULT, RESTRICT
//! and DO_NOTHING are carried out by the database (`ON DELETE …`).

use std::borrow::Cow;
use std::fmt;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::ModelMeta;
use crate::query::{Select, SelectList, SqlBuilder};

use super::meta::{OnDelete, RelationKind, RelationMeta};

/// How many primary keys of blocking rows an error lists.
const KEYS_SHOWN: u64 = 5;

/// Rows that stop a delete: those of `model` whose `field` points at `target`
/// rows being deleted (the deleted model's, or rows its delete cascades to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// The model of the blocking rows (`ProtectItem`).
    pub model: &'static str,
    /// Their foreign key (`owner`).
    pub field: &'static str,
    /// The model it points at (`Owner`).
    pub target: &'static str,
    /// Its `on_delete` (`Protect`, or `Restrict`/`DoNothing` when explaining a
    /// database refusal).
    pub on_delete: OnDelete,
    /// How many rows block.
    pub count: u64,
    /// The primary-key column of `model`.
    pub key_column: &'static str,
    /// The primary keys of the first few blocking rows, as text.
    pub keys: Vec<String>,
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, point) = if self.count == 1 {
            ("row", "points")
        } else {
            ("rows", "point")
        };
        write!(
            f,
            "{} {} {rows} {point} at {} through `{}` with on_delete = {} ({} {}",
            self.count,
            self.model,
            self.target,
            self.field,
            schema_name(self.on_delete),
            self.key_column,
            self.keys.join(", ")
        )?;
        if self.count > self.keys.len() as u64 {
            f.write_str(", …")?;
        }
        f.write_str(")")
    }
}

/// Describes the blockers of a delete of `model`, for error messages.
pub(crate) fn describe(model: &str, blockers: &[Blocker]) -> String {
    let mut text = format!("cannot delete {model}: ");
    for (index, blocker) in blockers.iter().enumerate() {
        if index > 0 {
            text.push_str("; ");
        }
        text.push_str(&blocker.to_string());
        if blocker.target != model {
            text.push_str(", rows the delete would cascade to");
        }
    }
    text
}

fn schema_name(on_delete: OnDelete) -> &'static str {
    match on_delete {
        OnDelete::Cascade => "CASCADE",
        OnDelete::SetNull => "SET_NULL",
        OnDelete::SetDefault => "SET_DEFAULT",
        OnDelete::Protect => "PROTECT",
        OnDelete::Restrict => "RESTRICT",
        OnDelete::DoNothing => "DO_NOTHING",
    }
}

/// The models on the way from the deleted one, innermost first.
struct Path<'p> {
    table: &'static str,
    parent: Option<&'p Path<'p>>,
}

impl Path<'_> {
    fn contains(&self, table: &str) -> bool {
        self.table == table || self.parent.is_some_and(|parent| parent.contains(table))
    }
}

fn is_reverse(relation: &RelationMeta) -> bool {
    matches!(
        relation.kind,
        RelationKind::ReverseForeignKey | RelationKind::ReverseOneToOne
    )
}

/// True when deleting rows of `meta` can meet a relation with one of these
/// `on_delete`s, directly or through CASCADE; from the static relation lists
/// only, without allocating. Rows of a model already on the path are not
/// followed again: its relations are being looked at.
fn reaches(meta: &ModelMeta, kinds: &[OnDelete], path: Option<&Path<'_>>) -> bool {
    let here = Path {
        table: meta.table,
        parent: path,
    };
    meta.relations
        .iter()
        .filter(|r| is_reverse(r))
        .any(|relation| {
            if kinds.contains(&relation.on_delete) {
                return true;
            }
            if relation.on_delete != OnDelete::Cascade || here.contains(relation.target_table) {
                return false;
            }
            reaches((relation.target)(), kinds, Some(&here))
        })
}

/// A set of rows being deleted, as a condition on their table.
enum Rows<'r> {
    /// The rows a query set selects.
    Root(&'r Select),
    /// The rows of `relation`'s target whose key points at `parent` rows.
    Referencing {
        parent: &'r Rows<'r>,
        parent_table: &'static str,
        relation: &'static RelationMeta,
    },
    /// `base` and every row its self-referencing CASCADE relations reach,
    /// however deep (a tree of categories).
    Closure {
        base: &'r Rows<'r>,
        table: &'static str,
        pk: &'static str,
        links: Vec<&'static RelationMeta>,
        depth: usize,
    },
}

impl<'q> SqlBuilder<'q> {
    /// A condition true for the rows of `rows` (columns qualified by table).
    fn push_rows<'r: 'q>(&mut self, rows: &'r Rows<'r>, table: &'static str, pk: &'static str) {
        match rows {
            Rows::Root(select) => {
                self.dialect.push_qualified(&mut self.sql, table, pk);
                self.push(" IN (");
                self.push_select(
                    select,
                    SelectList::Columns(std::slice::from_ref(&select.pk_column)),
                );
                self.push(")");
            }
            Rows::Referencing {
                parent,
                parent_table,
                relation,
            } => {
                self.dialect
                    .push_qualified(&mut self.sql, table, relation.target_column);
                self.push(" IN (SELECT ");
                self.dialect
                    .push_qualified(&mut self.sql, parent_table, relation.column);
                self.push(" FROM ");
                self.push_ident(parent_table);
                self.push(" WHERE ");
                self.push_rows(parent, parent_table, parent_pk(parent));
                self.push(")");
            }
            Rows::Closure {
                base,
                table: closure_table,
                pk: closure_pk,
                links,
                depth,
            } => {
                let cte = format!("__pookie_cascade_{depth}");
                self.dialect.push_qualified(&mut self.sql, table, pk);
                self.push(" IN (WITH RECURSIVE ");
                self.push_ident(&cte);
                self.push(" (");
                self.push_ident("key");
                self.push(") AS (SELECT ");
                self.dialect
                    .push_qualified(&mut self.sql, closure_table, closure_pk);
                self.push(" FROM ");
                self.push_ident(closure_table);
                self.push(" WHERE ");
                self.push_rows(base, closure_table, closure_pk);
                self.push(" UNION SELECT ");
                self.dialect
                    .push_qualified(&mut self.sql, closure_table, closure_pk);
                self.push(" FROM ");
                self.push_ident(closure_table);
                self.push(" JOIN ");
                self.push_ident(&cte);
                self.push(" ON ");
                for (index, link) in links.iter().enumerate() {
                    if index > 0 {
                        self.push(" OR ");
                    }
                    self.dialect
                        .push_qualified(&mut self.sql, closure_table, link.target_column);
                    self.push(" = ");
                    self.dialect.push_qualified(&mut self.sql, &cte, "key");
                }
                self.push(") SELECT ");
                self.push_ident("key");
                self.push(" FROM ");
                self.push_ident(&cte);
                self.push(")");
            }
        }
    }
}

/// The primary-key column of the table of `rows`.
fn parent_pk(rows: &Rows<'_>) -> &'static str {
    match rows {
        Rows::Root(select) => select.pk_column,
        Rows::Referencing { relation, .. } => (relation.target)().pk_column,
        Rows::Closure { pk, .. } => pk,
    }
}

/// Finds the rows that block deleting `rows` of `meta` (relations whose
/// `on_delete` is one of `kinds`), following CASCADE relations.
fn collect(
    db: &Db,
    alias: &str,
    meta: &ModelMeta,
    rows: &Rows<'_>,
    kinds: &[OnDelete],
    path: Option<&Path<'_>>,
    out: &mut Vec<Blocker>,
) -> Result<()> {
    let here = Path {
        table: meta.table,
        parent: path,
    };
    let depth = {
        let mut depth = 0;
        let mut step = path;
        while let Some(parent) = step {
            depth += 1;
            step = parent.parent;
        }
        depth
    };
    // Rows of the same model cascade to each other to any depth: take them
    // all at once, so that their protected children are found too.
    let links: Vec<&'static RelationMeta> = meta
        .relations
        .iter()
        .filter(|r| {
            is_reverse(r)
                && r.on_delete == OnDelete::Cascade
                && r.target_table == meta.table
                && r.column == meta.pk_column
        })
        .collect();
    let closure;
    let rows = if links.is_empty() {
        rows
    } else {
        closure = Rows::Closure {
            base: rows,
            table: meta.table,
            pk: meta.pk_column,
            links,
            depth,
        };
        &closure
    };
    for relation in meta.relations.iter().filter(|r| is_reverse(r)) {
        let referencing = Rows::Referencing {
            parent: rows,
            parent_table: meta.table,
            relation,
        };
        let target = (relation.target)();
        if kinds.contains(&relation.on_delete) {
            if let Some(blocker) = blockers(db, alias, meta, target, relation, &referencing)? {
                out.push(blocker);
            }
        } else if relation.on_delete == OnDelete::Cascade
            && !here.contains(target.table)
            && reaches(target, kinds, Some(&here))
        {
            collect(db, alias, target, &referencing, kinds, Some(&here), out)?;
        }
    }
    Ok(())
}

/// The rows of `target` that point at `meta` rows through `relation`.
fn blockers(
    db: &Db,
    alias: &str,
    meta: &ModelMeta,
    target: &'static ModelMeta,
    relation: &'static RelationMeta,
    referencing: &Rows<'_>,
) -> Result<Option<Blocker>> {
    let mut connection = db.connection(alias)?;
    let mut builder = SqlBuilder::new(connection.dialect(), "SELECT CAST(");
    builder
        .dialect
        .push_qualified(&mut builder.sql, target.table, target.pk_column);
    builder.push(" AS TEXT), COUNT(*) OVER () FROM ");
    builder.push_ident(target.table);
    builder.push(" WHERE ");
    builder.push_rows(referencing, target.table, target.pk_column);
    builder.push(" ORDER BY ");
    builder
        .dialect
        .push_qualified(&mut builder.sql, target.table, target.pk_column);
    builder
        .dialect
        .push_limit_offset(&mut builder.sql, Some(KEYS_SHOWN), 0);
    let mut count = 0;
    let keys = connection.query_map(&builder.sql, &builder.params, |row| {
        count = row.get::<i64>(1)?;
        row.get::<String>(0)
    })?;
    if keys.is_empty() {
        return Ok(None);
    }
    let field = target
        .fields
        .iter()
        .find(|field| field.column == relation.target_column)
        .map_or(relation.target_column, |field| field.name);
    Ok(Some(Blocker {
        model: target.name,
        field,
        target: meta.name,
        on_delete: relation.on_delete,
        count: count.max(0) as u64,
        key_column: target.pk_column,
        keys,
    }))
}

/// Deletes rows of `meta` on the database `alias` with `run`, after checking
/// that no PROTECT relation blocks it; the check and `run` share a
/// transaction (a savepoint inside one). A model that no PROTECT relation can
/// reach skips both. `rows` gives the rows being deleted.
pub(crate) fn delete_checked<'s, T>(
    db: &Db,
    alias: &str,
    meta: &ModelMeta,
    rows: impl Fn() -> Cow<'s, Select>,
    run: impl FnOnce(&Db) -> Result<T>,
) -> Result<T> {
    if !reaches(meta, &[OnDelete::Protect], None) {
        return run(db).map_err(|error| explain_refusal(db, alias, meta, &rows, error));
    }
    db.transaction_on(alias, |tx| {
        let select = subquery(rows());
        let mut found = Vec::new();
        collect(
            tx,
            alias,
            meta,
            &Rows::Root(&select),
            &[OnDelete::Protect],
            None,
            &mut found,
        )?;
        if !found.is_empty() {
            return Err(Error::Protected {
                model: meta.name,
                blockers: found,
            });
        }
        run(tx).map_err(|error| explain_refusal(tx, alias, meta, &rows, error))
    })
}

/// The select of the deleted rows as a subquery: its ordering matters only
/// under a slice.
fn subquery(select: Cow<'_, Select>) -> Select {
    let mut select = select.into_owned();
    if !select.is_sliced() {
        select.ordering = Some(Vec::new());
    }
    select
}

/// SQLite refuses a delete with "FOREIGN KEY constraint failed", naming
/// nothing: find the rows that caused it and say so. PostgreSQL's message
/// names the constraint and both tables already; a transaction it aborted
/// could not be queried anyway.
fn explain_refusal<'s>(
    db: &Db,
    alias: &str,
    meta: &ModelMeta,
    rows: &impl Fn() -> Cow<'s, Select>,
    error: Error,
) -> Error {
    let Error::Integrity { message, source } = error else {
        return error;
    };
    let is_sqlite_fk = source.downcast_ref::<rusqlite::Error>().is_some()
        && message.contains("FOREIGN KEY constraint failed");
    if !is_sqlite_fk {
        return Error::Integrity { message, source };
    }
    let select = subquery(rows());
    let mut found = Vec::new();
    let kinds = [OnDelete::Restrict, OnDelete::DoNothing, OnDelete::Protect];
    let explained = collect(
        db,
        alias,
        meta,
        &Rows::Root(&select),
        &kinds,
        None,
        &mut found,
    );
    let message = match explained {
        Ok(()) if !found.is_empty() => format!("{message}: {}", describe(meta.name, &found)),
        _ => format!(
            "{message}: rows of another table still point at the {} rows being deleted",
            meta.name
        ),
    };
    Error::Integrity { message, source }
}

#[cfg(test)]
mod tests;
