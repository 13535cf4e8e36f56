//! `default = …`: the accepted forms, and whether a form fits the field's type.

use crate::context::Context;
use crate::fields::is_string_kind;
use crate::ir::{DefaultValue, Field, FieldKind};
use crate::suggest;
use crate::syntax::{Value, ValueKind};

const FORMS_HELP: &str =
    "a default is a literal, `null`, `now`, `uuid4`, `[]`, `{}`, `Enum.Variant` or `sql(\"…\")`";

/// Lowers the `default` of `field` (whose kind and other options are final) and
/// checks that it fits. `None` when it was reported.
pub(crate) fn lower_default(
    cx: &mut Context<'_>,
    file: usize,
    value: &Value,
    field: &Field,
) -> Option<DefaultValue> {
    lower_default_as(cx, file, value, field, "default")
}

/// [`lower_default`] for a value written as `argument = …` (a migration's
/// `once_default`), which messages name.
pub(crate) fn lower_default_as(
    cx: &mut Context<'_>,
    file: usize,
    value: &Value,
    field: &Field,
    argument: &str,
) -> Option<DefaultValue> {
    let default = lower_form(cx, file, value)?;
    if let DefaultValue::EnumVariant { enum_name, variant } = &default {
        check_enum_default(cx, file, value, field, enum_name, variant)?;
    }
    if default == DefaultValue::Null {
        if !field.options.null {
            cx.report_at(
                file,
                value.span,
                format!("`{argument} = null` requires `null = true`"),
                Some(format!("add `null = true` to `{}`", field.name)),
            );
            return None;
        }
        return Some(default);
    }
    if let Some(expected) = mismatch(&field.kind, &default) {
        cx.report_at(
            file,
            value.span,
            format!(
                "`{argument}` of `{}` expects {expected}, found {}",
                field.kind.type_name(),
                value.kind.describe()
            ),
            None,
        );
        return None;
    }
    Some(default)
}

/// The syntactic form of a default, before looking at the field.
fn lower_form(cx: &mut Context<'_>, file: usize, value: &Value) -> Option<DefaultValue> {
    let default = match &value.kind {
        ValueKind::Null => DefaultValue::Null,
        ValueKind::Bool(b) => DefaultValue::Bool(*b),
        ValueKind::Int(n) => DefaultValue::Int(*n),
        ValueKind::Float(x) => DefaultValue::Float(*x),
        ValueKind::Str(s) => DefaultValue::Str(s.clone()),
        ValueKind::EmptyObject => DefaultValue::EmptyObject,
        ValueKind::List(items) if items.is_empty() => DefaultValue::EmptyList,
        ValueKind::EnumValue { enum_name, variant } => DefaultValue::EnumVariant {
            enum_name: enum_name.name.clone(),
            variant: variant.name.clone(),
        },
        ValueKind::Ident(name) => match name.as_str() {
            "now" => DefaultValue::Now,
            "uuid4" => DefaultValue::Uuid4,
            _ => {
                let help = suggest::did_you_mean(name, ["now", "uuid4"])
                    .unwrap_or_else(|| FORMS_HELP.to_string());
                cx.report_at(
                    file,
                    value.span,
                    format!("unknown default `{name}`"),
                    Some(help),
                );
                return None;
            }
        },
        ValueKind::Call(call) if call.name.name == "sql" => {
            match call.args.as_slice() {
                [argument] if argument.keyword.is_none() => {
                    if let ValueKind::Str(expression) = &argument.value.kind {
                        return Some(DefaultValue::Sql(expression.clone()));
                    }
                }
                _ => {}
            }
            cx.report_at(
                file,
                call.span,
                "`sql` takes one string: the SQL expression",
                Some("write `sql(\"now()\")`".to_string()),
            );
            return None;
        }
        ValueKind::List(_) => {
            cx.report_at(
                file,
                value.span,
                "a list default must be empty",
                Some("for another list, write the SQL: `sql(\"…\")`".to_string()),
            );
            return None;
        }
        ValueKind::Call(call) => {
            cx.report_at(
                file,
                call.name.span,
                format!("unknown default function `{}`", call.name.name),
                Some(FORMS_HELP.to_string()),
            );
            return None;
        }
    };
    Some(default)
}

