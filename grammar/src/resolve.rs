//! Inheritance and the checks that need a model's complete field list: inherited
//! fields and meta, the implicit primary key, and field names used in meta.

use std::collections::{HashMap, HashSet};

use crate::context::{Context, Location};
use crate::fields::LoweredField;
use crate::ir::{DefaultJoin, Field, FieldKind, FieldOptions, FieldOrigin, Meta, Model};
use crate::lower::OwnModel;
use crate::meta::META_OPTIONS;
use crate::suggest;

/// A field of a resolved model, with where its name was written.
struct Placed {
    field: Field,
    at: Location,
    primary_key_at: Option<Location>,
    null_at: Option<Location>,
    is_own: bool,
}

/// Resolves every model, in the order given.
pub(crate) fn resolve(cx: &mut Context<'_>, own: &[OwnModel<'_>]) -> Vec<Model> {
    let index: HashMap<&str, usize> = own
        .iter()
        .enumerate()
        .filter(|(_, model)| model.is_first_definition)
        .map(|(i, model)| (model.decl.name.name.as_str(), i))
        .collect();
    let models: Vec<Model> = (0..own.len())
        .map(|i| {
            let chain = ancestors(cx, own, &index, i);
            resolve_model(cx, own, &chain, i)
        })
        .collect();
    check_generated_names(cx, own, &models, &index);
    check_to_fields(cx, own, &models, &index);
    crate::relations::check(cx, own, &models, &index);
    models
}

