//! `CREATE TABLE` and `CREATE INDEX` statements per dialect. Type names, key
//! definitions, literals and quoting all come from [`Dialect`].

use pookie_dialect::{Dialect, SqlType};
use pookie_grammar::ir::{IndexMethod, OnDelete, OnUpdate};

use crate::emit::relations::JoinTable;
use crate::emit::resolve::{Column, IndexDef, Reference, Table};
use crate::emit::types::{scalar, sql_default};
use crate::migrate::names;

/// How the DDL is written: for `create_tables` (idempotent, constraint names
/// left to the database) or for a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `IF NOT EXISTS`, so that `create_tables` can run on every start.
    CreateTables,
    /// No `IF NOT EXISTS`: a migration that finds its table already there must
    /// fail rather than record a table it did not create. On PostgreSQL, foreign
    /// keys and `unique_together` are named (with the names PostgreSQL would
    /// choose, see [`crate::migrate::names`]) so that later migrations can drop
    /// them by name.
    Migration,
}

impl Style {
    fn create_table(self, dialect: Dialect) -> &'static str {
        match self {
            Style::CreateTables => dialect.create_table_if_not_exists(),
            Style::Migration => "CREATE TABLE ",
        }
    }

    fn names_constraints(self, dialect: Dialect) -> bool {
        self == Style::Migration && dialect == Dialect::Postgres
    }
}

/// The statements that create `table` and its indexes on `dialect`, in order;
/// none for an unmanaged model.
pub(crate) fn create_table(dialect: Dialect, table: &Table) -> Vec<String> {
    create_table_in(dialect, table, Style::CreateTables)
}

/// [`create_table`] in the given [`Style`].
pub(crate) fn create_table_in(dialect: Dialect, table: &Table, style: Style) -> Vec<String> {
    if !table.managed {
        return Vec::new();
    }
    let composite = table.composite_pk();
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|column| column_definition(dialect, column, !composite))
        .collect();
    if composite {
        let mut line = String::from("PRIMARY KEY ");
        let key: Vec<String> = table.pk_columns().map(|c| c.column.clone()).collect();
        push_column_list(dialect, &mut line, &key);
        lines.push(line);
    }
    for column in &table.columns {
        if let Some(reference) = &column.references {
            let mut line = String::new();
            if style.names_constraints(dialect) {
                push_constraint_name(
                    dialect,
                    &mut line,
                    &names::foreign_key(&table.table, &column.column),
                );
            }
            push_foreign_key(dialect, &mut line, &column.column, reference);
            lines.push(line);
        }
    }
    for set in &table.unique_together {
        let mut line = String::new();
        if style.names_constraints(dialect) {
            push_constraint_name(dialect, &mut line, &names::unique(&table.table, set));
        }
        line.push_str("UNIQUE ");
        push_column_list(dialect, &mut line, set);
        lines.push(line);
    }
    for (name, check) in &table.checks {
        let mut line = String::new();
        if let Some(name) = name {
            line.push_str("CONSTRAINT ");
            dialect.push_ident(&mut line, name);
            line.push(' ');
        }
        line.push_str("CHECK (");
        line.push_str(check);
        line.push(')');
        lines.push(line);
    }

    let mut create = String::from(style.create_table(dialect));
    dialect.push_ident(&mut create, &table.table);
    create.push_str(" (\n    ");
    create.push_str(&lines.join(",\n    "));
    create.push_str("\n)");

    let mut statements = vec![create];
    for index in &table.indexes {
        statements.push(create_index(dialect, &table.table, index, style));
    }
    for index in &table.search_indexes {
        statements.extend(crate::search::create(dialect, index, style, false));
    }
    statements
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" (columns) [WHERE condition]`.
pub(crate) fn create_index(
    dialect: Dialect,
    table: &str,
    index: &IndexDef,
    style: Style,
) -> String {
    let mut sql = match style {
        Style::CreateTables => String::from(dialect.create_index_if_not_exists(index.unique)),
        Style::Migration if index.unique => String::from("CREATE UNIQUE INDEX "),
        Style::Migration => String::from("CREATE INDEX "),
    };
    dialect.push_ident(&mut sql, &index.name);
    sql.push_str(" ON ");
    dialect.push_ident(&mut sql, table);
    sql.push(' ');
    // SQLite has B-tree indexes only, and no `USING`: there every method is a B-tree.
    if dialect == Dialect::Postgres && index.method != IndexMethod::Btree {
        sql.push_str("USING ");
        sql.push_str(index.method.name());
        sql.push(' ');
    }
    push_column_list(dialect, &mut sql, &index.columns);
    if let Some(condition) = &index.condition {
        sql.push_str(" WHERE ");
        sql.push_str(condition);
    }
    sql
}

fn push_constraint_name(dialect: Dialect, out: &mut String, name: &str) {
    out.push_str("CONSTRAINT ");
    dialect.push_ident(out, name);
    out.push(' ');
}

