//! The type mapping: what Rust type and SQL type each field type becomes, what its
//! default value is in Rust and in DDL.
//!
//! Adding a field type is one arm in [`scalar`] (plus, for a new kind of default,
//! one arm in [`rust_default`] / [`sql_default`]) and a test.

use pookie_dialect::{Dialect, SqlType};
use pookie_grammar::ir::{DefaultValue, FieldKind};

/// `::core::option::Option`, spelled once.
pub(crate) const OPTION: &str = "::core::option::Option";
/// `::std::string::String`, spelled once.
pub(crate) const STRING: &str = "::std::string::String";
/// The Rust type of a timestamp column.
pub(crate) const DATETIME: &str = "::pookie::chrono::DateTime<::pookie::chrono::Utc>";

/// How a column type is spelled on both sides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scalar {
    /// The Rust type, fully qualified (without `Option` for nullable columns).
    pub rust: &'static str,
    /// The column type.
    pub sql: SqlType,
    /// Which literal defaults the type accepts, and how it is stamped by `now`.
    pub class: Class,
}

/// The family of a scalar type: decides which defaults are valid and how they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// An integer type with its inclusive range.
    Int { min: i64, max: i64 },
    /// A floating-point number.
    Float,
    /// A boolean.
    Bool,
    /// A string.
    Text,
    /// A timestamp (`auto_now`, `auto_now_add`, `default = now`).
    DateTime,
}

/// The table of supported field types. `Err` carries the type name of a field
/// type the generator does not support yet. Relations are resolved by the caller
/// (they take the type of the target's key).
pub(crate) fn scalar(kind: &FieldKind) -> Result<Scalar, &'static str> {
    let int = |rust, sql, min, max| Scalar {
        rust,
        sql,
        class: Class::Int { min, max },
    };
    let text = |sql| Scalar {
        rust: STRING,
        sql,
        class: Class::Text,
    };
    Ok(match kind {
        FieldKind::AutoField | FieldKind::IntegerField => {
            int("i32", SqlType::Integer, i32::MIN.into(), i32::MAX.into())
        }
        FieldKind::BigAutoField | FieldKind::BigIntegerField => {
            int("i64", SqlType::BigInt, i64::MIN, i64::MAX)
        }
        FieldKind::SmallIntegerField => {
            int("i16", SqlType::SmallInt, i16::MIN.into(), i16::MAX.into())
        }
        FieldKind::FloatField => Scalar {
            rust: "f64",
            sql: SqlType::Double,
            class: Class::Float,
        },
        FieldKind::BooleanField => Scalar {
            rust: "bool",
            sql: SqlType::Boolean,
            class: Class::Bool,
        },
        FieldKind::CharField { max_length }
        | FieldKind::EmailField { max_length }
        | FieldKind::URLField { max_length }
        | FieldKind::SlugField { max_length } => text(SqlType::Varchar(*max_length)),
        FieldKind::FixedCharField { max_length } => text(SqlType::Char(*max_length)),
        FieldKind::TextField => text(SqlType::Text),
        FieldKind::DateTimeField { .. } => Scalar {
            rust: DATETIME,
            sql: SqlType::Timestamp,
            class: Class::DateTime,
        },
        FieldKind::DecimalField { .. }
        | FieldKind::UUIDField { .. }
        | FieldKind::DateField { .. }
        | FieldKind::TimeField { .. }
        | FieldKind::JSONField { .. }
        | FieldKind::ArrayField { .. }
        | FieldKind::BinaryField
        | FieldKind::ForeignKey(_)
        | FieldKind::OneToOneField(_)
        | FieldKind::ManyToManyField(_) => return Err(kind.type_name()),
    })
}

/// `auto_now` and `auto_now_add` of a field type that has them.
pub(crate) fn auto_now(kind: &FieldKind) -> (bool, bool) {
    match kind {
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
        } => (*auto_now, *auto_now_add),
        _ => (false, false),
    }
}

/// The Rust expression of the current time for a field of this class, given the
/// variable `now` (a `DateTime<Utc>`); `None` when `now` means nothing for it.
pub(crate) fn now_expr(class: Class) -> Option<&'static str> {
    match class {
        Class::DateTime => Some("now"),
        Class::Int { .. } | Class::Float | Class::Bool | Class::Text => None,
    }
}

