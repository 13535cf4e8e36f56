//! JSON lookups on `JSONField` columns holding a [`serde_json::Value`]:
//! `doc.key("type").eq("click")`, `doc.path(["user", "id"]).eq(5)`,
//! `doc.key("user").key("id").gt(3)`, `doc.has_key("type")` and
//! `doc.contains(json!({"featured": true}))`.
//!
//! A comparison is typed by its value: `eq("5")` matches the string `"5"`
//! only, `eq(5)` the number 5 (or 5.0) only, `eq(true)` the boolean only.
//! A missing key never matches; under `!` (or `exclude`) it does.

use std::marker::PhantomData;

use pookie_dialect::{JsonKind, JsonStep};
use serde_json::Value;

use super::column::Column;
use super::compile::SqlBuilder;
use super::condition::{CmpOp, ColumnRef, Cond, Q};

/// What a JSON condition tests at its path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonTest {
    /// The value is of `kind` and compares with `literal` (JSON text).
    Compare {
        op: CmpOp,
        kind: JsonKind,
        literal: Result<String, String>,
    },
    /// The value is of `kind` (used for JSON `null`).
    IsKind(JsonKind),
    /// The value is an object with this key.
    HasKey(String),
    /// The value contains this JSON (`@>`).
    Contains(Value),
}

/// A JSON scalar a lookup compares with; its Rust type chooses the JSON kind
/// it matches.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a JSON scalar: JSON lookups compare with strings, numbers and booleans",
    label = "not a string, number or boolean"
)]
pub trait JsonScalar {
    /// The JSON kind it matches.
    const KIND: JsonKind;
    /// Its JSON text, or why it has none (a NaN or infinite float).
    fn json_text(&self) -> Result<String, String>;
}

/// JSON scalars with an order: numbers and strings (`gt`, `lt`, …).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no order in JSON lookups: `gt`, `gte`, `lt` and `lte` compare with numbers and strings",
    label = "not a number or string"
)]
pub trait JsonOrdered: JsonScalar {}

macro_rules! json_scalars {
    ($kind:ident: $($ty:ty),*) => {$(
        impl JsonScalar for $ty {
            const KIND: JsonKind = JsonKind::$kind;
            fn json_text(&self) -> Result<String, String> {
                Ok(Value::from(self.clone()).to_string())
            }
        }
    )*};
}

json_scalars!(String: String, &str);
json_scalars!(Number: i16, i32, i64, u32);
json_scalars!(Boolean: bool);

impl JsonScalar for f64 {
    const KIND: JsonKind = JsonKind::Number;
    fn json_text(&self) -> Result<String, String> {
        serde_json::Number::from_f64(*self)
            .map(|number| number.to_string())
            .ok_or_else(|| format!("{self} is not a JSON number"))
    }
}

impl JsonOrdered for String {}
impl JsonOrdered for &str {}
impl JsonOrdered for i16 {}
impl JsonOrdered for i32 {}
impl JsonOrdered for i64 {}
impl JsonOrdered for u32 {}
impl JsonOrdered for f64 {}

/// A value inside a JSON column of model `M`, reached by keys and indexes
/// from the column (`doc.key("user").key("id")`); its lookups give [`Q`]s.
pub struct JsonPath<M> {
    column: ColumnRef,
    path: Vec<JsonStep>,
    marker: PhantomData<fn() -> M>,
}

impl<M> Clone for JsonPath<M> {
    fn clone(&self) -> Self {
        JsonPath {
            column: self.column,
            path: self.path.clone(),
            marker: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for JsonPath<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.column.name, PathDisplay(&self.path))
    }
}

struct PathDisplay<'a>(&'a [JsonStep]);

