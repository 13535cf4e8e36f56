//! Lowering the syntax tree of a `migration.pookie` into [`Operation`]s, checked
//! against the models and enums that exist before each operation.

use crate::args::{self, ArgSpec, ArgType, Args};
use crate::context::{Context, EnumInfo, ModelInfo};
use crate::defaults;
use crate::fields;
use crate::fields::LoweredField;
use crate::ir::{EnumDef, EnumVariant, Field, FieldKind, Meta, Model};
use crate::lower::check_variants;
use crate::meta::{self, OwnMeta};
use crate::naming::is_valid_field_name;
use crate::suggest;
use crate::syntax::{
    Call, EnumDecl, FieldDecl, Ident, MigrationFile, OperationBody, OperationDecl, Span, Value,
    ValueKind,
};

use crate::migration::{Backend, Operation, State};

/// A migration is one source file: index 0 of the context.
const FILE: usize = 0;

/// Every operation, for "did you mean".
const OPERATIONS: &[&str] = &[
    "CreateModel",
    "DeleteModel",
    "RenameModel",
    "AlterModelTable",
    "AlterModelOptions",
    "AddField",
    "RemoveField",
    "RenameField",
    "AlterField",
    "AddIndex",
    "RemoveIndex",
    "AddSearchIndex",
    "RemoveSearchIndex",
    "AlterUniqueTogether",
    "AddConstraint",
    "RemoveConstraint",
    "CreateEnum",
    "AlterEnum",
    "DeleteEnum",
    "RunSQL",
    "RunRust",
];

const NAME_MODEL: &[ArgSpec] = &[("name", ArgType::Model)];
const RENAME_MODEL: &[ArgSpec] = &[("old", ArgType::Model), ("new", ArgType::Model)];
const MODEL_TABLE: &[ArgSpec] = &[("model", ArgType::Model), ("table", ArgType::Any)];
const MODEL: &[ArgSpec] = &[("model", ArgType::Model)];
const FIELD_CHANGE: &[ArgSpec] = &[
    ("model", ArgType::Model),
    ("name", ArgType::Str),
    ("field", ArgType::FieldType),
    ("once_default", ArgType::Any),
];
const MODEL_NAME: &[ArgSpec] = &[("model", ArgType::Model), ("name", ArgType::Str)];
const RENAME_FIELD: &[ArgSpec] = &[
    ("model", ArgType::Model),
    ("old", ArgType::Str),
    ("new", ArgType::Str),
];
const ADD_INDEX: &[ArgSpec] = &[("model", ArgType::Model), ("index", ArgType::Any)];
const UNIQUE_TOGETHER: &[ArgSpec] = &[("model", ArgType::Model), ("unique_together", ArgType::Any)];
const ADD_CONSTRAINT: &[ArgSpec] = &[("model", ArgType::Model), ("constraint", ArgType::Any)];
const NAME_ENUM: &[ArgSpec] = &[("name", ArgType::EnumName)];
const RUN_SQL: &[ArgSpec] = &[
    ("forward", ArgType::Str),
    ("backward", ArgType::Str),
    ("backend", ArgType::Str),
];
const RUN_RUST: &[ArgSpec] = &[("forward", ArgType::Str), ("backward", ArgType::Str)];

/// The arguments an operation accepts.
fn specs(operation: &str) -> Option<&'static [ArgSpec]> {
    Some(match operation {
        "CreateModel" | "DeleteModel" => NAME_MODEL,
        "RenameModel" => RENAME_MODEL,
        "AlterModelTable" => MODEL_TABLE,
        "AlterModelOptions" => MODEL,
        "AddField" | "AlterField" => FIELD_CHANGE,
        "RemoveField" | "RemoveIndex" | "RemoveSearchIndex" | "RemoveConstraint" => MODEL_NAME,
        "RenameField" => RENAME_FIELD,
        "AddIndex" | "AddSearchIndex" => ADD_INDEX,
        "AlterUniqueTogether" => UNIQUE_TOGETHER,
        "AddConstraint" => ADD_CONSTRAINT,
        "CreateEnum" | "AlterEnum" | "DeleteEnum" => NAME_ENUM,
        "RunSQL" => RUN_SQL,
        "RunRust" => RUN_RUST,
        _ => return None,
    })
}

