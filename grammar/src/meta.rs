//! Lowering a `meta { … }` block into an IR [`Meta`]. Field names in the options
//! are collected and checked once the model's inherited fields are known.

use crate::args::{self, ArgSpec, ArgType};
use crate::context::Context;
use crate::ir::{CheckConstraint, Index, IndexMethod, Meta, OrderItem};
use crate::suggest;
use crate::syntax::{Call, MetaBlock, Span, Value, ValueKind};

/// Every meta option, in the order the printer writes them.
pub(crate) const META_OPTIONS: &[&str] = &[
    "abstract",
    "db_table",
    "db_alias",
    "primary_key",
    "ordering",
    "unique_together",
    "indexes",
    "constraints",
    "verbose_name",
    "verbose_name_plural",
    "managed",
    "renamed_from",
];

const INDEX_ARGS: &[ArgSpec] = &[
    ("fields", ArgType::StrList),
    ("unique", ArgType::Bool),
    ("name", ArgType::Str),
    ("condition", ArgType::Str),
    ("method", ArgType::Str),
];

const CHECK_ARGS: &[ArgSpec] = &[("check", ArgType::Str), ("name", ArgType::Str)];

/// A field name written in a meta option.
#[derive(Debug, Clone)]
pub(crate) struct FieldRef {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) option: &'static str,
}

/// The meta a model wrote itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnMeta {
    pub(crate) meta: Meta,
    /// The options written (canonical names), to merge inherited meta under them.
    pub(crate) written: Vec<&'static str>,
    /// `abstract = true`.
    pub(crate) is_abstract: bool,
    pub(crate) field_refs: Vec<FieldRef>,
}

/// Lowers the model's `meta` blocks (a second block is reported).
pub(crate) fn lower_meta(cx: &mut Context<'_>, file: usize, blocks: &[MetaBlock]) -> OwnMeta {
    let mut own = OwnMeta::default();
    let Some(first) = blocks.first() else {
        return own;
    };
    for extra in &blocks[1..] {
        let diagnostic = cx
            .error(file, extra.span, "a model has at most one `meta` block")
            .with_label(cx.sources[file].label(first.span, "first `meta` block here"))
            .with_help("merge the options into the first block");
        cx.report(file, diagnostic);
    }
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    for option in &first.options {
        let name = option.name.name.as_str();
        let Some(canonical) = META_OPTIONS.iter().copied().find(|known| *known == name) else {
            let help = suggest::did_you_mean(name, META_OPTIONS.iter().copied());
            cx.report_at(
                file,
                option.name.span,
                format!("unknown meta option `{name}`"),
                help,
            );
            continue;
        };
        if let Some((_, first_span)) = seen.iter().find(|(seen_name, _)| *seen_name == canonical) {
            let diagnostic = cx
                .error(
                    file,
                    option.name.span,
                    format!("duplicate meta option `{canonical}`"),
                )
                .with_label(cx.sources[file].label(*first_span, "first given here"));
            cx.report(file, diagnostic);
            continue;
        }
        seen.push((canonical, option.name.span));
        if lower_option(cx, file, &mut own, canonical, &option.value).is_some() {
            own.written.push(canonical);
        }
    }
    own
}

/// Lowers one option into `own`; `None` when its value was reported.
fn lower_option(
    cx: &mut Context<'_>,
    file: usize,
    own: &mut OwnMeta,
    name: &'static str,
    value: &Value,
) -> Option<()> {
    let meta = &mut own.meta;
    match name {
        "abstract" => own.is_abstract = expect_bool(cx, file, name, value)?,
        "managed" => meta.managed = Some(expect_bool(cx, file, name, value)?),
        "db_table" => meta.db_table = Some(expect_str(cx, file, name, value)?),
        "db_alias" => meta.db_alias = Some(expect_str(cx, file, name, value)?),
        "renamed_from" => meta.renamed_from = Some(expect_str(cx, file, name, value)?),
        "verbose_name" => meta.verbose_name = Some(expect_str(cx, file, name, value)?),
        "verbose_name_plural" => {
            meta.verbose_name_plural = Some(expect_str(cx, file, name, value)?)
        }
        "primary_key" => {
            let names = expect_strings(cx, file, name, value)?;
            if names.len() < 2 {
                cx.report_at(
                    file,
                    value.span,
                    "a composite `primary_key` needs two or more fields",
                    Some("for a one-field key, write `primary_key = true` on the field".into()),
                );
                return None;
            }
            for (i, (field, span)) in names.iter().enumerate() {
                if names[..i].iter().any(|(earlier, _)| earlier == field) {
                    cx.report_at(
                        file,
                        *span,
                        format!("field `{field}` is named twice in `primary_key`"),
                        None,
                    );
                    return None;
                }
            }
            own.field_refs
                .extend(names.iter().map(|(field, span)| FieldRef {
                    name: field.clone(),
                    span: *span,
                    option: name,
                }));
            meta.primary_key = names.into_iter().map(|(field, _)| field).collect();
        }
        "ordering" => {
            for (entry, span) in expect_strings(cx, file, name, value)? {
                let (field, descending) = match entry.strip_prefix('-') {
                    Some(field) => (field.to_string(), true),
                    None => (entry, false),
                };
                own.field_refs.push(FieldRef {
                    name: field.clone(),
                    span,
                    option: name,
                });
                meta.ordering.push(OrderItem { field, descending });
            }
        }
        "unique_together" => {
            let ValueKind::List(items) = &value.kind else {
                return wrong_type(cx, file, name, "a list of lists of field names", value);
            };
            // A flat list of names is one group, as Django reads it.
            let groups: Vec<&Value> = if items
                .iter()
                .all(|item| matches!(item.kind, ValueKind::Str(_)))
            {
                if items.is_empty() {
                    Vec::new()
                } else {
                    vec![value]
                }
            } else {
                items.iter().collect()
            };
            for group in groups {
                let names = expect_strings(cx, file, name, group)?;
                own.field_refs
                    .extend(names.iter().map(|(field, span)| FieldRef {
                        name: field.clone(),
                        span: *span,
                        option: name,
                    }));
                meta.unique_together
                    .push(names.into_iter().map(|(field, _)| field).collect());
            }
        }
        "indexes" => {
            for call in expect_calls(cx, file, name, "Index", value)? {
                let (index, fields) = lower_index(cx, file, call)?;
                own.field_refs
                    .extend(fields.into_iter().map(|(field, span)| FieldRef {
                        name: field,
                        span,
                        option: name,
                    }));
                meta.indexes.push(index);
            }
        }
        "constraints" => {
            for call in expect_calls(cx, file, name, "Check", value)? {
                meta.constraints.push(lower_check(cx, file, call)?);
            }
        }
        _ => return None,
    }
    Some(())
}

