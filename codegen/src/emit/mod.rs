//! View models: the IR turned into plain structs of ready-to-paste strings, one
//! per generated item, that the askama templates only loop over. Every decision
//! (names, types, defaults, escaping) is made here, none in the templates.

pub(crate) mod checks;
pub(crate) mod enums;
pub(crate) mod relations;
pub(crate) mod resolve;
pub(crate) mod types;

use std::collections::BTreeSet;

use askama::Template;
use pookie_dialect::Dialect;
use pookie_grammar::ir::{DefaultValue, Module, Schema};
use pookie_grammar::naming::{rust_ident, snake_case};

use self::checks::ValidateView;
use self::enums::EnumView;
use self::relations::Kind;
use self::resolve::{Column, Table};
use self::types::{now_expr, str_lit, Class, RustDefault, OPTION};
use crate::{ddl, sql, Error};

/// The root template: one generated file (one schema module).
#[derive(Template)]
#[template(path = "module.rs", escape = "none")]
pub(crate) struct ModuleView {
    /// The module name (the schema file's stem), as a string literal.
    pub module_name: String,
    /// The `choices` enums, in source order.
    pub enums: Vec<EnumView>,
    /// The concrete models, in source order.
    pub models: Vec<ModelView>,
    /// The struct names of the tables `create_tables` creates, in creation order.
    pub create_order: Vec<String>,
    /// The many-to-many join tables `create_tables` creates after the models' tables.
    pub join_tables: Vec<JoinTableView>,
}

/// A join table to create.
pub(crate) struct JoinTableView {
    /// The database alias, as a string literal.
    pub alias: String,
    /// One list of statements per dialect, as string literals.
    pub statements: Vec<Vec<String>>,
}

/// Everything generated for one model.
pub(crate) struct ModelView {
    /// The struct name.
    pub ident: String,
    /// Doc lines, as string literals.
    pub doc: Vec<String>,
    /// The struct fields.
    pub fields: Vec<FieldView>,
    /// The module of column handles.
    pub module: String,
    /// Its doc, as a string literal.
    pub module_doc: String,
    /// The column handles.
    pub handles: Vec<HandleView>,
    /// The insert form.
    pub form: FormView,
    /// `ModelMeta` values, as literals.
    pub meta: MetaView,
    /// One set of statements per dialect, in the order of `Dialect::ALL`.
    pub sql: Vec<SqlView>,
    /// The number of dialects.
    pub dialects: usize,
    /// The parameters bound by the INSERT, in order.
    pub insert_params: Vec<String>,
    /// Every column as a parameter, in column order.
    pub column_params: Vec<String>,
    /// `RelationMeta` values, as literals.
    pub relations: Vec<RelationView>,
    /// The relation handles of the column module.
    pub relation_handles: Vec<RelationHandleView>,
    /// The `unique` module's keys: what an upsert may detect a conflict on.
    pub unique_keys: Vec<UniqueKeyView>,
    /// The search-index handles of the column module's `search` module.
    pub search_handles: Vec<SearchHandleView>,
    /// The relation accessors of the inherent impl.
    pub accessors: Vec<AccessorView>,
    /// The parameters bound by the UPDATE (the primary key last).
    pub update_params: Vec<String>,
    /// The validation of the model.
    pub validate: ValidateView,
    /// The primary-key field (the first of a composite key).
    pub pk_ident: String,
    /// The primary key's Rust type: a tuple for a composite key.
    pub pk_type: String,
    /// For a composite key: the parameters of the fields of the key, in key
    /// order (`push_pk_params`); empty for a one-field key.
    pub key_params: Vec<String>,
    /// For a composite key: the parameters of the elements of the tuple `pk`
    /// that `get` takes; empty for a one-field key.
    pub get_params: Vec<String>,
    /// Whether the INSERT returns the primary key.
    pub auto_pk: bool,
    /// `self.<field> = <expr>;` in `touch_auto_now`.
    pub touch: Vec<Assign>,
    /// Doc lines of `objects`, `get` … as string literals.
    pub method_docs: MethodDocs,
}

/// A struct field.
pub(crate) struct FieldView {
    /// The field name.
    pub ident: String,
    /// Its type.
    pub ty: String,
    /// Doc lines, as string literals.
    pub doc: Vec<String>,
    /// The expression that reads it from `row`.
    pub read: String,
    /// The expression that reads it from `row` at the index in `index`, for
    /// `from_partial_row`.
    pub read_partial: String,
    /// What `from_partial_row` puts in the field when it was not loaded: a
    /// value, or an early return of an error for a type without one.
    pub placeholder: String,
}

/// A `pub const` column handle.
pub(crate) struct HandleView {
    /// The constant's name.
    pub ident: String,
    /// The value type.
    pub ty: String,
    /// The table, as a string literal.
    pub table: String,
    /// The column, as a string literal.
    pub column: String,
    /// The doc line, as a string literal.
    pub doc: String,
}

/// A `pub const` of the `unique` module: a set of columns unique together.
pub(crate) struct UniqueKeyView {
    /// The constant's name: the fields' names joined by `_and_`.
    pub ident: String,
    /// The columns, as a slice of string literals.
    pub columns: String,
    /// The doc line, as a string literal.
    pub doc: String,
}

