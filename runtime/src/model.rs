//! What generated code implements for each model.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::hooks::HookFns;
use crate::relations::{Loaded, RelationMeta};
use crate::row::Row;
use crate::validation::Validate;
use crate::value::Param;

/// The static description of a model, computed at build time.
#[derive(Debug)]
pub struct ModelMeta {
    /// The model name (`Author`).
    pub name: &'static str,
    /// The table name.
    pub table: &'static str,
    /// The named database the model lives in (`meta { db_alias = … }`, else `default`).
    pub db_alias: &'static str,
    /// The primary-key column; the first of a composite key.
    pub pk_column: &'static str,
    /// The primary-key columns, in key order: one, or several for a composite
    /// key (`meta { primary_key = […] }`).
    pub pk_columns: &'static [&'static str],
    /// True when the database assigns the primary key (AutoField, BigAutoField):
    /// the insert statement then returns it.
    pub auto_pk: bool,
    /// Every column, in select order (the order `from_row` reads).
    pub columns: &'static [&'static str],
    /// The columns of a type of their own (`TextField(db_type = …)`): selects
    /// read them as `CAST(… AS TEXT)`, since the Rust side holds their text.
    pub text_columns: &'static [&'static str],
    /// The default ordering (`meta { ordering = … }`).
    pub ordering: &'static [OrderTerm],
    /// The human-readable name of one instance (`meta { verbose_name = … }`,
    /// else the model name split into lowercase words: `BlogPost` is `blog post`).
    pub verbose_name: &'static str,
    /// The human-readable name of several instances (`meta { verbose_name_plural = … }`,
    /// else `verbose_name` followed by `s`).
    pub verbose_name_plural: &'static str,
    /// Every field, in declaration order (the order of [`columns`](Self::columns)).
    pub fields: &'static [FieldMeta],
    /// Every relation: the model's own `ForeignKey`, `OneToOneField` and
    /// `ManyToManyField` fields, then the reverse sides of other models'
    /// relations to it. Relation handles (`post::author`) index this list.
    pub relations: &'static [RelationMeta],
}

impl ModelMeta {
    /// The field named `name` as written in the schema.
    ///
    /// ```
    /// use pookie::{FieldMeta, ModelMeta};
    /// const FIELDS: &[FieldMeta] = &[FieldMeta {
    ///     name: "email",
    ///     column: "email",
    ///     field_type: "EmailField",
    ///     verbose_name: "email address",
    ///     help_text: None,
    ///     null: false,
    ///     blank: false,
    ///     editable: true,
    ///     primary_key: false,
    ///     unique: true,
    /// }];
    /// let meta = ModelMeta {
    ///     name: "Subscriber",
    ///     table: "subscriber",
    ///     db_alias: "default",
    ///     pk_column: "email",
    ///     pk_columns: &["email"],
    ///     auto_pk: false,
    ///     columns: &["email"],
    ///     text_columns: &[],
    ///     ordering: &[],
    ///     verbose_name: "subscriber",
    ///     verbose_name_plural: "subscribers",
    ///     fields: FIELDS,
    ///     relations: &[],
    /// };
    /// assert_eq!(meta.field("email").map(|f| f.verbose_name), Some("email address"));
    /// assert!(meta.field("name").is_none());
    /// ```
    pub fn field(&self, name: &str) -> Option<&'static FieldMeta> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The verbose name of the field `name`, or `name` itself when the model has no such field.
    pub fn verbose_name_of<'n>(&self, name: &'n str) -> &'n str {
        self.field(name).map_or(name, |field| field.verbose_name)
    }
}

/// The static description of one field of a model, computed at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    /// The field name as written in the schema (`author` for a foreign key stored in `author_id`).
    pub name: &'static str,
    /// The column name.
    pub column: &'static str,
    /// The field type as written in the schema (`CharField`, `DecimalField`, `ForeignKey`, …).
    pub field_type: &'static str,
    /// The human-readable name (`verbose_name = …`, else the field name with
    /// underscores as spaces).
    pub verbose_name: &'static str,
    /// `help_text = …`, when given.
    pub help_text: Option<&'static str>,
    /// `null = true`: the column accepts NULL.
    pub null: bool,
    /// `blank = true`: an empty value passes validation.
    pub blank: bool,
    /// False for `editable = false`: `save` never writes the field.
    pub editable: bool,
    /// The primary key.
    pub primary_key: bool,
    /// `unique = true` (or a one-to-one field).
    pub unique: bool,
}

/// One column of an ORDER BY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderTerm {
    /// The column name.
    pub column: &'static str,
    /// Descending order.
    pub descending: bool,
}

/// A model's fixed statements for one dialect, computed at build time.
#[derive(Debug)]
pub struct ModelSql {
    /// `SELECT <every column> FROM <table>`.
    pub select: &'static str,
    /// `select` with `WHERE <pk> = <param 1>` (for a composite key, one
    /// condition per key column, joined by `AND`, from param 1 on).
    pub get_by_pk: &'static str,
    /// `INSERT` of every column but an auto primary key, returning the key when the database assigns it.
    pub insert: &'static str,
    /// `UPDATE … SET <every editable non-key column> WHERE <pk>` (every key
    /// column, after the set columns); empty when there is nothing to update.
    pub update_by_pk: &'static str,
    /// `DELETE … WHERE <pk> = <param 1>` (every key column, from param 1 on).
    pub delete_by_pk: &'static str,
    /// `CREATE TABLE IF NOT EXISTS …` followed by its `CREATE INDEX` statements.
    pub create_table: &'static [&'static str],
    /// `DROP TABLE IF EXISTS …`.
    pub drop_table: &'static str,
}

