//! Expressions: column references with arithmetic ([`F`]), values, database
//! functions and aggregates, typed by the Rust type they produce.

use std::marker::PhantomData;
use std::ops::{Add, Div, Mul, Sub};

use chrono::{DateTime, Utc};
use pookie_dialect::SqlType;

use super::column::{Assignment, Column, FieldType, OrderBy, OrderKey};
use super::condition::{CmpOp, ColumnRef, Cond, Q};
use crate::value::Param;

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            ArithOp::Add => " + ",
            ArithOp::Sub => " - ",
            ArithOp::Mul => " * ",
            ArithOp::Div => " / ",
        }
    }
}

/// A database function with a fixed spelling on every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Upper,
    Lower,
    Length,
    Coalesce,
    Abs,
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    Ntile,
    Lag,
    Lead,
    FirstValue,
    LastValue,
}

impl Func {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::Upper => "UPPER",
            Func::Lower => "LOWER",
            Func::Length => "LENGTH",
            Func::Coalesce => "COALESCE",
            Func::Abs => "ABS",
            Func::RowNumber => "ROW_NUMBER",
            Func::Rank => "RANK",
            Func::DenseRank => "DENSE_RANK",
            Func::PercentRank => "PERCENT_RANK",
            Func::CumeDist => "CUME_DIST",
            Func::Ntile => "NTILE",
            Func::Lag => "LAG",
            Func::Lead => "LEAD",
            Func::FirstValue => "FIRST_VALUE",
            Func::LastValue => "LAST_VALUE",
        }
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggFunc {
    Count,
    Sum,
    Avg,
    Max,
    Min,
    /// `SUM` of an exact decimal column, exact on every backend.
    DecimalSum,
    /// `AVG` of an exact decimal column, exact on every backend.
    DecimalAvg,
}

impl AggFunc {
    pub(crate) fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "COUNT",
            AggFunc::Sum | AggFunc::DecimalSum => "SUM",
            AggFunc::Avg | AggFunc::DecimalAvg => "AVG",
            AggFunc::Max => "MAX",
            AggFunc::Min => "MIN",
        }
    }

    /// The function's spelling on `dialect`.
    pub(crate) fn sql_name(self, dialect: pookie_dialect::Dialect) -> &'static str {
        match self {
            AggFunc::DecimalSum => dialect.decimal_sum_and_avg().0,
            AggFunc::DecimalAvg => dialect.decimal_sum_and_avg().1,
            other => other.name(),
        }
    }
}

/// The untyped expression tree the compiler reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlExpr {
    Column(ColumnRef),
    Value(Param<'static>),
    Arith {
        op: ArithOp,
        left: Box<SqlExpr>,
        right: Box<SqlExpr>,
    },
    Func {
        func: Func,
        args: Vec<SqlExpr>,
    },
    /// Text concatenation (`||` on both backends, NULL-safe through COALESCE).
    Concat(Vec<SqlExpr>),
    Cast {
        expr: Box<SqlExpr>,
        to: SqlType,
    },
    Case {
        whens: Vec<(Cond, SqlExpr)>,
        default: Box<SqlExpr>,
    },
    Now,
    /// A part of a date or timestamp column (`ExtractYear`, `TruncDate`).
    DatePart {
        column: ColumnRef,
        part: pookie_dialect::DatePart,
        source: pookie_dialect::DateSource,
    },
    /// A column of the enclosing query's row, inside a subquery (`OuterRef`).
    Outer(ColumnRef),
    /// A scalar subquery: `(SELECT <one expression> …)`.
    Subquery(Box<super::select::Values>),
    /// A function computed over a window (`… OVER (…)`).
    Window(Box<super::window::WindowCall>),
    /// A full-text search rank or marked text.
    Search(Box<super::search::SearchValue>),
    /// `COUNT(*)` when `arg` is `None`.
    Aggregate {
        func: AggFunc,
        distinct: bool,
        arg: Option<Box<SqlExpr>>,
    },
}

