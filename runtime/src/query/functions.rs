//! Aggregates (`Count`, `Sum`, `Avg`, `Max`, `Min`) and database functions
//! (`Upper`, `Lower`, `Length`, `Concat`, `Coalesce`, `Now`, `Cast`, `Abs`,
//! `Case`/`When`), typed by what they return. They are named as in Django, so
//! they are functions with capital letters.
#![allow(non_snake_case)]

use chrono::{DateTime, Utc};
use pookie_dialect::SqlType;

use super::column::{Column, FieldType};
use super::condition::Q;
use super::expr::{sql_expr, AggFunc, Arithmetic, Expr, Func, IntoExpr, Numeric, SqlExpr};

/// A column or an expression: what aggregates and functions take.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column or an expression",
    label = "expected a column handle (`post::view_count`) or an expression"
)]
pub trait AsExpr {
    /// The model the expression reads.
    type Model;
    /// The Rust type of its value.
    type Type: FieldType;
    /// The expression tree.
    #[doc(hidden)]
    fn into_tree(self) -> super::expr::SqlExprHandle;
}

impl<M, T: FieldType> AsExpr for Column<M, T> {
    type Model = M;
    type Type = T;
    fn into_tree(self) -> super::expr::SqlExprHandle {
        super::expr::SqlExprHandle(SqlExpr::Column(self.column_ref()))
    }
}

impl<M, T: FieldType> AsExpr for Expr<M, T> {
    type Model = M;
    type Type = T;
    fn into_tree(self) -> super::expr::SqlExprHandle {
        super::expr::SqlExprHandle(self.expr)
    }
}

fn tree(expr: impl AsExpr) -> SqlExpr {
    expr.into_tree().0
}

fn aggregate<M, T>(func: AggFunc, distinct: bool, arg: SqlExpr) -> Expr<M, T> {
    Expr::new(SqlExpr::Aggregate {
        func,
        distinct,
        arg: Some(Box::new(arg)),
    })
}

type Inner<E> = <<E as AsExpr>::Type as FieldType>::Inner;

/// How many rows have a non-NULL value of `expr` (`COUNT(expr)`).
pub fn Count<E: AsExpr>(expr: E) -> Expr<E::Model, i64> {
    aggregate(AggFunc::Count, false, tree(expr))
}

/// How many distinct non-NULL values `expr` has (`COUNT(DISTINCT expr)`).
pub fn CountDistinct<E: AsExpr>(expr: E) -> Expr<E::Model, i64> {
    aggregate(AggFunc::Count, true, tree(expr))
}

/// How many rows there are (`COUNT(*)`).
pub fn CountAll<M>() -> Expr<M, i64> {
    Expr::new(SqlExpr::Aggregate {
        func: AggFunc::Count,
        distinct: false,
        arg: None,
    })
}

/// The sum of a numeric column: `i64` for integers, `f64` for floats, the
/// decimal type for a `DecimalField` (exact on both backends); `None` over no rows.
pub fn Sum<E: AsExpr>(expr: E) -> Expr<E::Model, Option<<E::Type as Numeric>::Sum>>
where
    E::Type: Numeric,
    <E::Type as Numeric>::Sum: SumType,
{
    let arg = Some(Box::new(tree(expr)));
    let sum = <<E::Type as Numeric>::Sum as SumType>::sql_type();
    if sum.is_none() {
        return aggregate_of(AggFunc::DecimalSum, arg);
    }
    // PostgreSQL sums BIGINT into NUMERIC: bring every sum back to the Rust type.
    Expr::new(SqlExpr::Cast {
        expr: Box::new(SqlExpr::Aggregate {
            func: AggFunc::Sum,
            distinct: false,
            arg,
        }),
        to: sum.unwrap_or(SqlType::Double),
    })
}

fn aggregate_of<M, T>(func: AggFunc, arg: Option<Box<SqlExpr>>) -> Expr<M, T> {
    Expr::new(SqlExpr::Aggregate {
        func,
        distinct: false,
        arg,
    })
}

/// The SQL type a sum is cast to; `None` for an exact decimal, summed by
/// the exact aggregate of each backend.
#[doc(hidden)]
pub trait SumType {
    fn sql_type() -> Option<SqlType>;
}

impl SumType for i64 {
    fn sql_type() -> Option<SqlType> {
        Some(SqlType::BigInt)
    }
}

impl SumType for f64 {
    fn sql_type() -> Option<SqlType> {
        Some(SqlType::Double)
    }
}

impl SumType for rust_decimal::Decimal {
    fn sql_type() -> Option<SqlType> {
        None
    }
}

impl SumType for bigdecimal::BigDecimal {
    fn sql_type() -> Option<SqlType> {
        None
    }
}

/// The mean of a numeric column: `f64`, or the decimal type for a
/// `DecimalField` (exact on both backends, to at least 16 fractional digits
/// for a mean that does not end); `None` over no rows.
pub fn Avg<E: AsExpr>(expr: E) -> Expr<E::Model, Option<<E::Type as Numeric>::Avg>>
where
    E::Type: Numeric,
    <E::Type as Numeric>::Sum: SumType,
{
    let arg = Some(Box::new(tree(expr)));
    if <<E::Type as Numeric>::Sum as SumType>::sql_type().is_none() {
        return aggregate_of(AggFunc::DecimalAvg, arg);
    }
    // PostgreSQL averages integers into NUMERIC: read every mean as a double.
    Expr::new(SqlExpr::Cast {
        expr: Box::new(SqlExpr::Aggregate {
            func: AggFunc::Avg,
            distinct: false,
            arg,
        }),
        to: SqlType::Double,
    })
}