/// `FOREIGN KEY ("column") REFERENCES "table" ("key") ON DELETE …`.
pub(crate) fn push_foreign_key(
    dialect: Dialect,
    out: &mut String,
    column: &str,
    reference: &Reference,
) {
    out.push_str("FOREIGN KEY (");
    dialect.push_ident(out, column);
    out.push_str(") ");
    push_references(dialect, out, reference);
}

/// `REFERENCES "table" ("key") ON DELETE …`.
pub(crate) fn push_references(dialect: Dialect, out: &mut String, reference: &Reference) {
    out.push_str("REFERENCES ");
    dialect.push_ident(out, &reference.table);
    out.push_str(" (");
    dialect.push_ident(out, &reference.column);
    out.push_str(") ON DELETE ");
    out.push_str(on_delete(reference.on_delete));
    if reference.on_update != OnUpdate::DoNothing {
        out.push_str(" ON UPDATE ");
        out.push_str(reference.on_update.sql());
    }
}

/// `"name" TYPE [NOT NULL] [PRIMARY KEY] [UNIQUE] [DEFAULT literal]`; a column
/// of a composite key is `PRIMARY KEY` only in the table constraint
/// (`inline_key` false).
pub(crate) fn column_definition(dialect: Dialect, column: &Column, inline_key: bool) -> String {
    let mut line = String::new();
    dialect.push_ident(&mut line, &column.column);
    line.push(' ');
    if column.auto {
        let big = column.scalar.sql == pookie_dialect::SqlType::BigInt;
        line.push_str(dialect.auto_primary_key(big));
        return line;
    }
    line.push_str(&dialect.type_name(&column.scalar.sql));
    if !column.nullable {
        line.push_str(" NOT NULL");
    }
    if column.primary_key && inline_key {
        line.push_str(" PRIMARY KEY");
    } else if column.unique {
        line.push_str(" UNIQUE");
    }
    if let Some(default) = column
        .db_default
        .as_ref()
        .and_then(|d| sql_default(dialect, d, column.scalar.class))
    {
        line.push_str(" DEFAULT ");
        line.push_str(&default);
    }
    line
}

pub(crate) fn push_column_list(dialect: Dialect, out: &mut String, columns: &[String]) {
    out.push('(');
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        dialect.push_ident(out, column);
    }
    out.push(')');
}

/// The referential action of an `on_delete` behaviour. `PROTECT` is enforced by
/// the database as `RESTRICT` (the runtime reports the protecting rows).
pub(crate) fn on_delete(on_delete: OnDelete) -> &'static str {
    match on_delete {
        OnDelete::Cascade => "CASCADE",
        OnDelete::SetNull => "SET NULL",
        OnDelete::SetDefault => "SET DEFAULT",
        OnDelete::Protect | OnDelete::Restrict => "RESTRICT",
        OnDelete::DoNothing => "NO ACTION",
    }
}

/// The statements that create a many-to-many join table on `dialect`: both
/// key columns, the pair as primary key (adding a pair twice is a no-op for
/// `ON CONFLICT DO NOTHING`), each a foreign key that goes with its row, and
/// an index on the second column (the key serves lookups by the first).
pub(crate) fn create_join_table(dialect: Dialect, join: &JoinTable) -> Vec<String> {
    create_join_table_in(dialect, join, Style::CreateTables)
}

/// [`create_join_table`] in the given [`Style`].
pub(crate) fn create_join_table_in(
    dialect: Dialect,
    join: &JoinTable,
    style: Style,
) -> Vec<String> {
    let mut lines = Vec::new();
    for side in [&join.source, &join.target] {
        let mut line = String::new();
        dialect.push_ident(&mut line, &side.column);
        line.push(' ');
        let sql = scalar(&side.kind).map(|s| s.sql).unwrap_or(SqlType::BigInt);
        line.push_str(&dialect.type_name(&sql));
        line.push_str(" NOT NULL");
        lines.push(line);
    }
    let columns = [join.source.column.clone(), join.target.column.clone()];
    let mut key = String::from("PRIMARY KEY ");
    push_column_list(dialect, &mut key, &columns);
    lines.push(key);
    for side in [&join.source, &join.target] {
        let mut line = String::new();
        if style.names_constraints(dialect) {
            push_constraint_name(
                dialect,
                &mut line,
                &names::foreign_key(&join.table, &side.column),
            );
        }
        let reference = Reference {
            table: side.table.clone(),
            column: side.key.clone(),
            on_delete: OnDelete::Cascade,
            on_update: OnUpdate::DoNothing,
        };
        push_foreign_key(dialect, &mut line, &side.column, &reference);
        lines.push(line);
    }
    let mut create = String::from(style.create_table(dialect));
    dialect.push_ident(&mut create, &join.table);
    create.push_str(" (\n    ");
    create.push_str(&lines.join(",\n    "));
    create.push_str("\n)");

    let index = create_index(dialect, &join.table, &join_index(join), style);
    vec![create, index]
}

/// The index on the second column of a join table.
pub(crate) fn join_index(join: &JoinTable) -> IndexDef {
    IndexDef {
        name: format!("{}_{}_idx", join.table, join.target.column),
        unique: false,
        columns: vec![join.target.column.clone()],
        condition: None,
        method: IndexMethod::Btree,
    }
}
