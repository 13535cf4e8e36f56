//! Resolves the relations of one model: its own ForeignKey, OneToOneField and
//! ManyToManyField fields, then the reverse side of every relation other
//! models (in any module of the build) declare to it. The order is the order
//! of `ModelMeta::relations`, which the generated handles index.

use std::collections::HashMap;

use pookie_grammar::ir::{DefaultJoin, Field, FieldKind, Model, Module, OnDelete, Schema};
use pookie_grammar::naming::rust_ident;

use super::resolve::{column_kind, find_model};
use crate::Error;

/// What a relation is, seen from the model that has it (`RelationKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    ForeignKey,
    OneToOne,
    ReverseForeignKey,
    ReverseOneToOne,
    ManyToMany,
}

impl Kind {
    /// The `pookie::RelationKind` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Kind::ForeignKey => "ForeignKey",
            Kind::OneToOne => "OneToOne",
            Kind::ReverseForeignKey => "ReverseForeignKey",
            Kind::ReverseOneToOne => "ReverseOneToOne",
            Kind::ManyToMany => "ManyToMany",
        }
    }

    /// The typed handle (`pookie::ForeignKey`, …).
    pub fn handle(self) -> &'static str {
        match self {
            Kind::ForeignKey | Kind::OneToOne => "ForeignKey",
            Kind::ReverseForeignKey => "Reverse",
            Kind::ReverseOneToOne => "ReverseOne",
            Kind::ManyToMany => "ManyToMany",
        }
    }
}

/// The join table of a many-to-many relation, seen from one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Join {
    /// The join table.
    pub table: String,
    /// Its column holding this side's key.
    pub source_column: String,
    /// Its column holding the other side's key.
    pub target_column: String,
    /// The explicit join model, when there is one.
    pub model: Option<String>,
}

/// One relation of a model.
#[derive(Debug, Clone)]
pub(crate) struct Relation {
    /// The accessor name as written (field name or reverse name).
    pub name: String,
    /// The Rust name of the accessor and of the handle.
    pub ident: String,
    /// What it is.
    pub kind: Kind,
    /// This model's column.
    pub column: String,
    /// Its position among this model's columns.
    pub column_index: usize,
    /// The other model's name.
    pub target: String,
    /// The other model's struct, as named from this model's module.
    pub target_path: String,
    /// The other model's table.
    pub target_table: String,
    /// The other model's column.
    pub target_column: String,
    /// Its position among the other model's columns.
    pub target_column_index: usize,
    /// The join table of a many-to-many relation.
    pub join: Option<Join>,
    /// The key column accepts NULL.
    pub nullable: bool,
    /// The foreign key's `on_delete` (`Cascade` for many-to-many).
    pub on_delete: OnDelete,
    /// For a forward relation: the Rust name of the target's struct field it
    /// references (`person_id` for a relation field `person`), and whether
    /// that field can be NULL.
    pub target_field: Option<(String, bool)>,
}

/// A many-to-many join table that this module creates (one per
/// ManyToManyField without `through`).
#[derive(Debug, Clone)]
pub(crate) struct JoinTable {
    /// The join table.
    pub table: String,
    /// The database alias of the owning model.
    pub db_alias: String,
    /// The column pointing at the owner, the owner's table, its key column and key field kind.
    pub source: JoinSide,
    /// The column pointing at the target.
    pub target: JoinSide,
}

/// One column of a join table.
#[derive(Debug, Clone)]
pub(crate) struct JoinSide {
    /// The join table's column.
    pub column: String,
    /// The referenced table.
    pub table: String,
    /// The referenced key column.
    pub key: String,
    /// The referenced key field's type.
    pub kind: FieldKind,
}

/// The columns of a model, in struct order: every field but ManyToManyFields.
fn column_fields(model: &Model) -> impl Iterator<Item = &Field> {
    model
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::ManyToManyField(_)))
}

fn column_index(model: &Model, field: &str) -> Option<usize> {
    column_fields(model).position(|f| f.name == field)
}

