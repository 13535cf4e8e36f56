//! One operation as the steps of one backend: the dispatch, and what both
//! backends write the same way (tables created and dropped, renames, indexes).

use pookie_dialect::Dialect;
use pookie_grammar::ir::{DefaultValue, Field, FieldKind};
use pookie_grammar::migration::{Operation, State};

use super::resolved::Resolved;
use super::{alter, backend_of, names, sqlite_rebuild, values, RenderedStep};
use crate::ddl::{self, Style};
use crate::emit::relations::{JoinSide, JoinTable};
use crate::emit::resolve::{Column, IndexDef, Table};
use crate::search;
use crate::Error;

/// The steps of one operation.
#[derive(Debug, Default)]
pub(super) struct Output {
    pub steps: Vec<RenderedStep>,
    pub rebuilds: bool,
}

impl Output {
    /// Statements, one step each.
    pub(super) fn sql(statements: Vec<String>) -> Self {
        Output {
            steps: statements.into_iter().map(RenderedStep::Sql).collect(),
            rebuilds: false,
        }
    }
}

/// The error of an operation that cannot be rendered.
pub(super) fn failure(operation: &Operation, message: impl Into<String>) -> Error {
    Error::unsupported(
        "migration",
        format!("operation `{}`", operation.describe()),
        message,
    )
}

/// Renders `operation`, which takes the database from `before` to `after`.
pub(super) fn operation(
    dialect: Dialect,
    operation: &Operation,
    before: &State,
    after: &State,
) -> Result<Output, Error> {
    let context = Context {
        dialect,
        before: Resolved::new(before),
        after: Resolved::new(after),
        operation,
    };
    context
        .render()
        .and_then(|output| context.with_search_indexes(output))
        .map_err(|error| match error {
            Error::Unsupported {
                location, message, ..
            } if !location.starts_with("operation") => {
                failure(operation, format!("{location}: {message}"))
            }
            other => other,
        })
}

/// What rendering one operation needs.
pub(super) struct Context<'s> {
    pub dialect: Dialect,
    pub before: Resolved<'s>,
    pub after: Resolved<'s>,
    pub operation: &'s Operation,
}

