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

/// The Rust type of a date column.
pub(crate) const DATE: &str = "::pookie::chrono::NaiveDate";
/// The Rust type of a time column.
pub(crate) const TIME: &str = "::pookie::chrono::NaiveTime";
/// The Rust type of a UUID column.
pub(crate) const UUID: &str = "::pookie::uuid::Uuid";
/// The Rust type of a JSON column without a schema type.
pub(crate) const JSON: &str = "::pookie::serde_json::Value";
/// The Rust type of a decimal of at most [`SMALL_DECIMAL_DIGITS`] digits.
pub(crate) const DECIMAL: &str = "::pookie::rust_decimal::Decimal";
/// The Rust type of a decimal of more digits.
pub(crate) const BIG_DECIMAL: &str = "::pookie::bigdecimal::BigDecimal";
/// The most digits `rust_decimal::Decimal` holds exactly (its mantissa is 96
/// bits: every 28-digit number fits, not every 29-digit one).
pub(crate) const SMALL_DECIMAL_DIGITS: u32 = 28;

/// How a column type is spelled on both sides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scalar {
    /// The Rust type, fully qualified (without `Option` for nullable columns).
    pub rust: String,
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
    /// An exact decimal; `big` for `BigDecimal`.
    Decimal { big: bool },
    /// A boolean.
    Bool,
    /// A string.
    Text,
    /// A timestamp (`auto_now`, `auto_now_add`, `default = now`).
    DateTime,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A UUID.
    Uuid,
    /// JSON; `typed` when the Rust type is the user's schema type.
    Json { typed: bool },
    /// A list (`ArrayField`).
    Array,
    /// Raw bytes.
    Bytes,
    /// A `choices` enum generated from the schema.
    Enum,
}

/// The table of supported field types. `Err` carries the type name of a field
/// type the generator does not support. Relations are resolved by the caller
/// (they take the type of the target's key).
pub(crate) fn scalar(kind: &FieldKind) -> Result<Scalar, &'static str> {
    let make = |rust: &str, sql, class| Scalar {
        rust: rust.to_owned(),
        sql,
        class,
    };
    let int = |rust, sql, min, max| make(rust, sql, Class::Int { min, max });
    let text = |sql| make(STRING, sql, Class::Text);
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
        FieldKind::FloatField => make("f64", SqlType::Double, Class::Float),
        FieldKind::DecimalField {
            max_digits,
            decimal_places,
        } => {
            let big = *max_digits > SMALL_DECIMAL_DIGITS;
            make(
                if big { BIG_DECIMAL } else { DECIMAL },
                SqlType::Decimal {
                    precision: *max_digits,
                    scale: *decimal_places,
                },
                Class::Decimal { big },
            )
        }
        FieldKind::BooleanField => make("bool", SqlType::Boolean, Class::Bool),
        FieldKind::CharField { max_length }
        | FieldKind::EmailField { max_length }
        | FieldKind::URLField { max_length }
        | FieldKind::SlugField { max_length } => text(SqlType::Varchar(*max_length)),
        FieldKind::FixedCharField { max_length } => text(SqlType::Char(*max_length)),
        FieldKind::TextField => text(SqlType::Text),
        FieldKind::UUIDField { .. } => make(UUID, SqlType::Uuid, Class::Uuid),
        FieldKind::DateField { .. } => make(DATE, SqlType::Date, Class::Date),
        FieldKind::TimeField { .. } => make(TIME, SqlType::Time, Class::Time),
        FieldKind::DateTimeField { .. } => make(DATETIME, SqlType::Timestamp, Class::DateTime),
        FieldKind::JSONField { schema: None } => {
            make(JSON, SqlType::Json, Class::Json { typed: false })
        }
        FieldKind::JSONField { schema: Some(path) } => {
            make(path, SqlType::Json, Class::Json { typed: true })
        }
        FieldKind::BinaryField => make("::std::vec::Vec<u8>", SqlType::Bytes, Class::Bytes),
        FieldKind::ArrayField { base } => {
            let element = scalar(base)?;
            match element.class {
                Class::Int { .. }
                | Class::Float
                | Class::Decimal { .. }
                | Class::Bool
                | Class::Text
                | Class::DateTime
                | Class::Date
                | Class::Time
                | Class::Uuid
                | Class::Json { typed: false } => make(
                    &format!("::std::vec::Vec<{}>", element.rust),
                    SqlType::Array(Box::new(element.sql)),
                    Class::Array,
                ),
                // The elements of a typed JSON array are the user's type, which
                // reads one JSON value: `JSONField(schema = "Vec<…>")` is that array.
                Class::Json { typed: true } => {
                    return Err("ArrayField of a JSONField with a `schema` (write `JSONField(schema = \"Vec<…>\")`)")
                }
                Class::Array | Class::Bytes | Class::Enum => {
                    return Err("ArrayField of this element type")
                }
            }
        }
        FieldKind::ForeignKey(_) | FieldKind::OneToOneField(_) | FieldKind::ManyToManyField(_) => {
            return Err(kind.type_name())
        }
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
        Class::Date => Some("now.date_naive()"),
        Class::Time => Some("now.time()"),
        _ => None,
    }
}

