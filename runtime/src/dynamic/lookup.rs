//! Django's `field__relation__field__lookup = value` turned into the
//! compiler's conditions, and shell literals into typed parameters.

use std::borrow::Cow;
use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use pookie_dialect::{PatternKind, SqlType};

use super::DynModel;
use crate::error::{Error, Result};
use crate::model::FieldMeta;
use crate::query::{CmpOp, ColumnRef, Cond, OrderKey, RelatedOrder};
use crate::relations::RelationMeta;
use crate::value::Param;

/// The lookups a dynamic filter accepts after a field (`name__icontains`).
pub const LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "regex",
    "iregex",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "range",
    "isnull",
];

/// A value written in a dynamic query (`"grace"`, `3`, `True`, `None`, `[1, 2]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `None`.
    Null,
    /// `True` / `False`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Text(String),
    /// A list or tuple.
    List(Vec<Literal>),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("None"),
            Literal::Bool(true) => f.write_str("True"),
            Literal::Bool(false) => f.write_str("False"),
            Literal::Int(v) => write!(f, "{v}"),
            Literal::Float(v) => write!(f, "{v:?}"),
            Literal::Text(v) => write!(f, "{v:?}"),
            Literal::List(items) => {
                f.write_str("[")?;
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A condition on the rows of a dynamic model, combined with `&`, `|` and `!`
/// as [`Q`](crate::Q) is.
#[derive(Debug, Clone, PartialEq)]
pub struct DynQ {
    pub(crate) cond: Cond,
}

impl DynQ {
    /// The condition every row passes (an empty AND).
    pub fn all() -> DynQ {
        DynQ {
            cond: Cond::And(Vec::new()),
        }
    }
}

impl fmt::Display for DynQ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cond.fmt(f)
    }
}

impl BitAnd for DynQ {
    type Output = DynQ;
    fn bitand(self, other: DynQ) -> DynQ {
        DynQ {
            cond: self.cond.and(other.cond),
        }
    }
}

impl BitOr for DynQ {
    type Output = DynQ;
    fn bitor(self, other: DynQ) -> DynQ {
        DynQ {
            cond: self.cond.or(other.cond),
        }
    }
}

impl Not for DynQ {
    type Output = DynQ;
    fn not(self) -> DynQ {
        DynQ {
            cond: match self.cond {
                Cond::Not(inner) => *inner,
                cond => Cond::Not(Box::new(cond)),
            },
        }
    }
}

/// The candidate closest to `word` (by edit distance), when one is close enough
/// to be a likely typo.
pub fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= candidate.len().max(word.len()).div_ceil(3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    suggest(word, candidates)
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default()
}

/// What a name of a lookup path stands for on a model.
pub(crate) enum Step {
    Field(usize),
    Relation(&'static RelationMeta),
}

impl DynModel {
    /// The names a path may use on this model: fields, relations, `pk`.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.meta.fields.iter().map(|f| f.name).collect();
        for relation in self.meta.relations {
            if !names.contains(&relation.name) {
                names.push(relation.name);
            }
        }
        if self.meta.pk_columns.len() == 1 && !names.contains(&"pk") {
            names.push("pk");
        }
        names
    }

    pub(crate) fn step(&self, name: &str) -> Result<Step> {
        if let Some(relation) = self.meta.relations.iter().find(|r| r.name == name) {
            return Ok(Step::Relation(relation));
        }
        if name == "pk" && self.meta.pk_columns.len() == 1 {
            if let Some(index) = self.field_index(self.meta.pk_column) {
                return Ok(Step::Field(index));
            }
        }
        if let Some(index) = self.field_index(name) {
            return Ok(Step::Field(index));
        }
        Err(Error::usage(format!(
            "`{}` has no field `{name}`{}",
            self.meta.name,
            did_you_mean(name, self.names())
        )))
    }

    pub(crate) fn column_ref(&self, index: usize) -> ColumnRef {
        let field = &self.meta.fields[index];
        ColumnRef {
            table: self.meta.table,
            name: field.column,
            nullable: field.null,
        }
    }

    /// The condition `path = value` in Django's syntax: `name__icontains`,
    /// `author__name`, `posts__tags__slug__in`, `pk`. Across a relation it is
    /// the semi-join the typed relation filters build (`post::author.is(…)`,
    /// `author::posts.some(…)`).
    pub fn q(&self, path: &str, value: Literal) -> Result<DynQ> {
        let parts: Vec<&str> = path.split("__").collect();
        Ok(DynQ {
            cond: self.cond(&parts, value, path)?,
        })
    }

