//! The runtime's model specs from codegen's description of the schema (what
//! the generated `ModelMeta`s hold). Also compiled into the tests that
//! compare the dynamic path with the generated models.

use pookie::dynamic::{ColumnSpec, DefaultSpec, Literal, ModelSpec, RelationSpec};
use pookie::{OnDelete, RelationKind};
use pookie_codegen::describe::ModelShape;
use pookie_grammar::ir::DefaultValue;

/// A run-time model spec from the generated metadata's description.
pub fn spec(shape: ModelShape) -> ModelSpec {
    ModelSpec {
        name: shape.name,
        table: shape.table,
        // The shell connects one database, as `default`.
        db_alias: "default".to_owned(),
        pk_columns: shape.pk_columns,
        auto_pk: shape.auto_pk,
        columns: shape
            .columns
            .into_iter()
            .map(|c| ColumnSpec {
                name: c.name,
                column: c.column,
                field_type: c.field_type,
                sql_type: c.sql_type,
                verbose_name: c.verbose_name,
                help_text: c.help_text,
                null: c.null,
                blank: c.blank,
                editable: c.editable,
                primary_key: c.primary_key,
                unique: c.unique,
                default: c.default.map(default_spec),
                auto_now: c.auto_now,
                auto_now_add: c.auto_now_add,
                choices: c.choices,
            })
            .collect(),
        ordering: shape.ordering,
        verbose_name: shape.verbose_name,
        verbose_name_plural: shape.verbose_name_plural,
        relations: shape
            .relations
            .into_iter()
            .map(|r| RelationSpec {
                name: r.name,
                kind: match r.kind {
                    "ForeignKey" => RelationKind::ForeignKey,
                    "OneToOne" => RelationKind::OneToOne,
                    "ReverseForeignKey" => RelationKind::ReverseForeignKey,
                    "ReverseOneToOne" => RelationKind::ReverseOneToOne,
                    _ => RelationKind::ManyToMany,
                },
                column: r.column,
                column_index: r.column_index,
                target: r.target,
                target_table: r.target_table,
                target_column: r.target_column,
                target_column_index: r.target_column_index,
                through: r.through,
                nullable: r.nullable,
                on_delete: {
                    use pookie_grammar::ir::OnDelete as Ir;
                    match r.on_delete {
                        Ir::Cascade => OnDelete::Cascade,
                        Ir::SetNull => OnDelete::SetNull,
                        Ir::SetDefault => OnDelete::SetDefault,
                        Ir::Protect => OnDelete::Protect,
                        Ir::Restrict => OnDelete::Restrict,
                        Ir::DoNothing => OnDelete::DoNothing,
                    }
                },
            })
            .collect(),
    }
}

fn default_spec(value: DefaultValue) -> DefaultSpec {
    match value {
        DefaultValue::Null => DefaultSpec::Value(Literal::Null),
        DefaultValue::Bool(v) => DefaultSpec::Value(Literal::Bool(v)),
        DefaultValue::Int(v) => DefaultSpec::Value(Literal::Int(v)),
        DefaultValue::Float(v) => DefaultSpec::Value(Literal::Float(v)),
        DefaultValue::Str(v) => DefaultSpec::Value(Literal::Text(v)),
        DefaultValue::EnumVariant { variant, .. } => DefaultSpec::Value(Literal::Text(variant)),
        DefaultValue::Now => DefaultSpec::Now,
        DefaultValue::Uuid4 => DefaultSpec::Uuid4,
        DefaultValue::EmptyList => DefaultSpec::EmptyList,
        DefaultValue::EmptyObject => DefaultSpec::EmptyObject,
        DefaultValue::Sql(_) => DefaultSpec::Database,
    }
}
