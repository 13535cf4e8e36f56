//! Resolves one IR model into everything the later steps need: each field's Rust
//! name, column, Rust and SQL types, defaults and foreign-key target (looked up
//! across every module of the schema). Anything the generator cannot handle is
//! reported here, before any code is rendered.

use std::collections::BTreeSet;

use pookie_dialect::SqlType;
use pookie_grammar::ir::{
    default_index_name, DefaultValue, EnumDef, Field, FieldKind, FieldOrigin, IndexMethod, Model,
    Module, OnDelete, OnUpdate, Schema, Validators,
};
use pookie_grammar::naming::rust_ident;

use super::types::{self, Class, RustDefault, Scalar, OPTION};
use crate::Error;

/// A model ready for code generation.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// The model name as written.
    pub name: String,
    /// The Rust name of the struct.
    pub ident: String,
    /// The table name.
    pub table: String,
    /// Every column, in struct (and SELECT) order.
    pub columns: Vec<Column>,
    /// The positions of the primary-key columns in `columns`, in key order:
    /// one, or several for a composite key (`meta { primary_key = […] }`).
    pub pk: Vec<usize>,
    /// `ORDER BY` terms: column and descending.
    pub ordering: Vec<(String, bool)>,
    /// `unique_together`, as column lists.
    pub unique_together: Vec<Vec<String>>,
    /// Secondary indexes: `db_index` fields, then meta indexes.
    pub indexes: Vec<IndexDef>,
    /// Sets of columns (positions in `columns`) whose values must be unique
    /// together: a non-auto primary key, `unique` fields, `unique_together`,
    /// unique indexes without a condition.
    pub unique_sets: Vec<Vec<usize>>,
    /// Full-text search indexes.
    pub search_indexes: Vec<crate::search::SearchIndexDef>,
    /// Check constraints: optional name and condition.
    pub checks: Vec<(Option<String>, String)>,
    /// The named database the model lives in.
    pub db_alias: String,
    /// Whether Pookie creates and drops the table (`managed`, default true).
    pub managed: bool,
    /// Models of the same module this one points to (itself excluded).
    pub depends_on: Vec<String>,
    /// The human-readable name of one instance.
    pub verbose_name: String,
    /// The human-readable name of several instances.
    pub verbose_name_plural: String,
}

impl Table {
    /// The primary-key column; the first one of a composite key.
    pub fn pk(&self) -> &Column {
        &self.columns[self.pk[0]]
    }

    /// The primary-key columns, in key order.
    pub fn pk_columns(&self) -> impl Iterator<Item = &Column> {
        self.pk.iter().map(|&i| &self.columns[i])
    }

    /// Whether the key has several columns.
    pub fn composite_pk(&self) -> bool {
        self.pk.len() > 1
    }

    /// Whether the database assigns the primary key.
    pub fn auto_pk(&self) -> bool {
        !self.composite_pk() && self.pk().auto
    }

    /// Columns written by INSERT: all but an auto primary key.
    pub fn insert_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| !c.auto)
    }

    /// Columns written by UPDATE: editable columns other than the primary key.
    pub fn update_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| !c.primary_key && c.editable)
    }
}

/// One column of a [`Table`].
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// The field name as written.
    pub field: String,
    /// The Rust name of the struct field (and of its column handle and setter).
    pub ident: String,
    /// The column name.
    pub column: String,
    /// The type, without nullability.
    pub scalar: Scalar,
    /// The Rust type of the struct field (`Option<…>` when nullable).
    pub rust_type: String,
    /// The same type as named from the module of column handles (a generated
    /// enum is one level up there).
    pub handle_type: String,
    /// The field type and its arguments.
    pub kind: FieldKind,
    /// `blank = true`.
    pub blank: bool,
    /// The value validators.
    pub validators: Validators,
    /// `null = true`.
    pub nullable: bool,
    /// The primary key.
    pub primary_key: bool,
    /// An AutoField / BigAutoField primary key: the database assigns it.
    pub auto: bool,
    /// `unique = true`, or a OneToOneField.
    pub unique: bool,
    /// `db_index = true`.
    pub db_index: bool,
    /// Written back by `save`.
    pub editable: bool,
    /// The default value, as given.
    pub default: Option<DefaultValue>,
    /// The default as a Rust expression of the struct field's type.
    pub rust_default: Option<RustDefault>,
    /// The default the database applies (`DEFAULT` in DDL), with an enum
    /// variant replaced by its stored string.
    pub db_default: Option<DefaultValue>,
    /// Set to now on every save.
    pub auto_now: bool,
    /// Set to now on create.
    pub auto_now_add: bool,
    /// The referenced table, when a ForeignKey or OneToOneField.
    pub references: Option<Reference>,
    /// Rustdoc lines (each without the `///`).
    pub doc: Vec<String>,
    /// The human-readable name: `verbose_name`, else the field name with
    /// underscores as spaces.
    pub verbose_name: String,
    /// `help_text`, when given.
    pub help_text: Option<String>,
}