    fn cond(&self, parts: &[&str], value: Literal, path: &str) -> Result<Cond> {
        let Some((first, rest)) = parts.split_first() else {
            return Err(Error::usage("an empty lookup"));
        };
        match self.step(first)? {
            Step::Field(index) => {
                let lookup = match rest {
                    [] => "exact",
                    [lookup] => lookup,
                    _ => {
                        return Err(Error::usage(format!(
                        "`{path}`: `{first}` of `{}` is not a relation, so `{}` cannot follow it",
                        self.meta.name,
                        rest.join("__")
                    )))
                    }
                };
                self.column_cond(index, lookup, value)
            }
            Step::Relation(relation) => {
                let target = self.target(relation).ok_or_else(|| {
                    Error::usage(format!("the model of `{}` is unknown", relation.name))
                })?;
                let key_lookup = match rest {
                    [] => Some("exact"),
                    [lookup] if LOOKUPS.contains(lookup) && target.step(lookup).is_err() => {
                        Some(*lookup)
                    }
                    _ => None,
                };
                if let Some(lookup) = key_lookup {
                    if relation.kind.is_forward() {
                        let index = self.meta.columns[..]
                            .iter()
                            .position(|c| *c == relation.column)
                            .unwrap_or(relation.column_index);
                        return self.column_cond(index, lookup, value);
                    }
                    return Err(Error::usage(format!(
                        "`{path}`: `{first}` holds many rows; compare one of their fields (`{first}__{}`)",
                        target.meta.pk_column
                    )));
                }
                let inner = target.cond(rest, value, path)?;
                Ok(crate::relations::some_of(self.meta, relation, Some(inner)))
            }
        }
    }

    fn column_cond(&self, index: usize, lookup: &str, value: Literal) -> Result<Cond> {
        let field = &self.meta.fields[index];
        let column = self.column_ref(index);
        let ty = &self.info(index).sql_type;
        let param = |value: Literal| self.param(index, value);
        let text = |value: Literal| match value {
            Literal::Text(text) => Ok(text),
            other => Err(Error::usage(format!(
                "`{}__{lookup}` takes a string, not {other}",
                field.name
            ))),
        };
        let pattern = |kind, case_insensitive, value| -> Result<Cond> {
            require_text(field, ty, lookup)?;
            Ok(Cond::Pattern {
                column,
                kind,
                case_insensitive,
                value: text(value)?,
            })
        };
        let compare = |op, value| -> Result<Cond> {
            Ok(Cond::Compare {
                column,
                op,
                value: param(value)?,
            })
        };
        match lookup {
            "exact" if value == Literal::Null => Ok(Cond::IsNull {
                column: ColumnRef {
                    nullable: true,
                    ..column
                },
            }),
            "exact" => compare(CmpOp::Eq, value),
            "gt" => compare(CmpOp::Gt, value),
            "gte" => compare(CmpOp::Gte, value),
            "lt" => compare(CmpOp::Lt, value),
            "lte" => compare(CmpOp::Lte, value),
            "iexact" => pattern(PatternKind::Exact, true, value),
            "contains" => pattern(PatternKind::Contains, false, value),
            "icontains" => pattern(PatternKind::Contains, true, value),
            "startswith" => pattern(PatternKind::StartsWith, false, value),
            "istartswith" => pattern(PatternKind::StartsWith, true, value),
            "endswith" => pattern(PatternKind::EndsWith, false, value),
            "iendswith" => pattern(PatternKind::EndsWith, true, value),
            "regex" | "iregex" => {
                require_text(field, ty, lookup)?;
                Ok(Cond::Regex {
                    column,
                    case_insensitive: lookup == "iregex",
                    pattern: text(value)?,
                })
            }
            "in" => match value {
                Literal::List(items) => Ok(Cond::In {
                    column,
                    values: items.into_iter().map(param).collect::<Result<_>>()?,
                }),
                other => Err(Error::usage(format!(
                    "`{}__in` takes a list, not {other}",
                    field.name
                ))),
            },
            "range" => match value {
                Literal::List(items) if items.len() == 2 => {
                    let mut items = items.into_iter();
                    let low = param(items.next().unwrap_or(Literal::Null))?;
                    let high = param(items.next().unwrap_or(Literal::Null))?;
                    Ok(Cond::Range { column, low, high })
                }
                other => Err(Error::usage(format!(
                    "`{}__range` takes two values, `(low, high)`, not {other}",
                    field.name
                ))),
            },
            "isnull" => match value {
                Literal::Bool(is_null) => {
                    let cond = Cond::IsNull {
                        column: ColumnRef {
                            nullable: true,
                            ..column
                        },
                    };
                    Ok(if is_null {
                        cond
                    } else {
                        Cond::Not(Box::new(cond))
                    })
                }
                other => Err(Error::usage(format!(
                    "`{}__isnull` takes True or False, not {other}",
                    field.name
                ))),
            },
            other => Err(Error::usage(format!(
                "unknown lookup `{other}` on `{}.{}`{}",
                self.meta.name,
                field.name,
                did_you_mean(other, LOOKUPS.iter().copied())
            ))),
        }
    }

