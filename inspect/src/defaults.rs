//! Reading a column's default back from its SQL text: literals, `now`, `uuid4`,
//! empty lists and objects; anything else is kept verbatim as `sql("…")`.

use pookie_grammar::ir::{DefaultValue, FieldKind};

/// Classifies a default as the catalog shows it, for a column of field type `kind`.
/// PostgreSQL writes a literal with a cast (`'x'::character varying`), SQLite as
/// written in `CREATE TABLE`; both are understood.
pub fn classify(sql: &str, kind: &FieldKind) -> DefaultValue {
    let text = strip_parens(sql.trim());
    let (literal, cast) = split_cast(text);
    let literal = strip_parens(literal);
    let upper = literal.to_ascii_uppercase();
    match upper.as_str() {
        "NULL" => return DefaultValue::Null,
        "TRUE" => return DefaultValue::Bool(true),
        "FALSE" => return DefaultValue::Bool(false),
        "CURRENT_TIMESTAMP" | "NOW()" | "CURRENT_DATE" | "CURRENT_TIME" | "LOCALTIMESTAMP"
            if is_temporal(kind) =>
        {
            return DefaultValue::Now
        }
        "GEN_RANDOM_UUID()" | "UUID_GENERATE_V4()"
            if matches!(kind, FieldKind::UUIDField { .. }) =>
        {
            return DefaultValue::Uuid4
        }
        _ => {}
    }
    if matches!(kind, FieldKind::DecimalField { .. }) {
        // Exact digits: never through a float.
        let text = string_literal(literal).unwrap_or_else(|| literal.to_string());
        if number(&text).is_some() {
            return DefaultValue::Str(text);
        }
    }
    if let Some(string) = string_literal(literal) {
        let is_json = cast.is_some_and(|c| c.starts_with("json"))
            || matches!(kind, FieldKind::JSONField { .. });
        let is_array =
            cast.is_some_and(|c| c.ends_with("[]")) || matches!(kind, FieldKind::ArrayField { .. });
        if (is_json || is_array) && (string == "[]" || (is_array && string == "{}")) {
            return DefaultValue::EmptyList;
        }
        if is_json && string == "{}" {
            return DefaultValue::EmptyObject;
        }
        if matches!(kind, FieldKind::BooleanField) {
            match string.to_ascii_lowercase().as_str() {
                "t" | "true" => return DefaultValue::Bool(true),
                "f" | "false" => return DefaultValue::Bool(false),
                _ => {}
            }
        }
        if is_numeric(kind) {
            if let Some(number) = number(&string) {
                return number;
            }
        }
        return DefaultValue::Str(string);
    }
    if let Some(number) = number(literal) {
        if matches!(kind, FieldKind::BooleanField) {
            match number {
                DefaultValue::Int(0) => return DefaultValue::Bool(false),
                DefaultValue::Int(1) => return DefaultValue::Bool(true),
                _ => {}
            }
        }
        return number;
    }
    DefaultValue::Sql(sql.trim().to_string())
}

fn is_temporal(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::DateField { .. } | FieldKind::TimeField { .. } | FieldKind::DateTimeField { .. }
    )
}

fn is_numeric(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::SmallIntegerField
            | FieldKind::IntegerField
            | FieldKind::BigIntegerField
            | FieldKind::FloatField
            | FieldKind::DecimalField { .. }
    )
}

/// `(x)` → `x`, as often as the parentheses enclose everything.
/// `text` without the parentheses that enclose all of it (`((a > 0))` → `a > 0`).
pub(crate) fn strip_parens(mut text: &str) -> &str {
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        text = inner.trim();
    }
    text
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    for c in text.chars() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// `'x'::character varying` → (`'x'`, Some("character varying")).
fn split_cast(text: &str) -> (&str, Option<&str>) {
    let mut in_string = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\'' {
            in_string = !in_string;
        } else if !in_string && b == b':' && bytes.get(i + 1) == Some(&b':') {
            return (text[..i].trim(), Some(text[i + 2..].trim()));
        }
    }
    (text, None)
}

/// The value of a whole `'…'` literal (`''` is a quote), or `None`.
fn string_literal(text: &str) -> Option<String> {
    let inner = text
        .strip_prefix('\'')
        .or_else(|| text.strip_prefix("E'"))?
        .strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None; // two literals, or an expression
        }
        out.push(c);
    }
    Some(out)
}

fn number(text: &str) -> Option<DefaultValue> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(DefaultValue::Int(n));
    }
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    match text.parse::<f64>() {
        Ok(x) if looks_numeric && x.is_finite() => Some(DefaultValue::Float(x)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_back() {
        let text = FieldKind::CharField { max_length: 20 };
        let date = FieldKind::DateTimeField {
            auto_now: false,
            auto_now_add: false,
        };
        for (sql, kind, expected) in [
            ("'physical'", &text, DefaultValue::Str("physical".into())),
            (
                "'it''s'::character varying",
                &text,
                DefaultValue::Str("it's".into()),
            ),
            ("0", &FieldKind::IntegerField, DefaultValue::Int(0)),
            (
                "'-1'::integer",
                &FieldKind::IntegerField,
                DefaultValue::Int(-1),
            ),
            ("(-1)", &FieldKind::IntegerField, DefaultValue::Int(-1)),
            ("0.5", &FieldKind::FloatField, DefaultValue::Float(0.5)),
            ("1", &FieldKind::BooleanField, DefaultValue::Bool(true)),
            ("false", &FieldKind::BooleanField, DefaultValue::Bool(false)),
            ("CURRENT_TIMESTAMP", &date, DefaultValue::Now),
            ("now()", &date, DefaultValue::Now),
            (
                "'{}'::jsonb",
                &FieldKind::JSONField { schema: None },
                DefaultValue::EmptyObject,
            ),
            (
                "'[]'::jsonb",
                &FieldKind::JSONField { schema: None },
                DefaultValue::EmptyList,
            ),
            ("NULL", &text, DefaultValue::Null),
            (
                "nextval('t_id_seq'::regclass)",
                &FieldKind::IntegerField,
                DefaultValue::Sql("nextval('t_id_seq'::regclass)".into()),
            ),
            ("'a' || 'b'", &text, DefaultValue::Sql("'a' || 'b'".into())),
        ] {
            assert_eq!(classify(sql, kind), expected, "{sql}");
        }
    }
}
