//! Migrations rendered to SQL: each operation of a migration as the statements
//! one backend runs, forwards (`up`) and backwards (`down`).
//!
//! Everything is computed from the operations and the state before them (see
//! [`pookie_grammar::migration::State`]): each operation is rendered against the
//! state it applies to, with the same resolution and DDL as `create_tables`
//! (tables, columns, SQL types and defaults come from one place). The down
//! script is the reverse of each operation, in reverse order, rendered against
//! the states the up script went through: the reverse of `DeleteModel` is
//! `CreateModel` of the model as it was.
//!
//! PostgreSQL changes tables with `ALTER TABLE`. SQLite does what it can
//! natively (create, drop and rename tables, rename columns, add a column it
//! allows to be added, drop a plain column, create and drop indexes) and
//! rebuilds the table for the rest, the way Django does (see [`RenderedScript::rebuilds_tables`]).
//!
//! Beside the rendering: [`diff`], the autodetector of `makemigrations`;
//! [`folder`], the migrations folder read and written; [`naming`], migration
//! names; and the embedding of a folder at build time (`Config::migrations`).
//!
//! Tables are created without `IF NOT EXISTS`: a migration that finds its table
//! already there fails, instead of being recorded as applied over a table that
//! may not match it.

mod alter;
pub mod diff;
pub(crate) mod embed;
pub mod folder;
pub(crate) mod names;
pub mod naming;
mod render;
mod resolved;
mod sqlite_rebuild;
mod values;

use pookie_dialect::Dialect;
use pookie_grammar::migration::{Backend, Operation, State};

use crate::Error;

/// One migration rendered for one backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The steps that apply the migration.
    pub up: RenderedScript,
    /// The steps that undo it, or why it cannot be undone (a `RunSQL` or
    /// `RunRust` without `backward`, or a reverse that cannot be rendered).
    pub down: Result<RenderedScript, String>,
}

/// The steps of one direction of a migration, run in one transaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenderedScript {
    /// The steps, in order.
    pub steps: Vec<RenderedStep>,
    /// Some step rebuilds an SQLite table (create `new__t`, copy, drop `t`,
    /// rename): the runner turns foreign keys off around the transaction, so
    /// that dropping the old table does not delete (`ON DELETE CASCADE`) or
    /// block on the rows that point at it, and runs `PRAGMA foreign_key_check`
    /// before committing.
    pub rebuilds_tables: bool,
}

/// One step of a [`RenderedScript`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderedStep {
    /// One SQL statement.
    Sql(String),
    /// The text of a `RunSQL`: one or several statements, run as a batch.
    Script(String),
    /// The name of a `RunRust` function.
    Rust(String),
}

impl RenderedScript {
    fn extend(&mut self, output: render::Output) {
        self.steps.extend(output.steps);
        self.rebuilds_tables |= output.rebuilds;
    }
}