/// A Rust string literal with the text of `s`, escaped.
pub(crate) fn str_lit(s: &str) -> String {
    format!("{s:?}")
}

/// A default, as the Rust expression of the (non-`Option`) field value, and
/// whether that expression is cheap (a literal, so `unwrap_or` rather than
/// `unwrap_or_else` keeps clippy quiet). `Err` says why the default does not fit.
/// An `Enum.Variant` default is resolved by the caller, which knows the enums.
pub(crate) fn rust_default(default: &DefaultValue, scalar: &Scalar) -> Result<RustDefault, String> {
    let mismatch = || {
        Err(format!(
            "the default {} does not fit a {} column",
            describe(default),
            scalar.rust
        ))
    };
    let computed = |expr: String| Ok(RustDefault::Computed(expr));
    let expr = match (default, scalar.class) {
        (DefaultValue::Null, _) => return Ok(RustDefault::Null),
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
        (DefaultValue::Int(value), Class::Decimal { big }) => {
            return decimal_default(&value.to_string(), big, scalar)
        }
        (DefaultValue::Float(value), Class::Decimal { big }) => {
            return decimal_default(&plain_float(*value)?, big, scalar)
        }
        (DefaultValue::Str(text), Class::Decimal { big }) => return decimal_default(text, big, scalar),
        (DefaultValue::Str(text), Class::Text) => {
            return computed(format!("{STRING}::from({})", str_lit(text)))
        }
        (DefaultValue::Str(text), Class::Date) => {
            let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("the default {} is not a date (YYYY-MM-DD)", describe(default)))?;
            const_value(DATE, &date_call(date))
        }
        (DefaultValue::Str(text), Class::Time) => {
            let time = parse_time(text)
                .ok_or_else(|| format!("the default {} is not a time (HH:MM:SS)", describe(default)))?;
            const_value(TIME, &time_call(time))
        }
        (DefaultValue::Str(text), Class::DateTime) => {
            let value = parse_timestamp(text).ok_or_else(|| {
                format!(
                    "the default {} is not a timestamp (YYYY-MM-DD HH:MM:SS, optionally with an offset)",
                    describe(default)
                )
            })?;
            format!(
                "{{ const DEFAULT: {DATETIME} = match ({}, {}) {{ (::core::option::Option::Some(date), ::core::option::Option::Some(time)) => date.and_time(time).and_utc(), _ => panic!(\"invalid default\") }}; DEFAULT }}",
                date_call(value.date_naive()),
                time_call(value.time())
            )
        }
        (DefaultValue::Str(text), Class::Uuid) => {
            let uuid = uuid::Uuid::parse_str(text)
                .map_err(|_| format!("the default {} is not a UUID", describe(default)))?;
            format!("{UUID}::from_u128({:#034x})", uuid.as_u128())
        }
        (DefaultValue::Uuid4, Class::Uuid) => return Ok(RustDefault::Call(format!("{UUID}::new_v4"))),
        (DefaultValue::Now, class) => match now_expr(class) {
            Some(expr) => expr.to_owned(),
            None => return mismatch(),
        },
        (DefaultValue::EmptyList, Class::Array) => return Ok(RustDefault::TypeDefault),
        (DefaultValue::EmptyList, Class::Json { typed: false }) => {
            format!("{JSON}::Array(::std::vec::Vec::new())")
        }
        (DefaultValue::EmptyObject, Class::Json { typed: false }) => {
            format!("{JSON}::Object(::pookie::serde_json::Map::new())")
        }
        (DefaultValue::Bool(value), Class::Json { typed: false }) => format!("{JSON}::Bool({value})"),
        (DefaultValue::Int(value), Class::Json { typed: false }) => {
            format!("{JSON}::from({value}i64)")
        }
        (DefaultValue::Float(value), Class::Json { typed: false }) => {
            format!("{JSON}::from({})", float_literal(*value)?)
        }
        (DefaultValue::Str(text), Class::Json { typed: false }) => {
            return computed(format!("{JSON}::String({STRING}::from({}))", str_lit(text)))
        }
        (_, Class::Json { typed: true }) => {
            return Err(format!(
                "the default {} cannot be given to a JSONField with a schema type; \
                 make the field `null = true`, or implement `Default` in your type and set it yourself",
                describe(default)
            ))
        }
        (DefaultValue::Sql(_), _) => {
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
    /// A cheap expression: a literal, a constant or `now`.
    Literal(String),
    /// An expression that allocates or draws a random value: evaluated lazily.
    Computed(String),
    /// The type's `Default` (`[]` for a list).
    TypeDefault,
    /// A function without arguments, called for each new row (`uuid4`).
    Call(String),
}

/// An expression evaluated at compile time: a value built by `const fn`s that
/// return `Option`, unwrapped in a `const` so that a wrong value cannot reach
/// run time (the generator has checked it already).
fn const_value(ty: &str, call: &str) -> String {
    format!(
        "{{ const DEFAULT: {ty} = match {call} {{ ::core::option::Option::Some(value) => value, ::core::option::Option::None => panic!(\"invalid default\") }}; DEFAULT }}"
    )
}

fn date_call(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{DATE}::from_ymd_opt({}, {}, {})",
        date.year(),
        date.month(),
        date.day()
    )
}

