//! The Schema IR: the one resolved, span-free description of a set of `.pookie`
//! files that every later stage shares (code generation, DDL, the printer,
//! `inspectdb`, migrations).
//!
//! The IR keeps what the author wrote (own fields, `extends`, meta as given) and
//! what it resolves to (inherited and implicit fields, table names), so that the
//! printer can write the source back and the generators never re-derive anything.

use std::path::PathBuf;

/// Every module of one build. Models may refer to models of other modules.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// One module per schema file, in the order the files were given.
    pub modules: Vec<Module>,
}

/// The models and enums of one `.pookie` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// The module name: the file stem (`blog` for `schemas/blog.pookie`).
    pub name: String,
    /// The file the module was read from, as given to the loader.
    pub path: PathBuf,
    /// `///` lines at the top of the file, before the first item (`//!`-like).
    pub doc: Option<String>,
    /// Enums, in source order.
    pub enums: Vec<EnumDef>,
    /// Models, abstract ones included, in source order.
    pub models: Vec<Model>,
}

/// `enum Status { Draft = "draft" … }`: a `choices` set, generated as a Rust enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The enum name as written (CamelCase by convention).
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Its variants, in source order.
    pub variants: Vec<EnumVariant>,
}

/// One variant of an [`EnumDef`].
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The Rust name of the variant.
    pub name: String,
    /// The string stored in the database.
    pub value: String,
    /// Its doc comment.
    pub doc: Option<String>,
}

/// A model: one table (or, when abstract, a set of fields and meta to inherit).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The model name as written (`BlogPost`).
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// `abstract model` or `meta { abstract = true }`: no table, inherited only.
    pub is_abstract: bool,
    /// The abstract model named after `:` (`model Post : Timestamped`).
    pub extends: Option<String>,
    /// Every field of the model in column order: implicit `id` first, then
    /// inherited fields (from the root of the chain down), then its own. An
    /// abstract model lists its own fields only: its descendants list the
    /// inherited ones (so a long chain of abstract models stays linear in size).
    pub fields: Vec<Field>,
    /// The meta options, inherited ones merged under the model's own.
    pub meta: Meta,
    /// A note printed as `//` lines above the model (what `inspectdb` could not
    /// map, and why). Plain comments are not part of the language: loading a file
    /// leaves this `None`.
    pub comment: Option<String>,
}

impl Model {
    /// The table name: `meta.db_table`, else the model name in snake_case plus `s`.
    pub fn table_name(&self) -> String {
        match &self.meta.db_table {
            Some(table) => table.clone(),
            None => format!("{}s", crate::naming::snake_case(&self.name)),
        }
    }

    /// The primary-key field (implicit or declared). Abstract models and models
    /// with a composite key (`meta { primary_key = […] }`) have none.
    pub fn primary_key(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.options.primary_key)
    }

    /// The fields of the primary key, in key order: the one primary-key field, or
    /// the fields named by `meta { primary_key = […] }`.
    pub fn primary_key_fields(&self) -> Vec<&Field> {
        if self.meta.primary_key.is_empty() {
            return self.primary_key().into_iter().collect();
        }
        self.meta
            .primary_key
            .iter()
            .filter_map(|name| self.field(name))
            .collect()
    }

    /// Looks a field up by its name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The name of one of its meta indexes: the index's own, else
    /// [`default_index_name`] of its columns.
    pub fn index_name(&self, index: &Index) -> String {
        if let Some(name) = &index.name {
            return name.clone();
        }
        let columns: Vec<String> = index
            .fields
            .iter()
            .map(|name| {
                self.field(name)
                    .and_then(Field::column_name)
                    .unwrap_or_else(|| name.clone())
            })
            .collect();
        default_index_name(&self.table_name(), &columns, index.unique)
    }

    /// The fields the author declared in this model's own body.
    pub fn own_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(|f| f.origin == FieldOrigin::Declared)
    }
}

/// Where a field of a [`Model`] comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldOrigin {
    /// Written in the model's own body.
    Declared,
    /// Inherited from the named abstract model.
    Inherited(String),
    /// Added by Pookie: the `id = AutoField(primary_key = true)` of a model without a primary key.
    Implicit,
}

