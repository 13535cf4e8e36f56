//! PostgreSQL: every change is an `ALTER TABLE`. Constraints are found by the
//! names [`super::names`] gives them.

use pookie_dialect::Dialect;
use pookie_grammar::migration::Operation;

use super::names;
use super::render::index_changes;
use super::values::db_default;
use crate::ddl::{column_definition, push_column_list, push_foreign_key};
use crate::emit::resolve::{Column, Reference, Table};

const PG: Dialect = Dialect::Postgres;

fn alter_table(table: &str, action: &str) -> String {
    format!("ALTER TABLE {} {action}", PG.quote_ident(table))
}

fn add_foreign_key(table: &str, column: &str, reference: &Reference) -> String {
    let mut action = format!(
        "ADD CONSTRAINT {} ",
        PG.quote_ident(&names::foreign_key(table, column))
    );
    push_foreign_key(PG, &mut action, column, reference);
    alter_table(table, &action)
}

fn drop_constraint(table: &str, name: &str) -> String {
    alter_table(table, &format!("DROP CONSTRAINT {}", PG.quote_ident(name)))
}

fn rename_constraint(table: &str, old: &str, new: &str) -> String {
    alter_table(
        table,
        &format!(
            "RENAME CONSTRAINT {} TO {}",
            PG.quote_ident(old),
            PG.quote_ident(new)
        ),
    )
}

fn add_unique(table: &str, columns: &[String]) -> String {
    let mut action = format!(
        "ADD CONSTRAINT {} UNIQUE ",
        PG.quote_ident(&names::unique(table, columns))
    );
    push_column_list(PG, &mut action, columns);
    alter_table(table, &action)
}

/// `ADD COLUMN`; rows already there get `fill` (a `DEFAULT` dropped again
/// right after), its foreign key and indexes follow.
pub(super) fn add_column(
    before: &Table,
    after: &Table,
    column: &Column,
    fill: Option<&str>,
) -> Vec<String> {
    let table = &after.table;
    let mut sql = Vec::new();
    match fill {
        None => sql.push(alter_table(
            table,
            &format!("ADD COLUMN {}", column_definition(PG, column, true)),
        )),
        Some(fill) => {
            let mut bare = column.clone();
            bare.db_default = None;
            sql.push(alter_table(
                table,
                &format!(
                    "ADD COLUMN {} DEFAULT {fill}",
                    column_definition(PG, &bare, true)
                ),
            ));
            sql.push(set_default(table, column));
        }
    }
    if let Some(reference) = &column.references {
        sql.push(add_foreign_key(table, &column.column, reference));
    }
    sql.extend(index_changes(PG, before, after));
    sql
}

/// `SET DEFAULT` the column's own default, or `DROP DEFAULT` when it has none.
fn set_default(table: &str, column: &Column) -> String {
    let quoted = PG.quote_ident(&column.column);
    match db_default(PG, column) {
        Some(default) => alter_table(
            table,
            &format!("ALTER COLUMN {quoted} SET DEFAULT {default}"),
        ),
        None => alter_table(table, &format!("ALTER COLUMN {quoted} DROP DEFAULT")),
    }
}

/// `ALTER COLUMN … TYPE`, converting the values already there.
pub(super) fn retype(table: &str, column: &str, new_type: &str) -> String {
    let quoted = PG.quote_ident(column);
    alter_table(
        table,
        &format!("ALTER COLUMN {quoted} TYPE {new_type} USING {quoted}::{new_type}"),
    )
}

/// `DROP COLUMN`: PostgreSQL drops the indexes and constraints on it too.
pub(super) fn drop_column(before: &Table, column: &Column) -> Vec<String> {
    vec![alter_table(
        &before.table,
        &format!("DROP COLUMN {}", PG.quote_ident(&column.column)),
    )]
}