    /// `value` as a parameter of the column at `index`, of the type the
    /// generated field would bind.
    pub fn param(&self, index: usize, value: Literal) -> Result<Param<'static>> {
        let field = &self.meta.fields[index];
        let info = self.info(index);
        if !info.choices.is_empty() {
            if let Literal::Text(text) = &value {
                if !info.choices.contains(text) {
                    return Err(Error::usage(format!(
                        "`{text}` is not a choice of `{}.{}` (choices: {})",
                        self.meta.name,
                        field.name,
                        info.choices.join(", ")
                    )));
                }
            }
        }
        if let (SqlType::Varchar(max), Literal::Text(text)) = (&info.sql_type, &value) {
            let length = text.chars().count();
            if length > *max as usize {
                return Err(Error::usage(format!(
                    "`{}.{}` holds at most {max} characters; this value has {length}",
                    self.meta.name, field.name
                )));
            }
        }
        to_param(&info.sql_type, value).map_err(|message| {
            Error::usage(format!("`{}.{}`: {message}", self.meta.name, field.name))
        })
    }

    /// The ORDER BY key of `name` (`"-joined"`, `"author__name"`, `"?"`) and
    /// whether it is descending.
    pub(crate) fn order_key(&self, name: &str) -> Result<(OrderKey, bool)> {
        if name == "?" {
            return Ok((OrderKey::Random, false));
        }
        let (descending, path) = match name.strip_prefix('-') {
            Some(path) => (true, path),
            None => (false, name.strip_prefix('+').unwrap_or(name)),
        };
        let parts: Vec<&str> = path.split("__").collect();
        Ok((self.order_path(&parts)?, descending))
    }

    fn order_path(&self, parts: &[&str]) -> Result<OrderKey> {
        let Some((first, rest)) = parts.split_first() else {
            return Err(Error::usage("an empty ordering"));
        };
        match (self.step(first)?, rest) {
            (Step::Field(index), []) => Ok(OrderKey::Column(self.meta.fields[index].column)),
            (Step::Relation(relation), []) if relation.kind.is_forward() => {
                Ok(OrderKey::Column(relation.column))
            }
            (Step::Relation(relation), rest) if relation.kind.is_forward() => {
                let target = self.target(relation).ok_or_else(|| {
                    Error::usage(format!("the model of `{}` is unknown", relation.name))
                })?;
                Ok(OrderKey::Related(Box::new(RelatedOrder {
                    column: relation.column,
                    table: relation.target_table,
                    target_column: relation.target_column,
                    fields: target.meta.fields,
                    key: target.order_path(rest)?,
                })))
            }
            _ => Err(Error::usage(format!(
                "cannot order `{}` by `{}`: order by a field, or through a ForeignKey or OneToOneField",
                self.meta.name,
                parts.join("__")
            ))),
        }
    }
}

fn require_text(field: &FieldMeta, ty: &SqlType, lookup: &str) -> Result<()> {
    match ty {
        SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text => Ok(()),
        _ => Err(Error::usage(format!(
            "`{lookup}` is a text lookup, and `{}` is a {}",
            field.name, field.field_type
        ))),
    }
}