/// The path naming `target` (of `target_module`) from inside `module`.
fn path_from(module: &Module, target_module: &Module, target: &Model) -> String {
    if std::ptr::eq(module, target_module) {
        rust_ident(&target.name)
    } else {
        format!(
            "super::{}::{}",
            rust_ident(&target_module.name),
            rust_ident(&target.name)
        )
    }
}

/// The single key field of `model`, or an error naming why there is none.
/// The Rust name of the struct field that holds `field`'s value: a relation
/// holds its key in `<name>_id`.
fn struct_field(field: &Field) -> String {
    match field.kind {
        FieldKind::ForeignKey(_) | FieldKind::OneToOneField(_) => {
            rust_ident(&format!("{}_id", field.name))
        }
        _ => rust_ident(&field.name),
    }
}

fn key_field<'m>(model: &'m Model, fail: &dyn Fn(String) -> Error) -> Result<&'m Field, Error> {
    match model.primary_key_fields().as_slice() {
        [key] => Ok(*key),
        [] => Err(fail(format!("`{}` has no primary key", model.name))),
        _ => Err(fail(format!(
            "a relation to `{}` is not supported: its primary key has several columns",
            model.name
        ))),
    }
}

/// The join table of `field` (a ManyToManyField of `model`) as seen from
/// `model`: its table and the columns pointing at `model` and at the target.
fn join_of(
    schema: &Schema,
    module: &Module,
    model: &Model,
    field: &Field,
    target: &Model,
    fail: &dyn Fn(String) -> Error,
) -> Result<Join, Error> {
    let FieldKind::ManyToManyField(m2m) = &field.kind else {
        return Err(fail("not a many-to-many field".into()));
    };
    if let Some(through) = &m2m.through {
        let (_, through_model) = find_model(schema, module, through).ok_or_else(|| {
            fail(format!(
                "`through = {through}` names no model of this build"
            ))
        })?;
        let pointing = |to: &str| -> Vec<&Field> {
            through_model
                .fields
                .iter()
                .filter(|f| matches!(&f.kind, FieldKind::ForeignKey(r) if r.to == to))
                .collect()
        };
        let (source, target_fk) = if model.name == target.name {
            match pointing(&model.name).as_slice() {
                [first, second] => (*first, *second),
                _ => {
                    return Err(fail(format!(
                        "the join model `{through}` needs exactly two ForeignKeys to `{}`",
                        model.name
                    )))
                }
            }
        } else {
            match (pointing(&model.name).as_slice(), pointing(&target.name).as_slice()) {
                ([source], [target_fk]) => (*source, *target_fk),
                _ => {
                    return Err(fail(format!(
                        "the join model `{through}` needs exactly one ForeignKey to `{}` and one to `{}`",
                        model.name, target.name
                    )))
                }
            }
        };
        return Ok(Join {
            table: through_model.table_name(),
            source_column: source.column_name().unwrap_or_default(),
            target_column: target_fk.column_name().unwrap_or_default(),
            model: Some(through_model.name.clone()),
        });
    }
    let join = DefaultJoin::new(&model.table_name(), &target.table_name());
    Ok(Join {
        table: m2m.db_table.clone().unwrap_or(join.table),
        source_column: join.source_column,
        target_column: join.target_column,
        model: None,
    })
}

/// The relation fields of a build, by the name of the model they point at,
/// in schema order. Built once per generation, so that finding the relations
/// that point at a model does not read every field of the schema again for
/// each model (quadratic in the schema's size).
pub(crate) struct Incoming<'s> {
    by_target: HashMap<&'s str, Vec<(&'s Module, &'s Model, &'s Field)>>,
}

