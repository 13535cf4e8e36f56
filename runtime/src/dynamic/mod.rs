//! The dynamic query path: models described at run time (by a tool reading a
//! schema, such as `pookie shell`) queried through the same compiler as the
//! generated models.
//!
//! A [`DynSchema`] turns [`ModelSpec`]s into the very [`ModelMeta`] the
//! generated code would hold (leaked once, so that it is `'static` like a
//! generated one), and a [`DynQuerySet`] builds the same untyped plan a
//! [`QuerySet`](crate::QuerySet) builds: the SQL of a dynamic query is the
//! SQL of the typed query it spells, byte for byte. Rows come back as
//! [`Value`](crate::Value)s, read with each column's own SQL type.
//!
//! ```ignore
//! let schema = DynSchema::new(specs)?;
//! let author = schema.model("Author")?;
//! let rows = DynQuerySet::new(author)
//!     .filter(author.q("name__icontains", Literal::Text("grace".into()))?)
//!     .order_by(&["-joined"])?
//!     .all(&db)?;
//! ```

mod lookup;
mod queryset;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use pookie_dialect::SqlType;

use crate::error::{Error, Result};
use crate::model::{FieldMeta, ModelMeta, OrderTerm};
use crate::relations::{OnDelete, RelationKind, RelationMeta, Through};

pub use lookup::{suggest, DynQ, Literal, LOOKUPS};
pub use queryset::{Aggregate, AggregateFunc, DynQuerySet, DynRows};

/// A model described at run time: what the generated `ModelMeta` holds, with
/// owned strings, plus each column's SQL type and default.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    /// The model name (`Author`).
    pub name: String,
    /// The table.
    pub table: String,
    /// The named database the model lives in.
    pub db_alias: String,
    /// The primary-key columns, in key order.
    pub pk_columns: Vec<String>,
    /// True when the database assigns the primary key.
    pub auto_pk: bool,
    /// Every column, in select order.
    pub columns: Vec<ColumnSpec>,
    /// The default ordering: column and descending.
    pub ordering: Vec<(String, bool)>,
    /// The verbose name.
    pub verbose_name: String,
    /// The plural verbose name.
    pub verbose_name_plural: String,
    /// Every relation, in the order of the generated `META.relations`.
    pub relations: Vec<RelationSpec>,
}

/// One column of a [`ModelSpec`].
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    /// The field name.
    pub name: String,
    /// The column.
    pub column: String,
    /// The field type as written (`CharField`, `ForeignKey`, …).
    pub field_type: String,
    /// The column's SQL type (a key column: the referenced key's type).
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
    /// The value a new row gets when `create` is not given one.
    pub default: Option<DefaultSpec>,
    /// Set to now on every save.
    pub auto_now: bool,
    /// Set to now on create.
    pub auto_now_add: bool,
    /// The stored values of a `choices` enum, when the field has one.
    pub choices: Vec<String>,
}

/// A column default, as the schema gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultSpec {
    /// A literal value.
    Value(Literal),
    /// The current date, time or timestamp.
    Now,
    /// A fresh v4 UUID.
    Uuid4,
    /// An empty list.
    EmptyList,
    /// An empty JSON object.
    EmptyObject,
    /// An SQL expression the database applies (the column is left out of the INSERT).
    Database,
}

/// One relation of a [`ModelSpec`]: a [`RelationMeta`] naming its target by model name.
#[derive(Debug, Clone)]
pub struct RelationSpec {
    /// The accessor name.
    pub name: String,
    /// What the relation is.
    pub kind: RelationKind,
    /// This model's column.
    pub column: String,
    /// Its position among this model's columns.
    pub column_index: usize,
    /// The other model's name.
    pub target: String,
    /// The other model's table.
    pub target_table: String,
    /// The other model's column.
    pub target_column: String,
    /// Its position among the other model's columns.
    pub target_column_index: usize,
    /// The join table of a many-to-many relation: table, source column,
    /// target column, explicit join model.
    pub through: Option<(String, String, String, Option<String>)>,
    /// The key column accepts NULL.
    pub nullable: bool,
    /// The foreign key's `on_delete`.
    pub on_delete: OnDelete,
}

/// What the dynamic path knows of a column beyond its [`FieldMeta`].
#[derive(Debug)]
pub(crate) struct ColumnInfo {
    pub(crate) sql_type: SqlType,
    pub(crate) default: Option<DefaultSpec>,
    pub(crate) auto_now: bool,
    pub(crate) auto_now_add: bool,
    pub(crate) choices: Vec<String>,
}