impl std::fmt::Display for PathDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for step in self.0 {
            match step {
                JsonStep::Key(key) => write!(f, "[{key:?}]")?,
                JsonStep::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl<M> JsonPath<M> {
    fn new(column: ColumnRef, step: JsonStep) -> Self {
        JsonPath {
            column,
            path: vec![step],
            marker: PhantomData,
        }
    }

    fn test(self, test: JsonTest) -> Q<M> {
        Q::new(Cond::Json {
            column: self.column,
            path: self.path,
            test,
        })
    }

    fn compare<V: JsonScalar>(self, op: CmpOp, value: V) -> Q<M> {
        self.test(JsonTest::Compare {
            op,
            kind: V::KIND,
            literal: value.json_text(),
        })
    }

    /// The value under `key` of this object.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.path.push(JsonStep::Key(key.into()));
        self
    }

    /// The element at `index` (0-based) of this array.
    #[must_use]
    pub fn index(mut self, index: usize) -> Self {
        self.path.push(JsonStep::Index(index));
        self
    }

    /// Equal to `value`, a JSON scalar of the same kind.
    pub fn eq<V: JsonScalar>(self, value: V) -> Q<M> {
        self.compare(CmpOp::Eq, value)
    }

    /// Not equal to `value`; rows where the key is missing match too.
    pub fn ne<V: JsonScalar>(self, value: V) -> Q<M> {
        !self.eq(value)
    }

    /// A number (or string) greater than `value`.
    pub fn gt<V: JsonOrdered>(self, value: V) -> Q<M> {
        self.compare(CmpOp::Gt, value)
    }

    /// A number (or string) greater than or equal to `value`.
    pub fn gte<V: JsonOrdered>(self, value: V) -> Q<M> {
        self.compare(CmpOp::Gte, value)
    }

    /// A number (or string) less than `value`.
    pub fn lt<V: JsonOrdered>(self, value: V) -> Q<M> {
        self.compare(CmpOp::Lt, value)
    }

    /// A number (or string) less than or equal to `value`.
    pub fn lte<V: JsonOrdered>(self, value: V) -> Q<M> {
        self.compare(CmpOp::Lte, value)
    }

    /// The key is present and holds JSON `null`.
    pub fn is_json_null(self) -> Q<M> {
        self.test(JsonTest::IsKind(JsonKind::Null))
    }

    /// An object with `key`.
    pub fn has_key(self, key: impl Into<String>) -> Q<M> {
        self.test(JsonTest::HasKey(key.into()))
    }

    /// Contains `value`, as `contains` on a JSON column does: keys of an
    /// object, elements of an array, equality of a scalar.
    pub fn contains(self, value: impl Into<Value>) -> Q<M> {
        self.test(JsonTest::Contains(value.into()))
    }
}

macro_rules! json_column_lookups {
    ($ty:ty) => {
        impl<M> Column<M, $ty> {
            fn json_column(self) -> ColumnRef {
                self.column_ref()
            }

            /// The value under `key` of the object in this column, for a
            /// lookup: `event::data.key("type").eq("click")`.
            pub fn key(self, key: impl Into<String>) -> JsonPath<M> {
                JsonPath::new(self.json_column(), JsonStep::Key(key.into()))
            }

            /// The element at `index` (0-based) of the array in this column.
            pub fn index(self, index: usize) -> JsonPath<M> {
                JsonPath::new(self.json_column(), JsonStep::Index(index))
            }

            /// The value reached by following `keys` from this column:
            /// `path(["user", "id"])` is `key("user").key("id")`.
            pub fn path<K: Into<String>>(self, keys: impl IntoIterator<Item = K>) -> JsonPath<M> {
                JsonPath {
                    column: self.json_column(),
                    path: keys
                        .into_iter()
                        .map(|key| JsonStep::Key(key.into()))
                        .collect(),
                    marker: PhantomData,
                }
            }

            /// The column holds an object with `key` (PostgreSQL `?`).
            pub fn has_key(self, key: impl Into<String>) -> Q<M> {
                Q::new(Cond::Json {
                    column: self.json_column(),
                    path: Vec::new(),
                    test: JsonTest::HasKey(key.into()),
                })
            }

            /// The column contains `value` (PostgreSQL `@>`): every key of an
            /// object is present with a value that contains the given one,
            /// every element of an array is contained in some element, a
            /// scalar is equal. On SQLite this is spelled out key by key with
            /// JSON1 functions.
            pub fn contains(self, value: impl Into<Value>) -> Q<M> {
                Q::new(Cond::Json {
                    column: self.json_column(),
                    path: Vec::new(),
                    test: JsonTest::Contains(value.into()),
                })
            }
        }
    };
}

json_column_lookups!(Value);
json_column_lookups!(Option<Value>);

/// The JSON kind of a value and, for scalars other than `null`, its text.
fn kind_of(value: &Value) -> JsonKind {
    match value {
        Value::Null => JsonKind::Null,
        Value::Bool(_) => JsonKind::Boolean,
        Value::Number(_) => JsonKind::Number,
        Value::String(_) => JsonKind::String,
        Value::Array(_) => JsonKind::Array,
        Value::Object(_) => JsonKind::Object,
    }
}

impl<'q> SqlBuilder<'q> {
    /// Appends a placeholder for a text parameter.
    fn bind_text(&mut self) -> impl FnMut(&mut String, String) + use<'_, 'q> {
        let dialect = self.dialect;
        let params = &mut self.params;
        move |out: &mut String, text: String| {
            params.push(crate::value::Param::Text(text.into()));
            dialect.push_placeholder(out, params.len());
        }
    }

    /// Writes a JSON condition. Under NOT, a missing key or a NULL column
    /// counts as "no match", so that the negation keeps those rows.
    pub(crate) fn push_json_cond(
        &mut self,
        column: &ColumnRef,
        path: &[JsonStep],
        test: &JsonTest,
        negated: bool,
    ) {
        let mut base = String::new();
        self.push_column_to(&mut base, column);
        let mut sql = String::new();
        let params_before = self.params.len();
        let written = self.write_json_test(&mut sql, &base, path, test, 0);
        match written {
            Ok(()) if negated => {
                self.push("COALESCE(");
                self.push(&sql);
                self.push(", ");
                self.push(self.dialect.bool_literal(false));
                self.push(")");
            }
            Ok(()) => self.push(&sql),
            Err(message) => {
                // The statement fails when this parameter is bound, with the reason.
                self.params.truncate(params_before);
                self.push_param(crate::value::Param::Invalid(message));
                self.push(" IS NULL");
            }
        }
    }