/// The insert form `New<Model>`.
pub(crate) struct FormView {
    /// The form's name.
    pub ident: String,
    /// Doc lines, as string literals.
    pub doc: Vec<String>,
    /// `<__T0 = <type of the field>, …>` or empty: written without
    /// parameters, the form's type is the complete form.
    pub generics_decl: String,
    /// The form with every required field unset: `NewAuthor<author::MissingField_name, …>`.
    pub empty: String,
    /// The marker types of the required fields, in parameter order
    /// (`MissingField_name`), defined in the column module.
    pub missing: Vec<String>,
    /// `<__T0, …>` or empty.
    pub generics: String,
    /// The fields of the form.
    pub fields: Vec<FormFieldView>,
    /// The type `create` accepts: every required field set.
    pub complete: String,
    /// The setters.
    pub setters: Vec<SetterView>,
    /// The initialisers of the model in `into_model`.
    pub into_model: Vec<Assign>,
    /// Whether `into_model` reads `now`.
    pub uses_now: bool,
    /// Setters taking the related instance of a foreign key.
    pub instance_setters: Vec<InstanceSetterView>,
    /// The arms of `Insert::sets_column` for the optional fields: a column
    /// position and whether the form sets it.
    pub sets_column: Vec<Assign>,
    /// Its answer for every other column: whether it is a required one
    /// (`[1, 2].contains(&column)`, or `false`).
    pub always_set: String,
}

/// A field of the insert form.
pub(crate) struct FormFieldView {
    /// The field name.
    pub ident: String,
    /// Its type in the form (`__T0`, or `Option<field type>`).
    pub ty: String,
    /// Its value in `new()`.
    pub empty: String,
}

/// A setter of the insert form.
pub(crate) struct SetterView {
    /// The method name (the field name).
    pub ident: String,
    /// The doc line, as a string literal.
    pub doc: String,
    /// The trait `value` implements: `::pookie::IntoField<field type>`, or
    /// `::pookie::IntoArray<element type>` for a non-null ArrayField.
    pub bound: String,
    /// The conversion of `value` into the field's type.
    pub convert: String,
    /// A required field: the setter changes the form's type.
    pub required: bool,
    /// For a required field: the form type it returns.
    pub returns: String,
    /// For a required field: every field of the new form.
    pub moved: Vec<Assign>,
}

/// `ident: expr` (a struct literal field) or `self.ident = expr`.
pub(crate) struct Assign {
    /// The field.
    pub ident: String,
    /// The value.
    pub expr: String,
}

/// The values of `ModelMeta`.
pub(crate) struct MetaView {
    /// The model name.
    pub name: String,
    /// The table.
    pub table: String,
    /// The database alias.
    pub db_alias: String,
    /// The primary-key column (the first of a composite key).
    pub pk_column: String,
    /// The primary-key columns, in key order.
    pub pk_columns: Vec<String>,
    /// Every column, in select order.
    pub columns: Vec<String>,
    /// The columns of a type of their own (`db_type`), selected as text.
    pub text_columns: Vec<String>,
    /// The default ordering.
    pub ordering: Vec<OrderView>,
    /// The verbose name, as a string literal.
    pub verbose_name: String,
    /// The plural verbose name, as a string literal.
    pub verbose_name_plural: String,
    /// One `FieldMeta` per field, in declaration order.
    pub fields: Vec<FieldMetaView>,
}

/// A `FieldMeta`, as literals.
pub(crate) struct FieldMetaView {
    /// The field name.
    pub name: String,
    /// The column.
    pub column: String,
    /// The field type name.
    pub field_type: String,
    /// The verbose name.
    pub verbose_name: String,
    /// `Some("…")` or `None`.
    pub help_text: String,
    /// `null = true`.
    pub null: bool,
    /// `blank = true`.
    pub blank: bool,
    /// Written by `save`.
    pub editable: bool,
    /// The primary key.
    pub primary_key: bool,
    /// Unique.
    pub unique: bool,
}

/// A `RelationMeta`, as literals.
pub(crate) struct RelationView {
    /// The accessor name.
    pub name: String,
    /// The `RelationKind` variant.
    pub kind: String,
    /// This model's column.
    pub column: String,
    /// Its position.
    pub column_index: usize,
    /// The target's own function returning its `ModelMeta`: a named function
    /// per model, not a closure, because the compiler counts every closure's
    /// `call_once` shim as one function, and a chain of relations between
    /// closures then exceeds its recursion limit after about 130 models.
    pub target: String,
    /// The target table.
    pub target_table: String,
    /// The target column.
    pub target_column: String,
    /// Its position.
    pub target_column_index: usize,
    /// `Some(Through { … })` or `None`.
    pub through: String,
    /// Whether the key column accepts NULL.
    pub nullable: bool,
    /// The `OnDelete` variant.
    pub on_delete: String,
}

/// A `pub const` relation handle.
pub(crate) struct RelationHandleView {
    /// The constant's name.
    pub ident: String,
    /// Its type, from the column module.
    pub ty: String,
    /// The handle type's name (`ForeignKey`, …).
    pub handle: &'static str,
    /// The relation's position in `META.relations`.
    pub index: usize,
    /// The doc line, as a string literal.
    pub doc: String,
}