impl Context<'_> {
    /// Search indexes are dropped before and created again after an
    /// operation that changes them, or the table or columns they are made of:
    /// an FTS5 table names its columns and content table, its triggers die
    /// with a rebuilt table, and a PostgreSQL index is named after its table.
    /// A table created by the operation has them already.
    fn with_search_indexes(&self, output: Output) -> Result<Output, Error> {
        let (old, new) = match self.operation {
            Operation::CreateModel { .. } => return Ok(output),
            Operation::DeleteModel { name } => (Some(name), None),
            Operation::RenameModel { old, new } => (Some(old), Some(new)),
            Operation::AlterModelTable { model, .. }
            | Operation::AlterModelOptions { model, .. }
            | Operation::AddField { model, .. }
            | Operation::RemoveField { model, .. }
            | Operation::RenameField { model, .. }
            | Operation::AlterField { model, .. }
            | Operation::AddIndex { model, .. }
            | Operation::RemoveIndex { model, .. }
            | Operation::AddSearchIndex { model, .. }
            | Operation::RemoveSearchIndex { model, .. }
            | Operation::AlterUniqueTogether { model, .. }
            | Operation::AddConstraint { model, .. }
            | Operation::RemoveConstraint { model, .. } => (Some(model), Some(model)),
            Operation::CreateEnum { .. }
            | Operation::AlterEnum { .. }
            | Operation::DeleteEnum { .. }
            | Operation::RunSql { .. }
            | Operation::RunRust { .. } => return Ok(output),
        };
        let defs = |resolved: &Resolved<'_>, name: Option<&String>| -> Result<_, Error> {
            Ok(match name {
                Some(name) if resolved.managed(name) => resolved.table(name)?.search_indexes,
                _ => Vec::new(),
            })
        };
        let before = defs(&self.before, old)?;
        let after = defs(&self.after, new)?;
        let rebuilt = output.rebuilds;
        let dropped: Vec<String> = before
            .iter()
            .filter(|index| rebuilt || !after.contains(index))
            .flat_map(|index| search::drop(self.dialect, index))
            .collect();
        let created: Vec<String> = after
            .iter()
            .filter(|index| rebuilt || !before.contains(index))
            .flat_map(|index| search::create(self.dialect, index, Style::Migration, true))
            .collect();
        if dropped.is_empty() && created.is_empty() {
            return Ok(output);
        }
        let mut wrapped = Output::sql(dropped);
        wrapped.steps.extend(output.steps);
        wrapped
            .steps
            .extend(created.into_iter().map(RenderedStep::Sql));
        wrapped.rebuilds = rebuilt;
        Ok(wrapped)
    }

    fn render(&self) -> Result<Output, Error> {
        let dialect = self.dialect;
        Ok(match self.operation {
            Operation::CreateModel { model } => {
                if !self.after.managed(&model.name) {
                    return Ok(Output::default());
                }
                let table = self.after.table(&model.name)?;
                let mut sql = ddl::create_table_in(dialect, &table, Style::Migration);
                for join in self.after.joins(&model.name)? {
                    sql.extend(ddl::create_join_table_in(dialect, &join, Style::Migration));
                }
                Output::sql(sql)
            }
            Operation::DeleteModel { name } => {
                if !self.before.managed(name) {
                    return Ok(Output::default());
                }
                let mut sql: Vec<String> = self
                    .before
                    .joins(name)?
                    .iter()
                    .map(|join| drop_table(dialect, &join.table))
                    .collect();
                sql.push(drop_table(dialect, &self.before.table(name)?.table));
                Output::sql(sql)
            }
            Operation::RenameModel { .. }
            | Operation::AlterModelTable { .. }
            | Operation::RenameField { .. } => Output::sql(self.renames()?),
            Operation::AlterModelOptions { .. }
            | Operation::CreateEnum { .. }
            | Operation::AlterEnum { .. }
            | Operation::DeleteEnum { .. } => Output::default(),
            Operation::AddField {
                model,
                field,
                once_default,
            } => self.add_field(model, field, once_default.as_ref())?,
            Operation::RemoveField { model, name } => self.remove_field(model, name)?,
            Operation::AlterField {
                model,
                field,
                once_default,
            } => self.alter_field(model, field, once_default.as_ref())?,
            Operation::AddIndex { model, .. } | Operation::RemoveIndex { model, .. } => {
                if !self.managed(model) {
                    return Ok(Output::default());
                }
                let (before, after) = self.tables(model)?;
                Output::sql(index_changes(dialect, &before, &after))
            }
            // The objects are written by `with_search_indexes`.
            Operation::AddSearchIndex { .. } | Operation::RemoveSearchIndex { .. } => {
                Output::default()
            }
            Operation::AlterUniqueTogether { model, .. }
            | Operation::AddConstraint { model, .. }
            | Operation::RemoveConstraint { model, .. } => {
                if !self.managed(model) {
                    return Ok(Output::default());
                }
                let (before, after) = self.tables(model)?;
                match dialect {
                    Dialect::Postgres => {
                        Output::sql(alter::table_constraints(self.operation, &before, &after))
                    }
                    Dialect::Sqlite => sqlite_rebuild::rebuild(&before, &after, &[]),
                }
            }
            Operation::RunSql {
                forward, backend, ..
            } => {
                if backend.is_some_and(|backend| backend != backend_of(dialect)) {
                    Output::default()
                } else {
                    Output {
                        steps: vec![RenderedStep::Script(forward.clone())],
                        rebuilds: false,
                    }
                }
            }
            Operation::RunRust { forward, .. } => Output {
                steps: vec![RenderedStep::Rust(forward.clone())],
                rebuilds: false,
            },
        })
    }

    /// Whether the model's table is Pookie's, before and after.
    fn managed(&self, model: &str) -> bool {
        self.before.managed(model) && self.after.managed(model)
    }

    fn tables(&self, model: &str) -> Result<(Table, Table), Error> {
        Ok((self.before.table(model)?, self.after.table(model)?))
    }

    fn fail(&self, message: impl Into<String>) -> Error {
        failure(self.operation, message)
    }

    /// `value` for the rows already there, as SQL of the column's type.
    fn fill(&self, value: Option<&DefaultValue>, column: &Column) -> Result<Option<String>, Error> {
        value
            .map(|value| {
                values::value_sql(self.dialect, value, column, self.after_state())
                    .map_err(|message| self.fail(format!("`once_default`: {message}")))
            })
            .transpose()
    }

    fn after_state(&self) -> &State {
        self.after.state()
    }

    fn add_field(
        &self,
        model: &str,
        field: &Field,
        once_default: Option<&DefaultValue>,
    ) -> Result<Output, Error> {
        if !self.after.managed(model) {
            return Ok(Output::default());
        }
        if matches!(field.kind, FieldKind::ManyToManyField(_)) {
            let Some(join) = self.after.join(model, &field.name)? else {
                return Ok(Output::default());
            };
            return Ok(Output::sql(ddl::create_join_table_in(
                self.dialect,
                &join,
                Style::Migration,
            )));
        }
        let (before, after) = self.tables(model)?;
        let column = column_of(&after, &field.name)?;
        let fill = self.fill(once_default, column)?;
        match self.dialect {
            Dialect::Postgres => Ok(Output::sql(alter::add_column(
                &before,
                &after,
                column,
                fill.as_deref(),
            ))),
            Dialect::Sqlite => Ok(sqlite_rebuild::add_column(
                &before,
                &after,
                column,
                fill.as_deref(),
            )),
        }
    }

    fn remove_field(&self, model: &str, name: &str) -> Result<Output, Error> {
        if !self.before.managed(model) {
            return Ok(Output::default());
        }
        let field = self.before.model(model)?.field(name);
        if field.is_some_and(|f| matches!(f.kind, FieldKind::ManyToManyField(_))) {
            let Some(join) = self.before.join(model, name)? else {
                return Ok(Output::default());
            };
            return Ok(Output::sql(vec![drop_table(self.dialect, &join.table)]));
        }
        let (before, after) = self.tables(model)?;
        let column = column_of(&before, name)?;
        match self.dialect {
            Dialect::Postgres => Ok(Output::sql(alter::drop_column(&before, column))),
            Dialect::Sqlite => Ok(sqlite_rebuild::drop_column(&before, &after, column)),
        }
    }

    fn alter_field(
        &self,
        model: &str,
        field: &Field,
        once_default: Option<&DefaultValue>,
    ) -> Result<Output, Error> {
        if !self.managed(model) {
            return Ok(Output::default());
        }
        let old = self.before.model(model)?.field(&field.name);
        let old_m2m = old.is_some_and(|f| matches!(f.kind, FieldKind::ManyToManyField(_)));
        let new_m2m = matches!(field.kind, FieldKind::ManyToManyField(_));
        if old_m2m || new_m2m {
            if old_m2m != new_m2m {
                return Err(self.fail(
                    "a field cannot change between a ManyToManyField and a column; \
                     write RemoveField and AddField instead",
                ));
            }
            let old_join = self.before.join(model, &field.name)?;
            let new_join = self.after.join(model, &field.name)?;
            let create = |join: &Option<JoinTable>| {
                join.as_ref()
                    .map(|join| ddl::create_join_table_in(self.dialect, join, Style::Migration))
                    .unwrap_or_default()
            };
            if create(&old_join) == create(&new_join) {
                return Ok(Output::default());
            }
            let mut sql: Vec<String> = old_join
                .iter()
                .map(|join| drop_table(self.dialect, &join.table))
                .collect();
            sql.extend(create(&new_join));
            return Ok(Output::sql(sql));
        }
        let (before, after) = self.tables(model)?;
        let old_column = column_of(&before, &field.name)?;
        let new_column = column_of(&after, &field.name)?;
        // `once_default` replaces NULLs only where the column stops accepting
        // them; without one, the field's default does (as Django does), so
        // that making a nullable field with a default NOT NULL, or rolling
        // that back, works on a table with NULLs in it.
        let fill = if old_column.nullable && !new_column.nullable {
            self.fill(once_default.or(field.options.default.as_ref()), new_column)?
        } else {
            None
        };
        let mut output = match self.dialect {
            Dialect::Postgres => {
                alter::alter_column(&before, &after, old_column, new_column, fill.as_deref())
                    .map(Output::sql)
                    .map_err(|message| self.fail(message))?
            }
            Dialect::Sqlite => sqlite_rebuild::alter_column(
                &before,
                &after,
                old_column,
                new_column,
                fill.as_deref(),
            ),
        };
        let dependents = self.retyped_references(model, &field.name)?;
        output.steps.extend(dependents.steps);
        output.rebuilds |= dependents.rebuilds;
        Ok(output)
    }

    /// The columns that point at a key whose type changed (foreign keys of
    /// every table, join table columns) take the new type too.
    fn retyped_references(&self, model: &str, field: &str) -> Result<Output, Error> {
        let dialect = self.dialect;
        let type_of = |column: &Column| dialect.type_name(&column.scalar.sql);
        let mut output = Output::default();
        let models = self
            .before
            .state()
            .models
            .iter()
            .zip(&self.after.state().models);
        for (old_model, new_model) in models {
            if !self.managed(&new_model.name) {
                continue;
            }
            let (before, after) = self.tables(&new_model.name)?;
            let changed: Vec<&Column> = before
                .columns
                .iter()
                .zip(&after.columns)
                .filter(|(old, new)| {
                    !(new_model.name == model && new.field == field) && type_of(old) != type_of(new)
                })
                .map(|(_, new)| new)
                .collect();
            if !changed.is_empty() {
                match dialect {
                    Dialect::Postgres => {
                        for new in changed {
                            output.steps.push(RenderedStep::Sql(alter::retype(
                                &after.table,
                                &new.column,
                                &type_of(new),
                            )));
                        }
                    }
                    // The altered model's own table was rebuilt with every new type.
                    Dialect::Sqlite if new_model.name == model => {}
                    Dialect::Sqlite => {
                        let rebuilt = sqlite_rebuild::rebuild(&before, &after, &[]);
                        output.steps.extend(rebuilt.steps);
                        output.rebuilds = true;
                    }
                }
            }
            for (old_field, new_field) in old_model.fields.iter().zip(&new_model.fields) {
                let old_join = self.before.join_of(old_model, old_field)?;
                let new_join = self.after.join_of(new_model, new_field)?;
                let (Some(old), Some(new)) = (old_join, new_join) else {
                    continue;
                };
                let sides = [(&old.source, &new.source), (&old.target, &new.target)];
                let retyped: Vec<&JoinSide> = sides
                    .iter()
                    .filter(|(a, b)| join_type(dialect, a) != join_type(dialect, b))
                    .map(|(_, b)| *b)
                    .collect();
                if retyped.is_empty() {
                    continue;
                }
                match dialect {
                    Dialect::Postgres => {
                        for side in retyped {
                            output.steps.push(RenderedStep::Sql(alter::retype(
                                &new.table,
                                &side.column,
                                &join_type(dialect, side),
                            )));
                        }
                    }
                    Dialect::Sqlite => {
                        let rebuilt = sqlite_rebuild::rebuild_join(&old, &new);
                        output.steps.extend(rebuilt.steps);
                        output.rebuilds = true;
                    }
                }
            }
        }
        Ok(output)
    }

    /// The renames that take every table, column, join table, constraint and
    /// index of `before` to its name in `after`, for operations that change
    /// names only (the two states have the same models and fields, in the same
    /// order).
    fn renames(&self) -> Result<Vec<String>, Error> {
        let dialect = self.dialect;
        let mut sql = Vec::new();
        let models = self
            .before
            .state()
            .models
            .iter()
            .zip(&self.after.state().models);
        for (old_model, new_model) in models {
            if !self.before.managed(&old_model.name) || !self.after.managed(&new_model.name) {
                continue;
            }
            let before = self.before.table(&old_model.name)?;
            let after = self.after.table(&new_model.name)?;
            if before.table != after.table {
                sql.push(rename_table(dialect, &before.table, &after.table));
            }
            for (old, new) in before.columns.iter().zip(&after.columns) {
                if old.column != new.column {
                    sql.push(rename_column(
                        dialect,
                        &after.table,
                        &old.column,
                        &new.column,
                    ));
                }
            }
            sql.extend(rename_objects(
                dialect,
                &after.table,
                named_objects(dialect, &before),
                named_objects(dialect, &after),
            ));
            for (old_field, new_field) in old_model.fields.iter().zip(&new_model.fields) {
                let old_join = self.before.join_of(old_model, old_field)?;
                let new_join = self.after.join_of(new_model, new_field)?;
                if let (Some(old), Some(new)) = (old_join, new_join) {
                    sql.extend(rename_join(dialect, &old, &new));
                }
            }
        }
        Ok(sql)
    }
}