/// Converts a literal to the parameter the column's type binds.
pub(crate) fn to_param(
    ty: &SqlType,
    value: Literal,
) -> std::result::Result<Param<'static>, String> {
    let wrong = |value: &Literal, what: &str| format!("expected {what}, got {value}");
    Ok(match (ty, value) {
        (_, Literal::Null) => Param::Null,
        (SqlType::SmallInt, Literal::Int(v)) => {
            Param::I16(i16::try_from(v).map_err(|_| format!("{v} does not fit a SmallInteger"))?)
        }
        (SqlType::Integer, Literal::Int(v)) => {
            Param::I32(i32::try_from(v).map_err(|_| format!("{v} does not fit an Integer"))?)
        }
        (SqlType::BigInt, Literal::Int(v)) => Param::I64(v),
        (SqlType::Double, Literal::Int(v)) => Param::F64(v as f64),
        (SqlType::Double, Literal::Float(v)) => Param::F64(v),
        (
            SqlType::Decimal { .. },
            value @ (Literal::Int(_) | Literal::Float(_) | Literal::Text(_)),
        ) => {
            let text = match value {
                Literal::Int(v) => v.to_string(),
                Literal::Float(v) => v.to_string(),
                Literal::Text(v) => v,
                _ => String::new(),
            };
            text.parse::<bigdecimal::BigDecimal>()
                .map_err(|e| format!("`{text}` is not a decimal number: {e}"))?;
            Param::Decimal(Cow::Owned(text))
        }
        (SqlType::Boolean, Literal::Bool(v)) => Param::Bool(v),
        (
            SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text | SqlType::Named(_),
            Literal::Text(v),
        ) => Param::Text(Cow::Owned(v)),
        (SqlType::Uuid, Literal::Text(v)) => {
            Param::Uuid(uuid::Uuid::parse_str(&v).map_err(|e| format!("`{v}` is not a UUID: {e}"))?)
        }
        (SqlType::Date, Literal::Text(v)) => Param::Date(
            NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map_err(|e| format!("`{v}` is not a date (YYYY-MM-DD): {e}"))?,
        ),
        (SqlType::Time, Literal::Text(v)) => Param::Time(
            NaiveTime::parse_from_str(&v, "%H:%M:%S%.f")
                .or_else(|_| NaiveTime::parse_from_str(&v, "%H:%M"))
                .map_err(|e| format!("`{v}` is not a time (HH:MM[:SS]): {e}"))?,
        ),
        (SqlType::Timestamp, Literal::Text(v)) => Param::DateTime(parse_timestamp(&v)?),
        (SqlType::Json, value) => Param::Json(Cow::Owned(to_json(&value).to_string())),
        (SqlType::Bytes, Literal::Text(v)) => Param::Bytes(Cow::Owned(v.into_bytes())),
        (SqlType::Array(inner), Literal::List(items)) => Param::Array(
            items
                .into_iter()
                .map(|item| to_param(inner, item))
                .collect::<std::result::Result<_, _>>()?,
        ),
        (ty, value) => return Err(wrong(&value, type_word(ty))),
    })
}

fn type_word(ty: &SqlType) -> &'static str {
    match ty {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => "an integer",
        SqlType::Double => "a number",
        SqlType::Decimal { .. } => "a decimal number",
        SqlType::Boolean => "True or False",
        SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text | SqlType::Named(_) => "a string",
        SqlType::Uuid => "a UUID string",
        SqlType::Date => "a date string (\"2024-05-01\")",
        SqlType::Time => "a time string (\"12:30\")",
        SqlType::Timestamp => "a timestamp string (\"2024-05-01 12:30:00\")",
        SqlType::Json => "a JSON value",
        SqlType::Bytes => "a string",
        SqlType::Array(_) => "a list",
    }
}

fn parse_timestamp(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(at.and_utc());
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(NaiveTime::MIN).and_utc());
    }
    Err(format!(
        "`{text}` is not a timestamp (\"2024-05-01 12:30:00\", RFC 3339, or a date)"
    ))
}

fn to_json(value: &Literal) -> serde_json::Value {
    match value {
        Literal::Null => serde_json::Value::Null,
        Literal::Bool(v) => (*v).into(),
        Literal::Int(v) => (*v).into(),
        Literal::Float(v) => (*v).into(),
        Literal::Text(v) => v.clone().into(),
        Literal::List(items) => items.iter().map(to_json).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["title", "slug", "view_count"];
        assert_eq!(suggest("titel", names), Some("title"));
        assert_eq!(suggest("view_cont", names), Some("view_count"));
        assert_eq!(suggest("author", names), None);
    }

    #[test]
    fn literals_become_the_parameters_of_the_column_type() {
        assert_eq!(
            to_param(&SqlType::Integer, Literal::Int(3)),
            Ok(Param::I32(3))
        );
        assert_eq!(
            to_param(&SqlType::BigInt, Literal::Int(3)),
            Ok(Param::I64(3))
        );
        assert_eq!(to_param(&SqlType::Text, Literal::Null), Ok(Param::Null));
        assert!(to_param(&SqlType::Integer, Literal::Int(1 << 40)).is_err());
        assert!(to_param(&SqlType::Integer, Literal::Text("3".into())).is_err());
        assert_eq!(
            to_param(&SqlType::Date, Literal::Text("2024-05-01".into())),
            Ok(Param::Date(NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()))
        );
        assert!(matches!(
            to_param(
                &SqlType::Timestamp,
                Literal::Text("2024-05-01 12:30:00".into())
            ),
            Ok(Param::DateTime(_))
        ));
        assert!(to_param(
            &SqlType::Decimal {
                precision: 6,
                scale: 2
            },
            Literal::Text("x".into())
        )
        .is_err());
    }
}
