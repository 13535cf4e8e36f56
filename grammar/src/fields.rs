//! Lowering one field declaration (`name = Type(args…)`) into an IR [`Field`]:
//! the type and its own arguments, the arguments every field accepts, and the
//! checks that concern one field alone.

use crate::args::{self, ArgSpec, ArgType, Args};
use crate::context::Context;
use crate::defaults;
use crate::ir::{
    Field, FieldKind, FieldOptions, FieldOrigin, ManyToMany, Number, OnDelete, OnUpdate, Relation,
    Validators,
};
use crate::suggest;
use crate::syntax::{Call, FieldDecl, Span, ValueKind};

/// Every field type of the language.
pub(crate) const FIELD_TYPES: &[&str] = &[
    "AutoField",
    "BigAutoField",
    "SmallIntegerField",
    "IntegerField",
    "BigIntegerField",
    "FloatField",
    "DecimalField",
    "BooleanField",
    "CharField",
    "FixedCharField",
    "TextField",
    "EmailField",
    "URLField",
    "SlugField",
    "UUIDField",
    "DateField",
    "TimeField",
    "DateTimeField",
    "JSONField",
    "ArrayField",
    "BinaryField",
    "ForeignKey",
    "OneToOneField",
    "ManyToManyField",
];

/// The arguments every field accepts (`max_length` is per type: a column length
/// for the string types, a validator for `TextField`).
pub(crate) const COMMON_ARGS: &[ArgSpec] = &[
    ("null", ArgType::Bool),
    ("blank", ArgType::Bool),
    ("default", ArgType::Any),
    ("unique", ArgType::Bool),
    ("db_index", ArgType::Bool),
    ("db_column", ArgType::Str),
    ("primary_key", ArgType::Bool),
    ("editable", ArgType::Bool),
    ("choices", ArgType::EnumName),
    ("verbose_name", ArgType::Str),
    ("help_text", ArgType::Str),
    ("min_value", ArgType::Number),
    ("max_value", ArgType::Number),
    ("min_length", ArgType::Count),
    ("regex", ArgType::Str),
    ("renamed_from", ArgType::Str),
];

const LENGTH: &[ArgSpec] = &[("max_length", ArgType::PositiveInt)];
const TEXT: &[ArgSpec] = &[
    ("max_length", ArgType::PositiveInt),
    ("db_type", ArgType::Str),
];
const DECIMAL: &[ArgSpec] = &[
    ("max_digits", ArgType::PositiveInt),
    ("decimal_places", ArgType::Count),
];
const UUID: &[ArgSpec] = &[("auto", ArgType::Bool)];
const TEMPORAL: &[ArgSpec] = &[("auto_now", ArgType::Bool), ("auto_now_add", ArgType::Bool)];
const JSON: &[ArgSpec] = &[("schema", ArgType::Str)];
const ARRAY: &[ArgSpec] = &[("base_field", ArgType::FieldType)];
const RELATION: &[ArgSpec] = &[
    ("to", ArgType::Model),
    ("on_delete", ArgType::OnDelete),
    ("on_update", ArgType::OnUpdate),
    ("related_name", ArgType::Str),
    ("to_field", ArgType::Str),
];
const MANY_TO_MANY: &[ArgSpec] = &[
    ("to", ArgType::Model),
    ("related_name", ArgType::Str),
    ("through", ArgType::Model),
    ("db_table", ArgType::Str),
];

/// The arguments specific to a type, and which of them a positional argument fills.
fn type_args(type_name: &str) -> (&'static [ArgSpec], Option<&'static str>) {
    match type_name {
        "DecimalField" => (DECIMAL, None),
        "TextField" => (TEXT, None),
        "CharField" | "FixedCharField" | "EmailField" | "URLField" | "SlugField" => (LENGTH, None),
        "UUIDField" => (UUID, None),
        "DateField" | "TimeField" | "DateTimeField" => (TEMPORAL, None),
        "JSONField" => (JSON, None),
        "ArrayField" => (ARRAY, Some("base_field")),
        "ForeignKey" | "OneToOneField" => (RELATION, Some("to")),
        "ManyToManyField" => (MANY_TO_MANY, Some("to")),
        _ => (&[], None),
    }
}

