//! Checks over the relations of the whole build (across files): the names the
//! generated accessors take on both sides of a relation, and the join model of
//! a `ManyToManyField(through = …)`.
//!
//! Every ForeignKey, OneToOneField and ManyToManyField gives its own model an
//! accessor named after the field and its target model a reverse accessor
//! ([`Field::reverse_name`]); both become a method and a handle in the model's
//! column module, so a clash with any other name there would not compile.

use std::collections::HashMap;

use crate::context::{Context, Location};
use crate::diagnostic::Diagnostic;
use crate::fields::LoweredField;
use crate::ir::{Field, FieldKind, FieldOrigin, ManyToMany, Model};
use crate::lower::OwnModel;
use crate::naming::snake_case;

/// The methods code generation gives every model: its inherent methods
/// (`objects`, `get`, `save`, …) and those of `Validate`. A relation accessor
/// cannot take one of these names.
pub const GENERATED_METHODS: &[&str] = &[
    "objects",
    "get",
    "save",
    "save_update_fields",
    "refresh_from_db",
    "delete",
    "create_table",
    "drop_table",
    "full_clean",
    "clean_fields",
    "validate_unique",
];

/// The handle every column module has for the primary key.
const PK_HANDLE: &str = "pk";

/// The resolved build: each model before inheritance (with spans) and after.
struct Build<'b, 't> {
    own: &'b [OwnModel<'t>],
    models: &'b [Model],
    index: &'b HashMap<&'b str, usize>,
}

/// A relation of a concrete model and the reverse accessor it gives its target.
struct Reverse<'b> {
    source: &'b str,
    field: &'b Field,
    target: usize,
    name: String,
    /// The written `related_name`, else the field name.
    at: Location,
    /// The concrete model's name, when it inherits the relation: `at` is then
    /// in the abstract model and says nothing about which child is meant.
    inherited_by: Option<Location>,
}

/// Runs every relation check of the build.
pub(crate) fn check(
    cx: &mut Context<'_>,
    own: &[OwnModel<'_>],
    models: &[Model],
    index: &HashMap<&str, usize>,
) {
    let build = Build { own, models, index };
    check_forward_names(cx, &build);
    let reverses = build.reverses();
    for (k, reverse) in reverses.iter().enumerate() {
        if !check_reserved(cx, &build, reverse) {
            check_duplicate(cx, &build, reverse, &reverses[..k]);
        }
    }
    check_throughs(cx, &build);
}

impl<'b> Build<'b, '_> {
    /// Models that take part in resolution (not a second definition of a name).
    fn resolved(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.own.len()).filter(|&i| self.own[i].is_first_definition)
    }

    fn concrete(&self) -> impl Iterator<Item = usize> + '_ {
        self.resolved().filter(|&i| !self.models[i].is_abstract)
    }

    /// The declaration of a field of `models[i]`, which may be in an ancestor.
    fn lowered(&self, i: usize, field: &Field) -> Option<(usize, &'b LoweredField)> {
        let owner = match &field.origin {
            FieldOrigin::Declared => i,
            FieldOrigin::Inherited(parent) => *self.index.get(parent.as_str())?,
            FieldOrigin::Implicit => return None,
        };
        let own = &self.own[owner];
        own.fields
            .iter()
            .find(|lowered| lowered.field.name == field.name)
            .map(|lowered| (own.file, lowered))
    }

    fn model_at(&self, i: usize) -> Location {
        Location {
            file: self.own[i].file,
            span: self.own[i].decl.name.span,
        }
    }

    /// Where a field's name was written; the model's name for the implicit `id`.
    fn field_at(&self, i: usize, field: &Field) -> Location {
        self.lowered(i, field)
            .map_or(self.model_at(i), |(file, lowered)| Location {
                file,
                span: lowered.spans.name,
            })
    }

    fn inherited_by(&self, i: usize, field: &Field) -> Option<Location> {
        matches!(field.origin, FieldOrigin::Inherited(_)).then(|| self.model_at(i))
    }

    /// Every reverse accessor of the build, in source order.
    fn reverses(&self) -> Vec<Reverse<'b>> {
        let mut reverses = Vec::new();
        for i in self.concrete() {
            let model = &self.models[i];
            for field in &model.fields {
                let (Some(target), Some(name)) =
                    (target_of(field), field.reverse_name(&model.name))
                else {
                    continue;
                };
                let Some(&target) = self.index.get(target) else {
                    continue;
                };
                let at = match self.lowered(i, field) {
                    Some((file, lowered)) => Location {
                        file,
                        span: lowered.spans.related_name.unwrap_or(lowered.spans.name),
                    },
                    None => self.model_at(i),
                };
                reverses.push(Reverse {
                    source: &model.name,
                    field,
                    target,
                    name,
                    at,
                    inherited_by: self.inherited_by(i, field),
                });
            }
        }
        reverses
    }
}