fn time_call(time: chrono::NaiveTime) -> String {
    use chrono::Timelike;
    format!(
        "{TIME}::from_hms_micro_opt({}, {}, {}, {})",
        time.hour(),
        time.minute(),
        time.second(),
        time.nanosecond() / 1000
    )
}

/// Reads a time default as `HH:MM:SS[.ffffff]` or `HH:MM`.
fn parse_time(text: &str) -> Option<chrono::NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveTime::parse_from_str(text, format).ok())
}

/// Reads a timestamp default in the spellings SQLite and PostgreSQL accept.
fn parse_timestamp(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDateTime, Utc};
    if let Ok(value) = DateTime::parse_from_rfc3339(text) {
        return Some(value.with_timezone(&Utc));
    }
    if let Ok(value) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(value.with_timezone(&Utc));
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
    .map(|value| value.and_utc())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|value| value.and_utc())
    })
}

/// A float default as plain decimal text (no exponent): the number as written.
fn plain_float(value: f64) -> Result<String, String> {
    if !value.is_finite() {
        return Err(format!("the default {value} is not a finite number"));
    }
    // `Display` of an f64 never uses an exponent and is the shortest text that reads back.
    Ok(format!("{value}"))
}

/// A decimal default, built without parsing at run time: the digits become an
/// integer mantissa and a scale.
fn decimal_default(text: &str, big: bool, scalar: &Scalar) -> Result<RustDefault, String> {
    let invalid = || format!("the default `{text}` is not a decimal number");
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if (integer.is_empty() && fraction.is_empty())
        || !integer
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    let digits: String = format!("{integer}{fraction}")
        .trim_start_matches('0')
        .to_owned();
    let digits = if digits.is_empty() {
        "0".to_owned()
    } else {
        digits
    };
    if let SqlType::Decimal { precision, scale } = scalar.sql {
        let integer_digits = integer.trim_start_matches('0').len();
        if fraction.len() > scale as usize || integer_digits > (precision - scale) as usize {
            return Err(format!(
                "the default `{text}` does not fit DecimalField(max_digits = {precision}, decimal_places = {scale})"
            ));
        }
    }
    let scale = fraction.len();
    let sign = if negative { "-" } else { "" };
    if !big {
        return Ok(RustDefault::Literal(format!(
            "{DECIMAL}::from_i128_with_scale({sign}{digits}, {scale})"
        )));
    }
    let bytes = decimal_to_be_bytes(&digits).ok_or_else(invalid)?;
    let sign = if negative {
        "Minus"
    } else if digits == "0" {
        "NoSign"
    } else {
        "Plus"
    };
    let bytes: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
    Ok(RustDefault::Computed(format!(
        "{BIG_DECIMAL}::new(::pookie::bigdecimal::num_bigint::BigInt::from_bytes_be(::pookie::bigdecimal::num_bigint::Sign::{sign}, &[{}]), {scale})",
        bytes.join(", ")
    )))
}