/// Spans of a lowered field that checks after inheritance still need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldSpans {
    pub(crate) name: Span,
    pub(crate) primary_key: Option<Span>,
    /// `null = true` as written.
    pub(crate) null: Option<Span>,
    pub(crate) to_field: Option<Span>,
    pub(crate) related_name: Option<Span>,
    pub(crate) through: Option<Span>,
}

/// A field with the spans later checks point at.
#[derive(Debug, Clone)]
pub(crate) struct LoweredField {
    pub(crate) field: Field,
    pub(crate) spans: FieldSpans,
}

/// Lowers a declared field of `model`; `None` when its type is unusable (already reported).
pub(crate) fn lower_field(
    cx: &mut Context<'_>,
    file: usize,
    model: &str,
    decl: &FieldDecl,
) -> Option<LoweredField> {
    let call = &decl.call;
    let type_name = call.name.name.as_str();
    if !FIELD_TYPES.contains(&type_name) {
        report_unknown_type(cx, file, call);
        return None;
    }
    let (own, positional) = type_args(type_name);
    let specs: Vec<ArgSpec> = own.iter().chain(COMMON_ARGS).copied().collect();
    let args = args::collect(cx, file, call, &specs, positional, type_name);
    let kind = lower_kind(cx, &args, call, model, true);
    let options = lower_options(&args, type_name);
    let field = Field {
        name: decl.name.name.clone(),
        doc: decl.doc.clone(),
        kind: kind?,
        options,
        origin: FieldOrigin::Declared,
        comment: None,
    };
    let mut field = field;
    if let Some(value) = args.value("default") {
        field.options.default = defaults::lower_default(cx, file, value, &field);
    }
    check_field(cx, &args, &field);
    Some(LoweredField {
        spans: FieldSpans {
            name: decl.name.span,
            primary_key: args
                .span("primary_key")
                .filter(|_| field.options.primary_key),
            null: args.span("null").filter(|_| field.options.null),
            to_field: args.span("to_field"),
            related_name: args.span("related_name"),
            through: args.span("through"),
        },
        field,
    })
}

fn report_unknown_type(cx: &mut Context<'_>, file: usize, call: &Call) {
    let name = &call.name.name;
    let help = suggest::did_you_mean(name, FIELD_TYPES.iter().copied());
    cx.report_at(
        file,
        call.name.span,
        format!("unknown field type `{name}`"),
        help,
    );
}