/// A model of a [`DynSchema`]: its `ModelMeta` and its columns' types.
#[derive(Debug, Clone, Copy)]
pub struct DynModel {
    meta: &'static ModelMeta,
    columns: &'static [ColumnInfo],
    /// The models of the schema this one belongs to, to follow its relations.
    schema: &'static OnceLock<&'static [DynModel]>,
}

impl DynModel {
    /// The model's metadata, as the generated code would hold it.
    pub fn meta(&self) -> &'static ModelMeta {
        self.meta
    }

    /// The model name.
    pub fn name(&self) -> &'static str {
        self.meta.name
    }

    /// The SQL type of the column at `index` of [`ModelMeta::columns`].
    pub fn sql_type(&self, index: usize) -> Option<&'static SqlType> {
        self.columns.get(index).map(|info| &info.sql_type)
    }

    /// The stored values of the `choices` of the column at `index` (empty without choices).
    pub fn choices(&self, index: usize) -> &'static [String] {
        self.columns.get(index).map_or(&[], |info| &info.choices)
    }

    pub(crate) fn info(&self, index: usize) -> &'static ColumnInfo {
        &self.columns[index]
    }

    /// The model a relation of this one points at.
    pub fn target(&self, relation: &RelationMeta) -> Option<DynModel> {
        self.schema
            .get()?
            .iter()
            .copied()
            .find(|model| model.meta.table == relation.target_table)
    }

    /// The position of the field named `name` (or of the column `name`).
    pub(crate) fn field_index(&self, name: &str) -> Option<usize> {
        let fields = self.meta.fields;
        fields
            .iter()
            .position(|field| field.name == name)
            .or_else(|| fields.iter().position(|field| field.column == name))
    }
}

/// Models described at run time, ready to be queried.
#[derive(Debug, Clone, Copy)]
pub struct DynSchema {
    models: &'static [DynModel],
}

