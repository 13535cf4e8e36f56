//! Column handles (`author::name`) and the lookups each column type offers.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use pookie_dialect::PatternKind;

use super::condition::{CmpOp, ColumnRef, Cond, Q};
use super::expr::SqlExpr;
use crate::value::{IntoField, Param};

/// A column of model `M` whose Rust type is `T`. Generated code provides one
/// per field (`author::name: Column<Author, String>`); its lookups return
/// [`Q`] conditions that only the query sets of `M` accept, and only with
/// values of type `T`.
pub struct Column<M, T> {
    table: &'static str,
    name: &'static str,
    marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({}.{})", self.table, self.name)
    }
}

/// A Rust type a column can have. `Inner` is the type lookups compare with
/// (`String` for both `String` and `Option<String>` columns).
pub trait FieldType {
    /// The non-optional type.
    type Inner: Into<Param<'static>>;
    /// True for `Option<T>`: the column is nullable.
    const NULLABLE: bool;
}

/// Field types that hold text, and so offer `contains`, `icontains`, ….
pub trait TextType {}

impl TextType for String {}

/// Column types with the text lookups: a [`TextType`], nullable or not. Named
/// impls rather than a bound on `FieldType::Inner`, so that the compiler can
/// tell them apart from array columns, whose `contains` differs.
pub trait TextColumn: FieldType {}

impl<T: TextType + FieldType> TextColumn for T {}

impl<T: TextType + FieldType<Inner = T> + Into<Param<'static>>> TextColumn for Option<T> {}

macro_rules! plain_field_types {
    ($($ty:ty),*) => {$(
        impl FieldType for $ty {
            type Inner = $ty;
            const NULLABLE: bool = false;
        }
    )*};
}

plain_field_types!(
    bool,
    i16,
    i32,
    i64,
    f64,
    String,
    Vec<u8>,
    DateTime<Utc>,
    chrono::NaiveDate,
    chrono::NaiveTime,
    uuid::Uuid,
    rust_decimal::Decimal,
    bigdecimal::BigDecimal,
    serde_json::Value
);

impl<T: crate::ArrayElement> FieldType for Vec<T> {
    type Inner = Vec<T>;
    const NULLABLE: bool = false;
}

impl<T: FieldType<Inner = T> + Into<Param<'static>>> FieldType for Option<T> {
    type Inner = T;
    const NULLABLE: bool = true;
}

impl<M, T> Column<M, T> {
    /// A handle on `column` of `table`. Called by generated code.
    pub const fn new(table: &'static str, name: &'static str) -> Self {
        Column {
            table,
            name,
            marker: PhantomData,
        }
    }

    /// The column name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Ascending order on this column.
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::new(OrderKey::Column(self.name), false)
    }

    /// Descending order on this column.
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::new(OrderKey::Column(self.name), true)
    }
}

impl<M, T: FieldType> Column<M, T> {
    pub(crate) fn column_ref(&self) -> ColumnRef {
        ColumnRef {
            table: self.table,
            name: self.name,
            nullable: T::NULLABLE,
        }
    }

    fn compare(self, op: CmpOp, value: impl IntoField<T::Inner>) -> Q<M> {
        Q::new(Cond::Compare {
            column: self.column_ref(),
            op,
            value: value.into_field().into(),
        })
    }

    /// Equal to `value` (`exact`).
    pub fn eq(self, value: impl IntoField<T::Inner>) -> Q<M> {
        self.compare(CmpOp::Eq, value)
    }

    /// Not equal to `value`; rows where the column is NULL match too, as
    /// `None != Some(value)` in Rust.
    pub fn ne(self, value: impl IntoField<T::Inner>) -> Q<M> {
        !self.eq(value)
    }

    /// Greater than `value`.
    pub fn gt(self, value: impl IntoField<T::Inner>) -> Q<M> {
        self.compare(CmpOp::Gt, value)
    }

    /// Greater than or equal to `value`.
    pub fn gte(self, value: impl IntoField<T::Inner>) -> Q<M> {
        self.compare(CmpOp::Gte, value)
    }

    /// Less than `value`.
    pub fn lt(self, value: impl IntoField<T::Inner>) -> Q<M> {
        self.compare(CmpOp::Lt, value)
    }

    /// Less than or equal to `value`.
    pub fn lte(self, value: impl IntoField<T::Inner>) -> Q<M> {
        self.compare(CmpOp::Lte, value)
    }

    /// Equal to one of `values` (`in`). An empty list matches no row.
    pub fn is_in<V: IntoField<T::Inner>>(self, values: impl IntoIterator<Item = V>) -> Q<M> {
        let values = values.into_iter().map(|v| v.into_field().into()).collect();
        Q::new(Cond::In {
            column: self.column_ref(),
            values,
        })
    }

    /// Between `low` and `high`, both included (`range`).
    pub fn range(self, low: impl IntoField<T::Inner>, high: impl IntoField<T::Inner>) -> Q<M> {
        Q::new(Cond::Range {
            column: self.column_ref(),
            low: low.into_field().into(),
            high: high.into_field().into(),
        })
    }

    /// Sets the column to `value`, in [`QuerySet::update`](crate::QuerySet::update).
    pub fn set(self, value: impl IntoField<T>) -> Assignment<M>
    where
        T: Into<Param<'static>>,
    {
        Assignment::new(self.name, SqlExpr::Value(value.into_field().into()))
    }
}

