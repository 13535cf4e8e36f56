//! Lowering the syntax trees of a build into the Schema IR: declarations first
//! (so references across files resolve), then each model's own fields and meta,
//! then inheritance.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::context::{Context, EnumInfo, Location, ModelInfo};
use crate::fields::{self, LoweredField};
use crate::ir::{EnumDef, EnumVariant, Module, Schema};
use crate::meta::{self, OwnMeta};
use crate::resolve;
use crate::syntax::{self, Ident, ModelDecl, ValueKind};

/// One parsed file of the build; `tree` is `None` when it did not parse.
pub(crate) struct ParsedFile {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) tree: Option<syntax::File>,
}

/// A model with its own fields and meta lowered, before inheritance.
pub(crate) struct OwnModel<'t> {
    pub(crate) file: usize,
    pub(crate) decl: &'t ModelDecl,
    pub(crate) is_abstract: bool,
    pub(crate) fields: Vec<LoweredField>,
    /// Names of own fields that could not be lowered (already reported), so that
    /// references to them do not report again.
    pub(crate) broken_fields: Vec<String>,
    pub(crate) meta: OwnMeta,
    /// False for a second model of the same name: it takes no part in resolution.
    pub(crate) is_first_definition: bool,
}

/// Lowers every file of the build into one schema.
pub(crate) fn lower(cx: &mut Context<'_>, files: &[ParsedFile]) -> Schema {
    cx.incomplete = files.iter().any(|file| file.tree.is_none());
    let first_models = declare(cx, files);
    let mut own_models = Vec::new();
    for (file, parsed) in files.iter().enumerate() {
        let Some(tree) = &parsed.tree else { continue };
        for decl in &tree.models {
            let is_first_definition = first_models.get(&decl.name.name).is_some_and(|at| {
                *at == Location {
                    file,
                    span: decl.name.span,
                }
            });
            own_models.push(lower_own(cx, file, decl, is_first_definition));
        }
    }
    let mut models = resolve::resolve(cx, &own_models).into_iter();
    let mut schema = Schema::default();
    for (file, parsed) in files.iter().enumerate() {
        let mut module = Module {
            name: parsed.name.clone(),
            path: parsed.path.clone(),
            ..Module::default()
        };
        if let Some(tree) = &parsed.tree {
            module.doc = tree.doc.clone();
            module.enums = tree.enums.iter().map(lower_enum).collect();
            let count = own_models.iter().filter(|own| own.file == file).count();
            module.models = models.by_ref().take(count).collect();
        }
        schema.modules.push(module);
    }
    schema
}