impl SqlExpr {
    /// True when the expression contains an aggregate (it then belongs in a
    /// select list with GROUP BY, or in HAVING).
    pub(crate) fn is_aggregate(&self) -> bool {
        match self {
            SqlExpr::Aggregate { .. } => true,
            // A window turns even an aggregate into a value per row.
            // A subquery's aggregates are its own: it is one value per outer row.
            SqlExpr::Column(_)
            | SqlExpr::Value(_)
            | SqlExpr::Now
            | SqlExpr::DatePart { .. }
            | SqlExpr::Window(_)
            | SqlExpr::Outer(_)
            | SqlExpr::Subquery(_)
            | SqlExpr::Search(_) => false,
            SqlExpr::Arith { left, right, .. } => left.is_aggregate() || right.is_aggregate(),
            SqlExpr::Func { args, .. } | SqlExpr::Concat(args) => {
                args.iter().any(SqlExpr::is_aggregate)
            }
            SqlExpr::Cast { expr, .. } => expr.is_aggregate(),
            SqlExpr::Case { whens, default } => {
                default.is_aggregate() || whens.iter().any(|(_, then)| then.is_aggregate())
            }
        }
    }
}

impl SqlExpr {
    /// True for a window function (possibly cast): a value per row that SQL
    /// computes after grouping, so never a GROUP BY key.
    pub(crate) fn is_window(&self) -> bool {
        match self {
            SqlExpr::Window(_) => true,
            SqlExpr::Cast { expr, .. } => expr.is_window(),
            _ => false,
        }
    }
}

impl std::fmt::Display for SqlExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |f: &mut std::fmt::Formatter<'_>, args: &[SqlExpr], sep: &str| {
            for (index, arg) in args.iter().enumerate() {
                if index > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{arg}")?;
            }
            Ok(())
        };
        match self {
            SqlExpr::Column(column) => f.write_str(column.name),
            SqlExpr::Value(value) => write!(f, "{value}"),
            SqlExpr::Arith { op, left, right } => write!(f, "({left}{}{right})", op.sql()),
            SqlExpr::Func { func, args } => {
                write!(f, "{}(", func.name())?;
                list(f, args, ", ")?;
                f.write_str(")")
            }
            SqlExpr::Concat(args) => {
                f.write_str("CONCAT(")?;
                list(f, args, ", ")?;
                f.write_str(")")
            }
            SqlExpr::Cast { expr, to } => write!(f, "CAST({expr} AS {to:?})"),
            SqlExpr::Case { whens, default } => {
                f.write_str("CASE")?;
                for (cond, then) in whens {
                    write!(f, " WHEN {cond} THEN {then}")?;
                }
                write!(f, " ELSE {default} END")
            }
            SqlExpr::Now => f.write_str("NOW()"),
            SqlExpr::DatePart { column, part, .. } => write!(f, "{part:?}({})", column.name),
            SqlExpr::Outer(column) => write!(f, "OuterRef({})", column.name),
            SqlExpr::Subquery(values) => write!(f, "(SELECT … FROM {})", values.select.table),
            SqlExpr::Window(call) => write!(f, "{} OVER (…)", call.func),
            SqlExpr::Search(value) => write!(f, "{value}"),
            SqlExpr::Aggregate {
                func,
                distinct,
                arg,
            } => {
                write!(f, "{}(", func.name())?;
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                match arg {
                    Some(arg) => write!(f, "{arg})"),
                    None => f.write_str("*)"),
                }
            }
        }
    }
}

/// An expression on rows of model `M` whose value has Rust type `T`: a column
/// ([`F`]), arithmetic on columns, a database function or an aggregate.
///
/// Expressions compare with `eq`, `gt`, … into [`Q`] conditions (in `filter`,
/// or in `having` when they contain an aggregate), order with `asc`/`desc`,
/// and set columns in [`QuerySet::update`](crate::QuerySet::update) through
/// [`Column::set_expr`].
pub struct Expr<M, T> {
    pub(crate) expr: SqlExpr,
    marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Expr<M, T> {
    pub(crate) fn new(expr: SqlExpr) -> Self {
        Expr {
            expr,
            marker: PhantomData,
        }
    }
}

impl<M, T> Clone for Expr<M, T> {
    fn clone(&self) -> Self {
        Expr::new(self.expr.clone())
    }
}

impl<M, T> std::fmt::Debug for Expr<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({})", self.expr)
    }
}