    fn write_json_test(
        &mut self,
        out: &mut String,
        base: &str,
        path: &[JsonStep],
        test: &JsonTest,
        depth: usize,
    ) -> Result<(), String> {
        let dialect = self.dialect;
        match test {
            JsonTest::Compare { op, kind, literal } => {
                let literal = literal.clone()?;
                out.push('(');
                dialect.push_json_kind_is(out, &mut self.bind_text(), base, path, *kind)?;
                out.push_str(" AND ");
                dialect.push_json_at(out, &mut self.bind_text(), base, path)?;
                out.push_str(op.sql());
                dialect.push_json_literal(out, &mut self.bind_text(), literal);
                out.push(')');
            }
            JsonTest::IsKind(kind) => {
                dialect.push_json_kind_is(out, &mut self.bind_text(), base, path, *kind)?;
            }
            JsonTest::HasKey(key) => {
                dialect.push_json_has_key(out, &mut self.bind_text(), base, path, key)?;
            }
            JsonTest::Contains(expected) => match dialect.json_contains_operator() {
                Some(operator) => {
                    dialect.push_json_at(out, &mut self.bind_text(), base, path)?;
                    out.push_str(operator);
                    dialect.push_json_literal(out, &mut self.bind_text(), expected.to_string());
                }
                None => self.write_contains_spelled_out(out, base, path, expected, depth)?,
            },
        }
        Ok(())
    }

    /// Containment without a containment operator (SQLite): the kind, then
    /// each key of an object, each element of an array (some element of the
    /// stored array contains it), or equality of a scalar.
    fn write_contains_spelled_out(
        &mut self,
        out: &mut String,
        base: &str,
        path: &[JsonStep],
        expected: &Value,
        depth: usize,
    ) -> Result<(), String> {
        let dialect = self.dialect;
        let kind = kind_of(expected);
        match expected {
            Value::Object(entries) => {
                out.push('(');
                dialect.push_json_kind_is(out, &mut self.bind_text(), base, path, kind)?;
                for (key, value) in entries {
                    out.push_str(" AND ");
                    let mut inner = path.to_vec();
                    inner.push(JsonStep::Key(key.clone()));
                    self.write_contains_spelled_out(out, base, &inner, value, depth)?;
                }
                out.push(')');
            }
            Value::Array(items) => {
                out.push('(');
                dialect.push_json_kind_is(out, &mut self.bind_text(), base, path, kind)?;
                for item in items {
                    out.push_str(" AND ");
                    let alias = format!("pookie_json{depth}");
                    dialect.push_json_any_element(
                        out,
                        &mut self.bind_text(),
                        base,
                        path,
                        &alias,
                    )?;
                    let item_kind = kind_of(item);
                    dialect.push_json_element_kind_is(out, &alias, item_kind);
                    let element = dialect.json_element_value(&alias);
                    match item {
                        Value::Object(_) | Value::Array(_) => {
                            out.push_str(" AND ");
                            self.write_contains_spelled_out(out, &element, &[], item, depth + 1)?;
                        }
                        Value::Null => {}
                        scalar => {
                            out.push_str(" AND ");
                            out.push_str(&element);
                            out.push_str(" = ");
                            dialect.push_json_literal(
                                out,
                                &mut self.bind_text(),
                                scalar.to_string(),
                            );
                        }
                    }
                    out.push(')');
                }
                out.push(')');
            }
            Value::Null => {
                dialect.push_json_kind_is(out, &mut self.bind_text(), base, path, kind)?;
            }
            scalar => {
                let test = JsonTest::Compare {
                    op: CmpOp::Eq,
                    kind,
                    literal: Ok(scalar.to_string()),
                };
                self.write_json_test(out, base, path, &test, depth)?;
            }
        }
        Ok(())
    }
}

/// Readable form for error messages: `doc["user"]["id"] = 5`.
pub(crate) fn fmt_json_cond(
    f: &mut std::fmt::Formatter<'_>,
    column: &ColumnRef,
    path: &[JsonStep],
    test: &JsonTest,
) -> std::fmt::Result {
    write!(f, "{}{}", column.name, PathDisplay(path))?;
    match test {
        JsonTest::Compare { op, literal, .. } => match literal {
            Ok(text) => write!(f, "{}{text}", op.sql()),
            Err(message) => write!(f, "{}<{message}>", op.sql()),
        },
        JsonTest::IsKind(_) => f.write_str(" is JSON null"),
        JsonTest::HasKey(key) => write!(f, " has key {key:?}"),
        JsonTest::Contains(value) => write!(f, " contains {value}"),
    }
}