/// One field of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field name as written (`author`, `type`).
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Its type with the arguments that belong to that type.
    pub kind: FieldKind,
    /// The arguments every field accepts.
    pub options: FieldOptions,
    /// Where it comes from.
    pub origin: FieldOrigin,
    /// A note printed as `//` lines above the field (e.g. `inspectdb`'s "field
    /// type is a guess"). Plain comments are not part of the language: loading a
    /// file leaves this `None`.
    pub comment: Option<String>,
}

impl Field {
    /// The database column: `db_column`, else `<name>_id` for a ForeignKey or
    /// OneToOneField, else the field name. `None` for a ManyToManyField, which has no column.
    pub fn column_name(&self) -> Option<String> {
        if let Some(column) = &self.options.db_column {
            return Some(column.clone());
        }
        match &self.kind {
            FieldKind::ManyToManyField(_) => None,
            FieldKind::ForeignKey(_) | FieldKind::OneToOneField(_) => {
                Some(format!("{}_id", self.name))
            }
            _ => Some(self.name.clone()),
        }
    }

    /// The name of the accessor a relation field gives its target model, when
    /// the field is a relation declared on `model`: `related_name`, else
    /// `<model>_set` (`post_set`), or `<model>` (`profile`) for a
    /// OneToOneField, as PookieDB names them.
    pub fn reverse_name(&self, model: &str) -> Option<String> {
        let source = crate::naming::snake_case(model);
        match &self.kind {
            FieldKind::ForeignKey(r) => Some(
                r.related_name
                    .clone()
                    .unwrap_or_else(|| format!("{source}_set")),
            ),
            FieldKind::OneToOneField(r) => Some(r.related_name.clone().unwrap_or(source)),
            FieldKind::ManyToManyField(m) => Some(
                m.related_name
                    .clone()
                    .unwrap_or_else(|| format!("{source}_set")),
            ),
            _ => None,
        }
    }
}