/// The [`FieldKind`] of a call whose type name is known. `is_column` is false for
/// the base of an `ArrayField`.
fn lower_kind(
    cx: &mut Context<'_>,
    args: &Args<'_>,
    call: &Call,
    model: &str,
    is_column: bool,
) -> Option<FieldKind> {
    let type_name = call.name.name.as_str();
    let at = call.name.span;
    let max_length = |cx: &mut Context<'_>, default: Option<u32>| match default {
        Some(default) => Some(args.u32("max_length").unwrap_or(default)),
        None => args.require(
            cx,
            args.u32("max_length"),
            "max_length",
            type_name,
            at,
            "add `max_length = 255` (the longest value, in characters)",
        ),
    };
    let kind = match type_name {
        "AutoField" => FieldKind::AutoField,
        "BigAutoField" => FieldKind::BigAutoField,
        "SmallIntegerField" => FieldKind::SmallIntegerField,
        "IntegerField" => FieldKind::IntegerField,
        "BigIntegerField" => FieldKind::BigIntegerField,
        "FloatField" => FieldKind::FloatField,
        "BooleanField" => FieldKind::BooleanField,
        "TextField" => FieldKind::TextField,
        "BinaryField" => FieldKind::BinaryField,
        "DecimalField" => {
            let max_digits = args.require(
                cx,
                args.u32("max_digits"),
                "max_digits",
                type_name,
                at,
                "add `max_digits = 10` (all digits, before and after the point)",
            );
            let decimal_places = args.require(
                cx,
                args.u32("decimal_places"),
                "decimal_places",
                type_name,
                at,
                "add `decimal_places = 2` (digits after the point)",
            );
            let (max_digits, decimal_places) = (max_digits?, decimal_places?);
            if decimal_places > max_digits {
                let span = args.span("decimal_places").unwrap_or(at);
                cx.report_at(
                    args.file,
                    span,
                    format!(
                        "`decimal_places` ({decimal_places}) cannot exceed `max_digits` ({max_digits})"
                    ),
                    None,
                );
            }
            FieldKind::DecimalField {
                max_digits,
                decimal_places,
            }
        }
        "CharField" => FieldKind::CharField {
            max_length: max_length(cx, None)?,
        },
        "FixedCharField" => FieldKind::FixedCharField {
            max_length: max_length(cx, None)?,
        },
        "EmailField" => FieldKind::EmailField {
            max_length: max_length(cx, Some(254))?,
        },
        "URLField" => FieldKind::URLField {
            max_length: max_length(cx, Some(2048))?,
        },
        "SlugField" => FieldKind::SlugField {
            max_length: max_length(cx, Some(100))?,
        },
        "UUIDField" => FieldKind::UUIDField {
            auto: args.flag("auto"),
        },
        "DateField" | "TimeField" | "DateTimeField" => {
            let auto_now = args.flag("auto_now");
            let auto_now_add = args.flag("auto_now_add");
            if auto_now && auto_now_add {
                let span = args.span("auto_now_add").unwrap_or(at);
                cx.report_at(
                    args.file,
                    span,
                    "`auto_now` and `auto_now_add` cannot both be set",
                    Some("keep `auto_now_add` for a creation time, `auto_now` for a last-modified time".to_string()),
                );
            }
            match type_name {
                "DateField" => FieldKind::DateField {
                    auto_now,
                    auto_now_add,
                },
                "TimeField" => FieldKind::TimeField {
                    auto_now,
                    auto_now_add,
                },
                _ => FieldKind::DateTimeField {
                    auto_now,
                    auto_now_add,
                },
            }
        }
        "JSONField" => FieldKind::JSONField {
            schema: args.string("schema"),
        },
        "ArrayField" => {
            let base = args
                .value("base_field")
                .and_then(|value| match &value.kind {
                    ValueKind::Call(base) => Some(base),
                    _ => None,
                });
            let base = args.require(
                cx,
                base,
                "base_field",
                type_name,
                at,
                "give the element type first: `ArrayField(CharField(max_length = 50))`",
            )?;
            FieldKind::ArrayField {
                base: Box::new(lower_array_base(cx, args.file, base, model)?),
            }
        }
        "ForeignKey" | "OneToOneField" => {
            let to = target(cx, args, "to", model);
            let to = args.require(
                cx,
                to,
                "to",
                type_name,
                at,
                "give the target model first: `ForeignKey(Author, on_delete = CASCADE)`",
            );
            let on_delete = args.require(
                cx,
                args.ident("on_delete")
                    .and_then(|name| OnDelete::from_keyword(&name)),
                "on_delete",
                type_name,
                at,
                "add `on_delete = CASCADE` (or SET_NULL, SET_DEFAULT, PROTECT, RESTRICT, DO_NOTHING)",
            );
            let relation = Relation {
                to: to?,
                on_delete: on_delete?,
                on_update: args
                    .ident("on_update")
                    .and_then(|name| OnUpdate::from_keyword(&name))
                    .unwrap_or_default(),
                related_name: args.string("related_name"),
                to_field: args.string("to_field"),
            };
            if type_name == "ForeignKey" {
                FieldKind::ForeignKey(relation)
            } else {
                FieldKind::OneToOneField(relation)
            }
        }
        "ManyToManyField" => {
            let to = target(cx, args, "to", model);
            let to = args.require(
                cx,
                to,
                "to",
                type_name,
                at,
                "give the target model first: `ManyToManyField(Tag)`",
            )?;
            FieldKind::ManyToManyField(ManyToMany {
                to,
                related_name: args.string("related_name"),
                through: target(cx, args, "through", model),
                db_table: args.string("db_table"),
            })
        }
        _ => return None,
    };
    if !is_column && matches!(kind, FieldKind::AutoField | FieldKind::BigAutoField) {
        cx.report_at(
            args.file,
            at,
            format!("`{type_name}` cannot be the base of an `ArrayField`"),
            None,
        );
        return None;
    }
    Some(kind)
}

