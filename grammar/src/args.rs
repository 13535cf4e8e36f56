//! Arguments of calls (`CharField(…)`, `Index(…)`, `Check(…)`): which names a call
//! accepts, what type each expects, and the checks every call shares (unknown,
//! duplicate, misplaced positional, wrong type).

use crate::context::Context;
use crate::ir::{OnDelete, OnUpdate};
use crate::suggest;
use crate::syntax::{Call, Span, Value, ValueKind};

/// What an argument's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArgType {
    /// An integer from 1 to `u32::MAX`.
    PositiveInt,
    /// An integer from 0 to `u32::MAX`.
    Count,
    Bool,
    Str,
    /// An integer or a float.
    Number,
    /// Any value; `default` is checked against the field type later.
    Any,
    /// An enum name.
    EnumName,
    /// One of the `on_delete` constants.
    OnDelete,
    /// One of the `on_update` constants.
    OnUpdate,
    /// A model: a name, a string, or `self`.
    Model,
    /// A field type call (`CharField(max_length = 50)`).
    FieldType,
    /// A list of strings.
    StrList,
}

impl ArgType {
    fn expected(self) -> &'static str {
        match self {
            ArgType::PositiveInt => "a positive integer",
            ArgType::Count => "a non-negative integer",
            ArgType::Bool => "`true` or `false`",
            ArgType::Str => "a string",
            ArgType::Number => "a number",
            ArgType::Any => "a value",
            ArgType::EnumName => "an enum name",
            ArgType::OnDelete => "an `on_delete` action",
            ArgType::OnUpdate => "an `on_update` action",
            ArgType::Model => "a model name",
            ArgType::FieldType => "a field type such as `CharField(max_length = 50)`",
            ArgType::StrList => "a list of strings",
        }
    }
}

/// One accepted argument.
pub(crate) type ArgSpec = (&'static str, ArgType);

/// The checked arguments of one call.
pub(crate) struct Args<'v> {
    pub(crate) file: usize,
    given: Vec<(&'static str, &'v Value, Span)>,
    /// Arguments that were given but had a wrong value or a misspelled name
    /// (already reported), so they are not reported missing too.
    invalid: Vec<&'static str>,
    /// A positional argument was refused: it may have been meant as any required one.
    refused_positional: bool,
}

/// Checks the arguments of `call` against `specs`. A positional argument fills
/// `positional` (a name from `specs`) and must come first. `subject` names the call
/// in messages (`CharField`).
pub(crate) fn collect<'v>(
    cx: &mut Context<'_>,
    file: usize,
    call: &'v Call,
    specs: &[ArgSpec],
    positional: Option<&'static str>,
    subject: &str,
) -> Args<'v> {
    let mut args = Args {
        file,
        given: Vec::new(),
        invalid: Vec::new(),
        refused_positional: false,
    };
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    let mut keyword_seen = false;
    for argument in &call.args {
        let span = argument.span();
        let spec = match &argument.keyword {
            Some(keyword) => {
                keyword_seen = true;
                match specs.iter().find(|(name, _)| *name == keyword.name) {
                    Some(spec) => *spec,
                    None => {
                        let names = specs.iter().map(|(name, _)| *name);
                        let meant = suggest::closest(&keyword.name, names.clone());
                        if let Some(meant) = specs.iter().find(|(name, _)| Some(*name) == meant) {
                            args.invalid.push(meant.0);
                        }
                        let help = suggest::did_you_mean(&keyword.name, names);
                        cx.report_at(
                            file,
                            keyword.span,
                            format!("unknown argument `{}` for `{subject}`", keyword.name),
                            help,
                        );
                        continue;
                    }
                }
            }
            None => {
                if keyword_seen {
                    args.refused_positional = true;
                    cx.report_at(
                        file,
                        span,
                        "positional argument after keyword arguments",
                        Some("move it before the keyword arguments".to_string()),
                    );
                    continue;
                }
                let Some(slot) = positional else {
                    args.refused_positional = true;
                    cx.report_at(
                        file,
                        span,
                        format!("`{subject}` takes no positional arguments"),
                        Some("write it as `name = value`".to_string()),
                    );
                    continue;
                };
                match specs.iter().find(|(name, _)| *name == slot) {
                    Some(spec) => *spec,
                    None => continue,
                }
            }
        };
        let (name, ty) = spec;
        if let Some((_, first)) = seen.iter().find(|(seen_name, _)| *seen_name == name) {
            let first = *first;
            let message = if argument.keyword.is_none() {
                "unexpected positional argument".to_string()
            } else {
                format!("duplicate argument `{name}`")
            };
            let diagnostic = cx
                .error(file, span, message)
                .with_label(cx.sources[file].label(first, "first given here"));
            cx.report(file, diagnostic);
            continue;
        }
        seen.push((name, span));
        if check_type(cx, file, name, ty, &argument.value) {
            args.given.push((name, &argument.value, span));
        } else {
            args.invalid.push(name);
        }
    }
    args
}

