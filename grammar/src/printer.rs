//! The canonical `.pookie` text of a module: what `pookie fmt` writes and what
//! `inspectdb` produces. Loading the printed text gives back the same module.
//!
//! Canonical means: enums then models, 4-space indentation, the `=` of fields,
//! variants and meta options aligned, arguments in a fixed order, and arguments
//! equal to their default left out. Implicit and inherited fields, and inherited
//! meta options, are not printed: loading adds them again. The `comment` of a
//! model or field is printed as `//` lines above it (above its doc comment);
//! loading ignores plain comments, so it is the one part of the IR that does
//! not come back.

use std::fmt::Write;

use crate::ir::{
    CheckConstraint, DefaultValue, EnumDef, Field, FieldKind, FieldOrigin, Index, IndexMethod,
    Meta, Model, Module, Number, OnUpdate, OrderItem, SearchIndex,
};

const INDENT: &str = "    ";

pub(crate) fn print_module(module: &Module) -> String {
    let mut blocks: Vec<String> = Vec::new();
    if let Some(doc) = &module.doc {
        let mut header = String::new();
        write_doc(&mut header, "", "//!", doc);
        blocks.push(header);
    }
    blocks.extend(module.enums.iter().map(print_enum));
    blocks.extend(module.models.iter().map(print_model));
    blocks.join("\n")
}

pub(crate) fn write_doc(out: &mut String, indent: &str, marker: &str, doc: &str) {
    for line in doc.split('\n') {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}{marker}");
        } else {
            let _ = writeln!(out, "{indent}{marker} {line}");
        }
    }
}

fn print_enum(def: &EnumDef) -> String {
    let mut out = String::new();
    if let Some(doc) = &def.doc {
        write_doc(&mut out, "", "///", doc);
    }
    let _ = write!(out, "enum {}", def.name);
    out.push_str(&enum_body(def));
    out
}

/// ` {` variants `}` and a newline, or ` {}` and a newline when there are none.
pub(crate) fn enum_body(def: &EnumDef) -> String {
    let mut out = String::new();
    if def.variants.is_empty() {
        out.push_str(" {}\n");
        return out;
    }
    out.push_str(" {\n");
    let width = def
        .variants
        .iter()
        .map(|v| v.name.chars().count())
        .max()
        .unwrap_or(0);
    for variant in &def.variants {
        if let Some(doc) = &variant.doc {
            write_doc(&mut out, INDENT, "///", doc);
        }
        let _ = writeln!(
            out,
            "{INDENT}{} = {}",
            pad(&variant.name, width),
            string(&variant.value)
        );
    }
    out.push_str("}\n");
    out
}

fn print_model(model: &Model) -> String {
    let mut out = String::new();
    if let Some(comment) = &model.comment {
        write_doc(&mut out, "", "//", comment);
    }
    if let Some(doc) = &model.doc {
        write_doc(&mut out, "", "///", doc);
    }
    if model.is_abstract {
        out.push_str("abstract ");
    }
    let _ = write!(out, "model {}", model.name);
    if let Some(parent) = &model.extends {
        let _ = write!(out, " : {parent}");
    }
    let fields: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| f.origin == FieldOrigin::Declared)
        .collect();
    out.push_str(&model_body(&fields, &model.meta));
    out
}