/// What the `{ … }` after an operation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// No body.
    None,
    /// Fields and `meta`.
    Model,
    /// `meta` only.
    Meta,
    /// Enum variants.
    Variants,
}

fn body_kind(operation: &str) -> BodyKind {
    match operation {
        "CreateModel" => BodyKind::Model,
        "AlterModelOptions" => BodyKind::Meta,
        "CreateEnum" | "AlterEnum" => BodyKind::Variants,
        _ => BodyKind::None,
    }
}

/// The operations whose `///` doc documents what they create.
fn takes_doc(operation: &str) -> bool {
    matches!(
        operation,
        "CreateModel" | "AddField" | "AlterField" | "CreateEnum" | "AlterEnum"
    )
}

/// The names the operations so far leave: each model with its field names, each
/// enum with its variant names.
struct Known {
    models: Vec<(String, Vec<String>)>,
    enums: Vec<(String, Vec<String>)>,
}

impl Known {
    fn new(state: &State) -> Known {
        Known {
            models: state
                .models
                .iter()
                .map(|model| {
                    let fields = model.fields.iter().map(|f| f.name.clone()).collect();
                    (model.name.clone(), fields)
                })
                .collect(),
            enums: state
                .enums
                .iter()
                .map(|def| {
                    let variants = def.variants.iter().map(|v| v.name.clone()).collect();
                    (def.name.clone(), variants)
                })
                .collect(),
        }
    }

    /// Makes the context know exactly these names, for the field lowering.
    fn sync(&self, cx: &mut Context<'_>) {
        cx.models.clear();
        cx.model_names.clear();
        cx.enums.clear();
        cx.enum_names.clear();
        for (name, _) in &self.models {
            cx.models
                .insert(name.clone(), ModelInfo { is_abstract: false });
            cx.model_names.push(name.clone());
        }
        for (name, variants) in &self.enums {
            cx.enums.insert(
                name.clone(),
                EnumInfo {
                    variants: variants.clone(),
                },
            );
            cx.enum_names.push(name.clone());
        }
    }

    fn fields_mut(&mut self, model: &str) -> Option<&mut Vec<String>> {
        self.models
            .iter_mut()
            .find(|(name, _)| name == model)
            .map(|(_, fields)| fields)
    }

    fn fields(&self, model: &str) -> Option<&[String]> {
        self.models
            .iter()
            .find(|(name, _)| name == model)
            .map(|(_, fields)| fields.as_slice())
    }

    /// "model" or "enum" when the name is taken (models and enums share one
    /// namespace: both become Rust types).
    fn taken(&self, name: &str) -> Option<&'static str> {
        if self.models.iter().any(|(known, _)| known == name) {
            Some("model")
        } else if self.enums.iter().any(|(known, _)| known == name) {
            Some("enum")
        } else {
            None
        }
    }
}

/// The line that makes a migration a squashed one: `Replaces(migrations = […])`.
pub(super) const REPLACES: &str = "Replaces";

/// The migrations the `Replaces(migrations = […])` line names (empty without
/// one), reporting into `cx`: the line comes first, at most once, with a
/// non-empty list of distinct names.
pub(super) fn replaces(cx: &mut Context<'_>, tree: &MigrationFile) -> Vec<String> {
    const SPECS: &[ArgSpec] = &[("migrations", ArgType::StrList)];
    let mut names = Vec::new();
    for (index, decl) in tree.operations.iter().enumerate() {
        let call = &decl.call;
        if call.name.name != REPLACES {
            continue;
        }
        if index > 0 {
            cx.report_at(
                FILE,
                call.name.span,
                "`Replaces` comes after operations",
                Some(
                    "write it once, as the first line after the `//!` doc, before the operations"
                        .to_string(),
                ),
            );
            continue;
        }
        if decl.doc.is_some() || decl.body.is_some() {
            cx.report_at(
                FILE,
                call.span,
                "`Replaces` takes no doc comment and no body",
                Some("write it as `Replaces(migrations = [\"0001_initial\", …])`".to_string()),
            );
        }
        let args = args::collect(cx, FILE, call, SPECS, None, REPLACES);
        let help =
            "add `migrations = [\"0001_initial\", …]`, the migrations this one replaces, in order";
        let Some(list) = args.require(
            cx,
            args.strings("migrations"),
            "migrations",
            REPLACES,
            call.name.span,
            help,
        ) else {
            continue;
        };
        if list.is_empty() {
            cx.report_at(
                FILE,
                call.span,
                "`Replaces` names no migration",
                Some(format!("{help}, or remove the line")),
            );
        }
        for (name, span) in list {
            if name.trim().is_empty() {
                cx.report_at(
                    FILE,
                    span,
                    "an empty migration name",
                    Some("give the folder name of a replaced migration".to_string()),
                );
            } else if names.contains(&name) {
                cx.report_at(
                    FILE,
                    span,
                    format!("`{name}` is replaced twice"),
                    Some("name each replaced migration once".to_string()),
                );
            } else {
                names.push(name);
            }
        }
    }
    names
}