/// The model a relation field points at.
fn target_of(field: &Field) -> Option<&str> {
    match &field.kind {
        FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => Some(&relation.to),
        FieldKind::ManyToManyField(many) => Some(&many.to),
        _ => None,
    }
}

/// True for a ForeignKey or OneToOneField, whose key lives in a `<name>_id` field.
fn has_key_field(field: &Field) -> bool {
    matches!(
        field.kind,
        FieldKind::ForeignKey(_) | FieldKind::OneToOneField(_)
    )
}

/// A relation field's own accessor must not take a generated name, and a
/// ForeignKey's `<name>_id` field must not be taken by another field. Checked
/// where the fields are declared, abstract models included, so that an
/// inherited problem is reported once.
fn check_forward_names(cx: &mut Context<'_>, build: &Build<'_, '_>) {
    for i in build.resolved() {
        let model = &build.models[i];
        for field in model.fields.iter().filter(|f| target_of(f).is_some()) {
            let declared_here = field.origin == FieldOrigin::Declared;
            if declared_here && GENERATED_METHODS.contains(&field.name.as_str()) {
                let at = build.field_at(i, field);
                let diagnostic = cx
                    .error(
                        at.file,
                        at.span,
                        format!(
                            "relation field `{}.{}` clashes with the generated method `{}::{}`",
                            model.name, field.name, model.name, field.name
                        ),
                    )
                    .with_help("rename the field: a relation gets an accessor method of its name");
                cx.report(at.file, diagnostic);
            } else if declared_here && field.name == PK_HANDLE {
                let at = build.field_at(i, field);
                let diagnostic = cx
                    .error(
                        at.file,
                        at.span,
                        format!(
                            "relation field `{}.pk` clashes with the primary-key handle `{}::pk`",
                            model.name,
                            snake_case(&model.name)
                        ),
                    )
                    .with_help("rename the field");
                cx.report(at.file, diagnostic);
            }
            if !has_key_field(field) {
                continue;
            }
            let key = format!("{}_id", field.name);
            let Some(other) = model.field(&key) else {
                continue;
            };
            if !declared_here && other.origin != FieldOrigin::Declared {
                continue; // reported in the abstract model that declares them
            }
            let at = build.field_at(i, other);
            let diagnostic = cx
                .error(
                    at.file,
                    at.span,
                    format!(
                        "field `{}.{key}` clashes with the key field of `{}.{}`",
                        model.name, model.name, field.name
                    ),
                )
                .with_label(cx.label(
                    build.field_at(i, field),
                    format!(
                        "`{}` is a {} whose key is the field `{key}`",
                        field.name,
                        field.kind.type_name()
                    ),
                ))
                .with_help("rename one of them");
            cx.report(at.file, diagnostic);
        }
    }
}

/// What a name of a model's generated API already is.
enum Taken<'b> {
    Field(&'b Field),
    KeyField(&'b Field),
    PkHandle,
    Method,
}

fn taken<'b>(model: &'b Model, name: &str) -> Option<Taken<'b>> {
    if let Some(field) = model.field(name) {
        return Some(Taken::Field(field));
    }
    let key_of = model.fields.iter().find(|field| {
        has_key_field(field)
            && name
                .strip_suffix("_id")
                .is_some_and(|stem| stem == field.name)
    });
    if let Some(field) = key_of {
        return Some(Taken::KeyField(field));
    }
    if name == PK_HANDLE {
        return Some(Taken::PkHandle);
    }
    GENERATED_METHODS.contains(&name).then_some(Taken::Method)
}