/// A field type and the arguments specific to it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// 32-bit auto-incrementing integer key.
    AutoField,
    /// 64-bit auto-incrementing integer key.
    BigAutoField,
    /// 16-bit integer.
    SmallIntegerField,
    /// 32-bit integer.
    IntegerField,
    /// 64-bit integer.
    BigIntegerField,
    /// Double-precision float.
    FloatField,
    /// Exact decimal with `max_digits` digits, `decimal_places` of them after the point.
    DecimalField {
        /// Total number of digits.
        max_digits: u32,
        /// Digits after the decimal point.
        decimal_places: u32,
    },
    /// Boolean.
    BooleanField,
    /// Variable-length string of at most `max_length` characters.
    CharField {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// Fixed-length string (`CHAR(n)`).
    FixedCharField {
        /// The length in characters.
        max_length: u32,
    },
    /// Unlimited text.
    TextField,
    /// An email address (default `max_length` 254).
    EmailField {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A URL (default `max_length` 2048).
    URLField {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A slug (default `max_length` 100).
    SlugField {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A UUID; `auto = true` makes a v4 on create.
    UUIDField {
        /// Generate a v4 UUID on create.
        auto: bool,
    },
    /// A calendar date.
    DateField {
        /// Set to today on every save.
        auto_now: bool,
        /// Set to today on create.
        auto_now_add: bool,
    },
    /// A time of day.
    TimeField {
        /// Set to the current time on every save.
        auto_now: bool,
        /// Set to the current time on create.
        auto_now_add: bool,
    },
    /// A point in time (UTC).
    DateTimeField {
        /// Set to now on every save.
        auto_now: bool,
        /// Set to now on create.
        auto_now_add: bool,
    },
    /// JSON; `schema` names a user Rust type (Serialize + Deserialize) to use instead of `serde_json::Value`.
    JSONField {
        /// The Rust type path given as `schema = "crate::Type"`, if any.
        schema: Option<String>,
    },
    /// A list of values of the base field's type.
    ArrayField {
        /// The element type (`ArrayField(CharField(max_length = 50))`).
        base: Box<FieldKind>,
    },
    /// Raw bytes.
    BinaryField,
    /// Many-to-one relation.
    ForeignKey(Relation),
    /// One-to-one relation (a ForeignKey with UNIQUE).
    OneToOneField(Relation),
    /// Many-to-many relation through a join table.
    ManyToManyField(ManyToMany),
}

impl FieldKind {
    /// The type name as written in `.pookie`.
    pub fn type_name(&self) -> &'static str {
        match self {
            FieldKind::AutoField => "AutoField",
            FieldKind::BigAutoField => "BigAutoField",
            FieldKind::SmallIntegerField => "SmallIntegerField",
            FieldKind::IntegerField => "IntegerField",
            FieldKind::BigIntegerField => "BigIntegerField",
            FieldKind::FloatField => "FloatField",
            FieldKind::DecimalField { .. } => "DecimalField",
            FieldKind::BooleanField => "BooleanField",
            FieldKind::CharField { .. } => "CharField",
            FieldKind::FixedCharField { .. } => "FixedCharField",
            FieldKind::TextField => "TextField",
            FieldKind::EmailField { .. } => "EmailField",
            FieldKind::URLField { .. } => "URLField",
            FieldKind::SlugField { .. } => "SlugField",
            FieldKind::UUIDField { .. } => "UUIDField",
            FieldKind::DateField { .. } => "DateField",
            FieldKind::TimeField { .. } => "TimeField",
            FieldKind::DateTimeField { .. } => "DateTimeField",
            FieldKind::JSONField { .. } => "JSONField",
            FieldKind::ArrayField { .. } => "ArrayField",
            FieldKind::BinaryField => "BinaryField",
            FieldKind::ForeignKey(_) => "ForeignKey",
            FieldKind::OneToOneField(_) => "OneToOneField",
            FieldKind::ManyToManyField(_) => "ManyToManyField",
        }
    }

    /// True for AutoField and BigAutoField: the database assigns the value.
    pub fn is_auto(&self) -> bool {
        matches!(self, FieldKind::AutoField | FieldKind::BigAutoField)
    }
}

/// The target and behaviour of a ForeignKey or OneToOneField.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The model it points to (may live in another module of the build; `self` is resolved to the model's own name).
    pub to: String,
    /// What happens to this row when the target row is deleted.
    pub on_delete: OnDelete,
    /// What happens to this row when the target row's key changes (`NO ACTION`
    /// unless written).
    pub on_update: OnUpdate,
    /// The name of the reverse accessor on the target model.
    pub related_name: Option<String>,
    /// The target field, when it is not the target's primary key.
    pub to_field: Option<String>,
}

/// The `on_delete` behaviour of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// Delete the rows that point at the deleted row.
    Cascade,
    /// Set the column to NULL (requires `null = true`).
    SetNull,
    /// Set the column to its default.
    SetDefault,
    /// Refuse the delete while rows point at it, with an error listing them.
    Protect,
    /// Refuse the delete at the database (`ON DELETE RESTRICT`).
    Restrict,
    /// Do nothing (`ON DELETE NO ACTION`).
    DoNothing,
}

impl OnDelete {
    /// The constant as written in `.pookie` (`CASCADE`).
    pub fn keyword(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET_NULL",
            OnDelete::SetDefault => "SET_DEFAULT",
            OnDelete::Protect => "PROTECT",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::DoNothing => "DO_NOTHING",
        }
    }

    /// Parses the constant as written in `.pookie`.
    pub fn from_keyword(keyword: &str) -> Option<Self> {
        Some(match keyword {
            "CASCADE" => OnDelete::Cascade,
            "SET_NULL" => OnDelete::SetNull,
            "SET_DEFAULT" => OnDelete::SetDefault,
            "PROTECT" => OnDelete::Protect,
            "RESTRICT" => OnDelete::Restrict,
            "DO_NOTHING" => OnDelete::DoNothing,
            _ => return None,
        })
    }

    /// Every constant, for "did you mean" help.
    pub const ALL: [OnDelete; 6] = [
        OnDelete::Cascade,
        OnDelete::SetNull,
        OnDelete::SetDefault,
        OnDelete::Protect,
        OnDelete::Restrict,
        OnDelete::DoNothing,
    ];
}