/// Lowers every operation, reporting into `cx`. The `Replaces` line is not an
/// operation: [`replaces`] reads it.
pub(super) fn lower(cx: &mut Context<'_>, tree: &MigrationFile, before: &State) -> Vec<Operation> {
    let mut known = Known::new(before);
    let mut operations = Vec::new();
    for decl in &tree.operations {
        if decl.call.name.name == REPLACES {
            continue;
        }
        known.sync(cx);
        let mut lowering = Lowering {
            cx: &mut *cx,
            known: &mut known,
            decl,
        };
        if let Some(operation) = lowering.operation() {
            operations.push(operation);
        }
    }
    operations
}

/// One operation being lowered.
struct Lowering<'a, 'c, 's> {
    cx: &'a mut Context<'s>,
    known: &'a mut Known,
    decl: &'c OperationDecl,
}

impl<'c> Lowering<'_, 'c, '_> {
    fn operation(&mut self) -> Option<Operation> {
        let decl: &'c OperationDecl = self.decl;
        let call = &decl.call;
        let name = call.name.name.as_str();
        let Some(specs) = specs(name) else {
            let help = suggest::did_you_mean(name, OPERATIONS.iter().copied())
                .unwrap_or_else(|| format!("the operations are {}", OPERATIONS.join(", ")));
            self.cx.report_at(
                FILE,
                call.name.span,
                format!("unknown operation `{name}`"),
                Some(help),
            );
            return None;
        };
        let args = args::collect(self.cx, FILE, call, specs, None, name);
        self.check_body_and_doc(name);
        match name {
            "CreateModel" => self.create_model(&args),
            "DeleteModel" => {
                let name = self.existing_model(&args, "name")?;
                self.known.models.retain(|(known, _)| *known != name);
                Some(Operation::DeleteModel { name })
            }
            "RenameModel" => {
                let old = self.existing_model(&args, "old");
                let new = self.new_name(&args, "new", "model");
                let (old, new) = (old?, new?);
                if let Some((name, _)) = self.known.models.iter_mut().find(|(m, _)| *m == old) {
                    name.clone_from(&new);
                }
                Some(Operation::RenameModel { old, new })
            }
            "AlterModelTable" => {
                let model = self.existing_model(&args, "model");
                let table = match args.value("table") {
                    Some(Value {
                        kind: ValueKind::Null,
                        ..
                    }) => None,
                    Some(Value {
                        kind: ValueKind::Str(table),
                        ..
                    }) => Some(table.clone()),
                    Some(other) => {
                        self.wrong_value("table", "a string or `null`", other);
                        return None;
                    }
                    None => {
                        self.missing(
                            &args,
                            "table",
                            "add `table = \"…\"`, or `table = null` for the default name",
                        );
                        return None;
                    }
                };
                Some(Operation::AlterModelTable {
                    model: model?,
                    table,
                })
            }
            "AlterModelOptions" => {
                let model = self.existing_model(&args, "model")?;
                let body = self.decl.body.as_ref()?;
                let meta = self.meta(&model, body)?;
                Some(Operation::AlterModelOptions { model, meta })
            }
            "AddField" | "AlterField" => self.field_change(&args, name == "AddField"),
            "RemoveField" => {
                let model = self.existing_model(&args, "model")?;
                let field = self.existing_field(&args, &model, "name")?;
                if let Some(fields) = self.known.fields_mut(&model) {
                    fields.retain(|known| *known != field);
                }
                Some(Operation::RemoveField { model, name: field })
            }
            "RenameField" => {
                let model = self.existing_model(&args, "model")?;
                let old = self.existing_field(&args, &model, "old");
                let new = self.new_field(&args, &model, "new");
                let (old, new) = (old?, new?);
                if let Some(fields) = self.known.fields_mut(&model) {
                    for field in fields.iter_mut().filter(|field| **field == old) {
                        field.clone_from(&new);
                    }
                }
                Some(Operation::RenameField { model, old, new })
            }
            "AddIndex" => {
                let model = self.existing_model(&args, "model");
                let call = self.call_arg(
                    &args,
                    "index",
                    "Index",
                    "add `index = Index(fields = [\"…\"], name = \"…\")`",
                )?;
                let (index, refs) = meta::lower_index(self.cx, FILE, call)?;
                let model = model?;
                self.check_field_refs(&model, "index", &refs);
                Some(Operation::AddIndex { model, index })
            }
            "AddSearchIndex" => {
                let model = self.existing_model(&args, "model");
                let call = self.call_arg(
                    &args,
                    "index",
                    "SearchIndex",
                    "add `index = SearchIndex(fields = [\"…\"], name = \"…\")`",
                )?;
                let lowered = meta::lower_search_index(self.cx, FILE, call)?;
                let model = model?;
                self.check_field_refs(&model, "search index", &lowered.fields);
                Some(Operation::AddSearchIndex {
                    model,
                    index: lowered.index,
                })
            }
            "AddConstraint" => {
                let model = self.existing_model(&args, "model");
                let call = self.call_arg(
                    &args,
                    "constraint",
                    "Check",
                    "add `constraint = Check(\"…\", name = \"…\")`",
                )?;
                let constraint = meta::lower_check(self.cx, FILE, call)?;
                Some(Operation::AddConstraint {
                    model: model?,
                    constraint,
                })
            }
            "RemoveSearchIndex" => {
                let model = self.existing_model(&args, "model");
                let removed = self.string(
                    &args,
                    "name",
                    "add `name = \"…\"`, the name of the search index",
                );
                Some(Operation::RemoveSearchIndex {
                    model: model?,
                    name: removed?,
                })
            }
            "RemoveIndex" | "RemoveConstraint" => {
                let model = self.existing_model(&args, "model");
                let removed = self.string(
                    &args,
                    "name",
                    "add `name = \"…\"`, the name it was created with",
                );
                let (model, name) = (model?, removed?);
                Some(if self.decl.call.name.name == "RemoveIndex" {
                    Operation::RemoveIndex { model, name }
                } else {
                    Operation::RemoveConstraint { model, name }
                })
            }
            "AlterUniqueTogether" => self.unique_together(&args),
            "CreateEnum" | "AlterEnum" => self.enum_def(&args, name == "CreateEnum"),
            "DeleteEnum" => {
                let name = self.existing_enum(&args)?;
                self.known.enums.retain(|(known, _)| *known != name);
                Some(Operation::DeleteEnum { name })
            }
            "RunSQL" => {
                let forward =
                    self.string(&args, "forward", "add `forward = \"…\"`, the SQL to run");
                let backend = match args.value("backend") {
                    Some(value) => Some(self.backend(value)?),
                    None => None,
                };
                Some(Operation::RunSql {
                    forward: forward?,
                    backward: args.string("backward"),
                    backend,
                })
            }
            "RunRust" => {
                let forward = self.string(
                    &args,
                    "forward",
                    "add `forward = \"…\"`, the name the function is registered under",
                )?;
                Some(Operation::RunRust {
                    forward,
                    backward: args.string("backward"),
                })
            }
            _ => None,
        }
    }