/// A reference to a column's value in the row being read or written, for
/// arithmetic and comparisons between columns (Django's `F("view_count")`).
///
/// ```ignore
/// Post::objects().update(&db, [post::view_count.set_expr(F(post::view_count) + 1)])?;
/// Post::objects().filter(F(post::view_count).gt(F(post::likes) * 2)).all(&db)?;
/// ```
#[allow(non_snake_case)]
pub fn F<M, T: FieldType>(column: Column<M, T>) -> Expr<M, T> {
    Expr::new(SqlExpr::Column(column.column_ref()))
}

/// A plain value as an expression (for `Coalesce`, `Case`, `Concat`).
pub fn value<M, T>(value: T) -> Expr<M, T>
where
    T: FieldType + Into<Param<'static>>,
{
    Expr::new(SqlExpr::Value(value.into()))
}

/// What an expression of type `T` on model `M` can be built from: another
/// expression, a column, or a plain value of the type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an expression of type `{T}`",
    label = "expected a value, column or expression of type `{T}` here"
)]
pub trait IntoExpr<M, T> {
    /// The expression tree.
    #[doc(hidden)]
    fn into_sql_expr(self) -> SqlExprHandle;
}

/// The expression tree behind an [`IntoExpr`] value (opaque).
#[doc(hidden)]
#[derive(Debug)]
pub struct SqlExprHandle(pub(crate) SqlExpr);

impl<M, T> IntoExpr<M, T> for Expr<M, T> {
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(self.expr)
    }
}

/// A nullable expression compares with values of its inner type.
impl<M, T> IntoExpr<M, T> for Expr<M, Option<T>> {
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(self.expr)
    }
}

impl<M, T: FieldType> IntoExpr<M, T> for Column<M, T> {
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(SqlExpr::Column(self.column_ref()))
    }
}

impl<M, T> IntoExpr<M, T> for Column<M, Option<T>>
where
    Option<T>: FieldType,
{
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(SqlExpr::Column(self.column_ref()))
    }
}

macro_rules! values_into_expr {
    ($($ty:ty),*) => {$(
        impl<M> IntoExpr<M, $ty> for $ty {
            fn into_sql_expr(self) -> SqlExprHandle {
                SqlExprHandle(SqlExpr::Value(self.into()))
            }
        }
        impl<M> IntoExpr<M, Option<$ty>> for $ty {
            fn into_sql_expr(self) -> SqlExprHandle {
                SqlExprHandle(SqlExpr::Value(self.into()))
            }
        }
        impl<M> IntoExpr<M, Option<$ty>> for Option<$ty> {
            fn into_sql_expr(self) -> SqlExprHandle {
                SqlExprHandle(SqlExpr::Value(self.into()))
            }
        }
    )*};
}

values_into_expr!(bool, i16, i32, i64, f64, String, Vec<u8>, DateTime<Utc>);

impl<M> IntoExpr<M, String> for &str {
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(SqlExpr::Value(self.to_owned().into()))
    }
}

impl<M> IntoExpr<M, Option<String>> for &str {
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(SqlExpr::Value(self.to_owned().into()))
    }
}

pub(crate) fn sql_expr<M, T>(value: impl IntoExpr<M, T>) -> SqlExpr {
    value.into_sql_expr().0
}

/// Types `Sum` and `Avg` apply to: numbers, and exact decimals.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number: arithmetic, `Sum` and `Avg` need a numeric column",
    label = "not a numeric type"
)]
pub trait Numeric: FieldType {
    /// The type of `SUM` over the column: 64-bit for integers, `f64` for
    /// floats, the decimal type itself for decimals.
    type Sum: crate::row::FromSql;
    /// The type of `AVG` over the column: `f64`, or the decimal type itself
    /// for decimals.
    type Avg: crate::row::FromSql;
}