/// The abstract ancestors of `own[i]`, root first. Problems with `extends` are
/// reported at the model that wrote it.
fn ancestors(
    cx: &mut Context<'_>,
    own: &[OwnModel<'_>],
    index: &HashMap<&str, usize>,
    i: usize,
) -> Vec<usize> {
    let mut chain: Vec<usize> = Vec::new();
    let mut in_chain = HashSet::new();
    let mut current = i;
    while let Some(parent) = &own[current].decl.extends {
        let is_own_extends = current == i;
        let file = own[current].file;
        let Some(&p) = index.get(parent.name.as_str()) else {
            if is_own_extends {
                cx.check_model_exists(file, parent.span, &parent.name);
            }
            break;
        };
        if !own[p].is_abstract {
            if is_own_extends {
                cx.report_at(
                    file,
                    parent.span,
                    format!("cannot inherit from `{}`: it is not abstract", parent.name),
                    Some(format!(
                        "only abstract models can be inherited; write `abstract model {}`",
                        parent.name
                    )),
                );
            }
            break;
        }
        if p == i || in_chain.contains(&p) {
            if p == i {
                let mut names: Vec<&str> = vec![own[i].decl.name.name.as_str()];
                names.extend(chain.iter().map(|&a| own[a].decl.name.name.as_str()));
                names.push(own[i].decl.name.name.as_str());
                let cycle = names
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(" → ");
                let at = own[i].decl.extends.as_ref().map_or(parent.span, |e| e.span);
                cx.report_at(own[i].file, at, format!("inheritance cycle: {cycle}"), None);
            }
            break;
        }
        chain.push(p);
        in_chain.insert(p);
        current = p;
    }
    chain.reverse();
    chain
}

fn resolve_model(cx: &mut Context<'_>, own: &[OwnModel<'_>], chain: &[usize], i: usize) -> Model {
    let model = &own[i];
    let name = model.decl.name.name.clone();
    let mut placed: Vec<Placed> = Vec::new();
    // Field name → where it is inherited from: long chains and wide models
    // stay about linear. An abstract model's IR holds its own fields only
    // (nothing reads the inherited ones of a model without a table), so a
    // chain of abstract models does not copy every ancestor's fields into
    // every descendant.
    let mut inherited_from: HashMap<&str, (usize, &LoweredField)> = HashMap::new();
    for &a in chain {
        let ancestor = &own[a];
        for lowered in &ancestor.fields {
            if inherited_from.contains_key(lowered.field.name.as_str()) {
                // Redefinition inside the chain: reported where it was written.
                continue;
            }
            inherited_from.insert(&lowered.field.name, (a, lowered));
            if !model.is_abstract {
                let mut field = lowered.field.clone();
                field.origin = FieldOrigin::Inherited(ancestor.decl.name.name.clone());
                placed.push(place(field, ancestor.file, lowered, false));
            }
        }
    }
    for lowered in &model.fields {
        if let Some(&(a, inherited)) = inherited_from.get(lowered.field.name.as_str()) {
            let parent = own[a].decl.name.name.clone();
            let inherited = place(inherited.field.clone(), own[a].file, inherited, false);
            let diagnostic = cx
                .error(
                    model.file,
                    lowered.spans.name,
                    format!(
                        "field `{}` is already inherited from `{parent}`",
                        lowered.field.name
                    ),
                )
                .with_label(cx.label(inherited.at, "inherited field defined here"))
                .with_help("inherited fields cannot be overridden; rename this one");
            cx.report(model.file, diagnostic);
            continue;
        }
        placed.push(place(lowered.field.clone(), model.file, lowered, true));
    }
    let composite_key = !model.meta.meta.primary_key.is_empty();
    // The checks of keys and meta see the inherited fields too: an abstract
    // model that names fields in its meta gets them back for the checks.
    let with_inherited: Option<Vec<Placed>> = if model.is_abstract
        && !inherited_from.is_empty()
        && (composite_key || !model.meta.field_refs.is_empty())
    {
        let mut all: Vec<Placed> = chain
            .iter()
            .flat_map(|&a| own[a].fields.iter().map(move |lowered| (a, lowered)))
            .filter(|(a, lowered)| {
                inherited_from
                    .get(lowered.field.name.as_str())
                    .is_some_and(|(from, _)| from == a)
            })
            .map(|(a, lowered)| place(lowered.field.clone(), own[a].file, lowered, false))
            .collect();
        all.extend(placed.iter().map(|p| Placed {
            field: p.field.clone(),
            ..*p
        }));
        Some(all)
    } else {
        None
    };
    let checked = with_inherited.as_deref().unwrap_or(&placed);
    check_primary_keys(cx, &name, checked);
    if composite_key {
        check_composite_key(cx, model, checked);
    }
    if !model.is_abstract && !composite_key && !placed.iter().any(|p| p.field.options.primary_key) {
        add_implicit_id(cx, model, &mut placed);
    }
    let mut broken: Vec<&str> = model.broken_fields.iter().map(String::as_str).collect();
    for &a in chain {
        broken.extend(own[a].broken_fields.iter().map(String::as_str));
    }
    let checked = with_inherited.as_deref().unwrap_or(&placed);
    check_meta_fields(cx, model, checked, &broken);
    if !model.is_abstract {
        check_search_indexes(cx, model, checked);
    }
    let meta = merge_meta(own, chain, i);
    check_nullable_key(cx, &placed, meta.managed == Some(false));
    Model {
        name,
        doc: model.decl.doc.clone(),
        is_abstract: model.is_abstract,
        extends: model.decl.extends.as_ref().map(|e| e.name.clone()),
        fields: placed.into_iter().map(|p| p.field).collect(),
        meta,
        comment: None,
    }
}

fn place(field: Field, file: usize, lowered: &LoweredField, is_own: bool) -> Placed {
    Placed {
        field,
        at: Location {
            file,
            span: lowered.spans.name,
        },
        primary_key_at: lowered
            .spans
            .primary_key
            .map(|span| Location { file, span }),
        null_at: lowered.spans.null.map(|span| Location { file, span }),
        is_own,
    }
}