/// The big-endian bytes of a non-negative decimal integer of any length.
fn decimal_to_be_bytes(digits: &str) -> Option<Vec<u8>> {
    let mut bytes: Vec<u8> = vec![0];
    for digit in digits.bytes() {
        let mut carry = u32::from(digit.checked_sub(b'0').filter(|d| *d < 10)?);
        for byte in bytes.iter_mut().rev() {
            let value = u32::from(*byte) * 10 + carry;
            *byte = (value & 0xff) as u8;
            carry = value >> 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    Some(bytes)
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
/// default (no default, `null`, `now`, `uuid4`, lists and JSON, which the
/// runtime fills in). The caller replaces an `Enum.Variant` default by its stored string.
pub(crate) fn sql_default(
    dialect: Dialect,
    default: &DefaultValue,
    class: Class,
) -> Option<String> {
    if matches!(class, Class::Json { .. } | Class::Array | Class::Bytes) {
        return None;
    }
    let string = |text: &str| {
        let mut out = String::new();
        dialect.push_string_literal(&mut out, text);
        Some(out)
    };
    match default {
        DefaultValue::Bool(value) => Some(dialect.bool_literal(*value).to_owned()),
        DefaultValue::Int(value) => Some(value.to_string()),
        DefaultValue::Float(value) if matches!(class, Class::Decimal { .. }) => {
            plain_float(*value).ok()
        }
        DefaultValue::Float(value) => Some(format!("{value:?}")),
        DefaultValue::Str(text) => string(text),
        DefaultValue::Null
        | DefaultValue::EnumVariant { .. }
        | DefaultValue::Now
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
            assert_eq!(
                (scalar.rust.as_str(), &scalar.sql),
                (*rust, sql),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn new_types_map_to_rust_and_sql() {
        let decimal = |max_digits| FieldKind::DecimalField {
            max_digits,
            decimal_places: 2,
        };
        let small = scalar(&decimal(28)).unwrap();
        assert_eq!(small.rust, DECIMAL);
        let big = scalar(&decimal(29)).unwrap();
        assert_eq!(big.rust, BIG_DECIMAL);
        assert_eq!(
            big.sql,
            SqlType::Decimal {
                precision: 29,
                scale: 2
            }
        );
        let array = scalar(&FieldKind::ArrayField {
            base: Box::new(FieldKind::CharField { max_length: 5 }),
        })
        .unwrap();
        assert_eq!(array.rust, "::std::vec::Vec<::std::string::String>");
        assert_eq!(array.sql, SqlType::Array(Box::new(SqlType::Varchar(5))));
        let typed = scalar(&FieldKind::JSONField {
            schema: Some("crate::Settings".into()),
        })
        .unwrap();
        assert_eq!(typed.rust, "crate::Settings");
        assert_eq!(
            scalar(&FieldKind::UUIDField { auto: true }).unwrap().rust,
            UUID
        );
        assert_eq!(scalar(&FieldKind::BinaryField).unwrap().sql, SqlType::Bytes);
    }

    #[test]
    fn unsupported_types_name_themselves() {
        let nested = FieldKind::ArrayField {
            base: Box::new(FieldKind::BinaryField),
        };
        assert!(scalar(&nested).is_err());
        let typed_json = FieldKind::ArrayField {
            base: Box::new(FieldKind::JSONField {
                schema: Some("crate::Doc".into()),
            }),
        };
        assert!(scalar(&typed_json).unwrap_err().contains("schema"));
    }

    #[test]
    fn an_array_of_json_values_is_a_vector_of_values() {
        let array = scalar(&FieldKind::ArrayField {
            base: Box::new(FieldKind::JSONField { schema: None }),
        })
        .unwrap();
        assert_eq!(array.rust, format!("::std::vec::Vec<{JSON}>"));
        assert_eq!(array.sql, SqlType::Array(Box::new(SqlType::Json)));
        assert_eq!(array.class, Class::Array);
    }

    #[test]
    fn decimal_defaults_are_exact_without_parsing_at_run_time() {
        let small = scalar(&FieldKind::DecimalField {
            max_digits: 5,
            decimal_places: 2,
        })
        .unwrap();
        assert_eq!(
            rust_default(&DefaultValue::Str("-1.50".into()), &small),
            Ok(RustDefault::Literal(format!(
                "{DECIMAL}::from_i128_with_scale(-150, 2)"
            )))
        );
        assert!(rust_default(&DefaultValue::Str("1234.5".into()), &small)
            .unwrap_err()
            .contains("does not fit"));
        assert_eq!(decimal_to_be_bytes("65536"), Some(vec![1, 0, 0]));
        assert_eq!(decimal_to_be_bytes("255"), Some(vec![255]));
    }

    #[test]
    fn date_defaults_are_checked_at_build_time() {
        let date = scalar(&FieldKind::DateField {
            auto_now: false,
            auto_now_add: false,
        })
        .unwrap();
        assert!(rust_default(&DefaultValue::Str("2024-02-30".into()), &date).is_err());
        assert!(rust_default(&DefaultValue::Str("2024-02-29".into()), &date).is_ok());
        assert_eq!(
            rust_default(&DefaultValue::Now, &date),
            Ok(RustDefault::Literal("now.date_naive()".into()))
        );
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
            sql_default(Dialect::Sqlite, &DefaultValue::Bool(true), Class::Bool).as_deref(),
            Some("1")
        );
        assert_eq!(
            sql_default(Dialect::Postgres, &DefaultValue::Bool(false), Class::Bool).as_deref(),
            Some("FALSE")
        );
        assert_eq!(
            sql_default(
                Dialect::Postgres,
                &DefaultValue::Str("it's".into()),
                Class::Text
            )
            .as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            sql_default(Dialect::Sqlite, &DefaultValue::Now, Class::DateTime),
            None
        );
        assert_eq!(
            sql_default(Dialect::Sqlite, &DefaultValue::EmptyList, Class::Array),
            None
        );
    }
}