    /// The body is there when the operation needs one and holds what it should;
    /// a `///` doc stands only where it documents something.
    fn check_body_and_doc(&mut self, operation: &str) {
        let decl = self.decl;
        if decl.doc.is_some() && !takes_doc(operation) {
            self.cx.report_at(
                FILE,
                decl.call.name.span,
                format!("a doc comment on `{operation}` documents nothing"),
                Some("remove it, or make it a `//` comment".to_string()),
            );
        }
        let kind = body_kind(operation);
        let Some(body) = &decl.body else {
            let help = match kind {
                BodyKind::None => return,
                BodyKind::Model => "write the model's fields and `meta` in `{ … }` after the call",
                BodyKind::Meta => "write the options in `{ meta { … } }` after the call",
                BodyKind::Variants => {
                    "write the variants in `{ Name = \"value\" … }` after the call"
                }
            };
            self.cx.report_at(
                FILE,
                decl.call.span,
                format!("`{operation}` needs a body"),
                Some(help.to_string()),
            );
            return;
        };
        if kind == BodyKind::None {
            self.cx.report_at(
                FILE,
                Span::new(body.span.start, body.span.start + 1),
                format!("`{operation}` takes no `{{ … }}` body"),
                Some("remove the body".to_string()),
            );
            return;
        }
        if kind != BodyKind::Variants {
            for variant in &body.variants {
                self.cx.report_at(
                    FILE,
                    variant.name.span,
                    format!("`{operation}` holds fields and `meta`, not enum variants"),
                    Some("a field is written `name = Type(…)`".to_string()),
                );
            }
        }
        if kind == BodyKind::Meta {
            for field in &body.fields {
                self.cx.report_at(
                    FILE,
                    field.name.span,
                    format!("`{operation}` holds only `meta {{ … }}`"),
                    Some("add or change fields with `AddField` and `AlterField`".to_string()),
                );
            }
        }
        if kind == BodyKind::Variants {
            let members = body
                .fields
                .iter()
                .map(|field| field.name.span)
                .chain(body.metas.iter().map(|meta| meta.span));
            for span in members.collect::<Vec<_>>() {
                self.cx.report_at(
                    FILE,
                    span,
                    format!("`{operation}` holds enum variants only"),
                    Some("a variant is written `Name = \"value\"`".to_string()),
                );
            }
        }
    }