/// The `on_update` behaviour of a relation: the database's `ON UPDATE` action
/// when the referenced key changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnUpdate {
    /// Change the column along with the referenced key.
    Cascade,
    /// Set the column to NULL (requires `null = true`).
    SetNull,
    /// Set the column to its default.
    SetDefault,
    /// Refuse the change at once (`ON UPDATE RESTRICT`).
    Restrict,
    /// Refuse the change at the end of the statement (`ON UPDATE NO ACTION`, the default).
    #[default]
    DoNothing,
}

impl OnUpdate {
    /// The constant as written in `.pookie` (`CASCADE`).
    pub fn keyword(self) -> &'static str {
        match self {
            OnUpdate::Cascade => "CASCADE",
            OnUpdate::SetNull => "SET_NULL",
            OnUpdate::SetDefault => "SET_DEFAULT",
            OnUpdate::Restrict => "RESTRICT",
            OnUpdate::DoNothing => "DO_NOTHING",
        }
    }

    /// Parses the constant as written in `.pookie`.
    pub fn from_keyword(keyword: &str) -> Option<Self> {
        Some(match keyword {
            "CASCADE" => OnUpdate::Cascade,
            "SET_NULL" => OnUpdate::SetNull,
            "SET_DEFAULT" => OnUpdate::SetDefault,
            "RESTRICT" => OnUpdate::Restrict,
            "DO_NOTHING" => OnUpdate::DoNothing,
            _ => return None,
        })
    }

    /// The referential action as SQL spells it (`SET NULL`).
    pub fn sql(self) -> &'static str {
        match self {
            OnUpdate::Cascade => "CASCADE",
            OnUpdate::SetNull => "SET NULL",
            OnUpdate::SetDefault => "SET DEFAULT",
            OnUpdate::Restrict => "RESTRICT",
            OnUpdate::DoNothing => "NO ACTION",
        }
    }

    /// Every constant, for "did you mean" help.
    pub const ALL: [OnUpdate; 5] = [
        OnUpdate::Cascade,
        OnUpdate::SetNull,
        OnUpdate::SetDefault,
        OnUpdate::Restrict,
        OnUpdate::DoNothing,
    ];
}

/// The target of a ManyToManyField.
#[derive(Debug, Clone, PartialEq)]
pub struct ManyToMany {
    /// The model on the other side.
    pub to: String,
    /// The name of the reverse accessor on the target model.
    pub related_name: Option<String>,
    /// An explicit join model, when the join rows carry extra columns.
    pub through: Option<String>,
    /// The join table's name, when not the default `<table>_<target table>`.
    pub db_table: Option<String>,
}

/// The arguments every field accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldOptions {
    /// `null = true`: the column is nullable and the Rust type is `Option<T>`.
    pub null: bool,
    /// `blank = true`: an empty value passes validation.
    pub blank: bool,
    /// `default = …`.
    pub default: Option<DefaultValue>,
    /// `unique = true`.
    pub unique: bool,
    /// `db_index = true`.
    pub db_index: bool,
    /// `db_column = "…"`.
    pub db_column: Option<String>,
    /// `db_type = "tsvector"` (TextField only): the column's database type,
    /// used in DDL as written; its values are read through a cast to text and
    /// written as text, which the database converts.
    pub db_type: Option<String>,
    /// `primary_key = true` (also set on the implicit `id`).
    pub primary_key: bool,
    /// `editable = false`: never written by save.
    pub editable: bool,
    /// `choices = SomeEnum`: the name of an enum of the build.
    pub choices: Option<String>,
    /// `verbose_name = "…"`.
    pub verbose_name: Option<String>,
    /// `help_text = "…"`, rendered as rustdoc.
    pub help_text: Option<String>,
    /// Validators: `min_value`, `max_value`, `min_length`, `max_length` (when not a
    /// column length), `regex`.
    pub validators: Validators,
    /// `renamed_from = "old_name"`: the field's previous name, so that
    /// `makemigrations` renames the column instead of dropping and adding it.
    /// Code generation ignores it.
    pub renamed_from: Option<String>,
}