/// A Rust string literal with the text of `s`, escaped.
pub(crate) fn str_lit(s: &str) -> String {
    format!("{s:?}")
}

/// A default, as the Rust expression of the (non-`Option`) field value, and
/// whether that expression is cheap (a literal, so `unwrap_or` rather than
/// `unwrap_or_else` keeps clippy quiet). `Err` says why the default does not fit.
pub(crate) fn rust_default(default: &DefaultValue, scalar: &Scalar) -> Result<RustDefault, String> {
    let mismatch = || {
        Err(format!(
            "the default {} does not fit a {} column",
            describe(default),
            scalar.rust
        ))
    };
    let expr = match (default, scalar.class) {
        (DefaultValue::Bool(value), Class::Bool) => value.to_string(),
        (DefaultValue::Int(value), Class::Int { min, max }) => {
            if *value < min || *value > max {
                return Err(format!(
                    "the default {value} is out of range for {}",
                    scalar.rust
                ));
            }
            value.to_string()
        }
        (DefaultValue::Int(value), Class::Float) => float_literal(*value as f64)?,
        (DefaultValue::Float(value), Class::Float) => float_literal(*value)?,
        (DefaultValue::Str(text), Class::Text) => {
            return Ok(RustDefault::Computed(format!(
                "{STRING}::from({})",
                str_lit(text)
            )))
        }
        (DefaultValue::Now, class) => match now_expr(class) {
            Some(expr) => expr.to_owned(),
            None => return mismatch(),
        },
        (DefaultValue::Null, _) => return Ok(RustDefault::Null),
        (
            DefaultValue::EnumVariant { .. }
            | DefaultValue::Uuid4
            | DefaultValue::EmptyList
            | DefaultValue::EmptyObject
            | DefaultValue::Sql(_),
            _,
        ) => {
            return Err(format!(
                "the default {} is not supported by the code generator yet",
                describe(default)
            ))
        }
        _ => return mismatch(),
    };
    Ok(RustDefault::Literal(expr))
}

/// A default value in Rust.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RustDefault {
    /// `default = null` (nullable fields only).
    Null,
    /// A cheap expression: a literal or `now`.
    Literal(String),
    /// An expression that allocates (a `String`): evaluated lazily.
    Computed(String),
}

fn float_literal(value: f64) -> Result<String, String> {
    if value.is_finite() {
        // `Debug` writes the shortest text that reads back as the same value,
        // always with a `.` or an exponent: a valid f64 literal.
        Ok(format!("{value:?}"))
    } else {
        Err(format!("the default {value} is not a finite number"))
    }
}

/// The `DEFAULT …` literal in DDL, or `None` when the column has no database
/// default (no default, `null`, or `now`, which the runtime fills in).
pub(crate) fn sql_default(dialect: Dialect, default: &DefaultValue) -> Option<String> {
    match default {
        DefaultValue::Bool(value) => Some(dialect.bool_literal(*value).to_owned()),
        DefaultValue::Int(value) => Some(value.to_string()),
        DefaultValue::Float(value) => Some(format!("{value:?}")),
        DefaultValue::Str(text) => {
            let mut out = String::new();
            dialect.push_string_literal(&mut out, text);
            Some(out)
        }
        DefaultValue::Null
        | DefaultValue::Now
        | DefaultValue::EnumVariant { .. }
        | DefaultValue::Uuid4
        | DefaultValue::EmptyList
        | DefaultValue::EmptyObject
        | DefaultValue::Sql(_) => None,
    }
}