/// A `pub const` search-index handle.
pub(crate) struct SearchHandleView {
    /// The constant's name: the index name.
    pub ident: String,
    /// The table, the index name, the configuration and the key column, as
    /// string literals.
    pub table: String,
    pub name: String,
    pub config: String,
    pub key: String,
    /// The indexed columns, as string literals.
    pub columns: Vec<String>,
    /// The doc line, as a string literal.
    pub doc: String,
}

/// An accessor method of a relation.
pub(crate) struct AccessorView {
    /// The method name.
    pub ident: String,
    /// The doc lines, as string literals.
    pub doc: Vec<String>,
    /// Whether it takes the database.
    pub takes_db: bool,
    /// Its return type.
    pub returns: String,
    /// Its body.
    pub body: String,
}

/// An insert-form setter that takes the related instance.
pub(crate) struct InstanceSetterView {
    /// The method name (the relation field's name).
    pub ident: String,
    /// The doc line, as a string literal.
    pub doc: String,
    /// The related model's struct.
    pub target: String,
    /// The return type.
    pub returns: String,
    /// The key setter it calls.
    pub key_setter: String,
    /// The field of the related instance holding the key.
    pub key_field: String,
}

/// An `OrderTerm`.
pub(crate) struct OrderView {
    /// The column, as a string literal.
    pub column: String,
    /// `true` or `false`.
    pub descending: bool,
}

/// The fixed statements of one dialect, as string literals.
pub(crate) struct SqlView {
    /// The select list.
    pub select: String,
    /// Get by primary key.
    pub get_by_pk: String,
    /// Insert.
    pub insert: String,
    /// Update by primary key.
    pub update_by_pk: String,
    /// Delete by primary key.
    pub delete_by_pk: String,
    /// Create table, then indexes.
    pub create_table: Vec<String>,
    /// Drop table.
    pub drop_table: String,
}

/// Doc lines of the inherent methods, as string literals.
pub(crate) struct MethodDocs {
    /// `objects`.
    pub objects: String,
}

/// The column module of a model: its name in snake_case (`BlogPost` →
/// `blog_post`). A model named in lowercase (`type`, `post`) would give its
/// module the name of its struct, so that module is `<name>_columns`.
pub(crate) fn column_module(name: &str) -> String {
    let snake = snake_case(name);
    if snake == name {
        rust_ident(&format!("{snake}_columns"))
    } else {
        rust_ident(&snake)
    }
}

/// Builds the view of one module, checking first that everything in it is supported.
pub(crate) fn module_view(
    schema: &Schema,
    incoming: &relations::Incoming<'_>,
    module: &Module,
) -> Result<ModuleView, Error> {
    let enums: Vec<EnumView> = module.enums.iter().map(enums::enum_view).collect();
    let tables = module
        .models
        .iter()
        .filter(|model| !model.is_abstract)
        .map(|model| resolve::table(schema, module, model))
        .collect::<Result<Vec<Table>, Error>>()?;

    let mut type_names: BTreeSet<String> = enums.iter().map(|e| e.ident.clone()).collect();
    let mut models = Vec::with_capacity(tables.len());
    for (table, model) in tables
        .iter()
        .zip(module.models.iter().filter(|model| !model.is_abstract))
    {
        let relations = relations::relations(schema, incoming, module, model)?;
        let view = model_view(
            module,
            table,
            &relations,
            resolve::doc_lines(model.doc.as_deref()),
        )?;
        for name in [&view.ident, &view.form.ident, &view.module] {
            if !type_names.insert(name.clone()) {
                return Err(Error::unsupported(
                    &module.name,
                    format!("model `{}`", table.name),
                    format!("the generated name `{name}` is already taken by another item of the module"),
                ));
            }
        }
        models.push(view);
    }
    let create_order = resolve::creation_order(&tables)
        .into_iter()
        .filter(|&i| tables[i].managed)
        .map(|i| tables[i].ident.clone())
        .collect();
    let mut join_tables = Vec::new();
    for (table, model) in tables
        .iter()
        .zip(module.models.iter().filter(|model| !model.is_abstract))
    {
        for join in relations::join_tables(schema, module, model, &table.db_alias)? {
            join_tables.push(JoinTableView {
                alias: str_lit(&join.db_alias),
                statements: Dialect::ALL
                    .iter()
                    .map(|&dialect| {
                        ddl::create_join_table(dialect, &join)
                            .iter()
                            .map(|s| str_lit(s))
                            .collect()
                    })
                    .collect(),
            });
        }
    }
    Ok(ModuleView {
        module_name: str_lit(&module.name),
        enums,
        models,
        create_order,
        join_tables,
    })
}