impl Default for FieldOptions {
    fn default() -> Self {
        FieldOptions {
            null: false,
            blank: false,
            default: None,
            unique: false,
            db_index: false,
            db_column: None,
            db_type: None,
            primary_key: false,
            editable: true,
            choices: None,
            verbose_name: None,
            help_text: None,
            validators: Validators::default(),
            renamed_from: None,
        }
    }
}

/// Value and length validators of a field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Validators {
    /// `min_value = …`.
    pub min_value: Option<Number>,
    /// `max_value = …`.
    pub max_value: Option<Number>,
    /// `min_length = …`.
    pub min_length: Option<u32>,
    /// `max_length = …` on a type whose length is not a column size (TextField).
    pub max_length: Option<u32>,
    /// `regex = "…"`.
    pub regex: Option<String>,
}

/// A numeric literal, kept as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
}

/// The value of a `default = …` argument.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// `default = null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// `Status.Draft`: a variant of the field's `choices` enum.
    EnumVariant {
        /// The enum name.
        enum_name: String,
        /// The variant name.
        variant: String,
    },
    /// `now`: the current date, time or timestamp.
    Now,
    /// `uuid4`: a fresh v4 UUID.
    Uuid4,
    /// `[]`: an empty list.
    EmptyList,
    /// `{}`: an empty JSON object.
    EmptyObject,
    /// `sql("…")`: a database default expression kept verbatim (what `inspectdb`
    /// recovers when it is none of the above).
    Sql(String),
}

/// One entry of `ordering`: a field name, descending when written `-name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    /// The field name.
    pub field: String,
    /// `"-field"`.
    pub descending: bool,
}

/// `Index(fields = […], unique = …, name = "…", condition = "…", method = "…")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Field names, in index order.
    pub fields: Vec<String>,
    /// A UNIQUE index.
    pub unique: bool,
    /// The index name; default `<table>_<columns>_idx` (or `_uniq`).
    pub name: Option<String>,
    /// A partial index's WHERE condition, as SQL.
    pub condition: Option<String>,
    /// The index method (PostgreSQL's `USING …`); `btree` unless written.
    pub method: IndexMethod,
}

/// The access method of an index. SQLite has B-trees only: there, every
/// method is a B-tree index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum IndexMethod {
    /// `btree`, the default: equality, ranges, ordering; the only one that can be unique.
    #[default]
    Btree,
    /// `hash`: equality only.
    Hash,
    /// `gist`: geometric types, ranges, full-text search.
    Gist,
    /// `gin`: arrays, `jsonb`, full-text search.
    Gin,
    /// `brin`: block ranges of large, naturally ordered tables.
    Brin,
}

impl IndexMethod {
    /// The method as written in `.pookie` and in SQL (`gin`).
    pub fn name(self) -> &'static str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gist => "gist",
            IndexMethod::Gin => "gin",
            IndexMethod::Brin => "brin",
        }
    }

    /// Parses a method name, in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        IndexMethod::ALL
            .into_iter()
            .find(|method| method.name().eq_ignore_ascii_case(name))
    }

    /// Every method, for "did you mean" help.
    pub const ALL: [IndexMethod; 5] = [
        IndexMethod::Btree,
        IndexMethod::Hash,
        IndexMethod::Gist,
        IndexMethod::Gin,
        IndexMethod::Brin,
    ];
}

/// `SearchIndex(fields = […], name = "…", config = "english")`: a full-text
/// index over text fields. PostgreSQL gets a GIN index on the fields'
/// `tsvector`; SQLite an FTS5 table `<table>_<name>` kept in sync by triggers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchIndex {
    /// Text field names, in index order.
    pub fields: Vec<String>,
    /// The index name as written; see [`SearchIndex::name`].
    pub name: Option<String>,
    /// The text-search configuration as written; see [`SearchIndex::config`].
    pub config: Option<String>,
}

impl SearchIndex {
    /// The configuration used when none is written: no stemming, no stop
    /// words, the closest PostgreSQL comes to FTS5's default tokenizer.
    pub const DEFAULT_CONFIG: &'static str = "simple";