/// A model generated from a `.pookie` schema. Implemented by generated code only.
pub trait Model: Validate + Clone + Sized + Send + Sync + 'static {
    /// The model's static description.
    const META: ModelMeta;
    /// The fixed statements, one per dialect in the order of [`Dialect::ALL`](crate::Dialect::ALL).
    const SQL: [ModelSql; 2];

    /// Builds an instance from a row whose columns are [`ModelMeta::columns`], in order.
    fn from_row(row: &Row<'_>) -> Result<Self>;
    /// Builds an instance from a row holding some of the columns: `indices[i]`
    /// is the row index of [`ModelMeta::columns`]`[i]`, or `None` when that
    /// column was not loaded. An unloaded field holds a placeholder
    /// (`Default::default()`, `None`, the first variant of a `choices` enum)
    /// that [`Partial`](crate::Partial) never lets be read; a non-null JSON
    /// field with a schema type has none and must be loaded.
    fn from_partial_row(row: &Row<'_>, indices: &[Option<usize>]) -> Result<Self>;
    /// The field of [`ModelMeta::columns`]`[column]`, for [`Partial`](crate::Partial).
    fn field_any(&self, column: usize) -> Option<&dyn std::any::Any>;
    /// The field of [`ModelMeta::columns`]`[column]`, mutably.
    fn field_any_mut(&mut self, column: usize) -> Option<&mut dyn std::any::Any>;
    /// Swaps the field of [`ModelMeta::columns`]`[column]` with `other`'s.
    fn swap_field(&mut self, other: &mut Self, column: usize);
    /// Appends the parameters of [`ModelSql::insert`], in order.
    fn push_insert_params<'a>(&'a self, out: &mut Vec<Param<'a>>);
    /// Appends the parameters of [`ModelSql::update_by_pk`], in order (the key last).
    fn push_update_params<'a>(&'a self, out: &mut Vec<Param<'a>>);
    /// The primary key as a parameter; the first field of a composite key.
    fn pk_param(&self) -> Param<'_>;
    /// Appends every field of the primary key as a parameter, in the order of
    /// [`ModelMeta::pk_columns`].
    fn push_pk_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        out.push(self.pk_param());
    }
    /// The field of [`ModelMeta::columns`]`[column]` as a parameter
    /// (`Param::Null` for a position past the last column).
    fn column_param(&self, column: usize) -> Param<'_>;
    /// The related rows loaded with this instance.
    fn loaded(&self) -> &Loaded;
    /// The related rows loaded with this instance, mutably.
    fn loaded_mut(&mut self) -> &mut Loaded;
    /// Stores the key the database assigned on insert (AutoField, BigAutoField);
    /// does nothing for a model whose key is not assigned by the database.
    fn set_auto_pk(&mut self, pk: i64) -> Result<()>;
    /// Sets every `auto_now` field to `now`, before an update.
    fn touch_auto_now(&mut self, now: DateTime<Utc>);
    /// The user's [`Hooks`](crate::Hooks) for this model, or none.
    fn hooks() -> HookFns<Self>;

    /// The database this instance belongs to (Django's `instance._state.db`):
    /// the alias of the query set it was read through or created by
    /// (`objects().using("audit")`), else the model's own
    /// ([`ModelMeta::db_alias`]). `save`, `delete`, `refresh_from_db` and the
    /// relation accessors go to it.
    fn db_alias(&self) -> &str {
        self.loaded().db_alias().unwrap_or(Self::META.db_alias)
    }

    /// Moves this instance to the database `alias`: its next `save`,
    /// `delete`, `refresh_from_db` and relation reads go there (Django's
    /// `save(using=…)`). Nothing is copied: `save` there updates a row that
    /// must already exist.
    fn set_db_alias(&mut self, alias: &str) {
        let remembered = (alias != Self::META.db_alias).then(|| std::sync::Arc::from(alias));
        self.loaded_mut().set_db_alias(remembered);
    }
}

/// A complete insert form: every required field of the model is set.
///
/// Generated insert forms (`NewAuthor`) implement it only once their required
/// fields are set, so that forgetting one is a compile error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a complete insert form",
    label = "a required field of this form is not set",
    note = "each `MissingField_<field>` in the form's type is a required field still unset: call its setter first"
)]
pub trait Insert {
    /// The model this form creates.
    type Model: Model;
    /// The model instance to insert, with defaults applied and `auto_now`/`auto_now_add` fields set to `now`.
    fn into_model(self, now: DateTime<Utc>) -> Self::Model;
    /// Whether the form sets the field of [`ModelMeta::columns`]`[column]`
    /// itself (a required field, or an optional one given a value), rather
    /// than leaving it to its default: what
    /// [`update_or_create`](crate::QuerySet::update_or_create) writes over
    /// a row it finds. Every column, unless the form says otherwise.
    fn sets_column(&self, column: usize) -> bool {
        let _ = column;
        true
    }
}

/// A placeholder type for a value not set yet. Generated insert forms use a
/// marker type per required field instead (`author::MissingField_name`), so that
/// the compile error of an incomplete form names the missing fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unset;