    fn create_model(&mut self, args: &Args<'_>) -> Option<Operation> {
        let name = self.new_name(args, "name", "model")?;
        let body = self.decl.body.as_ref()?;
        // The model can point at itself.
        self.cx
            .models
            .insert(name.clone(), ModelInfo { is_abstract: false });
        self.cx.model_names.push(name.clone());
        let mut lowered_fields: Vec<LoweredField> = Vec::new();
        let mut seen: Vec<&Ident> = Vec::new();
        let mut complete = true;
        for decl in &body.fields {
            if let Some(previous) = seen.iter().find(|seen| seen.name == decl.name.name) {
                let diagnostic = self
                    .cx
                    .error(
                        FILE,
                        decl.name.span,
                        format!("duplicate field `{}` in model `{name}`", decl.name.name),
                    )
                    .with_label(self.cx.sources[FILE].label(previous.span, "first defined here"));
                self.cx.report(FILE, diagnostic);
                complete = false;
                continue;
            }
            seen.push(&decl.name);
            match fields::lower_field(self.cx, FILE, &name, decl) {
                Some(lowered) => lowered_fields.push(lowered),
                None => complete = false,
            }
        }
        let field_names: Vec<String> = seen.iter().map(|ident| ident.name.clone()).collect();
        self.known.models.push((name.clone(), field_names));
        for lowered in &lowered_fields {
            self.check_to_field(lowered);
        }
        let fields: Vec<Field> = lowered_fields
            .into_iter()
            .map(|lowered| lowered.field)
            .collect();
        let meta = self.meta(&name, body);
        if complete {
            self.check_primary_key(&name, body, &fields, meta.as_ref());
        }
        Some(Operation::CreateModel {
            model: Model {
                name,
                doc: self.decl.doc.clone(),
                is_abstract: false,
                extends: None,
                fields,
                meta: meta?,
                comment: None,
            },
        })
    }

    /// The meta of a body, its field names checked against `model` as it is now.
    fn meta(&mut self, model: &str, body: &OperationBody) -> Option<Meta> {
        let OwnMeta {
            meta,
            is_abstract,
            field_refs,
            ..
        } = meta::lower_meta(self.cx, FILE, &body.metas);
        if is_abstract {
            let span = body
                .metas
                .first()
                .and_then(|block| block.options.iter().find(|o| o.name.name == "abstract"))
                .map_or(body.span, |option| option.name.span);
            self.cx.report_at(
                FILE,
                span,
                "a migration's model is concrete: `abstract` has no place here",
                Some("remove `abstract = true`".to_string()),
            );
            return None;
        }
        let refs: Vec<(String, Span)> = field_refs
            .into_iter()
            .map(|reference| (reference.name, reference.span))
            .collect();
        self.check_field_refs(model, "meta", &refs);
        Some(meta)
    }

