//! SQLite: what `ALTER TABLE` can do natively, and the table rebuild for the
//! rest (Django's way: create `new__t` with the new definition, copy the rows
//! with the column mapping, drop `t`, rename `new__t` to `t`, create the
//! indexes again).
//!
//! A rebuild drops a table other tables may point at, so the runner turns
//! foreign keys off around the transaction (see
//! [`RenderedScript::rebuilds_tables`](super::RenderedScript::rebuilds_tables));
//! the references of other tables name the table, not the dropped copy, and
//! find the new one under the same name.

use pookie_dialect::Dialect;

use super::render::{drop_table, index_changes, rename_column, rename_table, Output};
use super::values::db_default;
use crate::ddl::{self, column_definition, push_references, Style};
use crate::emit::relations::JoinTable;
use crate::emit::resolve::{Column, Table};

const SQ: Dialect = Dialect::Sqlite;

fn alter_table(table: &str, action: &str) -> String {
    format!("ALTER TABLE {} {action}", SQ.quote_ident(table))
}

/// A column definition as `ADD COLUMN` takes it: the foreign key inline.
fn added_definition(column: &Column) -> String {
    let mut definition = column_definition(SQ, column, true);
    if let Some(reference) = &column.references {
        definition.push(' ');
        push_references(SQ, &mut definition, reference);
    }
    definition
}

/// Adds `column` natively when SQLite allows it (not a key, not unique,
/// nullable or with a constant default, a foreign key only without a
/// default), else rebuilds the table. Rows already there get `fill`.
pub(super) fn add_column(
    before: &Table,
    after: &Table,
    column: &Column,
    fill: Option<&str>,
) -> Output {
    let default = db_default(SQ, column);
    let native = !column.primary_key
        && !column.unique
        && (column.nullable || (fill.is_none() && default.is_some()))
        && (column.references.is_none() || default.is_none());
    if !native {
        return rebuild(before, after, &[(column.field.as_str(), fill)]);
    }
    let table = &after.table;
    let mut sql = vec![alter_table(
        table,
        &format!("ADD COLUMN {}", added_definition(column)),
    )];
    if let Some(fill) = fill {
        sql.push(format!(
            "UPDATE {} SET {} = {fill}",
            SQ.quote_ident(table),
            SQ.quote_ident(&column.column)
        ));
    }
    sql.extend(index_changes(SQ, before, after));
    Output::sql(sql)
}

/// Drops `column` natively when it is a plain column (no key, no unique, no
/// foreign key, and no CHECK on the table that could name it), after its
/// indexes; else rebuilds the table.
pub(super) fn drop_column(before: &Table, after: &Table, column: &Column) -> Output {
    let native = !column.primary_key
        && !column.unique
        && column.references.is_none()
        && before.checks.is_empty()
        && !before
            .unique_together
            .iter()
            .flatten()
            .any(|c| *c == column.column);
    if !native {
        return rebuild(before, after, &[]);
    }
    let mut sql = index_changes(SQ, before, after);
    sql.push(alter_table(
        &before.table,
        &format!("DROP COLUMN {}", SQ.quote_ident(&column.column)),
    ));
    Output::sql(sql)
}

/// Takes `old` to `new`: a rename and index changes natively, anything that
/// changes the column's definition by a rebuild (the column copied, converted
/// where its type changes, NULLs replaced by `fill`).
pub(super) fn alter_column(
    before: &Table,
    after: &Table,
    old: &Column,
    new: &Column,
    fill: Option<&str>,
) -> Output {
    let mut renamed = old.clone();
    renamed.column = new.column.clone();
    let same_definition = added_definition(&renamed) == added_definition(new)
        && old.primary_key == new.primary_key
        && old.unique == new.unique;
    if !same_definition {
        return rebuild(before, after, &[(new.field.as_str(), fill)]);
    }
    let mut sql = Vec::new();
    if old.column != new.column {
        sql.push(rename_column(SQ, &after.table, &old.column, &new.column));
    }
    sql.extend(index_changes(SQ, before, after));
    Output::sql(sql)
}