fn model_view(
    module: &Module,
    table: &Table,
    relations: &[relations::Relation],
    doc: Vec<String>,
) -> Result<ModelView, Error> {
    let ident = table.ident.clone();
    let name = &table.name;
    let pk = table.pk();
    let link = |field: &Column| {
        format!(
            "[`{name}::{}`](super::{ident}::{})",
            plain(&field.ident),
            field.ident
        )
    };

    let fields = table
        .columns
        .iter()
        .enumerate()
        .map(|(index, c)| FieldView {
            ident: c.ident.clone(),
            ty: c.rust_type.clone(),
            doc: c.doc.iter().map(|l| str_lit(l)).collect(),
            read: read_expr(c, index),
            read_partial: read_expr(c, "index"),
            placeholder: placeholder_expr(name, c),
        })
        .collect();

    let mut handles = Vec::with_capacity(table.columns.len() + 1);
    // A composite key has no one column to stand for it.
    if !table.composite_pk() && table.columns.iter().all(|c| c.ident != "pk") {
        handles.push(HandleView {
            ident: "pk".into(),
            ty: pk.handle_type.clone(),
            table: str_lit(&table.table),
            column: str_lit(&pk.column),
            doc: str_lit(&format!(" The primary key of [`{name}`](super::{ident}).")),
        });
    }
    for c in &table.columns {
        handles.push(HandleView {
            ident: c.ident.clone(),
            ty: c.handle_type.clone(),
            table: str_lit(&table.table),
            column: str_lit(&c.column),
            doc: str_lit(&format!(" {}.", link(c))),
        });
    }

    let mut handles_taken: BTreeSet<String> = handles.iter().map(|h| h.ident.clone()).collect();
    let sql = Dialect::ALL
        .iter()
        .map(|&dialect| {
            let statements = sql::statements(dialect, table);
            SqlView {
                select: str_lit(&statements.select),
                get_by_pk: str_lit(&statements.get_by_pk),
                insert: str_lit(&statements.insert),
                update_by_pk: str_lit(&statements.update_by_pk),
                delete_by_pk: str_lit(&statements.delete_by_pk),
                create_table: ddl::create_table(dialect, table)
                    .iter()
                    .map(|s| str_lit(s))
                    .collect(),
                drop_table: str_lit(&statements.drop_table),
            }
        })
        .collect();

    let mut update_params: Vec<String> = table.update_columns().map(param_expr).collect();
    if !update_params.is_empty() {
        update_params.extend(table.pk_columns().map(param_expr));
    }
    let (pk_type, key_params, get_params) = if table.composite_pk() {
        let types: Vec<&str> = table.pk_columns().map(|c| c.rust_type.as_str()).collect();
        (
            format!("({})", types.join(", ")),
            table.pk_columns().map(param_expr).collect(),
            (0..types.len())
                .map(|i| format!("::pookie::ToParam::to_param(&pk.{i})"))
                .collect(),
        )
    } else {
        (pk.rust_type.clone(), Vec::new(), Vec::new())
    };

    let touch = table
        .columns
        .iter()
        .filter(|c| c.auto_now)
        .filter_map(|c| {
            now_value(c).map(|expr| Assign {
                ident: c.ident.clone(),
                expr,
            })
        })
        .collect();

    Ok(ModelView {
        doc: doc.iter().map(|l| str_lit(l)).collect(),
        fields,
        module: column_module(name),
        module_doc: str_lit(&format!(
            " Typed column handles of [`{name}`], for filters, ordering and updates."
        )),
        handles,
        form: form_view(module, table, relations)?,
        meta: MetaView {
            name: str_lit(name),
            table: str_lit(&table.table),
            db_alias: str_lit(&table.db_alias),
            pk_column: str_lit(&pk.column),
            pk_columns: table.pk_columns().map(|c| str_lit(&c.column)).collect(),
            columns: table.columns.iter().map(|c| str_lit(&c.column)).collect(),
            text_columns: table
                .columns
                .iter()
                .filter(|c| c.reads_as_text())
                .map(|c| str_lit(&c.column))
                .collect(),
            ordering: table
                .ordering
                .iter()
                .map(|(column, descending)| OrderView {
                    column: str_lit(column),
                    descending: *descending,
                })
                .collect(),
            verbose_name: str_lit(&table.verbose_name),
            verbose_name_plural: str_lit(&table.verbose_name_plural),
            fields: table.columns.iter().map(field_meta).collect(),
        },
        sql,
        dialects: Dialect::ALL.len(),
        insert_params: table.insert_columns().map(param_expr).collect(),
        column_params: table.columns.iter().map(param_expr).collect(),
        relations: relations.iter().map(relation_view).collect(),
        relation_handles: relation_handles(&module.name, table, relations, &mut handles_taken)?,
        unique_keys: unique_keys(table),
        search_handles: search_handles(table),
        accessors: accessors(table, relations),
        update_params,
        validate: checks::validate_view(table, param_expr),
        pk_ident: pk.ident.clone(),
        pk_type,
        key_params,
        get_params,
        auto_pk: table.auto_pk(),
        touch,
        method_docs: MethodDocs {
            objects: str_lit(&format!(
                " Every row of [`{name}`], in the model's default ordering: the start of every query."
            )),
        },
        ident,
    })
}