/// Adds the "inherited by" labels of a reverse accessor.
fn with_inherited(cx: &Context<'_>, diagnostic: Diagnostic, reverse: &Reverse<'_>) -> Diagnostic {
    match reverse.inherited_by {
        Some(at) => {
            let parent = match &reverse.field.origin {
                FieldOrigin::Inherited(parent) => parent.as_str(),
                _ => "its parent",
            };
            diagnostic.with_label(cx.label(
                at,
                format!(
                    "`{}` inherits `{}` from `{parent}`",
                    reverse.source, reverse.field.name
                ),
            ))
        }
        None => diagnostic,
    }
}

/// A reverse accessor must not take a name the target already uses. Reports
/// and returns true when it does.
fn check_reserved(cx: &mut Context<'_>, build: &Build<'_, '_>, reverse: &Reverse<'_>) -> bool {
    let target = &build.models[reverse.target];
    let Some(taken) = taken(target, &reverse.name) else {
        return false;
    };
    let (what, label) = match taken {
        Taken::Field(field) if field.origin == FieldOrigin::Implicit => (
            format!("the implicit primary key `{}.{}`", target.name, field.name),
            Some((
                build.field_at(reverse.target, field),
                format!("`{}` gets the implicit `{}`", target.name, field.name),
            )),
        ),
        Taken::Field(field) => (
            format!("the field `{}.{}`", target.name, field.name),
            Some((
                build.field_at(reverse.target, field),
                format!("field `{}` of `{}`", field.name, target.name),
            )),
        ),
        Taken::KeyField(field) => (
            format!(
                "the key field `{}.{}_id` of `{}.{}`",
                target.name, field.name, target.name, field.name
            ),
            Some((
                build.field_at(reverse.target, field),
                format!(
                    "the key of `{}` is the field `{}_id`",
                    field.name, field.name
                ),
            )),
        ),
        Taken::PkHandle => (
            format!("the primary-key handle `{}::pk`", snake_case(&target.name)),
            None,
        ),
        Taken::Method => (
            format!("the generated method `{}::{}`", target.name, reverse.name),
            None,
        ),
    };
    let mut diagnostic = cx.error(
        reverse.at.file,
        reverse.at.span,
        format!(
            "reverse accessor `{}.{}` of `{}.{}` clashes with {what}",
            target.name, reverse.name, reverse.source, reverse.field.name
        ),
    );
    if let Some((at, message)) = label {
        diagnostic = diagnostic.with_label(cx.label(at, message));
    }
    let diagnostic = with_inherited(cx, diagnostic, reverse).with_help(format!(
        "give `{}.{}` another reverse name with `related_name = \"…\"`",
        reverse.source, reverse.field.name
    ));
    cx.report(reverse.at.file, diagnostic);
    true
}

/// Two relations must not give one model the same reverse accessor.
fn check_duplicate(
    cx: &mut Context<'_>,
    build: &Build<'_, '_>,
    reverse: &Reverse<'_>,
    earlier: &[Reverse<'_>],
) {
    let Some(first) = earlier
        .iter()
        .find(|other| other.target == reverse.target && other.name == reverse.name)
    else {
        return;
    };
    let target = &build.models[reverse.target].name;
    let diagnostic = if first.at == reverse.at {
        // One relation of an abstract model, inherited by two concrete models.
        let diagnostic = cx.error(
            reverse.at.file,
            reverse.at.span,
            format!(
                "reverse accessor `{target}.{}` is given by both `{}.{}` and `{}.{}`",
                reverse.name, first.source, first.field.name, reverse.source, reverse.field.name
            ),
        );
        let diagnostic = with_inherited(cx, with_inherited(cx, diagnostic, first), reverse);
        diagnostic.with_help(format!(
            "every model that inherits `{}` gives `{target}` the same `related_name`; \
             remove it so that each gets its own default name, \
             or declare the field in each model with a `related_name` of its own",
            reverse.field.name
        ))
    } else {
        let diagnostic = cx
            .error(
                reverse.at.file,
                reverse.at.span,
                format!(
                    "reverse accessor `{target}.{}` of `{}.{}` clashes with the reverse accessor of `{}.{}`",
                    reverse.name,
                    reverse.source,
                    reverse.field.name,
                    first.source,
                    first.field.name
                ),
            )
            .with_label(cx.label(
                first.at,
                format!(
                    "`{}.{}` also gives `{target}` the accessor `{}`",
                    first.source, first.field.name, reverse.name
                ),
            ));
        let diagnostic = with_inherited(cx, with_inherited(cx, diagnostic, first), reverse);
        diagnostic.with_help(format!(
            "set a different `related_name = \"…\"` on `{}.{}` or on `{}.{}`",
            reverse.source, reverse.field.name, first.source, first.field.name
        ))
    };
    cx.report(reverse.at.file, diagnostic);
}

/// The join model of `ManyToManyField(through = …)` links one row of each side:
/// exactly one ForeignKey to the source and one to the target (two to the
/// model for a relation to itself). That it exists and is concrete is checked
/// where `through` is lowered.
fn check_throughs(cx: &mut Context<'_>, build: &Build<'_, '_>) {
    for i in build.concrete() {
        let model = &build.models[i];
        for field in &model.fields {
            let FieldKind::ManyToManyField(many) = &field.kind else {
                continue;
            };
            let Some(through) = &many.through else {
                continue;
            };
            let Some(&t) = build.index.get(through.as_str()) else {
                continue;
            };
            let at = match build.lowered(i, field) {
                Some((file, lowered)) => Location {
                    file,
                    span: lowered.spans.through.unwrap_or(lowered.spans.name),
                },
                None => build.model_at(i),
            };
            let site = ThroughSite {
                source: i,
                field,
                many,
                through: t,
                at,
            };
            if many.to == model.name {
                check_through_side(cx, build, &site, &model.name, 2);
            } else {
                check_through_side(cx, build, &site, &model.name, 1);
                check_through_side(cx, build, &site, &many.to, 1);
            }
        }
    }
}

/// One `through = …` to check.
struct ThroughSite<'b> {
    source: usize,
    field: &'b Field,
    many: &'b ManyToMany,
    through: usize,
    at: Location,
}