/// The SQL type of a join table column.
fn join_type(dialect: Dialect, side: &JoinSide) -> String {
    let sql = crate::emit::types::scalar(&side.kind)
        .map(|s| s.sql)
        .unwrap_or(pookie_dialect::SqlType::BigInt);
    dialect.type_name(&sql)
}

/// The column of the field `field`.
pub(super) fn column_of<'t>(table: &'t Table, field: &str) -> Result<&'t Column, Error> {
    table
        .columns
        .iter()
        .find(|c| c.field == field)
        .ok_or_else(|| {
            Error::unsupported(
                "migration",
                format!("model `{}`", table.name),
                format!("`{field}` is not a column of the table `{}`", table.table),
            )
        })
}

pub(super) fn drop_table(dialect: Dialect, table: &str) -> String {
    format!("DROP TABLE {}", dialect.quote_ident(table))
}

pub(super) fn rename_table(dialect: Dialect, old: &str, new: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME TO {}",
        dialect.quote_ident(old),
        dialect.quote_ident(new)
    )
}

pub(super) fn rename_column(dialect: Dialect, table: &str, old: &str, new: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        dialect.quote_ident(table),
        dialect.quote_ident(old),
        dialect.quote_ident(new)
    )
}

pub(super) fn drop_index(dialect: Dialect, name: &str) -> String {
    format!("DROP INDEX {}", dialect.quote_ident(name))
}