fn check_primary_keys(cx: &mut Context<'_>, model: &str, placed: &[Placed]) {
    let mut keys = placed.iter().filter(|p| p.field.options.primary_key);
    let Some(first) = keys.next() else { return };
    for second in keys.filter(|p| p.is_own) {
        let at = second.primary_key_at.unwrap_or(second.at);
        let diagnostic = cx
            .error(
                at.file,
                at.span,
                format!("model `{model}` has two primary keys"),
            )
            .with_label(cx.label(
                first.primary_key_at.unwrap_or(first.at),
                "first primary key here",
            ))
            .with_help("keep `primary_key = true` on one field; use `unique = true` on the other");
        cx.report(at.file, diagnostic);
    }
}

/// A primary key that can be NULL identifies no row; it stands in for a key
/// only on a model Pookie does not manage (a view, a table without a key):
/// one that reads rows, never creates the table.
fn check_nullable_key(cx: &mut Context<'_>, placed: &[Placed], unmanaged: bool) {
    if unmanaged {
        return;
    }
    for key in placed.iter().filter(|p| p.field.options.primary_key) {
        if let Some(at) = key.null_at {
            cx.report_at(
                at.file,
                at.span,
                "a primary key cannot be null",
                Some(
                    "remove `null = true` (only a model with `managed = false`, such as a view, \
                     may have a stand-in key that can be NULL)"
                        .to_string(),
                ),
            );
        }
    }
}

/// `meta { primary_key = […] }` replaces `primary_key = true` on a field, and its
/// fields can never be NULL.
fn check_composite_key(cx: &mut Context<'_>, model: &OwnModel<'_>, placed: &[Placed]) {
    if let Some(single) = placed.iter().find(|p| p.field.options.primary_key) {
        let at = single.primary_key_at.unwrap_or(single.at);
        let diagnostic = cx
            .error(
                at.file,
                at.span,
                format!(
                    "model `{}` has both `meta {{ primary_key = … }}` and a `primary_key = true` field",
                    model.decl.name.name
                ),
            )
            .with_help("keep one: list every key field in `meta { primary_key = […] }`, or mark the one key field");
        cx.report(at.file, diagnostic);
    }
    for name in &model.meta.meta.primary_key {
        let Some(key) = placed.iter().find(|p| &p.field.name == name) else {
            continue; // reported by check_meta_fields
        };
        if key.field.options.null {
            cx.report_at(
                key.at.file,
                key.at.span,
                format!("field `{name}` is part of the primary key and cannot be `null = true`"),
                Some("remove `null = true`".to_string()),
            );
        }
    }
}

/// The `id = AutoField(primary_key = true)` of a concrete model without a primary key.
fn add_implicit_id(cx: &mut Context<'_>, model: &OwnModel<'_>, placed: &mut Vec<Placed>) {
    if let Some(clash) = placed.iter().find(|p| p.field.name == "id") {
        let diagnostic = cx
            .error(
                clash.at.file,
                clash.at.span,
                "field `id` clashes with the implicit primary key",
            )
            .with_help("add `primary_key = true` to `id`, or rename the field");
        cx.report(clash.at.file, diagnostic);
        return;
    }
    let id = Field {
        name: "id".to_string(),
        doc: None,
        kind: FieldKind::AutoField,
        options: FieldOptions {
            primary_key: true,
            ..FieldOptions::default()
        },
        origin: FieldOrigin::Implicit,
        comment: None,
    };
    placed.insert(
        0,
        Placed {
            field: id,
            at: Location {
                file: model.file,
                span: model.decl.name.span,
            },
            primary_key_at: None,
            null_at: None,
            is_own: false,
        },
    );
}