/// Reports a value of the wrong type; true when it fits.
fn check_type(cx: &mut Context<'_>, file: usize, name: &str, ty: ArgType, value: &Value) -> bool {
    let fits = match (ty, &value.kind) {
        (ArgType::PositiveInt, ValueKind::Int(n)) => {
            if *n < 1 || *n > i64::from(u32::MAX) {
                cx.report_at(
                    file,
                    value.span,
                    format!("`{name}` must be between 1 and {}", u32::MAX),
                    None,
                );
                return false;
            }
            true
        }
        (ArgType::Count, ValueKind::Int(n)) => {
            if *n < 0 || *n > i64::from(u32::MAX) {
                cx.report_at(
                    file,
                    value.span,
                    format!("`{name}` must be between 0 and {}", u32::MAX),
                    None,
                );
                return false;
            }
            true
        }
        (ArgType::Bool, ValueKind::Bool(_))
        | (ArgType::Str, ValueKind::Str(_))
        | (ArgType::Number, ValueKind::Int(_) | ValueKind::Float(_))
        | (ArgType::Any, _)
        | (ArgType::EnumName, ValueKind::Ident(_))
        | (ArgType::Model, ValueKind::Ident(_) | ValueKind::Str(_))
        | (ArgType::FieldType, ValueKind::Call(_)) => true,
        (ArgType::StrList, ValueKind::List(items)) => {
            match items
                .iter()
                .find(|item| !matches!(item.kind, ValueKind::Str(_)))
            {
                Some(item) => {
                    cx.report_at(
                        file,
                        item.span,
                        format!(
                            "`{name}` expects a list of strings, found {} in the list",
                            item.kind.describe()
                        ),
                        None,
                    );
                    return false;
                }
                None => true,
            }
        }
        (ArgType::OnDelete, ValueKind::Ident(constant)) => {
            if OnDelete::from_keyword(constant).is_some() {
                true
            } else {
                let help = suggest::did_you_mean(constant, OnDelete::ALL.map(OnDelete::keyword))
                    .unwrap_or_else(|| {
                        "use CASCADE, SET_NULL, SET_DEFAULT, PROTECT, RESTRICT or DO_NOTHING"
                            .to_string()
                    });
                cx.report_at(
                    file,
                    value.span,
                    format!("unknown `on_delete` action `{constant}`"),
                    Some(help),
                );
                return false;
            }
        }
        (ArgType::OnUpdate, ValueKind::Ident(constant)) => {
            if OnUpdate::from_keyword(constant).is_some() {
                true
            } else {
                let help = suggest::did_you_mean(constant, OnUpdate::ALL.map(OnUpdate::keyword))
                    .unwrap_or_else(|| {
                        "use CASCADE, SET_NULL, SET_DEFAULT, RESTRICT or DO_NOTHING".to_string()
                    });
                cx.report_at(
                    file,
                    value.span,
                    format!("unknown `on_update` action `{constant}`"),
                    Some(help),
                );
                return false;
            }
        }
        _ => false,
    };
    if !fits {
        cx.report_at(
            file,
            value.span,
            format!(
                "`{name}` expects {}, found {}",
                ty.expected(),
                value.kind.describe()
            ),
            None,
        );
    }
    fits
}

impl<'v> Args<'v> {
    /// The value of an argument, if given and well-typed.
    pub(crate) fn value(&self, name: &str) -> Option<&'v Value> {
        self.given
            .iter()
            .find(|(given, _, _)| *given == name)
            .map(|(_, value, _)| *value)
    }

    /// The span of the whole `name = value`, if given and well-typed.
    pub(crate) fn span(&self, name: &str) -> Option<Span> {
        self.given
            .iter()
            .find(|(given, _, _)| *given == name)
            .map(|(_, _, span)| *span)
    }

    /// True when the argument was written at all (even with a wrong value).
    pub(crate) fn written(&self, name: &str) -> bool {
        self.value(name).is_some() || self.invalid.contains(&name)
    }

    pub(crate) fn bool(&self, name: &str) -> Option<bool> {
        match self.value(name).map(|value| &value.kind) {
            Some(ValueKind::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn flag(&self, name: &str) -> bool {
        self.bool(name).unwrap_or(false)
    }

    pub(crate) fn string(&self, name: &str) -> Option<String> {
        match self.value(name).map(|value| &value.kind) {
            Some(ValueKind::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// A `PositiveInt` or `Count` argument.
    pub(crate) fn u32(&self, name: &str) -> Option<u32> {
        match self.value(name).map(|value| &value.kind) {
            Some(ValueKind::Int(n)) => u32::try_from(*n).ok(),
            _ => None,
        }
    }

    pub(crate) fn ident(&self, name: &str) -> Option<String> {
        match self.value(name).map(|value| &value.kind) {
            Some(ValueKind::Ident(s)) => Some(s.clone()),
            _ => None,
        }
    }

    pub(crate) fn strings(&self, name: &str) -> Option<Vec<(String, Span)>> {
        match self.value(name).map(|value| &value.kind) {
            Some(ValueKind::List(items)) => Some(
                items
                    .iter()
                    .filter_map(|item| match &item.kind {
                        ValueKind::Str(s) => Some((s.clone(), item.span)),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// A required argument: reports it missing (unless it was given with a wrong
    /// value, already reported) and returns `None`.
    pub(crate) fn require<T>(
        &self,
        cx: &mut Context<'_>,
        found: Option<T>,
        name: &str,
        subject: &str,
        at: Span,
        help: &str,
    ) -> Option<T> {
        if found.is_none() && !self.written(name) && !self.refused_positional {
            cx.report_at(
                self.file,
                at,
                format!("missing required argument `{name}` for `{subject}`"),
                Some(help.to_string()),
            );
        }
        found
    }
}