impl Column {
    /// A column of a type of its own (`db_type`): the Rust side holds its text,
    /// so selects read it as `CAST(… AS TEXT)`.
    pub(crate) fn reads_as_text(&self) -> bool {
        matches!(self.scalar.sql, SqlType::Named(_))
    }
}

/// The target of a foreign key.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The target table.
    pub table: String,
    /// The target column.
    pub column: String,
    /// The `ON DELETE` action.
    pub on_delete: OnDelete,
    /// The `ON UPDATE` action.
    pub on_update: OnUpdate,
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexDef {
    /// The index name.
    pub name: String,
    /// A UNIQUE index.
    pub unique: bool,
    /// Its columns.
    pub columns: Vec<String>,
    /// The WHERE condition of a partial index.
    pub condition: Option<String>,
    /// The access method (PostgreSQL's `USING …`; SQLite has B-trees only).
    pub method: IndexMethod,
}

/// Resolves `model` (a concrete model of `module`).
pub(crate) fn table(schema: &Schema, module: &Module, model: &Model) -> Result<Table, Error> {
    let location = format!("model `{}`", model.name);
    let fail = |message: String| Error::unsupported(&module.name, location.clone(), message);
    let table = model.table_name();
    let mut columns = Vec::with_capacity(model.fields.len());
    let mut depends_on = Vec::new();
    for field in &model.fields {
        if matches!(field.kind, FieldKind::ManyToManyField(_)) {
            // No column: the relation lives in its join table.
            continue;
        }
        let (column, target) = self::column(schema, module, model, field)?;
        if let Some(target) = target {
            if target != model.name && !depends_on.contains(&target) {
                depends_on.push(target);
            }
        }
        columns.push(column);
    }
    let mut idents = BTreeSet::new();
    let mut names = BTreeSet::new();
    for column in &columns {
        if !idents.insert(column.ident.as_str()) {
            return Err(fail(format!(
                "two fields have the Rust name `{}`",
                column.ident
            )));
        }
        if !names.insert(column.column.as_str()) {
            return Err(fail(format!(
                "two fields use the column `{}`",
                column.column
            )));
        }
    }
    let pk: Vec<usize> = if model.meta.primary_key.is_empty() {
        columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.primary_key)
            .map(|(i, _)| i)
            .collect()
    } else {
        let mut pk = Vec::with_capacity(model.meta.primary_key.len());
        for name in &model.meta.primary_key {
            let position = columns
                .iter()
                .position(|c| &c.field == name)
                .ok_or_else(|| {
                    fail(format!(
                        "`meta {{ primary_key = … }}` names `{name}`, which is not a field of the model"
                    ))
                })?;
            // Part of the key: never written by UPDATE, never assigned by the database.
            columns[position].primary_key = true;
            columns[position].auto = false;
            pk.push(position);
        }
        pk
    };
    match pk.len() {
        0 => return Err(fail("the model has no primary key".into())),
        1 => {}
        _ if model.meta.primary_key.is_empty() => {
            return Err(fail(
                "several fields are `primary_key = true`; list them in `meta { primary_key = […] }` instead".into(),
            ))
        }
        _ => {}
    }
    let column_of = |name: &str, what: &str| -> Result<String, Error> {
        if name == "pk" && model.field("pk").is_none() && pk.len() == 1 {
            return Ok(columns[pk[0]].column.clone());
        }
        columns
            .iter()
            .find(|c| c.field == name || c.column == name)
            .map(|c| c.column.clone())
            .ok_or_else(|| {
                fail(format!(
                    "{what} names `{name}`, which is not a field of the model"
                ))
            })
    };
    let ordering = model
        .meta
        .ordering
        .iter()
        .map(|item| Ok((column_of(&item.field, "`ordering`")?, item.descending)))
        .collect::<Result<_, Error>>()?;
    let unique_together: Vec<Vec<String>> = model
        .meta
        .unique_together
        .iter()
        .map(|set| {
            set.iter()
                .map(|f| column_of(f, "`unique_together`"))
                .collect()
        })
        .collect::<Result<_, Error>>()?;
    let mut indexes: Vec<IndexDef> = columns
        .iter()
        .filter(|c| c.db_index && !c.unique && !c.primary_key)
        .map(|c| IndexDef {
            name: default_index_name(&table, std::slice::from_ref(&c.column), false),
            unique: false,
            columns: vec![c.column.clone()],
            condition: None,
            method: IndexMethod::Btree,
        })
        .collect();
    for index in &model.meta.indexes {
        let index_columns: Vec<String> = index
            .fields
            .iter()
            .map(|f| column_of(f, "an index"))
            .collect::<Result<_, Error>>()?;
        if index_columns.is_empty() {
            return Err(fail("an index has no fields".into()));
        }
        let name = match &index.name {
            Some(name) => name.clone(),
            None => default_index_name(&table, &index_columns, index.unique),
        };
        indexes.push(IndexDef {
            name,
            unique: index.unique,
            columns: index_columns,
            condition: index.condition.clone(),
            method: index.method,
        });
    }
    let position_of = |column: &str| columns.iter().position(|c| c.column == column);
    let mut unique_sets: Vec<Vec<usize>> = Vec::new();
    let mut add_set = |set: Vec<usize>| {
        if !set.is_empty() && !unique_sets.contains(&set) {
            unique_sets.push(set);
        }
    };
    if pk.len() > 1 {
        add_set(pk.clone());
    }
    for (i, column) in columns.iter().enumerate() {
        let single_key = column.primary_key && pk.len() == 1;
        if (single_key && !column.auto) || (column.unique && !single_key) {
            add_set(vec![i]);
        }
    }
    for set in unique_together.iter().chain(
        indexes
            .iter()
            .filter(|index| index.unique && index.condition.is_none())
            .map(|index| &index.columns),
    ) {
        add_set(set.iter().filter_map(|c| position_of(c)).collect());
    }
    let search_indexes = crate::search::resolve(
        model,
        &table,
        &columns,
        (pk.len() == 1).then(|| &columns[pk[0]]),
        column_of,
        fail,
    )?;
    let verbose_name = model
        .meta
        .verbose_name
        .clone()
        .unwrap_or_else(|| words_of(&model.name));
    Ok(Table {
        search_indexes,
        name: model.name.clone(),
        ident: rust_ident(&model.name),
        table,
        columns,
        pk,
        ordering,
        unique_together,
        indexes,
        unique_sets,
        checks: model
            .meta
            .constraints
            .iter()
            .map(|c| (c.name.clone(), c.check.clone()))
            .collect(),
        db_alias: model
            .meta
            .db_alias
            .clone()
            .unwrap_or_else(|| "default".to_owned()),
        managed: model.meta.managed != Some(false),
        depends_on,
        verbose_name_plural: model
            .meta
            .verbose_name_plural
            .clone()
            .unwrap_or_else(|| format!("{verbose_name}s")),
        verbose_name,
    })
}