/// Field names in `ordering`, `unique_together` and `indexes` must be columns of the model.
fn check_meta_fields(
    cx: &mut Context<'_>,
    model: &OwnModel<'_>,
    placed: &[Placed],
    broken: &[&str],
) {
    for reference in &model.meta.field_refs {
        if broken.contains(&reference.name.as_str()) {
            continue;
        }
        match placed.iter().find(|p| p.field.name == reference.name) {
            Some(p) if matches!(p.field.kind, FieldKind::ManyToManyField(_)) => {
                cx.report_at(
                    model.file,
                    reference.span,
                    format!(
                        "`{}` is a many-to-many field and has no column to use in `{}`",
                        reference.name, reference.option
                    ),
                    None,
                );
            }
            Some(p) if reference.option == "search_indexes" && !is_text(&p.field.kind) => {
                cx.report_at(
                    model.file,
                    reference.span,
                    format!(
                        "`{}` is not a text field but {} {}: a search index covers text fields only",
                        reference.name,
                        if p.field.kind.type_name().starts_with(['A', 'E', 'I', 'O', 'U']) {
                            "an"
                        } else {
                            "a"
                        },
                        p.field.kind.type_name()
                    ),
                    Some("index CharField, TextField, EmailField, URLField or SlugField fields".into()),
                );
            }
            Some(_) => {}
            None => {
                let help = suggest::did_you_mean(
                    &reference.name,
                    placed.iter().map(|p| p.field.name.as_str()),
                );
                cx.report_at(
                    model.file,
                    reference.span,
                    format!(
                        "unknown field `{}` in `{}` of model `{}`",
                        reference.name, reference.option, model.decl.name.name
                    ),
                    help,
                );
            }
        }
    }
}

fn is_text(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::CharField { .. }
            | FieldKind::FixedCharField { .. }
            | FieldKind::TextField
            | FieldKind::EmailField { .. }
            | FieldKind::URLField { .. }
            | FieldKind::SlugField { .. }
    )
}

/// On SQLite a search index is an FTS5 table whose rows are the model's rows
/// by `rowid`: the model needs a single integer primary key.
fn check_search_indexes(cx: &mut Context<'_>, model: &OwnModel<'_>, placed: &[Placed]) {
    let Some(at) = model.meta.search_indexes_at else {
        return;
    };
    let keys: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.field.options.primary_key)
        .collect();
    let integer = |kind: &FieldKind| {
        matches!(
            kind,
            FieldKind::AutoField
                | FieldKind::BigAutoField
                | FieldKind::SmallIntegerField
                | FieldKind::IntegerField
                | FieldKind::BigIntegerField
        )
    };
    let problem = match keys.as_slice() {
        [key] if integer(&key.field.kind) => return,
        [key] => format!(
            "its primary key `{}` is a {}",
            key.field.name,
            key.field.kind.type_name()
        ),
        _ => "its primary key has several fields".to_owned(),
    };
    cx.report_at(
        model.file,
        at,
        format!(
            "model `{}` cannot have a search index: {problem}",
            model.decl.name.name
        ),
        Some(
            "a search index finds rows by an integer primary key (SQLite's FTS5 rowid); \
             keep the implicit `id` or use an integer key"
                .into(),
        ),
    );
}