impl DynSchema {
    /// Builds the models of `specs`. Each model's metadata lives as long as
    /// the program (a schema is built once per session); a program holds at
    /// most [`MAX_MODELS`] dynamic models in all.
    pub fn new(specs: Vec<ModelSpec>) -> Result<DynSchema> {
        let start = NEXT_SLOT.fetch_add(specs.len(), Ordering::SeqCst);
        if start + specs.len() > MAX_MODELS {
            return Err(Error::usage(format!(
                "a program holds at most {MAX_MODELS} dynamic models; this schema would bring it to {}",
                start + specs.len()
            )));
        }
        let slot_of = |name: &str| specs.iter().position(|spec| spec.name == name);
        for spec in &specs {
            for relation in &spec.relations {
                if slot_of(&relation.target).is_none() {
                    return Err(Error::usage(format!(
                        "the relation `{}.{}` points at `{}`, which is not among the models",
                        spec.name, relation.name, relation.target
                    )));
                }
            }
        }
        let mut metas: Vec<&'static ModelMeta> = Vec::with_capacity(specs.len());
        let mut infos: Vec<&'static [ColumnInfo]> = Vec::with_capacity(specs.len());
        for spec in &specs {
            let relations: Vec<RelationMeta> = spec
                .relations
                .iter()
                .map(|relation| RelationMeta {
                    name: leak(&relation.name),
                    kind: relation.kind,
                    column: leak(&relation.column),
                    column_index: relation.column_index,
                    target: TARGETS[start + slot_of(&relation.target).unwrap_or(0)],
                    target_table: leak(&relation.target_table),
                    target_column: leak(&relation.target_column),
                    target_column_index: relation.target_column_index,
                    through: relation
                        .through
                        .as_ref()
                        .map(|(table, source, target, model)| Through {
                            table: leak(table),
                            source_column: leak(source),
                            target_column: leak(target),
                            model: model.as_deref().map(leak),
                        }),
                    nullable: relation.nullable,
                    on_delete: relation.on_delete,
                })
                .collect();
            let fields: Vec<FieldMeta> = spec
                .columns
                .iter()
                .map(|column| FieldMeta {
                    name: leak(&column.name),
                    column: leak(&column.column),
                    field_type: leak(&column.field_type),
                    verbose_name: leak(&column.verbose_name),
                    help_text: column.help_text.as_deref().map(leak),
                    null: column.null,
                    blank: column.blank,
                    editable: column.editable,
                    primary_key: column.primary_key,
                    unique: column.unique,
                })
                .collect();
            let pk_columns: Vec<&'static str> = spec.pk_columns.iter().map(|c| leak(c)).collect();
            let meta = ModelMeta {
                name: leak(&spec.name),
                table: leak(&spec.table),
                db_alias: leak(&spec.db_alias),
                pk_column: pk_columns.first().copied().unwrap_or(""),
                pk_columns: Vec::leak(pk_columns),
                auto_pk: spec.auto_pk,
                columns: Vec::leak(spec.columns.iter().map(|c| leak(&c.column)).collect()),
                text_columns: Vec::leak(
                    spec.columns
                        .iter()
                        .filter(|c| matches!(c.sql_type, SqlType::Named(_)))
                        .map(|c| leak(&c.column))
                        .collect(),
                ),
                ordering: Vec::leak(
                    spec.ordering
                        .iter()
                        .map(|(column, descending)| OrderTerm {
                            column: leak(column),
                            descending: *descending,
                        })
                        .collect(),
                ),
                verbose_name: leak(&spec.verbose_name),
                verbose_name_plural: leak(&spec.verbose_name_plural),
                fields: Vec::leak(fields),
                relations: Vec::leak(relations),
            };
            metas.push(Box::leak(Box::new(meta)));
            infos.push(Vec::leak(
                spec.columns
                    .iter()
                    .map(|column| ColumnInfo {
                        sql_type: column.sql_type.clone(),
                        default: column.default.clone(),
                        auto_now: column.auto_now,
                        auto_now_add: column.auto_now_add,
                        choices: column.choices.clone(),
                    })
                    .collect(),
            ));
        }
        for (offset, meta) in metas.iter().enumerate() {
            // Each slot is handed out once (`NEXT_SLOT` only grows).
            let _ = SLOTS[start + offset].set(meta);
        }
        let schema: &'static OnceLock<&'static [DynModel]> = Box::leak(Box::new(OnceLock::new()));
        let models: &'static [DynModel] = Vec::leak(
            metas
                .iter()
                .zip(&infos)
                .map(|(meta, columns)| DynModel {
                    meta,
                    columns,
                    schema,
                })
                .collect(),
        );
        let _ = schema.set(models);
        Ok(DynSchema { models })
    }

    /// Every model, in the order of the specs.
    pub fn models(&self) -> &'static [DynModel] {
        self.models
    }

    /// The model named `name`; the error suggests a close name.
    pub fn model(&self, name: &str) -> Result<DynModel> {
        if let Some(model) = self.models.iter().find(|model| model.meta.name == name) {
            return Ok(*model);
        }
        let names: Vec<&str> = self.models.iter().map(|model| model.meta.name).collect();
        Err(Error::usage(format!(
            "there is no model `{name}`{}",
            suggest(name, names.iter().copied())
                .map(|close| format!(": did you mean `{close}`?"))
                .unwrap_or_default()
        )))
    }
}

fn leak(text: &str) -> &'static str {
    String::leak(text.to_owned())
}

/// How many dynamic models a program can hold: each needs one of the
/// functions a `RelationMeta::target` (a plain function pointer) can name.
pub const MAX_MODELS: usize = 256;

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);
static SLOTS: [OnceLock<&'static ModelMeta>; MAX_MODELS] = [const { OnceLock::new() }; MAX_MODELS];

/// Stands for a slot read before it is filled, which `DynSchema::new` rules out.
static UNFILLED: ModelMeta = ModelMeta {
    name: "",
    table: "",
    db_alias: "default",
    pk_column: "",
    pk_columns: &[],
    auto_pk: false,
    columns: &[],
    text_columns: &[],
    ordering: &[],
    verbose_name: "",
    verbose_name_plural: "",
    fields: &[],
    relations: &[],
};

fn slot<const N: usize>() -> &'static ModelMeta {
    SLOTS[N].get().copied().unwrap_or(&UNFILLED)
}

macro_rules! slots {
    ($($n:literal)*) => {
        [$(slot::<$n>),*]
    };
}

/// One function per slot, for `RelationMeta::target`.
static TARGETS: [fn() -> &'static ModelMeta; MAX_MODELS] = slots!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131 132 133 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179 180 181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218 219 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255);