/// The largest value; `None` over no rows.
pub fn Max<E: AsExpr>(expr: E) -> Expr<E::Model, Option<Inner<E>>> {
    aggregate(AggFunc::Max, false, tree(expr))
}

/// The smallest value; `None` over no rows.
pub fn Min<E: AsExpr>(expr: E) -> Expr<E::Model, Option<Inner<E>>> {
    aggregate(AggFunc::Min, false, tree(expr))
}

/// Text functions keep the nullability of their argument.
#[doc(hidden)]
pub trait TextExpr: FieldType {
    /// The type of `Length` of it.
    type Length: FieldType;
}

impl TextExpr for String {
    type Length = i64;
}

impl TextExpr for Option<String> {
    type Length = Option<i64>;
}

/// The text in upper case (every letter, on both backends).
pub fn Upper<E: AsExpr>(expr: E) -> Expr<E::Model, E::Type>
where
    E::Type: TextExpr,
{
    Expr::new(SqlExpr::Func {
        func: Func::Upper,
        args: vec![tree(expr)],
    })
}

/// The text in lower case (every letter, on both backends).
pub fn Lower<E: AsExpr>(expr: E) -> Expr<E::Model, E::Type>
where
    E::Type: TextExpr,
{
    Expr::new(SqlExpr::Func {
        func: Func::Lower,
        args: vec![tree(expr)],
    })
}

/// The number of characters of the text.
pub fn Length<E: AsExpr>(expr: E) -> Expr<E::Model, <E::Type as TextExpr>::Length>
where
    E::Type: TextExpr,
{
    Expr::new(SqlExpr::Func {
        func: Func::Length,
        args: vec![tree(expr)],
    })
}

/// The absolute value of a number.
pub fn Abs<E: AsExpr>(expr: E) -> Expr<E::Model, E::Type>
where
    E::Type: Arithmetic,
{
    Expr::new(SqlExpr::Func {
        func: Func::Abs,
        args: vec![tree(expr)],
    })
}

/// The texts joined; a NULL part counts as empty text.
pub fn Concat<M, I>(parts: I) -> Expr<M, String>
where
    I: IntoIterator,
    I::Item: IntoExpr<M, String>,
{
    Expr::new(SqlExpr::Concat(parts.into_iter().map(sql_expr).collect()))
}

/// The value of `expr`, or `default` where it is NULL.
pub fn Coalesce<E: AsExpr>(
    expr: E,
    default: impl IntoExpr<E::Model, Inner<E>>,
) -> Expr<E::Model, Inner<E>> {
    Expr::new(SqlExpr::Func {
        func: Func::Coalesce,
        args: vec![tree(expr), sql_expr(default)],
    })
}

/// The database's current time (to the millisecond on SQLite, whose clock
/// reads no finer; to the microsecond on PostgreSQL).
pub fn Now<M>() -> Expr<M, DateTime<Utc>> {
    Expr::new(SqlExpr::Now)
}

/// A Rust type an expression can be converted to with [`Cast`].
pub trait CastTarget: FieldType {
    /// The SQL type to cast to.
    #[doc(hidden)]
    fn sql_type() -> SqlType;
}

macro_rules! cast_targets {
    ($($ty:ty => $sql:expr),*) => {$(
        impl CastTarget for $ty {
            fn sql_type() -> SqlType {
                $sql
            }
        }
    )*};
}

cast_targets!(
    i16 => SqlType::SmallInt,
    i32 => SqlType::Integer,
    i64 => SqlType::BigInt,
    f64 => SqlType::Double,
    String => SqlType::Text
);

/// `expr` converted to `T` by the database: `Cast::<f64, _>(post::view_count)`.
pub fn Cast<T: CastTarget, E: AsExpr>(expr: E) -> Expr<E::Model, T> {
    Expr::new(SqlExpr::Cast {
        expr: Box::new(tree(expr)),
        to: T::sql_type(),
    })
}

/// `CASE WHEN … THEN … ELSE … END`: the value of the first branch whose
/// condition holds, else the default.
///
/// ```ignore
/// let label = Case::<_, String>::when(post::view_count.gte(100), "popular")
///     .and_when(post::view_count.gte(10), "read")
///     .otherwise("new");
/// ```
pub struct Case<M, T> {
    whens: Vec<(super::condition::Cond, SqlExpr)>,
    marker: std::marker::PhantomData<fn() -> (M, T)>,
}

impl<M, T> std::fmt::Debug for Case<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Case({} branches)", self.whens.len())
    }
}

impl<M, T> Case<M, T> {
    /// The first branch: `then` where `condition` holds.
    pub fn when(condition: Q<M>, then: impl IntoExpr<M, T>) -> Self {
        Case {
            whens: vec![(condition.cond, sql_expr(then))],
            marker: std::marker::PhantomData,
        }
    }

    /// Another branch, tried after the earlier ones.
    pub fn and_when(mut self, condition: Q<M>, then: impl IntoExpr<M, T>) -> Self {
        self.whens.push((condition.cond, sql_expr(then)));
        self
    }

    /// The value where no branch holds; completes the expression.
    pub fn otherwise(self, default: impl IntoExpr<M, T>) -> Expr<M, T> {
        Expr::new(SqlExpr::Case {
            whens: self.whens,
            default: Box::new(sql_expr(default)),
        })
    }
}