/// Renders `operations`, applied to the state `before`, for `dialect`.
///
/// An operation that does not fit the state (the migration history is broken)
/// or that the backend cannot express is an error naming the operation. The
/// down script is `Err` with the reason when the migration is irreversible.
///
/// ```
/// use pookie_grammar::migration::{Operation, State};
/// use pookie_grammar::ir::{Field, FieldKind, FieldOptions, FieldOrigin, Meta, Model};
/// use pookie_codegen::migrate::{render_migration, RenderedStep};
/// use pookie_dialect::Dialect;
///
/// let field = |name: &str, kind, primary_key| Field {
///     name: name.into(),
///     doc: None,
///     kind,
///     options: FieldOptions { primary_key, ..FieldOptions::default() },
///     origin: FieldOrigin::Declared,
///     comment: None,
/// };
/// let model = Model {
///     name: "Tag".into(),
///     doc: None,
///     is_abstract: false,
///     extends: None,
///     fields: vec![
///         field("id", FieldKind::AutoField, true),
///         field("name", FieldKind::CharField { max_length: 50 }, false),
///     ],
///     meta: Meta::default(),
///     comment: None,
/// };
/// let rendered = render_migration(
///     &State::default(),
///     &[Operation::CreateModel { model }],
///     Dialect::Sqlite,
/// )?;
/// assert_eq!(
///     rendered.up.steps,
///     [RenderedStep::Sql(
///         "CREATE TABLE \"tags\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n    \"name\" VARCHAR(50) NOT NULL\n)".into()
///     )]
/// );
/// assert_eq!(
///     rendered.down.unwrap().steps,
///     [RenderedStep::Sql("DROP TABLE \"tags\"".into())]
/// );
/// # Ok::<(), pookie_codegen::Error>(())
/// ```
pub fn render_migration(
    before: &State,
    operations: &[Operation],
    dialect: Dialect,
) -> Result<Rendered, Error> {
    let mut states = Vec::with_capacity(operations.len() + 1);
    states.push(before.clone());
    let mut up = RenderedScript::default();
    for operation in operations {
        let current = states.last().expect("the state before the migration");
        let mut next = current.clone();
        next.apply(operation)
            .map_err(|error| render::failure(operation, error.message))?;
        up.extend(render::operation(dialect, operation, current, &next)?);
        states.push(next);
    }
    let down = render_down(operations, &states, dialect);
    Ok(Rendered { up, down })
}

/// The tables `operations` create (`CreateModel` of a managed model, its join
/// tables, and the join tables `AddField` of a ManyToManyField adds), in
/// order: what `--fake-initial` looks for in the database.
pub fn created_tables(before: &State, operations: &[Operation]) -> Result<Vec<String>, Error> {
    let mut state = before.clone();
    let mut tables = Vec::new();
    for operation in operations {
        state
            .apply(operation)
            .map_err(|error| render::failure(operation, error.message))?;
        let resolved = resolved::Resolved::new(&state);
        match operation {
            Operation::CreateModel { model } if resolved.managed(&model.name) => {
                tables.push(resolved.table(&model.name)?.table);
                tables.extend(resolved.joins(&model.name)?.into_iter().map(|j| j.table));
            }
            Operation::AddField { model, field, .. } if resolved.managed(model) => {
                tables.extend(resolved.join(model, &field.name)?.map(|j| j.table));
            }
            _ => {}
        }
    }
    Ok(tables)
}

/// The reverse of every operation, last first; `states[i]` is the state before
/// `operations[i]`.
fn render_down(
    operations: &[Operation],
    states: &[State],
    dialect: Dialect,
) -> Result<RenderedScript, String> {
    let mut script = RenderedScript::default();
    for (i, operation) in operations.iter().enumerate().rev() {
        let (before, after) = (&states[i], &states[i + 1]);
        let position = |why: String| format!("operation {} of {}: {why}", i + 1, operations.len());
        let Some(reverse) = reverse(operation, before, dialect).map_err(position)? else {
            continue;
        };
        let output = render::operation(dialect, &reverse, after, before).map_err(|error| {
            position(format!(
                "the reverse of `{}` cannot be rendered: {error}",
                operation.describe()
            ))
        })?;
        script.extend(output);
    }
    Ok(script)
}