/// Resolves one field; also returns the target model's name when the target is
/// a model of the same module.
fn column(
    schema: &Schema,
    module: &Module,
    model: &Model,
    field: &Field,
) -> Result<(Column, Option<String>), Error> {
    let location = format!("model `{}`, field `{}`", model.name, field.name);
    let fail = |message: String| Error::unsupported(&module.name, location.clone(), message);
    let choices = match &field.options.choices {
        None => None,
        Some(name) => Some(find_enum(schema, module, name).map_err(fail)?),
    };
    let mut doc = doc_lines(field.doc.as_deref());
    let (scalar, references, same_module_target, ident) = match &field.kind {
        FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => {
            let (target_module, target) =
                find_model(schema, module, &relation.to).ok_or_else(|| {
                    fail(format!(
                        "the {} points to `{}`, which is not a model of this build",
                        field.kind.type_name(),
                        relation.to
                    ))
                })?;
            if target.is_abstract {
                return Err(fail(format!(
                    "the {} points to the abstract model `{}`, which has no table",
                    field.kind.type_name(),
                    target.name
                )));
            }
            if relation.to_field.is_none() && !target.meta.primary_key.is_empty() {
                return Err(fail(format!(
                    "the {} points to `{}`, whose primary key is composite; a relation needs one \
                     target column: point it at a unique field with `to_field = \"…\"`",
                    field.kind.type_name(),
                    target.name
                )));
            }
            let target_field = match &relation.to_field {
                Some(name) => target.field(name),
                None => target.primary_key(),
            }
            .ok_or_else(|| {
                fail(format!(
                    "the {} points to a field of `{}` that does not exist",
                    field.kind.type_name(),
                    target.name
                ))
            })?;
            let key_kind = column_kind(schema, target_module, target_field).map_err(&fail)?;
            let scalar = types::scalar(key_kind).map_err(|type_name| {
                fail(format!(
                    "a {} to a {type_name} key is not supported by the code generator yet",
                    field.kind.type_name()
                ))
            })?;
            let target_column = target_field.column_name().unwrap_or_default();
            let same_module = std::ptr::eq(target_module, module);
            if doc.is_empty() {
                let target_name = if same_module {
                    format!("[`{}`]", target.name)
                } else {
                    format!("`{}`", target.name)
                };
                let what = match &relation.to_field {
                    None => "primary key".to_owned(),
                    Some(name) => format!("`{name}`"),
                };
                doc.push(format!(
                    " The {what} of the {target_name} this row points to (`{}`).",
                    field.name
                ));
            }
            (
                scalar,
                Some(Reference {
                    table: target.table_name(),
                    column: target_column,
                    on_delete: relation.on_delete,
                    on_update: relation.on_update,
                }),
                same_module.then(|| target.name.clone()),
                rust_ident(&format!("{}_id", field.name)),
            )
        }
        kind => {
            let mut scalar = types::scalar(kind).map_err(|type_name| {
                fail(format!(
                    "{type_name} is not supported by the code generator yet"
                ))
            })?;
            if let Some((path, _)) = &choices {
                scalar.rust = path.clone();
                scalar.class = Class::Enum;
            }
            if let Some(db_type) = &field.options.db_type {
                scalar.sql = SqlType::Named(db_type.clone());
            }
            if doc.is_empty() && field.origin == FieldOrigin::Implicit && field.options.primary_key
            {
                doc.push(" The primary key.".to_owned());
            }
            (scalar, None, None, rust_ident(&field.name))
        }
    };
    if let Some(help) = &field.options.help_text {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.extend(doc_lines(Some(help)));
    }
    if let Some(verbose) = &field.options.verbose_name {
        let mut lines = doc_lines(Some(&format!("**{}**", verbose.trim())));
        if !doc.is_empty() {
            lines.push(String::new());
        }
        doc.splice(0..0, lines);
    }
    let nullable = field.options.null;
    let (auto_now, auto_now_add) = types::auto_now(&field.kind);
    let enum_default = match (&field.options.default, &choices) {
        (Some(DefaultValue::EnumVariant { variant, .. }), Some((path, def))) => {
            let found = def
                .variants
                .iter()
                .find(|v| &v.name == variant)
                .ok_or_else(|| fail(format!("`{}` has no variant `{variant}`", def.name)))?;
            Some((
                format!("{path}::{}", rust_ident(&found.name)),
                found.value.clone(),
            ))
        }
        _ => None,
    };
    let rust_default = match &field.options.default {
        None if matches!(field.kind, FieldKind::UUIDField { auto: true }) => {
            Some(types::rust_default(&DefaultValue::Uuid4, &scalar).map_err(fail)?)
        }
        None => None,
        // An expression of one database (`nextval(…)`, a function call) that
        // Rust cannot compute: the insert form asks for the value, and the
        // DDL, written for both databases, leaves it out.
        Some(DefaultValue::Sql(sql)) => {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(format!(
                " The database default `{}` is not applied by Pookie: set the value.",
                sql.replace('`', "'")
            ));
            None
        }
        Some(DefaultValue::EnumVariant { .. }) => match &enum_default {
            Some((path, _)) => Some(RustDefault::Literal(path.clone())),
            None => {
                return Err(fail(
                    "an enum default needs `choices` naming the same enum".into(),
                ))
            }
        },
        Some(default) => {
            let value = types::rust_default(default, &scalar).map_err(fail)?;
            if value == RustDefault::Null && !nullable {
                return Err(fail(
                    "the default is `null` but the field is not `null = true`".into(),
                ));
            }
            Some(value)
        }
    };
    if let Some(pattern) = &field.options.validators.regex {
        if let Err(error) = regex::Regex::new(pattern) {
            return Err(fail(format!("the `regex` does not compile: {error}")));
        }
    }
    let optional = |ty: &str| {
        if nullable {
            format!("{OPTION}<{ty}>")
        } else {
            ty.to_owned()
        }
    };
    let rust_type = optional(&scalar.rust);
    let handle_type = if scalar.class == Class::Enum {
        optional(&format!("super::{}", scalar.rust))
    } else {
        rust_type.clone()
    };
    let db_default = match (&field.options.default, enum_default) {
        (Some(DefaultValue::EnumVariant { .. }), Some((_, value))) => {
            Some(DefaultValue::Str(value))
        }
        (default, _) => default.clone(),
    };
    let column = Column {
        column: field.column_name().unwrap_or_default(),
        field: field.name.clone(),
        ident,
        rust_type,
        handle_type,
        kind: field.kind.clone(),
        blank: field.options.blank,
        validators: field.options.validators.clone(),
        nullable,
        primary_key: field.options.primary_key,
        auto: field.options.primary_key && field.kind.is_auto(),
        unique: field.options.unique || matches!(field.kind, FieldKind::OneToOneField(_)),
        db_index: field.options.db_index,
        editable: field.options.editable,
        default: field.options.default.clone(),
        rust_default,
        db_default,
        auto_now,
        auto_now_add,
        references,
        doc,
        scalar,
        verbose_name: field.options.verbose_name.clone().unwrap_or_else(|| {
            // As PookieDB names the primary key it adds.
            if field.origin == FieldOrigin::Implicit && field.options.primary_key {
                "ID".to_owned()
            } else {
                field.name.replace('_', " ")
            }
        }),
        help_text: field.options.help_text.clone(),
    };
    Ok((column, same_module_target))
}