/// Types arithmetic (`+ - * /`, `Abs`) applies to in SQL: integers and
/// floats. Decimals are summed and averaged exactly, but SQLite would compute
/// their arithmetic with floats, so it is refused.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not take arithmetic in SQL: only integer and float columns do",
    label = "not an integer or float type"
)]
pub trait Arithmetic: Numeric {}

macro_rules! numeric {
    ($($ty:ty => $sum:ty, $avg:ty;)*) => {$(
        impl Numeric for $ty {
            type Sum = $sum;
            type Avg = $avg;
        }
        impl Numeric for Option<$ty> {
            type Sum = $sum;
            type Avg = $avg;
        }
    )*};
}

numeric! {
    i16 => i64, f64;
    i32 => i64, f64;
    i64 => i64, f64;
    f64 => f64, f64;
    rust_decimal::Decimal => rust_decimal::Decimal, rust_decimal::Decimal;
    bigdecimal::BigDecimal => bigdecimal::BigDecimal, bigdecimal::BigDecimal;
}

macro_rules! arithmetic_types {
    ($($ty:ty),*) => {$(
        impl Arithmetic for $ty {}
        impl Arithmetic for Option<$ty> {}
    )*};
}

arithmetic_types!(i16, i32, i64, f64);

macro_rules! arithmetic {
    ($($trait:ident :: $method:ident => $op:ident),*) => {$(
        impl<M, T: Arithmetic, R: IntoExpr<M, T::Inner>> $trait<R> for Expr<M, T> {
            type Output = Expr<M, T>;
            fn $method(self, right: R) -> Expr<M, T> {
                Expr::new(SqlExpr::Arith {
                    op: ArithOp::$op,
                    left: Box::new(self.expr),
                    right: Box::new(sql_expr(right)),
                })
            }
        }
    )*};
}

arithmetic!(Add::add => Add, Sub::sub => Sub, Mul::mul => Mul, Div::div => Div);

impl<M, T: FieldType> Expr<M, T> {
    fn compare(self, op: CmpOp, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        Q::new(Cond::ExprCompare {
            left: self.expr,
            op,
            right: sql_expr(other),
        })
    }

    /// Equal to `other` (a value, a column or an expression).
    pub fn eq(self, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        self.compare(CmpOp::Eq, other)
    }

    /// Not equal to `other`; rows where either side is NULL match too, as
    /// for [`Column::ne`].
    pub fn ne(self, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        !self.eq(other)
    }

    /// Greater than `other`.
    pub fn gt(self, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        self.compare(CmpOp::Gt, other)
    }

    /// Greater than or equal to `other`.
    pub fn gte(self, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        self.compare(CmpOp::Gte, other)
    }

    /// Less than `other`.
    pub fn lt(self, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        self.compare(CmpOp::Lt, other)
    }

    /// Less than or equal to `other`.
    pub fn lte(self, other: impl IntoExpr<M, T::Inner>) -> Q<M> {
        self.compare(CmpOp::Lte, other)
    }

    /// The expression is NULL (`isnull = true`) or not (`isnull = false`).
    pub fn isnull(self, is_null: bool) -> Q<M> {
        let cond = Cond::ExprIsNull(self.expr);
        Q::new(if is_null {
            cond
        } else {
            Cond::Not(Box::new(cond))
        })
    }

    /// Ascending order on this expression.
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::new(OrderKey::Expr(self.expr), false)
    }

    /// Descending order on this expression.
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::new(OrderKey::Expr(self.expr), true)
    }
}

impl<M, T: FieldType> Column<M, T> {
    /// Sets the column to the value of an expression computed by the database
    /// for each row, in [`QuerySet::update`](crate::QuerySet::update):
    /// `post::view_count.set_expr(F(post::view_count) + 1)` is one UPDATE
    /// statement, with no read-modify-write race.
    pub fn set_expr(self, expr: impl IntoExpr<M, T>) -> Assignment<M> {
        Assignment::new(self.name(), sql_expr(expr))
    }
}