/// Reports when the through model has not exactly `wanted` keys to `side`.
fn check_through_side(
    cx: &mut Context<'_>,
    build: &Build<'_, '_>,
    site: &ThroughSite<'_>,
    side: &str,
    wanted: usize,
) {
    let through = &build.models[site.through];
    let keys: Vec<&Field> = through
        .fields
        .iter()
        .filter(|field| has_key_field(field) && target_of(field) == Some(side))
        .collect();
    if keys.len() == wanted {
        return;
    }
    let source = &build.models[site.source].name;
    let relation = format!("`{source}.{}`", site.field.name);
    let message = match (wanted, keys.len()) {
        (1, 0) => format!(
            "through model `{}` of {relation} has no ForeignKey to `{side}`",
            through.name
        ),
        (1, n) => format!(
            "through model `{}` of {relation} has {n} ForeignKeys to `{side}`; it needs exactly one",
            through.name
        ),
        (_, n) => format!(
            "through model `{}` of the self relation {relation} needs two ForeignKeys to `{side}`, one for each side; it has {n}",
            through.name
        ),
    };
    let mut diagnostic = cx.error(site.at.file, site.at.span, message);
    if keys.is_empty() {
        diagnostic = diagnostic.with_label(cx.label(
            build.model_at(site.through),
            format!("`{}` declared here", through.name),
        ));
    }
    for key in &keys {
        diagnostic = diagnostic.with_label(cx.label(
            build.field_at(site.through, key),
            format!("{} to `{side}`", key.kind.type_name()),
        ));
    }
    if let Some(at) = build.inherited_by(site.source, site.field) {
        diagnostic = diagnostic
            .with_label(cx.label(at, format!("`{source}` inherits `{}`", site.field.name)));
    }
    let snake = snake_case(side);
    let help = match (wanted, keys.len()) {
        (2, 0) => format!(
            "add `from_{snake} = ForeignKey({side}, on_delete = CASCADE)` and \
             `to_{snake} = ForeignKey({side}, on_delete = CASCADE)` to `{}`",
            through.name
        ),
        (2, 1) => format!(
            "add a second ForeignKey to `{side}` to `{}`, e.g. `to_{snake} = ForeignKey({side}, on_delete = CASCADE)`",
            through.name
        ),
        (_, 0) => format!(
            "add `{snake} = ForeignKey({side}, on_delete = CASCADE)` to `{}`",
            through.name
        ),
        _ => format!(
            "keep {} ForeignKey{} to `{side}` in `{}`: each join row links one `{source}` to one `{}`",
            if wanted == 1 { "one" } else { "two" },
            if wanted == 1 { "" } else { "s" },
            through.name,
            site.many.to
        ),
    };
    let diagnostic = diagnostic.with_help(help);
    cx.report(site.at.file, diagnostic);
}
