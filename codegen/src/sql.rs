//! The fixed statements of a model, per dialect: the select list, get by primary
//! key, insert, update by primary key, delete by primary key and drop table.
//! Every identifier is quoted and every placeholder written by the dialect.

use pookie_dialect::Dialect;

use crate::emit::resolve::Table;

/// The fixed statements of one model on one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statements {
    /// `SELECT "t"."a", … FROM "t"`.
    pub select: String,
    /// The select with `WHERE "t"."pk" = ?` (`"t"."a" = ? AND "t"."b" = ?` for
    /// a composite key).
    pub get_by_pk: String,
    /// `INSERT INTO … VALUES (…)`, with `RETURNING "pk"` for an auto primary key
    /// where the dialect reads keys that way.
    pub insert: String,
    /// `UPDATE … SET … WHERE "pk" = ?`; empty when no column is updatable.
    pub update_by_pk: String,
    /// `DELETE FROM … WHERE "pk" = ?`.
    pub delete_by_pk: String,
    /// `DROP TABLE IF EXISTS "t"` (`CASCADE` on PostgreSQL); empty for an unmanaged model.
    pub drop_table: String,
}

/// Computes the fixed statements of `table` for `dialect`.
pub(crate) fn statements(dialect: Dialect, table: &Table) -> Statements {
    let pk = &table.pk().column;
    // `"a" = ?n AND "b" = ?n+1`, the key's columns from placeholder `first` on.
    let push_key = |sql: &mut String, qualified: bool, first: usize| {
        for (i, column) in table.pk_columns().enumerate() {
            if i > 0 {
                sql.push_str(" AND ");
            }
            if qualified {
                dialect.push_qualified(sql, &table.table, &column.column);
            } else {
                dialect.push_ident(sql, &column.column);
            }
            sql.push_str(" = ");
            dialect.push_placeholder(sql, first + i);
        }
    };

    let mut select = String::from("SELECT ");
    for (i, column) in table.columns.iter().enumerate() {
        if i > 0 {
            select.push_str(", ");
        }
        if column.reads_as_text() {
            select.push_str("CAST(");
            dialect.push_qualified(&mut select, &table.table, &column.column);
            select.push_str(" AS TEXT)");
        } else {
            dialect.push_qualified(&mut select, &table.table, &column.column);
        }
    }
    select.push_str(" FROM ");
    dialect.push_ident(&mut select, &table.table);

    let mut get_by_pk = select.clone();
    get_by_pk.push_str(" WHERE ");
    push_key(&mut get_by_pk, true, 1);

    let mut insert = String::from("INSERT INTO ");
    dialect.push_ident(&mut insert, &table.table);
    let insert_columns: Vec<&str> = table.insert_columns().map(|c| c.column.as_str()).collect();
    if insert_columns.is_empty() {
        insert.push_str(" DEFAULT VALUES");
    } else {
        insert.push_str(" (");
        for (i, column) in insert_columns.iter().enumerate() {
            if i > 0 {
                insert.push_str(", ");
            }
            dialect.push_ident(&mut insert, column);
        }
        insert.push_str(") VALUES (");
        for n in 1..=insert_columns.len() {
            if n > 1 {
                insert.push_str(", ");
            }
            dialect.push_placeholder(&mut insert, n);
        }
        insert.push(')');
    }
    if table.auto_pk() && dialect.returns_keys_with_returning() {
        insert.push_str(" RETURNING ");
        dialect.push_ident(&mut insert, pk);
    }

    let mut update_by_pk = String::new();
    let update_columns: Vec<&str> = table.update_columns().map(|c| c.column.as_str()).collect();
    if !update_columns.is_empty() {
        update_by_pk.push_str("UPDATE ");
        dialect.push_ident(&mut update_by_pk, &table.table);
        update_by_pk.push_str(" SET ");
        for (i, column) in update_columns.iter().enumerate() {
            if i > 0 {
                update_by_pk.push_str(", ");
            }
            dialect.push_ident(&mut update_by_pk, column);
            update_by_pk.push_str(" = ");
            dialect.push_placeholder(&mut update_by_pk, i + 1);
        }
        update_by_pk.push_str(" WHERE ");
        push_key(&mut update_by_pk, false, update_columns.len() + 1);
    }

    let mut delete_by_pk = String::from("DELETE FROM ");
    dialect.push_ident(&mut delete_by_pk, &table.table);
    delete_by_pk.push_str(" WHERE ");
    push_key(&mut delete_by_pk, false, 1);

    let mut drop_table = String::new();
    if table.managed {
        drop_table.push_str("DROP TABLE IF EXISTS ");
        dialect.push_ident(&mut drop_table, &table.table);
        // PostgreSQL refuses to drop a table other tables' foreign keys point
        // at (a join table, a one-to-one); those constraints go with it.
        // SQLite drops it and checks the rows that pointed at it.
        if dialect == Dialect::Postgres {
            drop_table.push_str(" CASCADE");
        }
    }

    Statements {
        select,
        get_by_pk,
        insert,
        update_by_pk,
        delete_by_pk,
        drop_table,
    }
}