/// The element type of an `ArrayField`: a field type with its own arguments only.
fn lower_array_base(
    cx: &mut Context<'_>,
    file: usize,
    call: &Call,
    model: &str,
) -> Option<FieldKind> {
    let type_name = call.name.name.as_str();
    if !FIELD_TYPES.contains(&type_name) {
        report_unknown_type(cx, file, call);
        return None;
    }
    if matches!(
        type_name,
        "ForeignKey" | "OneToOneField" | "ManyToManyField"
    ) {
        cx.report_at(
            file,
            call.span,
            "an `ArrayField` cannot hold a relation",
            Some("use a `ManyToManyField` instead".to_string()),
        );
        return None;
    }
    let (own, positional) = type_args(type_name);
    let args = args::collect(cx, file, call, own, positional, type_name);
    lower_kind(cx, &args, call, model, false)
}

/// A model argument (`to`, `through`): `self` and `"self"` name the model itself.
/// Unknown and abstract targets are reported.
fn target(cx: &mut Context<'_>, args: &Args<'_>, name: &str, model: &str) -> Option<String> {
    let value = args.value(name)?;
    let written = match &value.kind {
        ValueKind::Ident(target) | ValueKind::Str(target) => target.as_str(),
        _ => return None,
    };
    let resolved = if written == "self" { model } else { written };
    if !cx.check_model_exists(args.file, value.span, resolved) {
        return None;
    }
    if cx.models.get(resolved).is_some_and(|info| info.is_abstract) {
        let message = if name == "through" {
            format!("`{resolved}` is abstract and has no table to join through")
        } else {
            format!("`{resolved}` is abstract and has no table to point at")
        };
        cx.report_at(
            args.file,
            value.span,
            message,
            Some("name a concrete model that inherits from it".to_string()),
        );
        return None;
    }
    Some(resolved.to_string())
}

fn number(args: &Args<'_>, name: &str) -> Option<Number> {
    match args.value(name).map(|value| &value.kind) {
        Some(ValueKind::Int(n)) => Some(Number::Int(*n)),
        Some(ValueKind::Float(x)) => Some(Number::Float(*x)),
        _ => None,
    }
}

fn lower_options(args: &Args<'_>, type_name: &str) -> FieldOptions {
    FieldOptions {
        null: args.flag("null"),
        blank: args.flag("blank"),
        // Lowered against the finished kind in `lower_field`.
        default: None,
        unique: args.flag("unique"),
        db_index: args.flag("db_index"),
        db_column: args.string("db_column"),
        db_type: args.string("db_type"),
        primary_key: args.flag("primary_key"),
        editable: args.bool("editable").unwrap_or(true),
        choices: args.ident("choices"),
        verbose_name: args.string("verbose_name"),
        help_text: args.string("help_text"),
        validators: Validators {
            min_value: number(args, "min_value"),
            max_value: number(args, "max_value"),
            min_length: args.u32("min_length"),
            max_length: if type_name == "TextField" {
                args.u32("max_length")
            } else {
                None
            },
            regex: args.string("regex"),
        },
        renamed_from: args.string("renamed_from"),
    }
}