    /// A complete model has exactly one primary-key field, or a composite key.
    fn check_primary_key(
        &mut self,
        name: &str,
        body: &OperationBody,
        fields: &[Field],
        meta: Option<&Meta>,
    ) {
        let keys: Vec<&FieldDecl> = body
            .fields
            .iter()
            .filter(|decl| {
                fields
                    .iter()
                    .any(|f| f.name == decl.name.name && f.options.primary_key)
            })
            .collect();
        let composite = meta.is_some_and(|meta| !meta.primary_key.is_empty());
        let name_span = self
            .decl
            .call
            .args
            .iter()
            .find(|arg| arg.keyword.as_ref().is_some_and(|k| k.name == "name"))
            .map_or(self.decl.call.span, |arg| arg.value.span);
        match (keys.as_slice(), composite) {
            ([], false) => self.cx.report_at(
                FILE,
                name_span,
                format!("model `{name}` has no primary key"),
                Some(
                    "a migration lists every field: add `id = AutoField(primary_key = true)`"
                        .to_string(),
                ),
            ),
            ([_], false) | ([], true) => {}
            ([first, .., second], false) => {
                let diagnostic = self
                    .cx
                    .error(
                        FILE,
                        second.name.span,
                        format!("model `{name}` has two primary keys"),
                    )
                    .with_label(
                        self.cx.sources[FILE].label(first.name.span, "first primary key here"),
                    );
                self.cx.report(FILE, diagnostic);
            }
            ([first, ..], true) => self.cx.report_at(
                FILE,
                first.name.span,
                format!(
                    "model `{name}` has both `meta {{ primary_key = … }}` and a `primary_key = true` field"
                ),
                Some("keep one".to_string()),
            ),
        }
    }

    fn field_change(&mut self, args: &Args<'c>, is_add: bool) -> Option<Operation> {
        let model = self.existing_model(args, "model")?;
        let name = if is_add {
            self.new_field(args, &model, "name")
        } else {
            self.existing_field(args, &model, "name")
        };
        let call = match args.value("field").map(|value| &value.kind) {
            Some(ValueKind::Call(call)) => Some(call),
            _ => None,
        };
        let subject = self.decl.call.name.name.as_str();
        let call = args.require(
            self.cx,
            call,
            "field",
            subject,
            self.decl.call.name.span,
            "add `field = CharField(max_length = 100)` (the field's type and arguments)",
        )?;
        let name = name?;
        let name_span = args.value("name").map_or(call.span, |value| value.span);
        let decl = FieldDecl {
            doc: self.decl.doc.clone(),
            name: Ident {
                name: name.clone(),
                span: name_span,
            },
            call: call.clone(),
        };
        if is_add {
            if let Some(fields) = self.known.fields_mut(&model) {
                fields.push(name);
            }
        }
        let lowered = fields::lower_field(self.cx, FILE, &model, &decl)?;
        self.check_to_field(&lowered);
        let field = lowered.field;
        let once_default = match args.value("once_default") {
            Some(value) => Some(defaults::lower_default_as(
                self.cx,
                FILE,
                value,
                &field,
                "once_default",
            )?),
            None => None,
        };
        Some(if is_add {
            Operation::AddField {
                model,
                field,
                once_default,
            }
        } else {
            Operation::AlterField {
                model,
                field,
                once_default,
            }
        })
    }

    fn unique_together(&mut self, args: &Args<'_>) -> Option<Operation> {
        let model = self.existing_model(args, "model");
        let Some(value) = args.value("unique_together") else {
            self.missing(
                args,
                "unique_together",
                "add `unique_together = [[\"a\", \"b\"]]`, or `[]` for none",
            );
            return None;
        };
        let ValueKind::List(items) = &value.kind else {
            self.wrong_value("unique_together", "a list of lists of field names", value);
            return None;
        };
        // A flat list of names is one set, as in `meta`.
        let flat = !items.is_empty()
            && items
                .iter()
                .all(|item| matches!(item.kind, ValueKind::Str(_)));
        let groups: Vec<&Value> = if flat {
            vec![value]
        } else {
            items.iter().collect()
        };
        let mut sets = Vec::new();
        let mut refs = Vec::new();
        for group in groups {
            let ValueKind::List(names) = &group.kind else {
                self.wrong_value("unique_together", "lists of field names", group);
                return None;
            };
            let mut set = Vec::new();
            for name in names {
                let ValueKind::Str(field) = &name.kind else {
                    self.wrong_value("unique_together", "field names as strings", name);
                    return None;
                };
                refs.push((field.clone(), name.span));
                set.push(field.clone());
            }
            sets.push(set);
        }
        let model = model?;
        self.check_field_refs(&model, "unique_together", &refs);
        Some(Operation::AlterUniqueTogether {
            model,
            unique_together: sets,
        })
    }

