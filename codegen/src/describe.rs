//! The models of a schema as plain data: what the generated `ModelMeta` of
//! each model holds, with every column's SQL type and default. Tools that
//! query a schema without compiling it (`pookie shell`) build their run-time
//! models from it, so that they see the models exactly as the generated code does.

use pookie_dialect::SqlType;
use pookie_grammar::ir::{DefaultValue, Schema};

use crate::emit::{relations, resolve};
use crate::Error;

/// One model, as its generated `ModelMeta` describes it.
#[derive(Debug, Clone)]
pub struct ModelShape {
    /// The schema file (module) it comes from.
    pub module: String,
    /// The model name.
    pub name: String,
    /// The table.
    pub table: String,
    /// The named database it lives in.
    pub db_alias: String,
    /// The primary-key columns, in key order.
    pub pk_columns: Vec<String>,
    /// True when the database assigns the key.
    pub auto_pk: bool,
    /// Every column, in select order.
    pub columns: Vec<ColumnShape>,
    /// The default ordering: column, descending.
    pub ordering: Vec<(String, bool)>,
    /// The verbose name.
    pub verbose_name: String,
    /// The plural verbose name.
    pub verbose_name_plural: String,
    /// Every relation, in `META.relations` order.
    pub relations: Vec<RelationShape>,
    /// The model's doc comment.
    pub doc: Option<String>,
}

/// One column of a [`ModelShape`].
#[derive(Debug, Clone)]
pub struct ColumnShape {
    /// The field name.
    pub name: String,
    /// The column.
    pub column: String,
    /// The field type as written.
    pub field_type: String,
    /// The SQL type (a key column: its target key's).
    pub sql_type: SqlType,
    /// The verbose name.
    pub verbose_name: String,
    /// `help_text`.
    pub help_text: Option<String>,
    /// `null = true`.
    pub null: bool,
    /// `blank = true`.
    pub blank: bool,
    /// Written by `save`.
    pub editable: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Unique.
    pub unique: bool,
    /// The default (an enum variant replaced by its stored string).
    pub default: Option<DefaultValue>,
    /// Set to now on every save.
    pub auto_now: bool,
    /// Set to now on create.
    pub auto_now_add: bool,
    /// The stored strings of its `choices` enum.
    pub choices: Vec<String>,
}

/// One relation of a [`ModelShape`] (a `RelationMeta`, its target by name).
#[derive(Debug, Clone)]
pub struct RelationShape {
    /// The accessor name.
    pub name: String,
    /// The `RelationKind` variant's name (`ForeignKey`, `ReverseForeignKey`, …).
    pub kind: &'static str,
    /// This model's column.
    pub column: String,
    /// Its position.
    pub column_index: usize,
    /// The other model's name.
    pub target: String,
    /// The other model's table.
    pub target_table: String,
    /// The other model's column.
    pub target_column: String,
    /// Its position.
    pub target_column_index: usize,
    /// The join table: table, source column, target column, join model.
    pub through: Option<(String, String, String, Option<String>)>,
    /// The key column accepts NULL.
    pub nullable: bool,
    /// The `OnDelete` variant's name.
    pub on_delete: pookie_grammar::ir::OnDelete,
}

/// Every concrete model of `schema`, module by module.
pub fn describe(schema: &Schema) -> Result<Vec<ModelShape>, Error> {
    let mut shapes = Vec::new();
    let incoming = relations::Incoming::new(schema);
    for module in &schema.modules {
        for model in module.models.iter().filter(|model| !model.is_abstract) {
            let table = resolve::table(schema, module, model)?;
            let relations = relations::relations(schema, &incoming, module, model)?;
            let choices_of = |field: &str| -> Vec<String> {
                let Some(name) = model
                    .fields
                    .iter()
                    .find(|f| f.name == field)
                    .and_then(|f| f.options.choices.as_ref())
                else {
                    return Vec::new();
                };
                schema
                    .modules
                    .iter()
                    .flat_map(|m| &m.enums)
                    .find(|e| &e.name == name)
                    .map(|e| e.variants.iter().map(|v| v.value.clone()).collect())
                    .unwrap_or_default()
            };
            shapes.push(ModelShape {
                module: module.name.clone(),
                name: table.name.clone(),
                table: table.table.clone(),
                db_alias: table.db_alias.clone(),
                pk_columns: table.pk_columns().map(|c| c.column.clone()).collect(),
                auto_pk: table.auto_pk(),
                columns: table
                    .columns
                    .iter()
                    .map(|c| ColumnShape {
                        name: c.field.clone(),
                        column: c.column.clone(),
                        field_type: c.kind.type_name().to_owned(),
                        sql_type: c.scalar.sql.clone(),
                        verbose_name: c.verbose_name.clone(),
                        help_text: c.help_text.clone(),
                        null: c.nullable,
                        blank: c.blank,
                        editable: c.editable,
                        primary_key: c.primary_key,
                        unique: c.unique,
                        default: c.db_default.clone().or_else(|| c.default.clone()),
                        auto_now: c.auto_now,
                        auto_now_add: c.auto_now_add,
                        choices: choices_of(&c.field),
                    })
                    .collect(),
                ordering: table.ordering.clone(),
                verbose_name: table.verbose_name.clone(),
                verbose_name_plural: table.verbose_name_plural.clone(),
                relations: relations
                    .iter()
                    .map(|r| RelationShape {
                        name: r.name.clone(),
                        kind: r.kind.variant(),
                        column: r.column.clone(),
                        column_index: r.column_index,
                        target: r.target.clone(),
                        target_table: r.target_table.clone(),
                        target_column: r.target_column.clone(),
                        target_column_index: r.target_column_index,
                        through: r.join.as_ref().map(|j| {
                            (
                                j.table.clone(),
                                j.source_column.clone(),
                                j.target_column.clone(),
                                j.model.clone(),
                            )
                        }),
                        nullable: r.nullable,
                        on_delete: r.on_delete,
                    })
                    .collect(),
                doc: model.doc.clone(),
            });
        }
    }
    Ok(shapes)
}