/// The model's unique keys, the primary key first: one constant each, named
/// after its fields as the schema names them (`slug`, `country_and_year`).
fn unique_keys(table: &Table) -> Vec<UniqueKeyView> {
    let mut sets: Vec<&[usize]> = vec![&table.pk];
    sets.extend(
        table
            .unique_sets
            .iter()
            .map(Vec::as_slice)
            .filter(|set| *set != table.pk.as_slice()),
    );
    sets.into_iter()
        .map(|set| {
            let columns: Vec<&Column> = set.iter().map(|&i| &table.columns[i]).collect();
            let ident = rust_ident(
                &columns
                    .iter()
                    .map(|c| c.field.as_str())
                    .collect::<Vec<_>>()
                    .join("_and_"),
            );
            let fields: Vec<String> = columns.iter().map(|c| format!("`{}`", c.field)).collect();
            UniqueKeyView {
                ident,
                columns: format!(
                    "&[{}]",
                    columns
                        .iter()
                        .map(|c| str_lit(&c.column))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                doc: str_lit(&if set == table.pk.as_slice() {
                    format!(" The primary key: {}.", fields.join(" and "))
                } else if fields.len() == 1 {
                    format!(" Unique: {}.", fields[0])
                } else {
                    format!(" Unique together: {}.", fields.join(" and "))
                }),
            }
        })
        .collect()
}

fn field_meta(column: &Column) -> FieldMetaView {
    FieldMetaView {
        name: str_lit(&column.field),
        column: str_lit(&column.column),
        field_type: str_lit(column.kind.type_name()),
        verbose_name: str_lit(&column.verbose_name),
        help_text: match &column.help_text {
            Some(help) => format!("{OPTION}::Some({})", str_lit(help)),
            None => format!("{OPTION}::None"),
        },
        null: column.nullable,
        blank: column.blank,
        editable: column.editable,
        primary_key: column.primary_key,
        unique: column.unique,
    }
}

/// The parameter of `self.<field>`. A JSON field of the user's type is
/// serialized through `serde`; every other type implements `ToParam`.
fn param_expr(column: &Column) -> String {
    let field = &column.ident;
    match (column.scalar.class, column.nullable) {
        (Class::Json { typed: true }, false) => format!("::pookie::json_param(&self.{field})"),
        (Class::Json { typed: true }, true) => format!(
            "match &self.{field} {{ {OPTION}::Some(value) => ::pookie::json_param(value), {OPTION}::None => ::pookie::Param::Null }}"
        ),
        _ => format!("::pookie::ToParam::to_param(&self.{field})"),
    }
}

/// What an unloaded field holds in an instance built by `from_partial_row`.
/// `Partial` never lets it be read; a `choices` enum has no `Default`, so its
/// first variant stands in, and a typed JSON value has none at all.
fn placeholder_expr(model: &str, column: &Column) -> String {
    if column.nullable {
        return format!("{OPTION}::None");
    }
    match column.scalar.class {
        Class::Enum => format!("{}::ALL[0]", column.scalar.rust),
        Class::Json { typed: true } => format!(
            "return ::core::result::Result::Err(::pookie::__private::no_placeholder({}, {}))",
            str_lit(model),
            str_lit(&column.field)
        ),
        _ => "::core::default::Default::default()".to_owned(),
    }
}

/// The expression that reads column `index` of `row` into the field's type.
fn read_expr(column: &Column, index: impl std::fmt::Display) -> String {
    match (column.scalar.class, column.nullable) {
        (Class::Json { typed: true }, false) => format!(
            "row.get::<::pookie::Json<{}>>({index})?.0",
            column.scalar.rust
        ),
        (Class::Json { typed: true }, true) => format!(
            "row.get::<{OPTION}<::pookie::Json<{}>>>({index})?.map(|json| json.0)",
            column.scalar.rust
        ),
        _ => format!("row.get({index})?"),
    }
}

/// How a field enters the insert form.
enum Entry {
    /// Not in the form: the value comes from this expression.
    Absent(String),
    /// A required field.
    Required,
    /// An optional field; the expression turns `self.<field>` into the value.
    Optional(String),
}

fn entry(column: &Column) -> Entry {
    if column.auto {
        return Entry::Absent("::core::default::Default::default()".into());
    }
    if column.auto_now || column.auto_now_add {
        if let Some(expr) = now_value(column) {
            return Entry::Absent(expr);
        }
    }
    let some = |expr: &str| {
        if column.nullable {
            format!("{OPTION}::Some({expr})")
        } else {
            expr.to_owned()
        }
    };
    let field = &column.ident;
    match &column.rust_default {
        Some(RustDefault::Literal(expr)) => {
            Entry::Optional(format!("self.{field}.unwrap_or({})", some(expr)))
        }
        Some(RustDefault::Computed(expr)) => {
            Entry::Optional(format!("self.{field}.unwrap_or_else(|| {})", some(expr)))
        }
        Some(RustDefault::Null) => {
            Entry::Optional(format!("self.{field}.unwrap_or({OPTION}::None)"))
        }
        Some(RustDefault::TypeDefault) if column.nullable => Entry::Optional(format!(
            "self.{field}.unwrap_or_else(|| {OPTION}::Some(::core::default::Default::default()))"
        )),
        Some(RustDefault::TypeDefault) => {
            Entry::Optional(format!("self.{field}.unwrap_or_default()"))
        }
        Some(RustDefault::Call(path)) if column.nullable => Entry::Optional(format!(
            "self.{field}.unwrap_or_else(|| {OPTION}::Some({path}()))"
        )),
        Some(RustDefault::Call(path)) => {
            Entry::Optional(format!("self.{field}.unwrap_or_else({path})"))
        }
        None if column.nullable => {
            Entry::Optional(format!("self.{field}.unwrap_or({OPTION}::None)"))
        }
        None => Entry::Required,
    }
}

/// The value of an `auto_now` / `auto_now_add` field at `now`.
fn now_value(column: &Column) -> Option<String> {
    now_expr(column.scalar.class).map(|now| {
        if column.nullable {
            format!("{OPTION}::Some({now})")
        } else {
            now.to_owned()
        }
    })
}

fn form_view(
    module: &Module,
    table: &Table,
    relations: &[relations::Relation],
) -> Result<FormView, Error> {
    let name = &table.name;
    let ident = format!("New{name}");
    let entries: Vec<(&Column, Entry)> = table.columns.iter().map(|c| (c, entry(c))).collect();
    let required: Vec<&Column> = entries
        .iter()
        .filter(|(_, e)| matches!(e, Entry::Required))
        .map(|(c, _)| *c)
        .collect();
    let params: Vec<String> = (0..required.len()).map(|i| format!("__T{i}")).collect();
    let angle = |items: &[String]| {
        if items.is_empty() {
            String::new()
        } else {
            format!("<{}>", items.join(", "))
        }
    };

    // An unset required field has a marker type named after it, so that the
    // compile error of an incomplete form names what is missing.
    let column_module = column_module(name);
    let marker = |column: &Column| format!("MissingField_{}", plain(&column.ident));
    let mut fields = Vec::new();
    let mut into_model = Vec::new();
    let mut uses_now = false;
    let mut always_set = Vec::new();
    let mut sets_column = Vec::new();
    for (index, (column, entry)) in entries.iter().enumerate() {
        match entry {
            Entry::Absent(_) => {}
            Entry::Required => always_set.push(index.to_string()),
            Entry::Optional(_) => sets_column.push(Assign {
                ident: index.to_string(),
                expr: format!("self.{}.is_some()", column.ident),
            }),
        }
        let expr = match entry {
            Entry::Absent(expr) => expr.clone(),
            Entry::Required => format!("self.{}", column.ident),
            Entry::Optional(expr) => expr.clone(),
        };
        uses_now |= uses_now_value(column);
        into_model.push(Assign {
            ident: column.ident.clone(),
            expr,
        });
        match entry {
            Entry::Absent(_) => {}
            Entry::Required => {
                let position = required
                    .iter()
                    .position(|c| c.ident == column.ident)
                    .unwrap_or(0);
                fields.push(FormFieldView {
                    ident: column.ident.clone(),
                    ty: params[position].clone(),
                    empty: format!("{column_module}::{}", marker(column)),
                });
            }
            Entry::Optional(_) => fields.push(FormFieldView {
                ident: column.ident.clone(),
                ty: format!("{OPTION}<{}>", column.rust_type),
                empty: format!("{OPTION}::None"),
            }),
        }
    }
    for method in ["new", "save"] {
        if fields.iter().any(|f| f.ident == method) {
            return Err(Error::unsupported(
                &module.name,
                format!("model `{name}`, field `{method}`"),
                format!("a field named `{method}` clashes with the method `{method}` of the insert form `New{name}`"),
            ));
        }
    }

    let setters: Vec<SetterView> = fields
        .iter()
        .map(|f| {
            let column = table.columns.iter().find(|c| c.ident == f.ident);
            let value_ty = column.map(|c| c.rust_type.clone()).unwrap_or_default();
            let doc = str_lit(&format!(" Sets [`{name}::{}`].", plain(&f.ident)));
            // A list takes anything that iterates over its elements (arrays,
            // slices, vectors, iterators); a nullable one takes an Option.
            let element = column
                .filter(|c| c.scalar.class == Class::Array && !c.nullable)
                .and_then(|c| c.rust_type.strip_prefix("::std::vec::Vec<"))
                .and_then(|rest| rest.strip_suffix('>'));
            let (bound, convert) = match element {
                Some(element) => (
                    format!("::pookie::IntoArray<{element}>"),
                    "::pookie::IntoArray::into_array(value)".to_owned(),
                ),
                None => (
                    format!("::pookie::IntoField<{value_ty}>"),
                    "::pookie::IntoField::into_field(value)".to_owned(),
                ),
            };
            match required.iter().position(|c| c.ident == f.ident) {
                Some(position) => {
                    let mut returned = params.clone();
                    returned[position] = value_ty.clone();
                    SetterView {
                        ident: f.ident.clone(),
                        doc,
                        required: true,
                        returns: format!("{ident}{}", angle(&returned)),
                        moved: fields
                            .iter()
                            .map(|other| Assign {
                                ident: other.ident.clone(),
                                expr: if other.ident == f.ident {
                                    convert.clone()
                                } else {
                                    format!("self.{}", other.ident)
                                },
                            })
                            .collect(),
                        bound,
                        convert,
                    }
                }
                None => SetterView {
                    ident: f.ident.clone(),
                    doc,
                    bound,
                    convert,
                    required: false,
                    returns: String::new(),
                    moved: Vec::new(),
                },
            }
        })
        .collect();

    let required_names: Vec<String> = required
        .iter()
        .map(|c| format!("`{}`", plain(&c.ident)))
        .collect();
    let doc = if required_names.is_empty() {
        vec![
            format!(" The fields of a new [`{name}`]: every field is optional; `save` it"),
            " (or pass it to [`QuerySet::create`](::pookie::QuerySet::create)).".to_owned(),
        ]
    } else {
        vec![
            format!(
                " The fields of a new [`{name}`]: set every required field ({}),",
                required_names.join(", ")
            ),
            " then `save` it (or pass it to [`QuerySet::create`](::pookie::QuerySet::create))."
                .to_owned(),
            format!(" Written without parameters, `{ident}` is the type of the complete form."),
        ]
    };
    let complete: Vec<String> = required.iter().map(|c| c.rust_type.clone()).collect();
    let instance_setters = relations
        .iter()
        .filter(|r| matches!(r.kind, Kind::ForeignKey | Kind::OneToOne))
        .filter_map(|relation| {
            let column = table.columns.get(relation.column_index)?;
            let setter = setters
                .iter()
                .find(|s: &&SetterView| s.ident == column.ident)?;
            if fields.iter().any(|f| f.ident == relation.ident) {
                return None;
            }
            let (key_field, key_nullable) = relation.target_field.as_ref()?;
            // A NOT NULL key cannot take a referenced value that can be NULL
            // (`to_field` on a nullable unique field): the key's own setter
            // takes the value instead.
            if *key_nullable && !relation.nullable {
                return None;
            }
            Some(InstanceSetterView {
                ident: relation.ident.clone(),
                doc: str_lit(&format!(
                    " Sets [`{name}::{}`] to the key of `value`.",
                    plain(&column.ident)
                )),
                target: relation.target_path.clone(),
                returns: if setter.required {
                    setter.returns.clone()
                } else {
                    "Self".to_owned()
                },
                key_setter: setter.ident.clone(),
                key_field: key_field.clone(),
            })
        })
        .collect();
    Ok(FormView {
        instance_setters,
        doc: doc.iter().map(|l| str_lit(l)).collect(),
        generics_decl: angle(
            &params
                .iter()
                .zip(&complete)
                .map(|(p, ty)| format!("{p} = {ty}"))
                .collect::<Vec<_>>(),
        ),
        empty: format!(
            "{ident}{}",
            angle(
                &required
                    .iter()
                    .map(|c| format!("{column_module}::{}", marker(c)))
                    .collect::<Vec<_>>()
            )
        ),
        missing: required.iter().map(|c| marker(c)).collect(),
        generics: angle(&params),
        fields,
        complete: format!("{ident}{}", angle(&complete)),
        setters,
        into_model,
        uses_now,
        sets_column,
        always_set: if always_set.is_empty() {
            "false".to_owned()
        } else {
            format!("[{}].contains(&column)", always_set.join(", "))
        },
        ident,
    })
}

/// Whether the value of `column` in `into_model` reads the variable `now`.
fn uses_now_value(column: &Column) -> bool {
    !column.auto
        && now_expr(column.scalar.class).is_some()
        && (column.auto_now || column.auto_now_add || column.default == Some(DefaultValue::Now))
}

/// A Rust identifier without its `r#` prefix, for prose.
fn plain(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

fn relation_view(relation: &relations::Relation) -> RelationView {
    let through = match &relation.join {
        None => format!("{OPTION}::None"),
        Some(join) => format!(
            "{OPTION}::Some(::pookie::Through {{ table: {}, source_column: {}, target_column: {}, model: {} }})",
            str_lit(&join.table),
            str_lit(&join.source_column),
            str_lit(&join.target_column),
            match &join.model {
                Some(model) => format!("{OPTION}::Some({})", str_lit(model)),
                None => format!("{OPTION}::None"),
            }
        ),
    };
    RelationView {
        name: str_lit(&relation.name),
        kind: relation.kind.variant().to_owned(),
        column: str_lit(&relation.column),
        column_index: relation.column_index,
        target: format!("<{}>::__pookie_meta", relation.target_path),
        target_table: str_lit(&relation.target_table),
        target_column: str_lit(&relation.target_column),
        target_column_index: relation.target_column_index,
        through,
        nullable: relation.nullable,
        on_delete: on_delete_variant(relation.on_delete).to_owned(),
    }
}

fn on_delete_variant(on_delete: pookie_grammar::ir::OnDelete) -> &'static str {
    use pookie_grammar::ir::OnDelete;
    match on_delete {
        OnDelete::Cascade => "Cascade",
        OnDelete::SetNull => "SetNull",
        OnDelete::SetDefault => "SetDefault",
        OnDelete::Protect => "Protect",
        OnDelete::Restrict => "Restrict",
        OnDelete::DoNothing => "DoNothing",
    }
}

/// The handles of the column module, checked against the column handles.
fn relation_handles(
    module: &str,
    table: &Table,
    relations: &[relations::Relation],
    taken: &mut BTreeSet<String>,
) -> Result<Vec<RelationHandleView>, Error> {
    let name = &table.name;
    relations
        .iter()
        .enumerate()
        .map(|(index, relation)| {
            if !taken.insert(relation.ident.clone()) {
                return Err(Error::unsupported(
                    module,
                    format!("model `{name}`"),
                    format!(
                        "the relation accessor `{}` has the name of another field or relation of the model; \
                         give the relation a different `related_name`",
                        relation.name
                    ),
                ));
            }
            let target = format!("super::{}", relation.target_path);
            let what = match relation.kind {
                Kind::ForeignKey | Kind::OneToOne => format!(
                    " The [`{}`](super::{}) that [`{name}::{}`](super::{}::{}) points to: filter, order and load through it.",
                    relation.target, relation.target_path, plain(&relation.ident), table.ident, relation.ident
                ),
                _ => format!(
                    " The [`{}`](super::{}) rows of [`{name}::{}`](super::{}::{}): filter and load through them.",
                    relation.target, relation.target_path, plain(&relation.ident), table.ident, relation.ident
                ),
            };
            Ok(RelationHandleView {
                ident: relation.ident.clone(),
                ty: format!(
                    "::pookie::{}<super::{}, {target}>",
                    relation.kind.handle(),
                    table.ident
                ),
                handle: relation.kind.handle(),
                index,
                doc: str_lit(&what),
            })
        })
        .collect()
}

/// The handles of `table`'s search indexes.
fn search_handles(table: &Table) -> Vec<SearchHandleView> {
    table
        .search_indexes
        .iter()
        .map(|index| {
            let fields: Vec<String> = index.columns.iter().map(|c| format!("`{c}`")).collect();
            SearchHandleView {
                ident: rust_ident(&index.name),
                table: str_lit(&index.table),
                name: str_lit(&index.name),
                config: str_lit(&index.config),
                key: str_lit(&index.key),
                columns: index.columns.iter().map(|c| str_lit(c)).collect(),
                doc: str_lit(&format!(
                    " The full-text search index over {} of [`{}`](super::super::{}) (configuration `{}`).",
                    fields.join(", "),
                    table.name,
                    table.ident,
                    index.config
                )),
            }
        })
        .collect()
}

/// The accessor methods of `table`'s relations.
fn accessors(table: &Table, relations: &[relations::Relation]) -> Vec<AccessorView> {
    let module = column_module(&table.name);
    relations
        .iter()
        .flat_map(|relation| {
            let target = &relation.target_path;
            let handle = format!("{module}::{}", relation.ident);
            let (takes_db, returns, body, doc) = match relation.kind {
                Kind::ForeignKey | Kind::OneToOne if relation.nullable => (
                    true,
                    format!("::pookie::Result<{OPTION}<::std::borrow::Cow<'_, {target}>>>"),
                    format!("::pookie::relations::fetch_related_optional(self, {handle}, db)"),
                    vec![
                        format!(" The [`{}`] this row points to through `{}`, or `None` when the key is NULL.", relation.target, relation.name),
                        " One query, unless `select_related` or `prefetch_related` loaded it.".to_owned(),
                    ],
                ),
                Kind::ForeignKey | Kind::OneToOne => (
                    true,
                    format!("::pookie::Result<::std::borrow::Cow<'_, {target}>>"),
                    format!("::pookie::relations::fetch_related(self, {handle}, db)"),
                    vec![
                        format!(" The [`{}`] this row points to through `{}`.", relation.target, relation.name),
                        " One query, unless `select_related` or `prefetch_related` loaded it.".to_owned(),
                    ],
                ),
                Kind::ReverseOneToOne => (
                    true,
                    format!("::pookie::Result<::std::borrow::Cow<'_, {target}>>"),
                    format!("::pookie::relations::fetch_reverse_one(self, {handle}, db)"),
                    vec![
                        format!(" The [`{}`] whose one-to-one field points to this row, or", relation.target),
                        " [`Error::DoesNotExist`](::pookie::Error::DoesNotExist) when there is none.".to_owned(),
                    ],
                ),
                Kind::ReverseForeignKey => (
                    false,
                    format!("::pookie::RelatedSet<'_, Self, {target}>"),
                    format!("::pookie::RelatedSet::new(self, {handle})"),
                    vec![format!(
                        " The [`{}`] rows that point to this row: a query set to filter, order and count.",
                        relation.target
                    )],
                ),
                Kind::ManyToMany => (
                    false,
                    format!("::pookie::ManyRelated<'_, Self, {target}>"),
                    format!("::pookie::ManyRelated::new(self, {handle})"),
                    vec![format!(
                        " The [`{}`] rows related to this one through `{}`: read, add, remove, set, clear.",
                        relation.target,
                        relation.join.as_ref().map_or("", |j| j.table.as_str())
                    )],
                ),
            };
            let accessor = AccessorView {
                ident: relation.ident.clone(),
                doc: doc.iter().map(|l| str_lit(l)).collect(),
                takes_db,
                returns,
                body,
            };
            // A reverse one-to-one may well be absent: offer it as an Option too.
            let or_none = (relation.kind == Kind::ReverseOneToOne).then(|| AccessorView {
                ident: format!("{}_or_none", plain(&relation.ident)),
                doc: vec![
                    str_lit(&format!(" The [`{}`] whose one-to-one field points to this row, or `None`", relation.target)),
                    str_lit(" when there is none."),
                ],
                takes_db: true,
                returns: format!("::pookie::Result<{OPTION}<::std::borrow::Cow<'_, {target}>>>"),
                body: format!("::pookie::relations::fetch_reverse_one_or_none(self, {handle}, db)"),
            });
            std::iter::once(accessor).chain(or_none)
        })
        .collect()
}
