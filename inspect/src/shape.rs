//! What a database stores of a model's table: its [`Shape`]. Two models with the
//! same shape have the same table, whatever else differs between them (the
//! normalisations listed in the crate docs: an `EmailField` and a `CharField`
//! of the same length are one `VARCHAR` column, `PROTECT` is stored as
//! `RESTRICT`, defaults the application fills in are not stored, …).
//!
//! The round-trip test compares the shape of each schema model with the shape
//! of the model inspected from its table; [`drift()`](crate::drift()) compares the
//! shapes of the migrations' state with those of the live database.

use pookie::{Dialect, SqlType};
use pookie_grammar::ir::{
    DefaultValue, Field, FieldKind, IndexMethod, Model, OnDelete, OnUpdate, Schema,
};

/// An index as stored: columns, unique, name, partial condition, method
/// (always `btree` on SQLite, which has no other).
pub type IndexShape = (
    Vec<String>,
    bool,
    Option<String>,
    Option<String>,
    IndexMethod,
);

/// A foreign key as stored: target table, target column when not its primary
/// key, `ON DELETE` and `ON UPDATE` actions.
pub type ReferenceShape = (String, Option<String>, OnDelete, OnUpdate);

/// A full-text search index as stored: name, columns, configuration (on
/// SQLite, what its tokenizer says of it: `english` or `simple`).
pub type SearchShape = (String, Vec<String>, String);

/// What a database stores of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The columns, in name order.
    pub columns: Vec<ColumnShape>,
    /// The primary-key columns, in key order.
    pub primary_key: Vec<String>,
    /// The target tables of the ManyToManyFields without `through` (their
    /// join tables have no model); a relation through a model shows in the
    /// foreign keys of that model's table.
    pub many_to_many: Vec<String>,
    /// The `unique_together` sets, each sorted, in order.
    pub unique_together: Vec<Vec<String>>,
    /// The secondary indexes, in order.
    pub indexes: Vec<IndexShape>,
    /// The CHECK constraints: name and condition.
    pub checks: Vec<(Option<String>, String)>,
    /// The full-text search indexes, in name order.
    pub search_indexes: Vec<SearchShape>,
}

/// What a database stores of one column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnShape {
    /// The column name.
    pub column: String,
    /// The stored type, normalised by [`stored_kind`] (a relation's column has
    /// the type of the key it references).
    pub kind: FieldKind,
    /// The column's own type of a `TextField(db_type = …)`, lowercase with
    /// single spaces (`double precision`), as the database spells it back.
    pub db_type: Option<String>,
    /// NULL allowed.
    pub null: bool,
    /// A one-column UNIQUE constraint.
    pub unique: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// The default the database stores (none for defaults the application fills in).
    pub default: Option<DefaultValue>,
    /// A foreign key.
    pub references: Option<ReferenceShape>,
}

/// The shape of `model` (a model of `schema`), with column names for field
/// names. `sqlite` applies SQLite's storage (one auto-key type, arrays as JSON).
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
            (vec![column], false, Some(name), None, IndexMethod::Btree)
        })
        .chain(model.meta.indexes.iter().map(|index| {
            let columns: Vec<String> = index.fields.iter().map(|f| column_of(f)).collect();
            let name = index.name.clone().unwrap_or_else(|| {
                let suffix = if index.unique { "uniq" } else { "idx" };
                format!("{}_{}_{suffix}", model.table_name(), columns.join("_"))
            });
            let method = if sqlite {
                IndexMethod::Btree
            } else {
                index.method
            };
            (
                columns,
                index.unique,
                Some(name),
                index.condition.clone(),
                method,
            )
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
            FieldKind::ManyToManyField(m) if m.through.is_none() => Some(table_of(schema, &m.to)),
            _ => None,
        })
        .collect();
    many_to_many.sort();
    let mut search_indexes: Vec<SearchShape> = model
        .meta
        .search_indexes
        .iter()
        .map(|index| {
            let config = match index.config() {
                "english" => "english",
                _ if sqlite => "simple",
                other => other,
            };
            (
                index.name(),
                index.fields.iter().map(|f| column_of(f)).collect(),
                config.to_owned(),
            )
        })
        .collect();
    search_indexes.sort();
    Shape {
        search_indexes,
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
            let target = find(schema, &r.to);
            let on_delete = match r.on_delete {
                OnDelete::Protect => OnDelete::Restrict,
                other => other,
            };
            let to_field = r
                .to_field
                .as_ref()
                .and_then(|f| target.and_then(|t| t.field(f)))
                .and_then(Field::column_name);
            let key_kind =
                referenced_kind(schema, field).map(|kind| stored_kind(kind, sqlite, true));
            (
                // A key that cannot be resolved (a composite one) has no one type.
                key_kind.unwrap_or(FieldKind::TextField),
                Some((table_of(schema, &r.to), to_field, on_delete, r.on_update)),
            )
        }
        kind => (stored_kind(kind, sqlite, false), None),
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
            Some(DefaultValue::Sql(TEMPORAL_DEFAULT.into()))
        }
        Some(other) => Some(other.clone()),
    };
    Some(ColumnShape {
        column,
        kind,
        db_type: field.options.db_type.as_deref().map(|db_type| {
            db_type
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        }),
        null: field.options.null,
        unique: field.options.unique || matches!(field.kind, FieldKind::OneToOneField(_)),
        primary_key: field.options.primary_key,
        default: if field.kind.is_auto() { None } else { default },
        references,
    })
}