/// Rebuilds `before` as `after`. Columns are matched by field; `fills` gives,
/// by field, the value for rows where the column is new or NULL.
pub(super) fn rebuild(before: &Table, after: &Table, fills: &[(&str, Option<&str>)]) -> Output {
    let temporary = format!("new__{}", after.table);
    let mut definition = after.clone();
    definition.table = temporary.clone();
    definition.indexes.clear();
    let mut sql = ddl::create_table_in(SQ, &definition, Style::Migration);

    let mut columns = Vec::new();
    let mut values = Vec::new();
    for column in &after.columns {
        let fill = fills
            .iter()
            .find(|(field, _)| *field == column.field)
            .and_then(|(_, fill)| *fill);
        let source = before.columns.iter().find(|c| c.field == column.field);
        let value = match (source, fill) {
            (Some(source), fill) => {
                let value = converted(source, column);
                match fill {
                    Some(fill) => format!("COALESCE({value}, {fill})"),
                    None => value,
                }
            }
            (None, Some(fill)) => fill.to_owned(),
            // A new column without a fill: its DEFAULT, or NULL.
            (None, None) => continue,
        };
        columns.push(SQ.quote_ident(&column.column));
        values.push(value);
    }
    if !columns.is_empty() {
        sql.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            SQ.quote_ident(&temporary),
            columns.join(", "),
            values.join(", "),
            SQ.quote_ident(&before.table)
        ));
    }
    sql.push(drop_table(SQ, &before.table));
    sql.push(rename_table(SQ, &temporary, &after.table));
    for index in &after.indexes {
        sql.push(ddl::create_index(SQ, &after.table, index, Style::Migration));
    }
    Output {
        rebuilds: true,
        ..Output::sql(sql)
    }
}

/// Rebuilds a join table whose key columns changed type.
pub(super) fn rebuild_join(old: &JoinTable, new: &JoinTable) -> Output {
    let temporary = format!("new__{}", new.table);
    let definition = JoinTable {
        table: temporary.clone(),
        ..new.clone()
    };
    let mut sql = ddl::create_join_table_in(SQ, &definition, Style::Migration);
    // Its index is made under the table's own name once it has it.
    sql.truncate(1);
    sql.push(format!(
        "INSERT INTO {} ({}, {}) SELECT {}, {} FROM {}",
        SQ.quote_ident(&temporary),
        SQ.quote_ident(&new.source.column),
        SQ.quote_ident(&new.target.column),
        SQ.quote_ident(&old.source.column),
        SQ.quote_ident(&old.target.column),
        SQ.quote_ident(&old.table)
    ));
    sql.push(drop_table(SQ, &old.table));
    sql.push(rename_table(SQ, &temporary, &new.table));
    sql.push(ddl::create_index(
        SQ,
        &new.table,
        &ddl::join_index(new),
        Style::Migration,
    ));
    Output {
        rebuilds: true,
        ..Output::sql(sql)
    }
}

/// The old column read as the new one. SQLite converts text and numbers by
/// the new column's affinity as the rows are inserted, keeping a value that
/// does not convert as it is; a `CAST` is added only between integer and real,
/// where the change of type asks for the conversion (which `CAST('abc' AS
/// INTEGER)`, giving 0, would do silently for text).
fn converted(old: &Column, new: &Column) -> String {
    let value = SQ.quote_ident(&old.column);
    let old_type = SQ.type_name(&old.scalar.sql);
    let new_type = SQ.type_name(&new.scalar.sql);
    let (from, to) = (affinity(&old_type), affinity(&new_type));
    let numeric = |a: Affinity| matches!(a, Affinity::Integer | Affinity::Real);
    if from != to && numeric(from) && numeric(to) {
        format!("CAST({value} AS {new_type})")
    } else {
        value
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

/// SQLite's rules for the affinity of a declared type (section 3.1 of its
/// datatype documentation).
fn affinity(declared: &str) -> Affinity {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        Affinity::Integer
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|s| upper.contains(s)) {
        Affinity::Text
    } else if upper.contains("BLOB") || upper.is_empty() {
        Affinity::Blob
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|s| upper.contains(s)) {
        Affinity::Real
    } else {
        Affinity::Numeric
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affinities_follow_sqlite() {
        assert_eq!(affinity("INTEGER"), Affinity::Integer);
        assert_eq!(affinity("VARCHAR(10)"), Affinity::Text);
        assert_eq!(affinity("BLOB"), Affinity::Blob);
        assert_eq!(affinity("REAL"), Affinity::Real);
        assert_eq!(affinity("DATETIME"), Affinity::Numeric);
        assert_eq!(affinity("DECIMAL_TEXT(10, 2)"), Affinity::Text);
    }
}