    fn enum_def(&mut self, args: &Args<'_>, is_create: bool) -> Option<Operation> {
        let name = if is_create {
            self.new_name(args, "name", "enum")
        } else {
            self.existing_enum(args)
        };
        let name = name?;
        let body = self.decl.body.as_ref()?;
        let decl = EnumDecl {
            doc: self.decl.doc.clone(),
            name: Ident {
                name: name.clone(),
                span: self.decl.call.name.span,
            },
            variants: body.variants.clone(),
        };
        check_variants(self.cx, FILE, &decl);
        let variants: Vec<String> = decl.variants.iter().map(|v| v.name.name.clone()).collect();
        match self
            .known
            .enums
            .iter_mut()
            .find(|(known, _)| *known == name)
        {
            Some((_, known)) => *known = variants,
            None => self.known.enums.push((name.clone(), variants)),
        }
        let def = EnumDef {
            name,
            doc: decl.doc,
            variants: decl
                .variants
                .iter()
                .map(|variant| EnumVariant {
                    name: variant.name.name.clone(),
                    value: variant.value.clone(),
                    doc: variant.doc.clone(),
                })
                .collect(),
        };
        Some(if is_create {
            Operation::CreateEnum { def }
        } else {
            Operation::AlterEnum { def }
        })
    }

    fn backend(&mut self, value: &Value) -> Option<Backend> {
        let ValueKind::Str(name) = &value.kind else {
            return None;
        };
        if let Some(backend) = Backend::ALL.into_iter().find(|b| b.name() == name) {
            return Some(backend);
        }
        let help =
            suggest::did_you_mean(name, Backend::ALL.map(Backend::name)).unwrap_or_else(|| {
                "write `backend = \"sqlite\"` or `backend = \"postgres\"`, or leave it out for both"
                    .to_string()
            });
        self.cx.report_at(
            FILE,
            value.span,
            format!("unknown backend `{name}`"),
            Some(help),
        );
        None
    }

    /// A model argument naming a model that exists now.
    fn existing_model(&mut self, args: &Args<'_>, key: &str) -> Option<String> {
        let value = self.require_value(args, key, "add `{key} = ModelName`")?;
        let name = name_of(value)?;
        self.cx
            .check_model_exists(FILE, value.span, &name)
            .then_some(name)
    }

    fn existing_enum(&mut self, args: &Args<'_>) -> Option<String> {
        let value = self.require_value(args, "name", "add `name = EnumName`")?;
        let name = name_of(value)?;
        self.cx
            .check_enum_exists(FILE, value.span, &name)
            .then_some(name)
    }

    /// The name of a model or enum being created (or a model's new name): an
    /// identifier no model or enum has yet.
    fn new_name(&mut self, args: &Args<'_>, key: &str, what: &str) -> Option<String> {
        let value = self.require_value(args, key, "add `{key} = Name`")?;
        let name = name_of(value)?;
        if !is_valid_field_name(&name) {
            self.cx.report_at(
                FILE,
                value.span,
                format!("`{name}` is not a valid {what} name"),
                Some("a name is letters, digits and `_`, not starting with a digit".to_string()),
            );
            return None;
        }
        if let Some(taken) = self.known.taken(&name) {
            self.cx.report_at(
                FILE,
                value.span,
                format!("{} {taken} named `{name}` already exists", article(taken)),
                Some(format!("choose another name, or delete the {taken} first")),
            );
            return None;
        }
        Some(name)
    }

    /// A field argument naming a field `model` has now.
    fn existing_field(&mut self, args: &Args<'_>, model: &str, key: &str) -> Option<String> {
        let value = self.require_value(args, key, "add `{key} = \"field_name\"`")?;
        let ValueKind::Str(name) = &value.kind else {
            return None;
        };
        let fields = self.known.fields(model).unwrap_or_default();
        if fields.iter().any(|field| field == name) {
            return Some(name.clone());
        }
        let help = suggest::did_you_mean(name, fields.iter().map(String::as_str));
        self.cx.report_at(
            FILE,
            value.span,
            format!("model `{model}` has no field `{name}`"),
            help,
        );
        None
    }