/// Drops the indexes of `before` that `after` does not have (or has
/// differently), then creates the new ones.
pub(super) fn index_changes(dialect: Dialect, before: &Table, after: &Table) -> Vec<String> {
    let mut sql: Vec<String> = before
        .indexes
        .iter()
        .filter(|index| !after.indexes.contains(index))
        .map(|index| drop_index(dialect, &index.name))
        .collect();
    sql.extend(
        after
            .indexes
            .iter()
            .filter(|index| !before.indexes.contains(index))
            .map(|index| ddl::create_index(dialect, &after.table, index, Style::Migration)),
    );
    sql
}

/// A constraint or index whose name is derived from its table and columns.
#[derive(Debug, Clone, PartialEq)]
enum Named {
    /// A PostgreSQL constraint (its index, if any, follows its name).
    Constraint(String),
    /// An index.
    Index(IndexDef),
}

/// The derived names a table's objects have on `dialect`, in a fixed order, so
/// that the objects of the same table before and after a rename line up.
fn named_objects(dialect: Dialect, table: &Table) -> Vec<Named> {
    let mut out = Vec::new();
    if dialect == Dialect::Postgres {
        out.push(Named::Constraint(names::primary_key(&table.table)));
        for column in &table.columns {
            if column.unique && !column.primary_key {
                out.push(Named::Constraint(names::unique(
                    &table.table,
                    std::slice::from_ref(&column.column),
                )));
            }
            if column.references.is_some() {
                out.push(Named::Constraint(names::foreign_key(
                    &table.table,
                    &column.column,
                )));
            }
        }
        for set in &table.unique_together {
            out.push(Named::Constraint(names::unique(&table.table, set)));
        }
    }
    out.extend(table.indexes.iter().cloned().map(Named::Index));
    out
}