/// The operation that undoes `operation`, which was applied to `before`;
/// `None` when there is nothing to undo on `dialect` (a `RunSQL` for the other
/// backend), `Err` when it cannot be undone.
fn reverse(
    operation: &Operation,
    before: &State,
    dialect: Dialect,
) -> Result<Option<Operation>, String> {
    let missing = |what: String| {
        format!(
            "the reverse of `{}` needs {what}, which the state before it does not have",
            operation.describe()
        )
    };
    let model_of = |name: &str| {
        before
            .model(name)
            .ok_or_else(|| missing(format!("model `{name}`")))
    };
    let field_of = |model: &str, name: &str| {
        model_of(model)?
            .field(name)
            .cloned()
            .ok_or_else(|| missing(format!("field `{name}` of `{model}`")))
    };
    let enum_of = |name: &str| {
        before
            .enums
            .iter()
            .find(|e| e.name == name)
            .cloned()
            .ok_or_else(|| missing(format!("enum `{name}`")))
    };
    Ok(Some(match operation {
        Operation::CreateModel { model } => Operation::DeleteModel {
            name: model.name.clone(),
        },
        Operation::DeleteModel { name } => Operation::CreateModel {
            model: model_of(name)?.clone(),
        },
        Operation::RenameModel { old, new } => Operation::RenameModel {
            old: new.clone(),
            new: old.clone(),
        },
        Operation::AlterModelTable { model, .. } => Operation::AlterModelTable {
            model: model.clone(),
            table: model_of(model)?.meta.db_table.clone(),
        },
        Operation::AlterModelOptions { model, .. } => Operation::AlterModelOptions {
            model: model.clone(),
            meta: model_of(model)?.meta.clone(),
        },
        Operation::AddField { model, field, .. } => Operation::RemoveField {
            model: model.clone(),
            name: field.name.clone(),
        },
        Operation::RemoveField { model, name } => {
            let field = field_of(model, name)?;
            Operation::AddField {
                model: model.clone(),
                once_default: values::refill(&field),
                field,
            }
        }
        Operation::RenameField { model, old, new } => Operation::RenameField {
            model: model.clone(),
            old: new.clone(),
            new: old.clone(),
        },
        Operation::AlterField { model, field, .. } => Operation::AlterField {
            model: model.clone(),
            field: field_of(model, &field.name)?,
            once_default: None,
        },
        Operation::AddIndex { model, index } => {
            let table = model_of(model)?;
            Operation::RemoveIndex {
                model: model.clone(),
                name: table.index_name(index),
            }
        }
        Operation::RemoveIndex { model, name } => {
            let table = model_of(model)?;
            let index = table
                .meta
                .indexes
                .iter()
                .find(|index| table.index_name(index) == *name)
                .ok_or_else(|| missing(format!("index `{name}` of `{model}`")))?;
            Operation::AddIndex {
                model: model.clone(),
                index: index.clone(),
            }
        }
        Operation::AddSearchIndex { model, index } => Operation::RemoveSearchIndex {
            model: model.clone(),
            name: index.name(),
        },
        Operation::RemoveSearchIndex { model, name } => Operation::AddSearchIndex {
            model: model.clone(),
            index: model_of(model)?
                .meta
                .search_indexes
                .iter()
                .find(|index| index.name() == *name)
                .cloned()
                .ok_or_else(|| missing(format!("search index `{name}` of `{model}`")))?,
        },
        Operation::AlterUniqueTogether { model, .. } => Operation::AlterUniqueTogether {
            model: model.clone(),
            unique_together: model_of(model)?.meta.unique_together.clone(),
        },
        Operation::AddConstraint { model, constraint } => match &constraint.name {
            Some(name) => Operation::RemoveConstraint {
                model: model.clone(),
                name: name.clone(),
            },
            None => {
                return Err(format!(
                    "`{}` cannot be undone: the constraint has no name to remove it by",
                    operation.describe()
                ))
            }
        },
        Operation::RemoveConstraint { model, name } => Operation::AddConstraint {
            model: model.clone(),
            constraint: model_of(model)?
                .meta
                .constraints
                .iter()
                .find(|c| c.name.as_deref() == Some(name.as_str()))
                .cloned()
                .ok_or_else(|| missing(format!("constraint `{name}` of `{model}`")))?,
        },
        Operation::CreateEnum { def } => Operation::DeleteEnum {
            name: def.name.clone(),
        },
        Operation::AlterEnum { def } => Operation::AlterEnum {
            def: enum_of(&def.name)?,
        },
        Operation::DeleteEnum { name } => Operation::CreateEnum {
            def: enum_of(name)?,
        },
        Operation::RunSql {
            backward, backend, ..
        } => {
            if backend.is_some_and(|backend| backend_of(dialect) != backend) {
                return Ok(None);
            }
            match backward {
                Some(backward) => Operation::RunSql {
                    forward: backward.clone(),
                    backward: None,
                    backend: *backend,
                },
                None => {
                    return Err(format!(
                        "`{}` has no `backward` SQL: the migration cannot be undone on {}",
                        operation.describe(),
                        dialect.name()
                    ))
                }
            }
        }
        Operation::RunRust { forward, backward } => match backward {
            Some(backward) => Operation::RunRust {
                forward: backward.clone(),
                backward: None,
            },
            None => {
                return Err(format!(
                    "`{}` has no `backward` function: the migration cannot be undone",
                    Operation::RunRust {
                        forward: forward.clone(),
                        backward: None
                    }
                    .describe()
                ))
            }
        },
    }))
}

