//! Window functions: ranking (`RowNumber`, `Rank`, `DenseRank`,
//! `PercentRank`, `CumeDist`, `Ntile`), offsets (`Lag`, `Lead`,
//! `FirstValue`, `LastValue`) and the aggregates, computed `over` a
//! [`Window`] (a partition, an ordering and a frame). Named as in Django.
//!
//! A windowed expression is a [`WindowExpr`]: it can be selected
//! (`values_list`, `annotate`) and ordered by, and nothing else. SQL computes
//! windows after WHERE, GROUP BY and HAVING, so comparing one in a filter
//! does not compile.
#![allow(non_snake_case)]

use std::marker::PhantomData;

use super::column::{FieldType, OrderBy, OrderKey};
use super::expr::{Expr, Func, SqlExpr};
use super::functions::AsExpr;
use crate::model::Model;
use crate::value::Param;

/// Where a window frame starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameBound {
    /// The partition's first row.
    UnboundedPreceding,
    /// `n` rows (or, in a `range` frame, values) before the current row.
    Preceding(u32),
    /// The current row (with its peers, in a `range` frame).
    CurrentRow,
    /// `n` rows (or values) after the current row.
    Following(u32),
    /// The partition's last row.
    UnboundedFollowing,
}

impl FrameBound {
    fn push_sql(self, out: &mut String) {
        match self {
            FrameBound::UnboundedPreceding => out.push_str("UNBOUNDED PRECEDING"),
            FrameBound::Preceding(n) => out.push_str(&format!("{n} PRECEDING")),
            FrameBound::CurrentRow => out.push_str("CURRENT ROW"),
            FrameBound::Following(n) => out.push_str(&format!("{n} FOLLOWING")),
            FrameBound::UnboundedFollowing => out.push_str("UNBOUNDED FOLLOWING"),
        }
    }
}

/// A window's frame: `ROWS` or `RANGE BETWEEN start AND end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frame {
    rows: bool,
    start: FrameBound,
    end: FrameBound,
}

impl Frame {
    pub(crate) fn push_sql(self, out: &mut String) {
        out.push_str(if self.rows {
            " ROWS BETWEEN "
        } else {
            " RANGE BETWEEN "
        });
        self.start.push_sql(out);
        out.push_str(" AND ");
        self.end.push_sql(out);
    }
}

/// The rows a window function sees for each row: those of its partition,
/// in an order, within a frame (SQL's `OVER (PARTITION BY … ORDER BY …
/// ROWS BETWEEN …)`).
///
/// ```ignore
/// let by_author = Window::new()
///     .partition_by(post::author_id)
///     .order_by([post::view_count.desc()]);
/// let ranked: Vec<(String, i64)> = Post::objects()
///     .values_list((post::slug, Rank().over(by_author)))
///     .all(&db)?;
/// ```
pub struct Window<M> {
    partition: Vec<SqlExpr>,
    order: Vec<(OrderKey, bool)>,
    frame: Option<Frame>,
    marker: PhantomData<fn() -> M>,
}

impl<M> Clone for Window<M> {
    fn clone(&self) -> Self {
        Window {
            partition: self.partition.clone(),
            order: self.order.clone(),
            frame: self.frame,
            marker: PhantomData,
        }
    }
}

impl<M: Model> Default for Window<M> {
    fn default() -> Self {
        Window::new()
    }
}

impl<M: Model> Window<M> {
    /// The whole result as one partition, in no order (`OVER ()`).
    pub fn new() -> Self {
        Window {
            partition: Vec::new(),
            order: Vec::new(),
            frame: None,
            marker: PhantomData,
        }
    }

    /// Splits the rows into partitions by `expr` (call again for more keys).
    #[must_use]
    pub fn partition_by(mut self, expr: impl AsExpr<Model = M>) -> Self {
        self.partition.push(expr.into_tree().0);
        self
    }

    /// Orders the rows within each partition.
    #[must_use]
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.order
            .extend(terms.into_iter().map(|term| (term.key, term.descending)));
        self
    }

    /// A `ROWS BETWEEN start AND end` frame: counted in rows.
    #[must_use]
    pub fn rows(mut self, start: FrameBound, end: FrameBound) -> Self {
        self.frame = Some(Frame {
            rows: true,
            start,
            end,
        });
        self
    }

    /// A `RANGE BETWEEN start AND end` frame: peers of the ordering value
    /// together (with offsets, the ordering must be one numeric or date
    /// column).
    #[must_use]
    pub fn range(mut self, start: FrameBound, end: FrameBound) -> Self {
        self.frame = Some(Frame {
            rows: false,
            start,
            end,
        });
        self
    }

    fn wrap<T>(self, func: SqlExpr) -> WindowExpr<M, T> {
        WindowExpr {
            expr: SqlExpr::Window(Box::new(WindowCall {
                func,
                table: M::META.table,
                partition: self.partition,
                order: self.order,
                frame: self.frame,
            })),
            marker: PhantomData,
        }
    }
}

/// A windowed call, as the compiler reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WindowCall {
    pub(crate) func: SqlExpr,
    /// The model's table, for ordering by its columns.
    pub(crate) table: &'static str,
    pub(crate) partition: Vec<SqlExpr>,
    pub(crate) order: Vec<(OrderKey, bool)>,
    pub(crate) frame: Option<Frame>,
}

/// A window function computed over a [`Window`], with Rust type `T`:
/// selectable in `values_list` and `annotate`, usable in `order_by`; not in
/// filters (SQL computes windows after them).
pub struct WindowExpr<M, T> {
    pub(crate) expr: SqlExpr,
    marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for WindowExpr<M, T> {
    fn clone(&self) -> Self {
        WindowExpr {
            expr: self.expr.clone(),
            marker: PhantomData,
        }
    }
}

impl<M, T> std::fmt::Debug for WindowExpr<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WindowExpr({})", self.expr)
    }
}