/// A default as written in `.pookie`, for messages.
fn describe(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "`null`".into(),
        DefaultValue::Bool(value) => format!("`{value}`"),
        DefaultValue::Int(value) => format!("`{value}`"),
        DefaultValue::Float(value) => format!("`{value:?}`"),
        DefaultValue::Str(text) => format!("`{text:?}`"),
        DefaultValue::EnumVariant { enum_name, variant } => format!("`{enum_name}.{variant}`"),
        DefaultValue::Now => "`now`".into(),
        DefaultValue::Uuid4 => "`uuid4`".into(),
        DefaultValue::EmptyList => "`[]`".into(),
        DefaultValue::EmptyObject => "`{}`".into(),
        DefaultValue::Sql(sql) => format!("`sql({sql:?})`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_types_map_to_rust_and_sql() {
        let cases: &[(FieldKind, &str, SqlType)] = &[
            (FieldKind::AutoField, "i32", SqlType::Integer),
            (FieldKind::BigAutoField, "i64", SqlType::BigInt),
            (FieldKind::SmallIntegerField, "i16", SqlType::SmallInt),
            (FieldKind::IntegerField, "i32", SqlType::Integer),
            (FieldKind::BigIntegerField, "i64", SqlType::BigInt),
            (FieldKind::FloatField, "f64", SqlType::Double),
            (FieldKind::BooleanField, "bool", SqlType::Boolean),
            (
                FieldKind::CharField { max_length: 7 },
                STRING,
                SqlType::Varchar(7),
            ),
            (
                FieldKind::FixedCharField { max_length: 2 },
                STRING,
                SqlType::Char(2),
            ),
            (FieldKind::TextField, STRING, SqlType::Text),
            (
                FieldKind::EmailField { max_length: 254 },
                STRING,
                SqlType::Varchar(254),
            ),
            (
                FieldKind::URLField { max_length: 2048 },
                STRING,
                SqlType::Varchar(2048),
            ),
            (
                FieldKind::SlugField { max_length: 100 },
                STRING,
                SqlType::Varchar(100),
            ),
            (
                FieldKind::DateTimeField {
                    auto_now: false,
                    auto_now_add: false,
                },
                DATETIME,
                SqlType::Timestamp,
            ),
        ];
        for (kind, rust, sql) in cases {
            let scalar = scalar(kind).unwrap();
            assert_eq!((scalar.rust, &scalar.sql), (*rust, sql), "{kind:?}");
        }
    }

    #[test]
    fn unsupported_types_name_themselves() {
        for kind in [
            FieldKind::DecimalField {
                max_digits: 5,
                decimal_places: 2,
            },
            FieldKind::UUIDField { auto: true },
            FieldKind::BinaryField,
            FieldKind::JSONField { schema: None },
        ] {
            assert_eq!(scalar(&kind), Err(kind.type_name()));
        }
    }

    #[test]
    fn defaults_are_checked_against_the_type() {
        let int = scalar(&FieldKind::SmallIntegerField).unwrap();
        let float = scalar(&FieldKind::FloatField).unwrap();
        let text = scalar(&FieldKind::TextField).unwrap();
        assert_eq!(
            rust_default(&DefaultValue::Int(-3), &int),
            Ok(RustDefault::Literal("-3".into()))
        );
        assert!(rust_default(&DefaultValue::Int(70_000), &int)
            .unwrap_err()
            .contains("out of range"));
        assert_eq!(
            rust_default(&DefaultValue::Int(2), &float),
            Ok(RustDefault::Literal("2.0".into()))
        );
        assert_eq!(
            rust_default(&DefaultValue::Str("a\"b".into()), &text),
            Ok(RustDefault::Computed(
                "::std::string::String::from(\"a\\\"b\")".into()
            ))
        );
        assert!(rust_default(&DefaultValue::Bool(true), &text)
            .unwrap_err()
            .contains("does not fit"));
        assert!(rust_default(&DefaultValue::Now, &int).is_err());
    }

    #[test]
    fn sql_defaults_come_from_the_dialect() {
        assert_eq!(
            sql_default(Dialect::Sqlite, &DefaultValue::Bool(true)).as_deref(),
            Some("1")
        );
        assert_eq!(
            sql_default(Dialect::Postgres, &DefaultValue::Bool(false)).as_deref(),
            Some("FALSE")
        );
        assert_eq!(
            sql_default(Dialect::Postgres, &DefaultValue::Str("it's".into())).as_deref(),
            Some("'it''s'")
        );
        assert_eq!(sql_default(Dialect::Sqlite, &DefaultValue::Now), None);
    }
}