/// Checks that concern the combination of one field's arguments.
fn check_field(cx: &mut Context<'_>, args: &Args<'_>, field: &Field) {
    let file = args.file;
    check_rust_names(cx, args, &field.kind);
    let options = &field.options;
    // A primary key with `null = true` is checked with the model's meta
    // (`resolve`): only a model Pookie does not manage may have one.
    let null_span = args.span("null");
    if let Some(choices) = &options.choices {
        let span = args
            .span("choices")
            .unwrap_or(null_span.unwrap_or_default());
        if cx.check_enum_exists(file, span, choices) && !is_string_kind(&field.kind) {
            cx.report_at(
                file,
                span,
                format!(
                    "`choices` needs a string field, not a `{}`",
                    field.kind.type_name()
                ),
                Some("use a `CharField` whose `max_length` fits the longest value".to_string()),
            );
        }
    }
    if let (Some(db_type), Some(span)) = (&options.db_type, args.span("db_type")) {
        if let Some(problem) = db_type_problem(db_type) {
            cx.report_at(
                file,
                span,
                format!("`db_type = {db_type:?}` {problem}"),
                Some("name a database type, as in `db_type = \"tsvector\"`".to_string()),
            );
        }
    }
    match &field.kind {
        FieldKind::ManyToManyField(many) => {
            if let (Some(through), Some(span)) = (&many.through, args.span("db_table")) {
                cx.report_at(
                    file,
                    span,
                    "`db_table` has no effect together with `through`",
                    Some(format!(
                        "remove `db_table`: the join table is the table of `{through}`"
                    )),
                );
            }
            if let (true, Some(span)) = (options.null, null_span) {
                cx.report_at(
                    file,
                    span,
                    "`null = true` has no effect on a `ManyToManyField`",
                    Some("remove it: an empty relation is simply no rows".to_string()),
                );
            }
            if let (true, Some(span)) = (options.primary_key, args.span("primary_key")) {
                cx.report_at(
                    file,
                    span,
                    "a `ManyToManyField` cannot be a primary key",
                    None,
                );
            }
        }
        FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => {
            let on_delete_span = args.span("on_delete").unwrap_or_default();
            if relation.on_delete == OnDelete::SetNull && !options.null {
                cx.report_at(
                    file,
                    on_delete_span,
                    "`on_delete = SET_NULL` requires `null = true`",
                    Some(format!("add `null = true` to `{}`", field.name)),
                );
            }
            if relation.on_delete == OnDelete::SetDefault && !args.written("default") {
                cx.report_at(
                    file,
                    on_delete_span,
                    "`on_delete = SET_DEFAULT` requires a `default`",
                    Some(format!("add `default = …` to `{}`", field.name)),
                );
            }
            let on_update_span = args.span("on_update").unwrap_or_default();
            if relation.on_update == OnUpdate::SetNull && !options.null {
                cx.report_at(
                    file,
                    on_update_span,
                    "`on_update = SET_NULL` requires `null = true`",
                    Some(format!("add `null = true` to `{}`", field.name)),
                );
            }
            if relation.on_update == OnUpdate::SetDefault && !args.written("default") {
                cx.report_at(
                    file,
                    on_update_span,
                    "`on_update = SET_DEFAULT` requires a `default`",
                    Some(format!("add `default = …` to `{}`", field.name)),
                );
            }
        }
        _ => {}
    }
}

/// Why `db_type` cannot be written into a column definition as it is: DDL
/// and casts spell it verbatim, so it must be one type name and nothing more.
fn db_type_problem(db_type: &str) -> Option<&'static str> {
    if db_type.trim().is_empty() {
        Some("is empty")
    } else if db_type.contains([';', '\'']) || db_type.contains("--") || db_type.contains("/*") {
        Some("is more than a type name (it holds `;`, a quote or a comment)")
    } else if db_type.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