/// Finds the enum of `choices = name`: in `module` first, then in exactly one
/// other module of the build. Returns the path that names it from the module of
/// `module` (an enum of another file is reached through its sibling module,
/// `super::<file>::<Enum>`: see the crate docs) and its definition.
fn find_enum<'s>(
    schema: &'s Schema,
    module: &'s Module,
    name: &str,
) -> Result<(String, &'s EnumDef), String> {
    if let Some(def) = module.enums.iter().find(|e| e.name == name) {
        return Ok((rust_ident(&def.name), def));
    }
    let found: Vec<(&Module, &EnumDef)> = schema
        .modules
        .iter()
        .filter(|m| !std::ptr::eq(*m, module))
        .filter_map(|m| m.enums.iter().find(|e| e.name == name).map(|e| (m, e)))
        .collect();
    match found.as_slice() {
        [(other, def)] => Ok((
            format!(
                "super::{}::{}",
                rust_ident(&other.name),
                rust_ident(&def.name)
            ),
            def,
        )),
        [] => Err(format!(
            "`choices = {name}` names no enum of this build; declare `enum {name}` in a schema file"
        )),
        several => Err(format!(
            "`choices = {name}` is ambiguous: the schema files {} all declare it; \
             declare it in this file or rename the others",
            several
                .iter()
                .map(|(m, _)| format!("`{}`", m.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Finds a model by name: in `module` first, then in the other modules in order.
pub(crate) fn find_model<'s>(
    schema: &'s Schema,
    module: &'s Module,
    name: &str,
) -> Option<(&'s Module, &'s Model)> {
    std::iter::once(module)
        .chain(schema.modules.iter().filter(|m| !std::ptr::eq(*m, module)))
        .find_map(|m| {
            m.models
                .iter()
                .find(|model| model.name == name)
                .map(|model| (m, model))
        })
}

/// The kind of the column `field` stores: its own, or for a relation the
/// kind of the target's key (or `to_field`), followed through as many
/// relations as it takes (a ForeignKey to a model whose primary key is a
/// OneToOneField stores that key's type).
pub(crate) fn column_kind<'s>(
    schema: &'s Schema,
    module: &'s Module,
    field: &'s Field,
) -> Result<&'s FieldKind, String> {
    let (mut module, mut field) = (module, field);
    // A chain longer than the number of models goes round in a circle.
    let models: usize = schema.modules.iter().map(|m| m.models.len()).sum();
    for _ in 0..=models {
        let (FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation)) = &field.kind
        else {
            return Ok(&field.kind);
        };
        let (target_module, target) = find_model(schema, module, &relation.to)
            .ok_or_else(|| format!("`{}` is not a model of this build", relation.to))?;
        field = match &relation.to_field {
            Some(name) => target.field(name),
            None => target.primary_key(),
        }
        .ok_or_else(|| {
            format!(
                "the {} points to a field of `{}` that does not exist",
                field.kind.type_name(),
                target.name
            )
        })?;
        module = target_module;
    }
    Err("the relation's key points through relations in a circle back to itself".to_owned())
}

/// A model name as lowercase words, as PookieDB names a model without
/// `verbose_name`: `BlogPost` is `blog post`, `HTTPResponse` is `http response`.
/// A capital starts a word when it follows a lowercase letter, or when it is
/// followed by anything but another capital (the end of an acronym).
pub(crate) fn words_of(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut words = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && chars[i - 1].is_lowercase();
            let before_lower = chars.get(i + 1).is_some_and(|next| !next.is_uppercase());
            if i > 0 && (after_lower || before_lower) && !words.ends_with(' ') {
                words.push(' ');
            }
        }
        words.extend(c.to_lowercase());
    }
    words.trim().to_owned()
}

