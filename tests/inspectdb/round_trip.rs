//! The round trip: the tables code generation creates for `schemas/`, inspected,
//! give the schemas back. Both sides are reduced to what a database stores
//! (the normalisations of `src/inspect/mod.rs`) and compared table by table.

use pookie_grammar::ir::{DefaultValue, Field, FieldKind, Model, OnDelete, Schema};

/// The `CREATE TABLE` / `CREATE INDEX` statements of every model of `schema`,
/// read from the generated code: index 0 for SQLite, 1 for PostgreSQL (the
/// order of each model's `SQL` array).
pub fn ddl(schema: &Schema) -> [Vec<String>; 2] {
    let files = pookie_codegen::Config::new()
        .generate(schema)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for code in files.values() {
        let mut rest = code.as_str();
        let mut dialect = 0;
        while let Some(at) = rest.find("create_table: &[") {
            rest = &rest[at + "create_table: &[".len()..];
            let end = rest.find(']').expect("end of the create_table list");
            let mut list = &rest[..end];
            // The statements are string literals; `]` never appears unescaped
            // outside them in this list, but may inside: find literals one by one.
            loop {
                list = list.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
                if !list.starts_with('"') {
                    break;
                }
                let len = literal_len(list);
                let literal: syn::LitStr = syn::parse_str(&list[..len]).expect("string literal");
                out[dialect].push(literal.value());
                list = &list[len..];
                if list.trim_start().is_empty() {
                    break;
                }
            }
            rest = &rest[end..];
            dialect = 1 - dialect;
        }
    }
    out
}

/// The length of the string literal at the start of `text`.
fn literal_len(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return i + 1,
            _ => {}
        }
    }
    panic!("unterminated literal")
}

/// Runs statements whatever their order: a statement that fails (a table it
/// points to does not exist yet) is tried again after the others.
pub fn run_in_any_order(
    mut statements: Vec<String>,
    mut run: impl FnMut(&str) -> Result<(), String>,
) {
    while !statements.is_empty() {
        let before = statements.len();
        let mut errors = Vec::new();
        statements.retain(|sql| match run(sql) {
            Ok(()) => false,
            Err(e) => {
                errors.push(format!("{sql}: {e}"));
                true
            }
        });
        assert!(
            statements.len() < before,
            "statements keep failing: {errors:#?}"
        );
    }
}

/// An index as stored: columns, unique, name, partial condition.
pub type IndexShape = (Vec<String>, bool, Option<String>, Option<String>);

/// What a database stores of one table.
#[derive(Debug, PartialEq)]
pub struct Shape {
    pub columns: Vec<ColumnShape>,
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
    Shape {
        columns,
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
    let default = match &field.options.default {
        Some(DefaultValue::Null) | None => None,
        Some(DefaultValue::Int(n)) if matches!(field.kind, FieldKind::FloatField) => {
            Some(DefaultValue::Float(*n as f64))
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