/// The statements that rename each object of `before` to the name of the
/// object at the same place in `after`.
fn rename_objects(
    dialect: Dialect,
    table: &str,
    before: Vec<Named>,
    after: Vec<Named>,
) -> Vec<String> {
    let mut sql = Vec::new();
    for (old, new) in before.into_iter().zip(after) {
        match (old, new) {
            (Named::Constraint(old), Named::Constraint(new)) if old != new => sql.push(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                dialect.quote_ident(table),
                dialect.quote_ident(&old),
                dialect.quote_ident(&new)
            )),
            (Named::Index(old), Named::Index(new)) if old.name != new.name => match dialect {
                Dialect::Postgres => sql.push(format!(
                    "ALTER INDEX {} RENAME TO {}",
                    dialect.quote_ident(&old.name),
                    dialect.quote_ident(&new.name)
                )),
                // SQLite cannot rename an index: it is made again under its new name.
                Dialect::Sqlite => {
                    sql.push(drop_index(dialect, &old.name));
                    sql.push(ddl::create_index(dialect, table, &new, Style::Migration));
                }
            },
            _ => {}
        }
    }
    sql
}

/// Renames a join table, its columns and its named objects.
fn rename_join(dialect: Dialect, old: &JoinTable, new: &JoinTable) -> Vec<String> {
    let mut sql = Vec::new();
    if old.table != new.table {
        sql.push(rename_table(dialect, &old.table, &new.table));
    }
    for (old_side, new_side) in [(&old.source, &new.source), (&old.target, &new.target)] {
        if old_side.column != new_side.column {
            sql.push(rename_column(
                dialect,
                &new.table,
                &old_side.column,
                &new_side.column,
            ));
        }
    }
    let objects = |join: &JoinTable| {
        let mut out = Vec::new();
        if dialect == Dialect::Postgres {
            out.push(Named::Constraint(names::primary_key(&join.table)));
            for side in [&join.source, &join.target] {
                out.push(Named::Constraint(names::foreign_key(
                    &join.table,
                    &side.column,
                )));
            }
        }
        out.push(Named::Index(ddl::join_index(join)));
        out
    };
    sql.extend(rename_objects(
        dialect,
        &new.table,
        objects(old),
        objects(new),
    ));
    sql
}
