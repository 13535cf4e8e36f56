//! Lowering a `meta { … }` block into an IR [`Meta`]. Field names in the options
//! are collected and checked once the model's inherited fields are known.

use crate::args::{self, ArgSpec, ArgType};
use crate::context::Context;
use crate::ir::{CheckConstraint, Index, IndexMethod, Meta, OrderItem, SearchIndex};
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
    "search_indexes",
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

const SEARCH_INDEX_ARGS: &[ArgSpec] = &[
    ("fields", ArgType::StrList),
    ("name", ArgType::Str),
    ("config", ArgType::Str),
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
    /// Where `search_indexes` was written, for the checks that need the
    /// model's fields (text fields, an integer primary key).
    pub(crate) search_indexes_at: Option<Span>,
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
        "search_indexes" => {
            let mut names: Vec<(String, Span)> = Vec::new();
            for call in expect_calls(cx, file, name, "SearchIndex", value)? {
                let LoweredSearchIndex {
                    index,
                    fields,
                    name_at: at,
                } = lower_search_index(cx, file, call)?;
                let index_name = index.name();
                if let Some((_, first)) = names.iter().find(|(seen, _)| *seen == index_name) {
                    let diagnostic = cx
                        .error(
                            file,
                            at,
                            format!("two search indexes are named `{index_name}`"),
                        )
                        .with_label(cx.sources[file].label(*first, "first one here"))
                        .with_help("give one of them another `name = \"…\"`");
                    cx.report(file, diagnostic);
                    return None;
                }
                names.push((index_name, at));
                own.field_refs
                    .extend(fields.into_iter().map(|(field, span)| FieldRef {
                        name: field,
                        span,
                        option: name,
                    }));
                meta.search_indexes.push(index);
            }
            own.search_indexes_at = Some(value.span);
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

/// `SearchIndex(fields = […], name = "…", config = "…")`. The name becomes a Rust identifier and
/// part of SQL names, the configuration a SQL literal: both are plain
/// lowercase identifiers.
pub(crate) fn lower_search_index(
    cx: &mut Context<'_>,
    file: usize,
    call: &Call,
) -> Option<LoweredSearchIndex> {
    let args = args::collect(cx, file, call, SEARCH_INDEX_ARGS, None, "SearchIndex");
    let fields = args.require(
        cx,
        args.strings("fields"),
        "fields",
        "SearchIndex",
        call.name.span,
        "add `fields = [\"title\", \"body\"]`",
    )?;
    if fields.is_empty() {
        cx.report_at(
            file,
            args.span("fields").unwrap_or(call.name.span),
            "a search index needs at least one field",
            Some("name the text fields to search: `fields = [\"title\", \"body\"]`".into()),
        );
        return None;
    }
    for (i, (field, span)) in fields.iter().enumerate() {
        if fields[..i].iter().any(|(earlier, _)| earlier == field) {
            cx.report_at(
                file,
                *span,
                format!("field `{field}` is named twice in a search index"),
                None,
            );
            return None;
        }
    }
    let index = SearchIndex {
        fields: fields.iter().map(|(field, _)| field.clone()).collect(),
        name: args.string("name"),
        config: args.string("config"),
    };
    let index_name = index.name();
    if !is_plain_identifier(&index_name) || crate::naming::is_rust_keyword(&index_name) {
        let (at, help) = match args.span("name") {
            Some(at) => (
                at,
                "use lowercase letters, digits and `_`, e.g. `name = \"title_body\"`",
            ),
            None => (
                call.name.span,
                "give it a `name = \"…\"` of lowercase letters, digits and `_`",
            ),
        };
        cx.report_at(
            file,
            at,
            format!("`{index_name}` cannot name a search index: it names a Rust constant and SQL objects"),
            Some(help.into()),
        );
        return None;
    }
    if !is_plain_identifier(index.config()) {
        cx.report_at(
            file,
            args.span("config").unwrap_or(call.name.span),
            format!(
                "`{}` is not a text-search configuration name",
                index.config()
            ),
            Some("use a PostgreSQL configuration such as `\"english\"` or `\"simple\"`".into()),
        );
        return None;
    }
    let name_at = args.span("name").unwrap_or(call.name.span);
    Some(LoweredSearchIndex {
        index,
        fields,
        name_at,
    })
}

/// A `SearchIndex(…)` with the field names and where they were written,
/// and where its name was (the call's when it has none).
pub(crate) struct LoweredSearchIndex {
    pub(crate) index: SearchIndex,
    pub(crate) fields: Vec<(String, Span)>,
    pub(crate) name_at: Span,
}

/// Lowercase ASCII letters, digits and `_`, not starting with a digit.
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
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