impl<M, T> WindowExpr<M, T> {
    /// Ascending order on this value.
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::new(OrderKey::Expr(self.expr), false)
    }

    /// Descending order on this value.
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::new(OrderKey::Expr(self.expr), true)
    }
}

/// A function that needs a window: call [`over`](Self::over).
pub struct WindowFunction<T> {
    func: SqlExpr,
    marker: PhantomData<fn() -> T>,
}

impl<T> WindowFunction<T> {
    fn new(func: Func, args: Vec<SqlExpr>) -> Self {
        WindowFunction {
            func: SqlExpr::Func { func, args },
            marker: PhantomData,
        }
    }

    /// The function over `window`.
    pub fn over<M: Model>(self, window: Window<M>) -> WindowExpr<M, T> {
        window.wrap(self.func)
    }
}

/// A function of a model's rows that needs a window ([`Lag`], [`FirstValue`], …).
pub struct WindowFunctionOf<M, T> {
    func: SqlExpr,
    marker: PhantomData<fn() -> (M, T)>,
}

impl<M: Model, T> WindowFunctionOf<M, T> {
    /// The function over `window`.
    pub fn over(self, window: Window<M>) -> WindowExpr<M, T> {
        window.wrap(self.func)
    }
}

impl<M: Model, T> Expr<M, T> {
    /// This aggregate (`Sum`, `Avg`, `Count`, `Min`, `Max`) computed over
    /// `window` for every row, rather than once per group: a running total
    /// with an ordered window, a partition's total without one.
    pub fn over(self, window: Window<M>) -> WindowExpr<M, T> {
        // A sum is cast back to its Rust type: the window goes inside the cast.
        match self.expr {
            SqlExpr::Cast { expr, to } => {
                let WindowExpr { expr, .. } = window.wrap::<T>(*expr);
                WindowExpr {
                    expr: SqlExpr::Cast {
                        expr: Box::new(expr),
                        to,
                    },
                    marker: PhantomData,
                }
            }
            expr => window.wrap(expr),
        }
    }
}

/// The row's number in its partition, from 1 (`ROW_NUMBER()`).
pub fn RowNumber() -> WindowFunction<i64> {
    WindowFunction::new(Func::RowNumber, Vec::new())
}

/// The row's rank in its partition, with gaps after ties (`RANK()`).
pub fn Rank() -> WindowFunction<i64> {
    WindowFunction::new(Func::Rank, Vec::new())
}

/// The row's rank in its partition, without gaps (`DENSE_RANK()`).
pub fn DenseRank() -> WindowFunction<i64> {
    WindowFunction::new(Func::DenseRank, Vec::new())
}

/// `(rank - 1) / (rows in partition - 1)`, from 0 to 1 (`PERCENT_RANK()`).
pub fn PercentRank() -> WindowFunction<f64> {
    WindowFunction::new(Func::PercentRank, Vec::new())
}

/// The share of the partition's rows up to the row's last peer
/// (`CUME_DIST()`).
pub fn CumeDist() -> WindowFunction<f64> {
    WindowFunction::new(Func::CumeDist, Vec::new())
}

/// The bucket, from 1 to `buckets`, of the row when its partition is split
/// into that many as even as can be (`NTILE(n)`).
pub fn Ntile(buckets: u32) -> WindowFunction<i64> {
    WindowFunction::new(
        Func::Ntile,
        vec![SqlExpr::Value(Param::I32(
            buckets.clamp(1, i32::MAX as u32) as i32,
        ))],
    )
}

type Inner<E> = <<E as AsExpr>::Type as FieldType>::Inner;

fn offset_args(expr: SqlExpr, offset: u32) -> Vec<SqlExpr> {
    vec![
        expr,
        SqlExpr::Value(Param::I32(offset.min(i32::MAX as u32) as i32)),
    ]
}

/// The value of `expr` `offset` rows before the row in its partition's
/// order; `None` before the first (`LAG(expr, offset)`).
pub fn Lag<E: AsExpr>(expr: E, offset: u32) -> WindowFunctionOf<E::Model, Option<Inner<E>>> {
    WindowFunctionOf {
        func: SqlExpr::Func {
            func: Func::Lag,
            args: offset_args(expr.into_tree().0, offset),
        },
        marker: PhantomData,
    }
}

/// The value of `expr` `offset` rows after the row; `None` past the last
/// (`LEAD(expr, offset)`).
pub fn Lead<E: AsExpr>(expr: E, offset: u32) -> WindowFunctionOf<E::Model, Option<Inner<E>>> {
    WindowFunctionOf {
        func: SqlExpr::Func {
            func: Func::Lead,
            args: offset_args(expr.into_tree().0, offset),
        },
        marker: PhantomData,
    }
}

/// The value of `expr` on the frame's first row (`FIRST_VALUE(expr)`).
pub fn FirstValue<E: AsExpr>(expr: E) -> WindowFunctionOf<E::Model, Option<Inner<E>>> {
    WindowFunctionOf {
        func: SqlExpr::Func {
            func: Func::FirstValue,
            args: vec![expr.into_tree().0],
        },
        marker: PhantomData,
    }
}

/// The value of `expr` on the frame's last row (`LAST_VALUE(expr)`; with an
/// ordered window the default frame ends at the current row: give
/// `rows(…, UnboundedFollowing)` for the partition's last).
pub fn LastValue<E: AsExpr>(expr: E) -> WindowFunctionOf<E::Model, Option<Inner<E>>> {
    WindowFunctionOf {
        func: SqlExpr::Func {
            func: Func::LastValue,
            args: vec![expr.into_tree().0],
        },
        marker: PhantomData,
    }
}