    /// A field argument naming a field `model` does not have yet.
    fn new_field(&mut self, args: &Args<'_>, model: &str, key: &str) -> Option<String> {
        let value = self.require_value(args, key, "add `{key} = \"field_name\"`")?;
        let ValueKind::Str(name) = &value.kind else {
            return None;
        };
        if !is_valid_field_name(name) {
            self.cx.report_at(
                FILE,
                value.span,
                format!("`{name}` is not a valid field name"),
                Some(
                    "a field name is letters, digits and `_`, not starting with a digit"
                        .to_string(),
                ),
            );
            return None;
        }
        let fields = self.known.fields(model).unwrap_or_default();
        if fields.iter().any(|field| field == name) {
            self.cx.report_at(
                FILE,
                value.span,
                format!("model `{model}` already has a field `{name}`"),
                Some("choose another name, or remove the field first".to_string()),
            );
            return None;
        }
        Some(name.clone())
    }

    /// A relation's `to_field` must be a field of its target.
    fn check_to_field(&mut self, lowered: &LoweredField) {
        let (FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation)) =
            &lowered.field.kind
        else {
            return;
        };
        let (Some(to_field), Some(span)) = (&relation.to_field, lowered.spans.to_field) else {
            return;
        };
        let Some(fields) = self.known.fields(&relation.to) else {
            return;
        };
        if fields.contains(to_field) {
            return;
        }
        let help = suggest::did_you_mean(to_field, fields.iter().map(String::as_str));
        self.cx.report_at(
            FILE,
            span,
            format!("model `{}` has no field `{to_field}`", relation.to),
            help,
        );
    }

    /// Field names written in `what` must be fields of `model`.
    fn check_field_refs(&mut self, model: &str, what: &str, refs: &[(String, Span)]) {
        let Some(fields) = self.known.fields(model) else {
            return;
        };
        let fields = fields.to_vec();
        for (name, span) in refs {
            if fields.contains(name) {
                continue;
            }
            let help = suggest::did_you_mean(name, fields.iter().map(String::as_str));
            self.cx.report_at(
                FILE,
                *span,
                format!("unknown field `{name}` in `{what}` of model `{model}`"),
                help,
            );
        }
    }

    /// A required argument whose value must be a `callee(…)` call.
    fn call_arg(
        &mut self,
        args: &Args<'c>,
        key: &str,
        callee: &str,
        help: &str,
    ) -> Option<&'c Call> {
        let Some(value) = args.value(key) else {
            self.missing(args, key, help);
            return None;
        };
        match &value.kind {
            ValueKind::Call(call) if call.name.name == callee => Some(call),
            _ => {
                self.wrong_value(key, &format!("`{callee}(…)`"), value);
                None
            }
        }
    }

    /// A required string argument.
    fn string(&mut self, args: &Args<'_>, key: &str, help: &str) -> Option<String> {
        let found = args.string(key);
        let subject = self.decl.call.name.name.clone();
        args.require(
            self.cx,
            found,
            key,
            &subject,
            self.decl.call.name.span,
            help,
        )
    }

    /// A required argument of any (already checked) type; `help` may use `{key}`.
    fn require_value<'v>(&mut self, args: &Args<'v>, key: &str, help: &str) -> Option<&'v Value> {
        let value = args.value(key);
        if value.is_none() {
            self.missing(args, key, &help.replace("{key}", key));
        }
        value
    }

    fn missing(&mut self, args: &Args<'_>, key: &str, help: &str) {
        let subject = self.decl.call.name.name.clone();
        let _: Option<()> =
            args.require(self.cx, None, key, &subject, self.decl.call.name.span, help);
    }

    fn wrong_value(&mut self, key: &str, expected: &str, value: &Value) {
        let found = match &value.kind {
            ValueKind::Call(call) => format!("`{}(…)`", call.name.name),
            other => other.describe().to_string(),
        };
        self.cx.report_at(
            FILE,
            value.span,
            format!("`{key}` expects {expected}, found {found}"),
            None,
        );
    }
}

/// The name a model or enum argument gives (a bare name or a string).
fn name_of(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Ident(name) | ValueKind::Str(name) => Some(name.clone()),
        _ => None,
    }
}

fn article(what: &str) -> &'static str {
    if what == "enum" {
        "an"
    } else {
        "a"
    }
}