/// `Status.Draft`: the enum exists, has the variant, and is the field's `choices`.
fn check_enum_default(
    cx: &mut Context<'_>,
    file: usize,
    value: &Value,
    field: &Field,
    enum_name: &str,
    variant: &str,
) -> Option<()> {
    let ValueKind::EnumValue {
        enum_name: enum_ident,
        variant: variant_ident,
    } = &value.kind
    else {
        return None;
    };
    if !cx.check_enum_exists(file, enum_ident.span, enum_name) {
        return None;
    }
    let variants = cx.enums.get(enum_name).map(|info| info.variants.clone())?;
    if !variants.iter().any(|known| known == variant) {
        let help = suggest::did_you_mean(variant, variants.iter().map(String::as_str));
        cx.report_at(
            file,
            variant_ident.span,
            format!("enum `{enum_name}` has no variant `{variant}`"),
            help,
        );
        return None;
    }
    if field.options.choices.as_deref() != Some(enum_name) {
        cx.report_at(
            file,
            value.span,
            format!("`default = {enum_name}.{variant}` needs `choices = {enum_name}`"),
            Some(format!("add `choices = {enum_name}` to `{}`", field.name)),
        );
        return None;
    }
    Some(())
}

/// What the field's type expects, when `default` does not fit it.
fn mismatch(kind: &FieldKind, default: &DefaultValue) -> Option<&'static str> {
    use DefaultValue as D;
    use FieldKind as K;
    let fits = match default {
        D::Null | D::Sql(_) => !matches!(kind, K::ManyToManyField(_)),
        D::Bool(_) => matches!(kind, K::BooleanField | K::JSONField { .. }),
        D::Int(_) => matches!(
            kind,
            K::SmallIntegerField
                | K::IntegerField
                | K::BigIntegerField
                | K::FloatField
                | K::DecimalField { .. }
                | K::JSONField { .. }
                | K::ForeignKey(_)
                | K::OneToOneField(_)
        ),
        D::Float(_) => matches!(
            kind,
            K::FloatField | K::DecimalField { .. } | K::JSONField { .. }
        ),
        D::Str(_) => {
            is_string_kind(kind)
                || matches!(
                    kind,
                    K::UUIDField { .. }
                        | K::DateField { .. }
                        | K::TimeField { .. }
                        | K::DateTimeField { .. }
                        | K::DecimalField { .. }
                        | K::JSONField { .. }
                        | K::ForeignKey(_)
                        | K::OneToOneField(_)
                )
        }
        D::EnumVariant { .. } => is_string_kind(kind),
        D::Now => matches!(
            kind,
            K::DateField { .. } | K::TimeField { .. } | K::DateTimeField { .. }
        ),
        D::Uuid4 => matches!(kind, K::UUIDField { .. }),
        D::EmptyList => matches!(kind, K::ArrayField { .. } | K::JSONField { .. }),
        D::EmptyObject => matches!(kind, K::JSONField { .. }),
    };
    if fits {
        return None;
    }
    Some(match kind {
        K::BooleanField => "`true` or `false`",
        K::SmallIntegerField | K::IntegerField | K::BigIntegerField => "an integer",
        K::FloatField | K::DecimalField { .. } => "a number",
        K::CharField { .. }
        | K::FixedCharField { .. }
        | K::TextField
        | K::SlugField { .. }
        | K::EmailField { .. }
        | K::URLField { .. } => "a string",
        K::UUIDField { .. } => "a string or `uuid4`",
        K::DateField { .. } | K::TimeField { .. } | K::DateTimeField { .. } => "a string or `now`",
        K::ArrayField { .. } => "`[]`",
        K::JSONField { .. } => "a JSON value",
        K::ManyToManyField(_) => "no default",
        _ => "`sql(\"…\")`",
    })
}