/// The type of the column a relation field references: the target's key or
/// `to_field`, followed through relations (a key that is itself a
/// OneToOneField stores its own target's key); `None` when there is no one
/// column (a composite key, a target outside the schema, a circle).
fn referenced_kind<'s>(schema: &'s Schema, field: &'s Field) -> Option<&'s FieldKind> {
    let mut field = field;
    for _ in 0..=schema.modules.iter().map(|m| m.models.len()).sum::<usize>() {
        let (FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r)) = &field.kind else {
            return Some(&field.kind);
        };
        let target = find(schema, &r.to)?;
        field = match &r.to_field {
            Some(name) => target.field(name)?,
            None => match target.primary_key_fields().as_slice() {
                [key] => key,
                _ => return None,
            },
        };
    }
    None
}

/// The default a date or time column's literal default is compared as: each
/// database re-spells such literals in its own form.
pub const TEMPORAL_DEFAULT: &str = "a date or time literal";

/// The stored type: string types by length only, auto keys as plain integers
/// when they are the target of a relation, one auto type on SQLite, and no
/// option the database does not see (`auto_now`, a JSON field's Rust type…).
pub fn stored_kind(kind: &FieldKind, sqlite: bool, as_target: bool) -> FieldKind {
    match kind {
        FieldKind::EmailField { max_length }
        | FieldKind::URLField { max_length }
        | FieldKind::SlugField { max_length }
        | FieldKind::CharField { max_length } => FieldKind::CharField {
            max_length: *max_length,
        },
        FieldKind::AutoField if as_target => FieldKind::IntegerField,
        FieldKind::BigAutoField if as_target => FieldKind::BigIntegerField,
        FieldKind::BigAutoField if sqlite => FieldKind::AutoField,
        FieldKind::DateField { .. } => FieldKind::DateField {
            auto_now: false,
            auto_now_add: false,
        },
        FieldKind::TimeField { .. } => FieldKind::TimeField {
            auto_now: false,
            auto_now_add: false,
        },
        FieldKind::DateTimeField { .. } => FieldKind::DateTimeField {
            auto_now: false,
            auto_now_add: false,
        },
        FieldKind::ArrayField { .. } | FieldKind::JSONField { .. } if sqlite => {
            FieldKind::JSONField { schema: None }
        }
        FieldKind::JSONField { .. } => FieldKind::JSONField { schema: None },
        FieldKind::ArrayField { base } => FieldKind::ArrayField {
            base: Box::new(stored_kind(base, sqlite, false)),
        },
        FieldKind::UUIDField { .. } => FieldKind::UUIDField { auto: false },
        other => other.clone(),
    }
}

/// A stored type as `dialect` spells it in a column definition (`VARCHAR(100)`,
/// `INTEGER (auto-increment)`).
pub fn type_name(kind: &FieldKind, dialect: Dialect) -> String {
    let auto = |ty: SqlType| format!("{} (auto-increment)", dialect.type_name(&ty));
    match kind {
        FieldKind::AutoField => auto(SqlType::Integer),
        FieldKind::BigAutoField => auto(SqlType::BigInt),
        other => match sql_type(other) {
            Some(ty) => dialect.type_name(&ty),
            None => format!("{other:?}"),
        },
    }
}

fn sql_type(kind: &FieldKind) -> Option<SqlType> {
    Some(match kind {
        FieldKind::AutoField | FieldKind::IntegerField => SqlType::Integer,
        FieldKind::BigAutoField | FieldKind::BigIntegerField => SqlType::BigInt,
        FieldKind::SmallIntegerField => SqlType::SmallInt,
        FieldKind::FloatField => SqlType::Double,
        FieldKind::DecimalField {
            max_digits,
            decimal_places,
        } => SqlType::Decimal {
            precision: *max_digits,
            scale: *decimal_places,
        },
        FieldKind::BooleanField => SqlType::Boolean,
        FieldKind::CharField { max_length }
        | FieldKind::EmailField { max_length }
        | FieldKind::URLField { max_length }
        | FieldKind::SlugField { max_length } => SqlType::Varchar(*max_length),
        FieldKind::FixedCharField { max_length } => SqlType::Char(*max_length),
        FieldKind::TextField => SqlType::Text,
        FieldKind::UUIDField { .. } => SqlType::Uuid,
        FieldKind::DateField { .. } => SqlType::Date,
        FieldKind::TimeField { .. } => SqlType::Time,
        FieldKind::DateTimeField { .. } => SqlType::Timestamp,
        FieldKind::JSONField { .. } => SqlType::Json,
        FieldKind::BinaryField => SqlType::Bytes,
        FieldKind::ArrayField { base } => SqlType::Array(Box::new(sql_type(base)?)),
        _ => return None,
    })
}

fn find<'s>(schema: &'s Schema, name: &str) -> Option<&'s Model> {
    schema
        .modules
        .iter()
        .flat_map(|m| &m.models)
        .find(|m| m.name == name)
}

/// The table of the model `name`; the name itself when the schema has no such
/// model (a relation to a table outside what was inspected).
fn table_of(schema: &Schema, name: &str) -> String {
    find(schema, name).map_or_else(|| name.to_owned(), Model::table_name)
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
