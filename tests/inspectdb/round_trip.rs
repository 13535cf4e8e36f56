//! The round trip: the tables code generation creates for `schemas/`, inspected,
//! give the schemas back. Both sides are reduced to what a database stores
//! (the normalisations of `src/inspect/mod.rs`) and compared table by table.

use pookie_grammar::ir::{DefaultValue, Field, FieldKind, Model, OnDelete, Schema};

/// The models generated from `schemas/` by this package's build script.
pub mod generated {
    pub mod analytics {
        pookie::include_models!("analytics");
    }
    pub mod blog {
        pookie::include_models!("blog");
    }
    pub mod catalog {
        pookie::include_models!("catalog");
    }
    pub mod editorial {
        pookie::include_models!("editorial");
    }
    pub mod library {
        pookie::include_models!("library");
    }
    pub mod lookups {
        pookie::include_models!("lookups");
    }
    pub mod kitchen_sink {
        pookie::include_models!("kitchen_sink");
    }
    pub mod relations {
        pookie::include_models!("relations");
    }
    pub mod shop {
        pookie::include_models!("shop");
    }
}

/// Creates the tables of every schema in `schemas/` at `url`, through the
/// generated code, as an application would. Both aliases the schemas use
/// point at the same database.
pub fn create_every_table(url: &str) {
    let db = pookie::Db::builder()
        .database("default", url)
        .database("analytics", url)
        .connect()
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let creators: [fn(&pookie::Db) -> pookie::Result<()>; 9] = [
        generated::blog::create_tables,
        generated::shop::create_tables,
        generated::kitchen_sink::create_tables,
        generated::analytics::create_tables,
        generated::catalog::create_tables,
        generated::lookups::create_tables,
        generated::editorial::create_tables,
        generated::library::create_tables,
        generated::relations::create_tables,
    ];
    for create in creators {
        create(&db).unwrap_or_else(|e| panic!("creating the tables of schemas/: {e}"));
    }
}

/// An index as stored: columns, unique, name, partial condition.
pub type IndexShape = (Vec<String>, bool, Option<String>, Option<String>);

/// What a database stores of one table.
#[derive(Debug, PartialEq)]
pub struct Shape {
    pub columns: Vec<ColumnShape>,
    /// The primary-key columns, in key order.
    pub primary_key: Vec<String>,
    /// The target tables of the ManyToManyFields without `through` (their
    /// join tables have no model); a relation through a model shows in the
    /// foreign keys of that model's table.
    pub many_to_many: Vec<String>,
    pub unique_together: Vec<Vec<String>>,
    pub indexes: Vec<IndexShape>,
    pub checks: Vec<(Option<String>, String)>,
}

/// What a database stores of one column.
#[derive(Debug, PartialEq)]
pub struct ColumnShape {
    pub column: String,
    pub kind: String,
    pub null: bool,
    pub unique: bool,
    pub primary_key: bool,
    pub default: Option<DefaultValue>,
    pub references: Option<(String, Option<String>, OnDelete)>,
}

/// The shape of `model`, with column names for field names.
pub fn shape(schema: &Schema, model: &Model, sqlite: bool) -> Shape {
    let column_of = |name: &str| -> String {
        model
            .field(name)
            .and_then(Field::column_name)
            .unwrap_or_else(|| name.to_string())
    };
    let mut columns: Vec<ColumnShape> = model
        .fields
        .iter()
        .filter_map(|field| column_shape(schema, field, sqlite))
        .collect();
    columns.sort_by(|a, b| a.column.cmp(&b.column));
    let mut indexes: Vec<_> = model
        .fields
        .iter()
        .filter(|f| f.options.db_index && !f.options.unique && !f.options.primary_key)
        .map(|f| {
            let column = f.column_name().unwrap_or_default();
            let name = format!("{}_{column}_idx", model.table_name());
            (vec![column], false, Some(name), None)
        })
        .chain(model.meta.indexes.iter().map(|index| {
            let columns: Vec<String> = index.fields.iter().map(|f| column_of(f)).collect();
            let name = index.name.clone().unwrap_or_else(|| {
                let suffix = if index.unique { "uniq" } else { "idx" };
                format!("{}_{}_{suffix}", model.table_name(), columns.join("_"))
            });
            (columns, index.unique, Some(name), index.condition.clone())
        }))
        .collect();
    indexes.sort();
    let mut unique_together: Vec<Vec<String>> = model
        .meta
        .unique_together
        .iter()
        .map(|set| {
            let mut set: Vec<String> = set.iter().map(|f| column_of(f)).collect();
            set.sort();
            set
        })
        .collect();
    unique_together.sort();
    let mut many_to_many: Vec<String> = model
        .fields
        .iter()
        .filter_map(|field| match &field.kind {
            FieldKind::ManyToManyField(m) if m.through.is_none() => {
                Some(find(schema, &m.to).expect("relation target").table_name())
            }
            _ => None,
        })
        .collect();
    many_to_many.sort();
    Shape {
        columns,
        primary_key: model
            .primary_key_fields()
            .iter()
            .filter_map(|field| field.column_name())
            .collect(),
        many_to_many,
        unique_together,
        indexes,
        checks: model
            .meta
            .constraints
            .iter()
            .map(|c| (c.name.clone(), c.check.clone()))
            .collect(),
    }
}