/// ` {` fields and meta `}` and a newline, or ` {}` and a newline when empty.
pub(crate) fn model_body(fields: &[&Field], meta: &Meta) -> String {
    let mut out = String::new();
    let meta = meta_options(meta);
    if fields.is_empty() && meta.is_empty() {
        out.push_str(" {}\n");
        return out;
    }
    out.push_str(" {\n");
    let width = fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    for field in fields {
        if let Some(comment) = &field.comment {
            write_doc(&mut out, INDENT, "//", comment);
        }
        if let Some(doc) = &field.doc {
            write_doc(&mut out, INDENT, "///", doc);
        }
        let _ = writeln!(
            out,
            "{INDENT}{} = {}",
            pad(&field.name, width),
            field_call(field)
        );
    }
    if !meta.is_empty() {
        if !fields.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{INDENT}meta {{");
        let width = meta.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        for (name, value) in &meta {
            let _ = writeln!(out, "{INDENT}{INDENT}{} = {value}", pad(name, width));
        }
        let _ = writeln!(out, "{INDENT}}}");
    }
    out.push_str("}\n");
    out
}

fn pad(name: &str, width: usize) -> String {
    format!(
        "{name}{}",
        " ".repeat(width.saturating_sub(name.chars().count()))
    )
}

/// `Type(positional, key = value, …)` for a declared field.
pub(crate) fn field_call(field: &Field) -> String {
    let mut args = kind_args(&field.kind);
    let options = &field.options;
    let mut push = |key: &str, value: String| args.push(format!("{key} = {value}"));
    if options.primary_key {
        push("primary_key", "true".into());
    }
    if options.null {
        push("null", "true".into());
    }
    if options.blank {
        push("blank", "true".into());
    }
    if let Some(choices) = &options.choices {
        push("choices", choices.clone());
    }
    if let Some(default) = &options.default {
        push("default", default_value(default));
    }
    if options.unique {
        push("unique", "true".into());
    }
    if options.db_index {
        push("db_index", "true".into());
    }
    if let Some(column) = &options.db_column {
        push("db_column", string(column));
    }
    if let Some(db_type) = &options.db_type {
        push("db_type", string(db_type));
    }
    if !options.editable {
        push("editable", "false".into());
    }
    if let Some(name) = &options.verbose_name {
        push("verbose_name", string(name));
    }
    if let Some(help) = &options.help_text {
        push("help_text", string(help));
    }
    let validators = &options.validators;
    if let Some(min) = validators.min_value {
        push("min_value", number(min));
    }
    if let Some(max) = validators.max_value {
        push("max_value", number(max));
    }
    if let Some(min) = validators.min_length {
        push("min_length", min.to_string());
    }
    if let (Some(max), false) = (validators.max_length, field.kind == FieldKind::TextField) {
        push("max_length", max.to_string());
    }
    if let Some(regex) = &validators.regex {
        push("regex", string(regex));
    }
    if let Some(old) = &options.renamed_from {
        push("renamed_from", string(old));
    }
    if field.kind == FieldKind::TextField {
        // A TextField's `max_length` is a validator, printed where the type's
        // own arguments go.
        if let Some(max) = validators.max_length {
            args.insert(0, format!("max_length = {max}"));
        }
    }
    format!("{}({})", field.kind.type_name(), args.join(", "))
}

/// The arguments that belong to the type, positional first, defaults left out.
fn kind_args(kind: &FieldKind) -> Vec<String> {
    let flag = |args: &mut Vec<String>, key: &str, on: bool| {
        if on {
            args.push(format!("{key} = true"));
        }
    };
    let mut args = Vec::new();
    match kind {
        FieldKind::DecimalField {
            max_digits,
            decimal_places,
        } => {
            args.push(format!("max_digits = {max_digits}"));
            args.push(format!("decimal_places = {decimal_places}"));
        }
        FieldKind::CharField { max_length } | FieldKind::FixedCharField { max_length } => {
            args.push(format!("max_length = {max_length}"));
        }
        FieldKind::EmailField { max_length } if *max_length != 254 => {
            args.push(format!("max_length = {max_length}"));
        }
        FieldKind::URLField { max_length } if *max_length != 2048 => {
            args.push(format!("max_length = {max_length}"));
        }
        FieldKind::SlugField { max_length } if *max_length != 100 => {
            args.push(format!("max_length = {max_length}"));
        }
        FieldKind::UUIDField { auto } => flag(&mut args, "auto", *auto),
        FieldKind::DateField {
            auto_now,
            auto_now_add,
        }
        | FieldKind::TimeField {
            auto_now,
            auto_now_add,
        }
        | FieldKind::DateTimeField {
            auto_now,
            auto_now_add,
        } => {
            flag(&mut args, "auto_now", *auto_now);
            flag(&mut args, "auto_now_add", *auto_now_add);
        }
        FieldKind::JSONField {
            schema: Some(schema),
        } => {
            args.push(format!("schema = {}", string(schema)));
        }
        FieldKind::ArrayField { base } => {
            args.push(format!(
                "{}({})",
                base.type_name(),
                kind_args(base).join(", ")
            ));
        }
        FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => {
            args.push(model_name(&relation.to));
            args.push(format!("on_delete = {}", relation.on_delete.keyword()));
            if relation.on_update != OnUpdate::DoNothing {
                args.push(format!("on_update = {}", relation.on_update.keyword()));
            }
            if let Some(name) = &relation.related_name {
                args.push(format!("related_name = {}", string(name)));
            }
            if let Some(field) = &relation.to_field {
                args.push(format!("to_field = {}", string(field)));
            }
        }
        FieldKind::ManyToManyField(relation) => {
            args.push(model_name(&relation.to));
            if let Some(name) = &relation.related_name {
                args.push(format!("related_name = {}", string(name)));
            }
            if let Some(through) = &relation.through {
                args.push(format!("through = {}", model_name(through)));
            }
            if let Some(table) = &relation.db_table {
                args.push(format!("db_table = {}", string(table)));
            }
        }
        _ => {}
    }
    args
}

/// A model reference: a bare name, quoted when a bare name would mean something else.
pub(crate) fn model_name(name: &str) -> String {
    let is_plain = crate::naming::is_valid_field_name(name)
        && !matches!(name, "true" | "false" | "null" | "self");
    if is_plain {
        name.to_string()
    } else {
        string(name)
    }
}

pub(crate) fn default_value(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "null".into(),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => float(*x),
        DefaultValue::Str(s) => string(s),
        DefaultValue::EnumVariant { enum_name, variant } => format!("{enum_name}.{variant}"),
        DefaultValue::Now => "now".into(),
        DefaultValue::Uuid4 => "uuid4".into(),
        DefaultValue::EmptyList => "[]".into(),
        DefaultValue::EmptyObject => "{}".into(),
        DefaultValue::Sql(sql) => format!("sql({})", string(sql)),
    }
}

fn number(number: Number) -> String {
    match number {
        Number::Int(n) => n.to_string(),
        Number::Float(x) => float(x),
    }
}

/// A float literal that reads back as the same float (`Display` is shortest
/// round-trip; it only lacks the `.0` of whole numbers).
fn float(x: f64) -> String {
    let text = x.to_string();
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A string literal with the escapes the grammar reads back.
pub(crate) fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn strings(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|value| string(value)).collect();
    format!("[{}]", items.join(", "))
}

/// The model's own, non-default meta options as (name, value text), in canonical order.
fn meta_options(meta: &Meta) -> Vec<(&'static str, String)> {
    let own = |name: &str| !meta.inherited.iter().any(|inherited| inherited == name);
    let mut options = Vec::new();
    if let Some(table) = &meta.db_table {
        options.push(("db_table", string(table)));
    }
    if let (Some(alias), true) = (&meta.db_alias, own("db_alias")) {
        options.push(("db_alias", string(alias)));
    }
    if !meta.primary_key.is_empty() {
        options.push(("primary_key", strings(&meta.primary_key)));
    }
    if !meta.ordering.is_empty() && own("ordering") {
        let items: Vec<String> = meta.ordering.iter().map(order_item).collect();
        options.push(("ordering", strings(&items)));
    }
    if !meta.unique_together.is_empty() && own("unique_together") {
        let groups: Vec<String> = meta.unique_together.iter().map(|g| strings(g)).collect();
        options.push(("unique_together", format!("[{}]", groups.join(", "))));
    }
    if !meta.indexes.is_empty() && own("indexes") {
        let indexes: Vec<String> = meta.indexes.iter().map(index).collect();
        options.push(("indexes", format!("[{}]", indexes.join(", "))));
    }
    if !meta.constraints.is_empty() && own("constraints") {
        let checks: Vec<String> = meta.constraints.iter().map(check).collect();
        options.push(("constraints", format!("[{}]", checks.join(", "))));
    }
    if !meta.search_indexes.is_empty() && own("search_indexes") {
        let indexes: Vec<String> = meta.search_indexes.iter().map(search_index).collect();
        options.push(("search_indexes", format!("[{}]", indexes.join(", "))));
    }
    if let (Some(name), true) = (&meta.verbose_name, own("verbose_name")) {
        options.push(("verbose_name", string(name)));
    }
    if let (Some(name), true) = (&meta.verbose_name_plural, own("verbose_name_plural")) {
        options.push(("verbose_name_plural", string(name)));
    }
    if let (Some(managed), true) = (meta.managed, own("managed")) {
        options.push(("managed", managed.to_string()));
    }
    if let Some(old) = &meta.renamed_from {
        options.push(("renamed_from", string(old)));
    }
    options
}

fn order_item(item: &OrderItem) -> String {
    if item.descending {
        format!("-{}", item.field)
    } else {
        item.field.clone()
    }
}

pub(crate) fn index(index: &Index) -> String {
    let mut args = vec![format!("fields = {}", strings(&index.fields))];
    if index.unique {
        args.push("unique = true".into());
    }
    if let Some(name) = &index.name {
        args.push(format!("name = {}", string(name)));
    }
    if let Some(condition) = &index.condition {
        args.push(format!("condition = {}", string(condition)));
    }
    if index.method != IndexMethod::Btree {
        args.push(format!("method = {}", string(index.method.name())));
    }
    format!("Index({})", args.join(", "))
}

pub(crate) fn search_index(index: &SearchIndex) -> String {
    let mut args = vec![format!("fields = {}", strings(&index.fields))];
    if let Some(name) = &index.name {
        args.push(format!("name = {}", string(name)));
    }
    if let Some(config) = &index.config {
        args.push(format!("config = {}", string(config)));
    }
    format!("SearchIndex({})", args.join(", "))
}

pub(crate) fn check(check: &CheckConstraint) -> String {
    match &check.name {
        Some(name) => format!("Check({}, name = {})", string(&check.check), string(name)),
        None => format!("Check({})", string(&check.check)),
    }
}