    /// The index name: its own, else the field names joined by `_`.
    pub fn name(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => self.fields.join("_"),
        }
    }

    /// The text-search configuration (PostgreSQL's `regconfig`; on SQLite
    /// `english` picks the Porter stemmer): its own, else `simple`.
    pub fn config(&self) -> &str {
        self.config.as_deref().unwrap_or(Self::DEFAULT_CONFIG)
    }
}

/// The name of an index without one: `<table>_<columns>_idx`, or `_uniq` for a
/// unique one (a `db_index` field's index is the one-column case). The code
/// generator and migrations name indexes alike, so that the tables a migration
/// history builds have the indexes the generated code expects.
pub fn default_index_name(table: &str, columns: &[String], unique: bool) -> String {
    format!(
        "{table}_{}_{}",
        columns.join("_"),
        if unique { "uniq" } else { "idx" }
    )
}

/// The join table a ManyToManyField without `through` uses, as named when
/// it has no `db_table`: `<source table>_<target table>` with the columns
/// `<source table>_id` and `<target table>_id` (`from_…_id` and `to_…_id`
/// when the field points at its own model). The code generator, `check` and
/// inspectdb's recognition of join tables follow this one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultJoin {
    /// The join table.
    pub table: String,
    /// Its column pointing at the model that declares the field.
    pub source_column: String,
    /// Its column pointing at the field's target model.
    pub target_column: String,
}

impl DefaultJoin {
    /// The join of a field of the model with table `source_table` pointing at
    /// the model with table `target_table`.
    pub fn new(source_table: &str, target_table: &str) -> DefaultJoin {
        let (source_column, target_column) = if source_table == target_table {
            (
                format!("from_{source_table}_id"),
                format!("to_{target_table}_id"),
            )
        } else {
            (format!("{source_table}_id"), format!("{target_table}_id"))
        };
        DefaultJoin {
            table: format!("{source_table}_{target_table}"),
            source_column,
            target_column,
        }
    }
}

/// `Check("price > 0", name = "…")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConstraint {
    /// The SQL condition.
    pub check: String,
    /// The constraint name.
    pub name: Option<String>,
}

/// The `meta { … }` options of a model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// `db_table = "…"`; `None` means the default name (see [`Model::table_name`]).
    pub db_table: Option<String>,
    /// `ordering = ["-joined", "name"]`: the default ORDER BY.
    pub ordering: Vec<OrderItem>,
    /// `unique_together = [["author", "slug"]]`.
    pub unique_together: Vec<Vec<String>>,
    /// `indexes = [Index(…)]`.
    pub indexes: Vec<Index>,
    /// `constraints = [Check(…)]`.
    pub constraints: Vec<CheckConstraint>,
    /// `search_indexes = [SearchIndex(…)]`.
    pub search_indexes: Vec<SearchIndex>,
    /// `primary_key = ["order", "product"]`: a composite primary key, the named
    /// fields in key order. Empty for a single-field key (`primary_key = true` on
    /// the field, or the implicit `id`). Never inherited.
    pub primary_key: Vec<String>,
    /// `db_alias = "analytics"`: the named database the model lives in.
    pub db_alias: Option<String>,
    /// `verbose_name = "…"`.
    pub verbose_name: Option<String>,
    /// `verbose_name_plural = "…"`.
    pub verbose_name_plural: Option<String>,
    /// `managed = false`: Pookie never creates, alters or drops the table (views, legacy tables).
    pub managed: Option<bool>,
    /// `renamed_from = "OldModel"`: the model's previous name, so that
    /// `makemigrations` renames the table instead of dropping and creating it.
    /// Never inherited; code generation ignores it.
    pub renamed_from: Option<String>,
    /// The options (by name, e.g. `"ordering"`) whose value comes from an abstract
    /// ancestor rather than the model's own `meta` block. The printer leaves them
    /// out so that printing and loading again gives the same model. Empty for a
    /// model built by hand (e.g. `inspectdb`): everything is its own.
    pub inherited: Vec<String>,
}