/// Registers every enum and model name of the build, reporting duplicates (models
/// and enums share one namespace: both become Rust types). Returns where each
/// model name was first defined.
fn declare(cx: &mut Context<'_>, files: &[ParsedFile]) -> HashMap<String, Location> {
    let mut first: HashMap<String, (Location, &'static str)> = HashMap::new();
    let mut first_models = HashMap::new();
    for (file, parsed) in files.iter().enumerate() {
        let Some(tree) = &parsed.tree else { continue };
        let mut items: Vec<(&Ident, &'static str)> = tree
            .enums
            .iter()
            .map(|decl| (&decl.name, "enum"))
            .chain(tree.models.iter().map(|decl| (&decl.name, "model")))
            .collect();
        items.sort_by_key(|(name, _)| name.span.start);
        for (name, what) in items {
            let here = Location {
                file,
                span: name.span,
            };
            if let Some((previous, previous_what)) = first.get(&name.name) {
                let message = if *previous_what == what {
                    format!("duplicate {what} `{}`", name.name)
                } else {
                    format!(
                        "`{}` is already defined as {} {previous_what}",
                        name.name,
                        article(previous_what)
                    )
                };
                let diagnostic = cx
                    .error(file, name.span, message)
                    .with_label(cx.label(*previous, "first defined here"))
                    .with_help("rename one of them");
                cx.report(file, diagnostic);
                continue;
            }
            first.insert(name.name.clone(), (here, what));
            if what == "model" {
                first_models.insert(name.name.clone(), here);
            }
        }
        for decl in &tree.enums {
            check_variants(cx, file, decl);
            if !cx.enums.contains_key(&decl.name.name) {
                cx.enum_names.push(decl.name.name.clone());
                let variants = decl.variants.iter().map(|v| v.name.name.clone()).collect();
                cx.enums
                    .insert(decl.name.name.clone(), EnumInfo { variants });
            }
        }
        for decl in &tree.models {
            if !cx.models.contains_key(&decl.name.name) {
                cx.model_names.push(decl.name.name.clone());
                let is_abstract = decl.is_abstract || declares_abstract_meta(decl);
                cx.models
                    .insert(decl.name.name.clone(), ModelInfo { is_abstract });
            }
        }
    }
    first_models
}

fn article(what: &str) -> &'static str {
    if what == "enum" {
        "an"
    } else {
        "a"
    }
}

/// `meta { abstract = true }`, read ahead so that references can know it.
fn declares_abstract_meta(decl: &ModelDecl) -> bool {
    decl.metas.first().is_some_and(|block| {
        block.options.iter().any(|option| {
            option.name.name == "abstract" && option.value.kind == ValueKind::Bool(true)
        })
    })
}

pub(crate) fn check_variants(cx: &mut Context<'_>, file: usize, decl: &syntax::EnumDecl) {
    for (index, variant) in decl.variants.iter().enumerate() {
        let earlier = &decl.variants[..index];
        if let Some(previous) = earlier.iter().find(|v| v.name.name == variant.name.name) {
            let diagnostic = cx
                .error(
                    file,
                    variant.name.span,
                    format!(
                        "duplicate variant `{}` in enum `{}`",
                        variant.name.name, decl.name.name
                    ),
                )
                .with_label(cx.sources[file].label(previous.name.span, "first defined here"));
            cx.report(file, diagnostic);
        } else if let Some(previous) = earlier.iter().find(|v| v.value == variant.value) {
            let diagnostic = cx
                .error(
                    file,
                    variant.value_span,
                    format!(
                        "duplicate value {:?} in enum `{}`",
                        variant.value, decl.name.name
                    ),
                )
                .with_label(cx.sources[file].label(previous.value_span, "first used here"))
                .with_help("each variant needs its own stored value");
            cx.report(file, diagnostic);
        }
    }
}

fn lower_enum(decl: &syntax::EnumDecl) -> EnumDef {
    EnumDef {
        name: decl.name.name.clone(),
        doc: decl.doc.clone(),
        variants: decl
            .variants
            .iter()
            .map(|variant| EnumVariant {
                name: variant.name.name.clone(),
                value: variant.value.clone(),
                doc: variant.doc.clone(),
            })
            .collect(),
    }
}

fn lower_own<'t>(
    cx: &mut Context<'_>,
    file: usize,
    decl: &'t ModelDecl,
    is_first_definition: bool,
) -> OwnModel<'t> {
    let meta = meta::lower_meta(cx, file, &decl.metas);
    if decl.is_abstract || meta.is_abstract {
        check_no_renamed_from(cx, file, decl);
    }
    let mut fields: Vec<LoweredField> = Vec::new();
    let mut broken_fields = Vec::new();
    // By name: a model with many fields must not be checked in quadratic time.
    let mut seen: HashMap<&str, &Ident> = HashMap::new();
    for field in &decl.fields {
        if let Some(previous) = seen.get(field.name.name.as_str()) {
            let diagnostic = cx
                .error(
                    file,
                    field.name.span,
                    format!(
                        "duplicate field `{}` in model `{}`",
                        field.name.name, decl.name.name
                    ),
                )
                .with_label(cx.sources[file].label(previous.span, "first defined here"));
            cx.report(file, diagnostic);
            continue;
        }
        seen.insert(&field.name.name, &field.name);
        match fields::lower_field(cx, file, &decl.name.name, field) {
            Some(lowered) => fields.push(lowered),
            None => broken_fields.push(field.name.name.clone()),
        }
    }
    OwnModel {
        file,
        decl,
        is_abstract: decl.is_abstract || meta.is_abstract,
        fields,
        broken_fields,
        meta,
        is_first_definition,
    }
}

/// An abstract model has no table to rename, and `renamed_from` is not inherited.
fn check_no_renamed_from(cx: &mut Context<'_>, file: usize, decl: &ModelDecl) {
    let Some(block) = decl.metas.first() else {
        return;
    };
    if let Some(option) = block
        .options
        .iter()
        .find(|option| option.name.name == "renamed_from")
    {
        cx.report_at(
            file,
            option.name.span,
            format!(
                "abstract model `{}` has no table, so `renamed_from` has no effect",
                decl.name.name
            ),
            Some("write `renamed_from` in the meta of the concrete model that was renamed".into()),
        );
    }
}