/// Types whose values are strings, so that an enum's values fit them.
pub(crate) fn is_string_kind(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::CharField { .. }
            | FieldKind::FixedCharField { .. }
            | FieldKind::TextField
            | FieldKind::SlugField { .. }
            | FieldKind::EmailField { .. }
            | FieldKind::URLField { .. }
    )
}

/// What the build turns into Rust names must be Rust names: a `related_name`
/// becomes a method, a JSON `schema` a type path.
fn check_rust_names(cx: &mut Context<'_>, args: &Args<'_>, kind: &FieldKind) {
    let related_name = match kind {
        FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => r.related_name.as_deref(),
        FieldKind::ManyToManyField(m) => m.related_name.as_deref(),
        _ => None,
    };
    if let Some(name) = related_name.filter(|name| !is_identifier(name)) {
        let span = args.span("related_name").unwrap_or_default();
        cx.report_at(
            args.file,
            span,
            format!("`related_name` {name:?} is not an identifier"),
            Some("use letters, digits and underscores, not starting with a digit: it names the reverse accessor method".into()),
        );
    }
    if let FieldKind::JSONField {
        schema: Some(schema),
    } = kind
    {
        if !is_type_path(schema) {
            let span = args.span("schema").unwrap_or_default();
            cx.report_at(
                args.file,
                span,
                format!("`schema` {schema:?} is not a Rust type path"),
                Some("write the path of a type, segments joined by `::`: `crate::settings::Settings`".into()),
            );
        }
    }
    if let FieldKind::DecimalField { max_digits, .. } = kind {
        if *max_digits > MAX_DECIMAL_DIGITS {
            let span = args.span("max_digits").unwrap_or_default();
            cx.report_at(
                args.file,
                span,
                format!("`max_digits` ({max_digits}) is more than {MAX_DECIMAL_DIGITS}, the most PostgreSQL's NUMERIC holds"),
                Some(format!("use at most `max_digits = {MAX_DECIMAL_DIGITS}`")),
            );
        }
    }
}

/// The largest precision of PostgreSQL's `NUMERIC(p, s)`.
const MAX_DECIMAL_DIGITS: u32 = 1000;

/// A Rust identifier (ASCII letters, digits and underscores, not starting
/// with a digit, not `_` alone).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// A Rust type path: identifiers joined by `::` (a leading `::` allowed), each
/// segment possibly with generic arguments that are type paths themselves
/// (`Vec<crate::Tag>`, `std::collections::BTreeMap<String, u32>`).
fn is_type_path(text: &str) -> bool {
    fn path(text: &str) -> Option<&str> {
        let mut rest = text.trim_start();
        rest = rest.strip_prefix("::").unwrap_or(rest);
        loop {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if !is_identifier(&rest[..end]) {
                return None;
            }
            rest = rest[end..].trim_start();
            if let Some(args) = rest.strip_prefix('<') {
                rest = args;
                loop {
                    rest = path(rest)?.trim_start();
                    if let Some(more) = rest.strip_prefix(',') {
                        rest = more;
                    } else {
                        break;
                    }
                }
                rest = rest.strip_prefix('>')?.trim_start();
            }
            match rest.strip_prefix("::") {
                Some(next) => rest = next,
                None => return Some(rest),
            }
        }
    }
    path(text).is_some_and(|rest| rest.trim().is_empty())
}

#[cfg(test)]
mod rust_name_tests {
    use super::*;

    #[test]
    fn type_paths() {
        for good in [
            "Settings",
            "crate::support::Settings",
            "::std::vec::Vec<String>",
            "BTreeMap<String, Vec<u8>>",
        ] {
            assert!(is_type_path(good), "{good}");
        }
        for bad in [
            "",
            "crate::support:Settings",
            "a::",
            "Vec<",
            "1abc",
            "a b",
            "Vec<>",
            "a::<b>",
        ] {
            assert!(!is_type_path(bad), "{bad}");
        }
    }
}