/// Splits a doc comment into rustdoc lines, each starting with one space (as
/// `/// text` does) or empty; carriage returns are dropped (rustdoc rejects them).
pub(crate) fn doc_lines(doc: Option<&str>) -> Vec<String> {
    let Some(doc) = doc else {
        return Vec::new();
    };
    doc.lines()
        .map(|line| {
            let line = line.replace('\r', "");
            let line = line.trim_end();
            let line = line.strip_prefix(' ').unwrap_or(line);
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// The order in which to create the tables: each after the same-module tables it
/// points to, source order otherwise; a cycle falls back to source order.
pub(crate) fn creation_order(tables: &[Table]) -> Vec<usize> {
    let mut done = vec![false; tables.len()];
    let mut order = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let ready = |i: usize| {
            tables[i].depends_on.iter().all(|dep| {
                tables
                    .iter()
                    .zip(&done)
                    .all(|(other, created)| other.name != *dep || *created)
            })
        };
        let next = (0..tables.len())
            .find(|&i| !done[i] && ready(i))
            .or_else(|| (0..tables.len()).find(|&i| !done[i]));
        let Some(next) = next else { break };
        done[next] = true;
        order.push(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::words_of;

    #[test]
    fn model_names_split_into_lowercase_words() {
        assert_eq!(words_of("BlogPost"), "blog post");
        assert_eq!(words_of("Author"), "author");
        assert_eq!(words_of("HTTPResponse"), "http response");
        assert_eq!(words_of("PageV2"), "page v2");
        assert_eq!(words_of("URL"), "url");
    }
}