impl<M, T: TextColumn> Column<M, T> {
    fn pattern(
        self,
        kind: PatternKind,
        case_insensitive: bool,
        value: impl IntoField<String>,
    ) -> Q<M> {
        Q::new(Cond::Pattern {
            column: self.column_ref(),
            kind,
            case_insensitive,
            value: value.into_field(),
        })
    }

    /// Equal to `value`, ignoring case (`iexact`).
    pub fn iexact(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::Exact, true, value)
    }

    /// Contains `value`, case-sensitively. `%`, `_` and `*` in `value` match themselves.
    pub fn contains(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::Contains, false, value)
    }

    /// Contains `value`, ignoring case (Unicode case folding on both backends).
    pub fn icontains(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::Contains, true, value)
    }

    /// Starts with `value`, case-sensitively.
    pub fn startswith(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::StartsWith, false, value)
    }

    /// Starts with `value`, ignoring case.
    pub fn istartswith(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::StartsWith, true, value)
    }

    /// Ends with `value`, case-sensitively.
    pub fn endswith(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::EndsWith, false, value)
    }

    /// Ends with `value`, ignoring case.
    pub fn iendswith(self, value: impl IntoField<String>) -> Q<M> {
        self.pattern(PatternKind::EndsWith, true, value)
    }

    /// Matches the regular expression `pattern` anywhere in the text (`regex`).
    /// The syntax both backends read the same way: classes (`[a-z]`, `\d`),
    /// anchors, repetition (`*`, `+`, `?`, `{m,n}`), alternation and groups.
    pub fn regex(self, pattern: impl Into<String>) -> Q<M> {
        Q::new(Cond::Regex {
            column: self.column_ref(),
            case_insensitive: false,
            pattern: pattern.into(),
        })
    }

    /// Matches the regular expression `pattern`, ignoring case (`iregex`).
    pub fn iregex(self, pattern: impl Into<String>) -> Q<M> {
        Q::new(Cond::Regex {
            column: self.column_ref(),
            case_insensitive: true,
            pattern: pattern.into(),
        })
    }
}

/// `isnull` exists on nullable columns only: on a column that cannot hold
/// NULL its answer is known without asking, so asking is a compile error.
impl<M, T: FieldType<Inner = T> + Into<Param<'static>>> Column<M, Option<T>> {
    /// NULL (`isnull = true`) or not NULL (`isnull = false`).
    pub fn isnull(self, is_null: bool) -> Q<M> {
        let column = ColumnRef {
            table: self.table,
            name: self.name,
            nullable: true,
        };
        let cond = Cond::IsNull { column };
        Q::new(if is_null {
            cond
        } else {
            Cond::Not(Box::new(cond))
        })
    }
}

/// What an ORDER BY term sorts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OrderKey {
    Column(&'static str),
    Expr(SqlExpr),
    Random,
    /// A key of the row a forward relation points at.
    Related(Box<RelatedOrder>),
}

/// A sort key read through a forward relation, as a correlated scalar
/// subquery: `(SELECT <key> FROM <table> AS <alias> WHERE <alias>.<target_column>
/// = <outer>.<column>)`. The alias keeps a self-referential relation's inner
/// table apart from the outer one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RelatedOrder {
    /// The outer model's key column.
    pub(crate) column: &'static str,
    pub(crate) table: &'static str,
    pub(crate) target_column: &'static str,
    /// The target model's fields, for what sorts by value (decimals on SQLite).
    pub(crate) fields: &'static [crate::model::FieldMeta],
    /// The key on the target model.
    pub(crate) key: OrderKey,
}

/// The sort keys of `terms`, as a query plan holds them.
pub(crate) fn order_terms<M>(terms: impl IntoIterator<Item = OrderBy<M>>) -> Vec<(OrderKey, bool)> {
    terms
        .into_iter()
        .map(|term| (term.key, term.descending))
        .collect()
}

/// One term of an ORDER BY on model `M`.
pub struct OrderBy<M> {
    pub(crate) key: OrderKey,
    pub(crate) descending: bool,
    marker: PhantomData<fn() -> M>,
}

impl<M> OrderBy<M> {
    pub(crate) fn new(key: OrderKey, descending: bool) -> Self {
        OrderBy {
            key,
            descending,
            marker: PhantomData,
        }
    }
}

impl<M> Clone for OrderBy<M> {
    fn clone(&self) -> Self {
        OrderBy::new(self.key.clone(), self.descending)
    }
}

impl<M> std::fmt::Debug for OrderBy<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.descending { "-" } else { "" };
        match &self.key {
            OrderKey::Column(column) => write!(f, "{sign}{column}"),
            OrderKey::Expr(expr) => write!(f, "{sign}{expr}"),
            OrderKey::Random => f.write_str("?"),
            OrderKey::Related(related) => {
                write!(f, "{sign}{}.", related.column)?;
                std::fmt::Debug::fmt(&OrderBy::<M>::new(related.key.clone(), false), f)
            }
        }
    }
}

/// `column = value` in an UPDATE of model `M`.
pub struct Assignment<M> {
    pub(crate) column: &'static str,
    pub(crate) value: SqlExpr,
    marker: PhantomData<fn() -> M>,
}

impl<M> Assignment<M> {
    pub(crate) fn new(column: &'static str, value: SqlExpr) -> Self {
        Assignment {
            column,
            value,
            marker: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Assignment<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {}", self.column, self.value)
    }
}