/// The backend a dialect is, in migration terms.
pub(crate) fn backend_of(dialect: Dialect) -> Backend {
    match dialect {
        Dialect::Sqlite => Backend::Sqlite,
        Dialect::Postgres => Backend::Postgres,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddl;
    use pookie_grammar::Source;

    const SCHEMA: &str = r#"
model Author {
    name  = CharField(max_length = 100, unique = true)
    score = IntegerField(default = 0, db_index = true)
}
model Post {
    title  = CharField(max_length = 50)
    author = ForeignKey(Author, on_delete = CASCADE)
    tags   = ManyToManyField(Author, related_name = "tagged")
    meta {
        unique_together = [["author", "title"]]
        indexes = [Index(fields = ["title"], name = "posts_title_idx")]
        constraints = [Check("length(title) > 0", name = "posts_title_check")]
    }
}
"#;

    /// A migration creates a table with the DDL of `create_tables`, without
    /// `IF NOT EXISTS` and, on PostgreSQL, with its constraints named.
    #[test]
    fn created_tables_match_create_tables() {
        let schema = pookie_grammar::load(&[Source {
            path: "blog.pookie".into(),
            text: SCHEMA.into(),
        }])
        .unwrap();
        let state = State::from_schema(&schema, "default");
        let module = &schema.modules[0];
        let unnamed = regex::Regex::new(r#"CONSTRAINT "[a-z_]+_(fkey|key)" "#).unwrap();
        for dialect in Dialect::ALL {
            let mut expected = Vec::new();
            for model in &module.models {
                let table = crate::emit::resolve::table(&schema, module, model).unwrap();
                expected.extend(ddl::create_table(dialect, &table));
                for join in
                    crate::emit::relations::join_tables(&schema, module, model, "default").unwrap()
                {
                    expected.extend(ddl::create_join_table(dialect, &join));
                }
            }
            let operations: Vec<Operation> = state
                .models
                .iter()
                .map(|model| Operation::CreateModel {
                    model: model.clone(),
                })
                .collect();
            let rendered = render_migration(&State::default(), &operations, dialect).unwrap();
            let got: Vec<String> = rendered
                .up
                .steps
                .iter()
                .map(|step| match step {
                    RenderedStep::Sql(sql) => unnamed.replace_all(sql, "").into_owned(),
                    other => panic!("{other:?}"),
                })
                .collect();
            let expected: Vec<String> = expected
                .iter()
                .map(|sql| sql.replace(" IF NOT EXISTS", ""))
                .collect();
            assert_eq!(got, expected, "{dialect}");
            assert_eq!(
                created_tables(&State::default(), &operations).unwrap(),
                ["authors", "posts", "posts_authors"]
            );
            if dialect == Dialect::Postgres {
                let posts = rendered
                    .up
                    .steps
                    .iter()
                    .find_map(|step| match step {
                        RenderedStep::Sql(sql) if sql.starts_with("CREATE TABLE \"posts\"") => {
                            Some(sql)
                        }
                        _ => None,
                    })
                    .unwrap();
                assert!(posts.contains(r#"CONSTRAINT "posts_author_id_fkey" FOREIGN KEY"#));
                assert!(posts.contains(r#"CONSTRAINT "posts_author_id_title_key" UNIQUE"#));
            }
        }
    }
}