fn column_shape(schema: &Schema, field: &Field, sqlite: bool) -> Option<ColumnShape> {
    let column = field.column_name()?;
    let (kind, references) = match &field.kind {
        FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => {
            let target = find(schema, &r.to).expect("relation target");
            let on_delete = match r.on_delete {
                OnDelete::Protect => OnDelete::Restrict,
                other => other,
            };
            let to_field = r
                .to_field
                .as_ref()
                .and_then(|f| target.field(f))
                .and_then(Field::column_name);
            let key = target.primary_key_fields();
            let key_kind = match (&to_field, key.as_slice()) {
                (Some(column), _) => target
                    .fields
                    .iter()
                    .find(|f| f.column_name().as_deref() == Some(column.as_str()))
                    .map(|f| kind_name(&f.kind, sqlite, true)),
                (None, [key]) => Some(kind_name(&key.kind, sqlite, true)),
                _ => None,
            };
            (
                key_kind.unwrap_or_default(),
                Some((target.table_name(), to_field, on_delete)),
            )
        }
        kind => (kind_name(kind, sqlite, false), None),
    };
    let is_temporal = matches!(
        field.kind,
        FieldKind::DateField { .. } | FieldKind::TimeField { .. } | FieldKind::DateTimeField { .. }
    );
    let default = match &field.options.default {
        // Defaults the application fills in never reach the database.
        Some(
            DefaultValue::Null
            | DefaultValue::Now
            | DefaultValue::Uuid4
            | DefaultValue::EmptyList
            | DefaultValue::EmptyObject,
        )
        | None => None,
        Some(DefaultValue::Int(n)) if matches!(field.kind, FieldKind::FloatField) => {
            Some(DefaultValue::Float(*n as f64))
        }
        // A decimal default is its exact text, however it was written.
        Some(DefaultValue::Int(n)) if matches!(field.kind, FieldKind::DecimalField { .. }) => {
            Some(DefaultValue::Str(n.to_string()))
        }
        // The database stores a choice's value, and re-spells date and time
        // literals in its own form ('12:00' becomes '12:00:00'::time).
        Some(DefaultValue::EnumVariant { enum_name, variant }) => schema
            .modules
            .iter()
            .flat_map(|m| &m.enums)
            .find(|e| &e.name == enum_name)
            .and_then(|e| e.variants.iter().find(|v| &v.name == variant))
            .map(|v| DefaultValue::Str(v.value.clone())),
        Some(DefaultValue::Str(_) | DefaultValue::Sql(_)) if is_temporal => {
            Some(DefaultValue::Sql("a date or time literal".into()))
        }
        Some(other) => Some(other.clone()),
    };
    Some(ColumnShape {
        column,
        kind,
        null: field.options.null,
        unique: field.options.unique || matches!(field.kind, FieldKind::OneToOneField(_)),
        primary_key: field.options.primary_key,
        default: if field.kind.is_auto() { None } else { default },
        references,
    })
}

/// The stored type: string types by length only, auto keys as plain integers
/// when they are the target of a relation, one auto type on SQLite.
fn kind_name(kind: &FieldKind, sqlite: bool, as_target: bool) -> String {
    match kind {
        FieldKind::EmailField { max_length }
        | FieldKind::URLField { max_length }
        | FieldKind::SlugField { max_length }
        | FieldKind::CharField { max_length } => format!("CharField({max_length})"),
        FieldKind::AutoField if as_target => "IntegerField".into(),
        FieldKind::BigAutoField if as_target => "BigIntegerField".into(),
        FieldKind::BigAutoField if sqlite => "AutoField".into(),
        FieldKind::DateField { .. } => "DateField".into(),
        FieldKind::TimeField { .. } => "TimeField".into(),
        FieldKind::DateTimeField { .. } => "DateTimeField".into(),
        FieldKind::ArrayField { .. } if sqlite => "JSONField".into(),
        FieldKind::JSONField { .. } => "JSONField".into(),
        FieldKind::UUIDField { .. } => "UUIDField".into(),
        other => format!("{other:?}"),
    }
}

fn find<'s>(schema: &'s Schema, name: &str) -> Option<&'s Model> {
    schema
        .modules
        .iter()
        .flat_map(|m| &m.models)
        .find(|m| m.name == name)
}

/// The concrete, managed models of `schema`: the tables code generation creates.
pub fn tables(schema: &Schema) -> Vec<&Model> {
    schema
        .modules
        .iter()
        .flat_map(|m| &m.models)
        .filter(|m| !m.is_abstract && m.meta.managed != Some(false))
        .collect()
}