/// The model's own meta over what its ancestors wrote (root first). `db_table`,
/// `abstract`, `primary_key` and `renamed_from` are never inherited.
fn merge_meta(own: &[OwnModel<'_>], chain: &[usize], i: usize) -> Meta {
    let mut merged = Meta::default();
    let mut inherited: Vec<&'static str> = Vec::new();
    for &a in chain {
        for &option in &own[a].meta.written {
            if !matches!(
                option,
                "db_table" | "abstract" | "primary_key" | "renamed_from"
            ) {
                copy_option(&mut merged, &own[a].meta.meta, option);
                inherited.push(option);
            }
        }
    }
    let model = &own[i].meta;
    for &option in &model.written {
        copy_option(&mut merged, &model.meta, option);
        inherited.retain(|name| *name != option);
    }
    merged.inherited = META_OPTIONS
        .iter()
        .filter(|option| inherited.contains(option))
        .map(|option| option.to_string())
        .collect();
    merged
}

fn copy_option(to: &mut Meta, from: &Meta, option: &str) {
    match option {
        "db_table" => to.db_table.clone_from(&from.db_table),
        "db_alias" => to.db_alias.clone_from(&from.db_alias),
        "primary_key" => to.primary_key.clone_from(&from.primary_key),
        "ordering" => to.ordering.clone_from(&from.ordering),
        "unique_together" => to.unique_together.clone_from(&from.unique_together),
        "indexes" => to.indexes.clone_from(&from.indexes),
        "constraints" => to.constraints.clone_from(&from.constraints),
        "search_indexes" => to.search_indexes.clone_from(&from.search_indexes),
        "verbose_name" => to.verbose_name.clone_from(&from.verbose_name),
        "verbose_name_plural" => to.verbose_name_plural.clone_from(&from.verbose_name_plural),
        "managed" => to.managed = from.managed,
        "renamed_from" => to.renamed_from.clone_from(&from.renamed_from),
        _ => {}
    }
}

/// `to_field` must name a field of the target model.
fn check_to_fields(
    cx: &mut Context<'_>,
    own: &[OwnModel<'_>],
    models: &[Model],
    index: &HashMap<&str, usize>,
) {
    for model in own {
        for lowered in &model.fields {
            let (FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation)) =
                &lowered.field.kind
            else {
                continue;
            };
            let (Some(to_field), Some(span)) = (&relation.to_field, lowered.spans.to_field) else {
                continue;
            };
            let Some(&target) = index.get(relation.to.as_str()) else {
                continue;
            };
            let target = &models[target];
            if target.field(to_field).is_none() {
                let help =
                    suggest::did_you_mean(to_field, target.fields.iter().map(|f| f.name.as_str()));
                cx.report_at(
                    model.file,
                    span,
                    format!("model `{}` has no field `{to_field}`", target.name),
                    help,
                );
            }
        }
    }
}

/// Two concrete models cannot share a table, nor can a model and the join
/// table of a ManyToManyField, nor two such join tables.
fn check_generated_names(
    cx: &mut Context<'_>,
    own: &[OwnModel<'_>],
    models: &[Model],
    index: &HashMap<&str, usize>,
) {
    let mut tables: HashMap<String, Location> = HashMap::new();
    let mut claim = |cx: &mut Context<'_>, table: String, at: Location, what: String| {
        if let Some(first) = tables.get(&table) {
            let diagnostic = cx
                .error(
                    at.file,
                    at.span,
                    format!("{what} uses the table `{table}`, which is already taken"),
                )
                .with_label(cx.label(*first, "the table's first user"))
                .with_help(
                    "give one of them another table: `db_table` in a model's meta, \
                     `db_table = \"…\"` on a ManyToManyField",
                );
            cx.report(at.file, diagnostic);
        } else {
            tables.insert(table, at);
        }
    };
    let concrete = || {
        own.iter()
            .zip(models)
            .filter(|(model, _)| !model.is_abstract && model.is_first_definition)
    };
    for (model, resolved) in concrete() {
        let at = Location {
            file: model.file,
            span: model.decl.name.span,
        };
        let what = format!("model `{}`", model.decl.name.name);
        claim(cx, resolved.table_name(), at, what);
    }
    for (model, resolved) in concrete() {
        for lowered in &model.fields {
            let FieldKind::ManyToManyField(m2m) = &lowered.field.kind else {
                continue;
            };
            let Some(&target) = index.get(m2m.to.as_str()) else {
                continue;
            };
            // A `through` that did not resolve is reported already.
            if m2m.through.is_some() || lowered.spans.through.is_some() {
                continue;
            }
            let table = m2m.db_table.clone().unwrap_or_else(|| {
                DefaultJoin::new(&resolved.table_name(), &models[target].table_name()).table
            });
            let at = Location {
                file: model.file,
                span: lowered.spans.name,
            };
            let what = format!(
                "the join table of `{}.{}`",
                model.decl.name.name, lowered.field.name
            );
            claim(cx, table, at, what);
        }
    }
}