/// Takes `old` (of `before`) to `new` (of `after`): column name, type,
/// nullability, default, unique and foreign key constraints, indexes.
pub(super) fn alter_column(
    before: &Table,
    after: &Table,
    old: &Column,
    new: &Column,
    fill: Option<&str>,
) -> Result<Vec<String>, String> {
    if old.primary_key != new.primary_key || old.auto != new.auto {
        return Err(format!(
            "changing whether `{}` is the primary key or assigned by the database is not \
             supported on PostgreSQL; write the change as RunSQL",
            new.field
        ));
    }
    let table = &after.table;
    let quoted = PG.quote_ident(&new.column);
    let mut sql = Vec::new();
    let old_unique = old.unique && !old.primary_key;
    let new_unique = new.unique && !new.primary_key;
    let same_reference = match (&old.references, &new.references) {
        (Some(a), Some(b)) => {
            a.table == b.table
                && a.column == b.column
                && a.on_delete == b.on_delete
                && a.on_update == b.on_update
        }
        _ => false,
    };
    let renamed = old.column != new.column;
    // Constraints that go away, or change, are dropped under their old names.
    if old.references.is_some() && !same_reference {
        sql.push(drop_constraint(
            table,
            &names::foreign_key(&before.table, &old.column),
        ));
    }
    if old_unique && !new_unique {
        sql.push(drop_constraint(
            table,
            &names::unique(&before.table, std::slice::from_ref(&old.column)),
        ));
    }
    if renamed {
        sql.push(super::render::rename_column(
            PG,
            table,
            &old.column,
            &new.column,
        ));
        for (kept, name) in [
            (
                same_reference,
                names::foreign_key as fn(&str, &str) -> String,
            ),
            (old_unique && new_unique, |t: &str, c: &str| {
                names::unique(t, &[c.to_owned()])
            }),
        ] {
            if kept {
                sql.push(rename_constraint(
                    table,
                    &name(&before.table, &old.column),
                    &name(table, &new.column),
                ));
            }
        }
        // `unique_together` sets name their columns too.
        for (old_set, new_set) in before.unique_together.iter().zip(&after.unique_together) {
            let (old_name, new_name) = (
                names::unique(&before.table, old_set),
                names::unique(table, new_set),
            );
            if old_name != new_name {
                sql.push(rename_constraint(table, &old_name, &new_name));
            }
        }
    }
    let old_type = PG.type_name(&old.scalar.sql);
    let new_type = PG.type_name(&new.scalar.sql);
    let old_default = db_default(PG, old);
    let new_default = db_default(PG, new);
    let retyped = old_type != new_type;
    if retyped && old_default.is_some() {
        sql.push(alter_table(
            table,
            &format!("ALTER COLUMN {quoted} DROP DEFAULT"),
        ));
    }
    if retyped {
        sql.push(alter_table(
            table,
            &format!("ALTER COLUMN {quoted} TYPE {new_type} USING {quoted}::{new_type}"),
        ));
    }
    if old.nullable && !new.nullable {
        if let Some(fill) = fill {
            sql.push(format!(
                "UPDATE {} SET {quoted} = {fill} WHERE {quoted} IS NULL",
                PG.quote_ident(table)
            ));
        }
        sql.push(alter_table(
            table,
            &format!("ALTER COLUMN {quoted} SET NOT NULL"),
        ));
    } else if !old.nullable && new.nullable {
        sql.push(alter_table(
            table,
            &format!("ALTER COLUMN {quoted} DROP NOT NULL"),
        ));
    }
    let default_dropped = retyped && old_default.is_some();
    if new_default != old_default || (default_dropped && new_default.is_some()) {
        match &new_default {
            Some(default) => sql.push(alter_table(
                table,
                &format!("ALTER COLUMN {quoted} SET DEFAULT {default}"),
            )),
            None if !default_dropped => sql.push(alter_table(
                table,
                &format!("ALTER COLUMN {quoted} DROP DEFAULT"),
            )),
            None => {}
        }
    }
    if new_unique && !old_unique {
        sql.push(add_unique(table, std::slice::from_ref(&new.column)));
    }
    if let Some(reference) = &new.references {
        if !same_reference {
            sql.push(add_foreign_key(table, &new.column, reference));
        }
    }
    sql.extend(index_changes(PG, before, after));
    Ok(sql)
}

/// `unique_together` and CHECK constraints: drop what `after` no longer has,
/// add what it has new.
pub(super) fn table_constraints(
    operation: &Operation,
    before: &Table,
    after: &Table,
) -> Vec<String> {
    let table = &after.table;
    let mut sql = Vec::new();
    match operation {
        Operation::AlterUniqueTogether { .. } => {
            for set in &before.unique_together {
                if !after.unique_together.contains(set) {
                    sql.push(drop_constraint(table, &names::unique(table, set)));
                }
            }
            for set in &after.unique_together {
                if !before.unique_together.contains(set) {
                    sql.push(add_unique(table, set));
                }
            }
        }
        Operation::AddConstraint { constraint, .. } => {
            let mut action = String::from("ADD ");
            if let Some(name) = &constraint.name {
                action.push_str("CONSTRAINT ");
                PG.push_ident(&mut action, name);
                action.push(' ');
            }
            action.push_str("CHECK (");
            action.push_str(&constraint.check);
            action.push(')');
            sql.push(alter_table(table, &action));
        }
        Operation::RemoveConstraint { name, .. } => sql.push(drop_constraint(table, name)),
        _ => {}
    }
    sql
}