/// `Index(fields = […], …)`, with the field names and where they were written.
pub(crate) fn lower_index(
    cx: &mut Context<'_>,
    file: usize,
    call: &Call,
) -> Option<(Index, Vec<(String, Span)>)> {
    let args = args::collect(cx, file, call, INDEX_ARGS, None, "Index");
    let fields = args.require(
        cx,
        args.strings("fields"),
        "fields",
        "Index",
        call.name.span,
        "add `fields = [\"…\"]`",
    )?;
    let method = match args.string("method") {
        None => IndexMethod::Btree,
        Some(name) => {
            let span = args.span("method").unwrap_or(call.name.span);
            let Some(method) = IndexMethod::from_name(&name) else {
                let help = suggest::did_you_mean(&name, IndexMethod::ALL.map(IndexMethod::name))
                    .unwrap_or_else(|| {
                        "use \"btree\", \"hash\", \"gist\", \"gin\" or \"brin\"".to_string()
                    });
                cx.report_at(
                    file,
                    span,
                    format!("unknown index method `{name}`"),
                    Some(help),
                );
                return None;
            };
            method
        }
    };
    let unique = args.flag("unique");
    if unique && method != IndexMethod::Btree {
        cx.report_at(
            file,
            args.span("method").unwrap_or(call.name.span),
            format!(
                "a `{}` index cannot be unique: only `btree` indexes enforce uniqueness",
                method.name()
            ),
            Some("remove `method`, or remove `unique = true`".to_string()),
        );
        return None;
    }
    if method == IndexMethod::Hash && fields.len() > 1 {
        cx.report_at(
            file,
            args.span("method").unwrap_or(call.name.span),
            "a `hash` index has one field",
            Some("index one field, or use another method".to_string()),
        );
        return None;
    }
    let index = Index {
        fields: fields.iter().map(|(field, _)| field.clone()).collect(),
        unique,
        name: args.string("name"),
        condition: args.string("condition"),
        method,
    };
    Some((index, fields))
}

/// `Check("…", name = "…")`.
pub(crate) fn lower_check(
    cx: &mut Context<'_>,
    file: usize,
    call: &Call,
) -> Option<CheckConstraint> {
    let args = args::collect(cx, file, call, CHECK_ARGS, Some("check"), "Check");
    let check = args.require(
        cx,
        args.string("check"),
        "check",
        "Check",
        call.name.span,
        "give the SQL condition first: `Check(\"price > 0\")`",
    )?;
    Some(CheckConstraint {
        check,
        name: args.string("name"),
    })
}

fn wrong_type<T>(
    cx: &mut Context<'_>,
    file: usize,
    name: &str,
    expected: &str,
    value: &Value,
) -> Option<T> {
    cx.report_at(
        file,
        value.span,
        format!(
            "`{name}` expects {expected}, found {}",
            value.kind.describe()
        ),
        None,
    );
    None
}

fn expect_bool(cx: &mut Context<'_>, file: usize, name: &str, value: &Value) -> Option<bool> {
    match value.kind {
        ValueKind::Bool(b) => Some(b),
        _ => wrong_type(cx, file, name, "`true` or `false`", value),
    }
}

fn expect_str(cx: &mut Context<'_>, file: usize, name: &str, value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Str(s) => Some(s.clone()),
        _ => wrong_type(cx, file, name, "a string", value),
    }
}

fn expect_strings(
    cx: &mut Context<'_>,
    file: usize,
    name: &str,
    value: &Value,
) -> Option<Vec<(String, Span)>> {
    let ValueKind::List(items) = &value.kind else {
        return wrong_type(cx, file, name, "a list of field names", value);
    };
    items
        .iter()
        .map(|item| match &item.kind {
            ValueKind::Str(s) => Some((s.clone(), item.span)),
            _ => wrong_type(cx, file, name, "field names as strings", item),
        })
        .collect()
}

/// A list of `Index(…)` or `Check(…)` calls.
fn expect_calls<'v>(
    cx: &mut Context<'_>,
    file: usize,
    name: &str,
    callee: &str,
    value: &'v Value,
) -> Option<Vec<&'v Call>> {
    let ValueKind::List(items) = &value.kind else {
        return wrong_type(cx, file, name, &format!("a list of `{callee}(…)`"), value);
    };
    let mut calls = Vec::new();
    for item in items {
        match &item.kind {
            ValueKind::Call(call) if call.name.name == callee => calls.push(call),
            _ => {
                return wrong_type(cx, file, name, &format!("`{callee}(…)` entries"), item);
            }
        }
    }
    Some(calls)
}