impl<'s> Incoming<'s> {
    pub(crate) fn new(schema: &'s Schema) -> Incoming<'s> {
        let mut by_target: HashMap<&str, Vec<_>> = HashMap::new();
        for module in &schema.modules {
            for model in module.models.iter().filter(|m| !m.is_abstract) {
                for field in &model.fields {
                    let to = match &field.kind {
                        FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => &r.to,
                        FieldKind::ManyToManyField(m) => &m.to,
                        _ => continue,
                    };
                    by_target
                        .entry(to.as_str())
                        .or_default()
                        .push((module, model, field));
                }
            }
        }
        Incoming { by_target }
    }

    /// The relation fields naming `model` as their target.
    fn naming(&self, model: &str) -> &[(&'s Module, &'s Model, &'s Field)] {
        self.by_target.get(model).map_or(&[], Vec::as_slice)
    }
}

/// Every relation of `model` (a concrete model of `module`), in
/// `ModelMeta::relations` order; `incoming` is the build's [`Incoming`].
pub(crate) fn relations(
    schema: &Schema,
    incoming: &Incoming<'_>,
    module: &Module,
    model: &Model,
) -> Result<Vec<Relation>, Error> {
    let mut out = Vec::new();
    for field in &model.fields {
        let fail = |message: String| {
            Error::unsupported(
                &module.name,
                format!("model `{}`, field `{}`", model.name, field.name),
                message,
            )
        };
        let to = match &field.kind {
            FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => &r.to,
            FieldKind::ManyToManyField(m) => &m.to,
            _ => continue,
        };
        let (target_module, target) = find_model(schema, module, to)
            .ok_or_else(|| fail(format!("`{to}` is not a model of this build")))?;
        let target_path = path_from(module, target_module, target);
        match &field.kind {
            FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => {
                let referenced = match &r.to_field {
                    Some(name) => target
                        .field(name)
                        .ok_or_else(|| fail(format!("`{}` has no field `{name}`", target.name)))?,
                    None => key_field(target, &fail)?,
                };
                out.push(Relation {
                    name: field.name.clone(),
                    ident: rust_ident(&field.name),
                    kind: if matches!(field.kind, FieldKind::OneToOneField(_)) {
                        Kind::OneToOne
                    } else {
                        Kind::ForeignKey
                    },
                    column: field.column_name().unwrap_or_default(),
                    column_index: column_index(model, &field.name).unwrap_or_default(),
                    target: target.name.clone(),
                    target_path,
                    target_table: target.table_name(),
                    target_column: referenced.column_name().unwrap_or_default(),
                    target_column_index: column_index(target, &referenced.name).unwrap_or_default(),
                    join: None,
                    nullable: field.options.null,
                    on_delete: r.on_delete,
                    target_field: Some((struct_field(referenced), referenced.options.null)),
                });
            }
            FieldKind::ManyToManyField(_) => {
                let own_key = key_field(model, &fail)?;
                let target_key = key_field(target, &fail)?;
                out.push(Relation {
                    name: field.name.clone(),
                    ident: rust_ident(&field.name),
                    kind: Kind::ManyToMany,
                    column: own_key.column_name().unwrap_or_default(),
                    column_index: column_index(model, &own_key.name).unwrap_or_default(),
                    target: target.name.clone(),
                    target_path,
                    target_table: target.table_name(),
                    target_column: target_key.column_name().unwrap_or_default(),
                    target_column_index: column_index(target, &target_key.name).unwrap_or_default(),
                    join: Some(join_of(schema, module, model, field, target, &fail)?),
                    nullable: false,
                    on_delete: OnDelete::Cascade,
                    target_field: None,
                });
            }
            _ => {}
        }
    }
    for &(source_module, source, field) in incoming.naming(&model.name) {
        let fail = |message: String| {
            Error::unsupported(
                &source_module.name,
                format!("model `{}`, field `{}`", source.name, field.name),
                message,
            )
        };
        let (to, kind) = match &field.kind {
            FieldKind::ForeignKey(r) => (&r.to, Kind::ReverseForeignKey),
            FieldKind::OneToOneField(r) => (&r.to, Kind::ReverseOneToOne),
            FieldKind::ManyToManyField(m) => (&m.to, Kind::ManyToMany),
            _ => continue,
        };
        // A relation's `to` names a model of the whole build: the one
        // found from the source's module must be this very model.
        let Some((found_module, found)) = find_model(schema, source_module, to) else {
            continue;
        };
        if !(std::ptr::eq(found_module, module) && found.name == model.name) {
            continue;
        }
        let name = field.reverse_name(&source.name).unwrap_or_default();
        let source_path = path_from(module, source_module, source);
        let relation = match (&field.kind, kind) {
            (FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r), _) => {
                let referenced = match &r.to_field {
                    Some(name) => model
                        .field(name)
                        .ok_or_else(|| fail(format!("`{}` has no field `{name}`", model.name)))?,
                    None => key_field(model, &fail)?,
                };
                Relation {
                    ident: rust_ident(&name),
                    name,
                    kind,
                    column: referenced.column_name().unwrap_or_default(),
                    column_index: column_index(model, &referenced.name).unwrap_or_default(),
                    target: source.name.clone(),
                    target_path: source_path,
                    target_table: source.table_name(),
                    target_column: field.column_name().unwrap_or_default(),
                    target_column_index: column_index(source, &field.name).unwrap_or_default(),
                    join: None,
                    nullable: field.options.null,
                    on_delete: r.on_delete,
                    target_field: None,
                }
            }
            _ => {
                let own_key = key_field(model, &fail)?;
                let source_key = key_field(source, &fail)?;
                let forward = join_of(schema, source_module, source, field, model, &fail)?;
                Relation {
                    ident: rust_ident(&name),
                    name,
                    kind,
                    column: own_key.column_name().unwrap_or_default(),
                    column_index: column_index(model, &own_key.name).unwrap_or_default(),
                    target: source.name.clone(),
                    target_path: source_path,
                    target_table: source.table_name(),
                    target_column: source_key.column_name().unwrap_or_default(),
                    target_column_index: column_index(source, &source_key.name).unwrap_or_default(),
                    join: Some(Join {
                        table: forward.table,
                        source_column: forward.target_column,
                        target_column: forward.source_column,
                        model: forward.model,
                    }),
                    nullable: false,
                    on_delete: OnDelete::Cascade,
                    target_field: None,
                }
            }
        };
        out.push(relation);
    }
    Ok(out)
}

/// The join tables `model`'s ManyToManyFields without `through` need.
pub(crate) fn join_tables(
    schema: &Schema,
    module: &Module,
    model: &Model,
    db_alias: &str,
) -> Result<Vec<JoinTable>, Error> {
    let mut out = Vec::new();
    for field in &model.fields {
        out.extend(join_table(schema, module, model, field, db_alias)?);
    }
    Ok(out)
}

/// The join table `field` of `model` needs: one for a ManyToManyField without
/// `through`, none for any other field.
pub(crate) fn join_table(
    schema: &Schema,
    module: &Module,
    model: &Model,
    field: &Field,
    db_alias: &str,
) -> Result<Option<JoinTable>, Error> {
    let FieldKind::ManyToManyField(m2m) = &field.kind else {
        return Ok(None);
    };
    if m2m.through.is_some() {
        return Ok(None);
    }
    let fail = |message: String| {
        Error::unsupported(
            &module.name,
            format!("model `{}`, field `{}`", model.name, field.name),
            message,
        )
    };
    let (target_module, target) = find_model(schema, module, &m2m.to)
        .ok_or_else(|| fail(format!("`{}` is not a model of this build", m2m.to)))?;
    let join = join_of(schema, module, model, field, target, &fail)?;
    let own_key = key_field(model, &fail)?;
    let target_key = key_field(target, &fail)?;
    Ok(Some(JoinTable {
        table: join.table,
        db_alias: db_alias.to_owned(),
        source: JoinSide {
            column: join.source_column,
            table: model.table_name(),
            key: own_key.column_name().unwrap_or_default(),
            kind: column_kind(schema, module, own_key).map_err(&fail)?.clone(),
        },
        target: JoinSide {
            column: join.target_column,
            table: target.table_name(),
            key: target_key.column_name().unwrap_or_default(),
            kind: column_kind(schema, target_module, target_key)
                .map_err(&fail)?
                .clone(),
        },
    }))
}
