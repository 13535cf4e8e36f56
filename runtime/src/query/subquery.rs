//! Subqueries that read the row of the query around them: [`Subquery`] (one
//! value), [`Exists`] (a condition) and [`OuterRef`] (a column of the
//! enclosing row), in Django's words.
//!
//! A condition that mentions an `OuterRef` is a [`Correlation`], not a
//! [`Q`]: only `Subquery` and `Exists` take one, so an `OuterRef` outside a
//! subquery does not compile.
#![allow(non_snake_case)]

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use super::column::{Column, FieldType, OrderBy};
use super::condition::{CmpOp, ColumnRef, Cond, Q};
use super::expr::{sql_expr, Expr, IntoExpr, SqlExpr, SqlExprHandle};
use super::functions::AsExpr;
use super::projection::{over_rows, Projection, SqlExprBox, ValuesQuery};
use super::queryset::QuerySet;
use super::select::{Select, Values};
use crate::error::Result;
use crate::model::Model;
use crate::row::{FromSql, Row};

/// A column of the enclosing query's model `O`, named inside a subquery.
/// Made by [`OuterRef()`](fn@OuterRef); compared with the subquery's columns
/// into a [`Correlation`].
pub struct OuterRef<O, T> {
    column: ColumnRef,
    marker: PhantomData<fn() -> (O, T)>,
}

impl<O, T> Clone for OuterRef<O, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O, T> Copy for OuterRef<O, T> {}

impl<O, T> std::fmt::Debug for OuterRef<O, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OuterRef({}.{})", self.column.table, self.column.name)
    }
}

/// `column` of the row of the query a subquery sits in (Django's
/// `OuterRef("pk")`): `OuterRef(author::id).eq(post::author_id)` is "the post's
/// author is the outer row".
pub fn OuterRef<O, T: FieldType>(column: Column<O, T>) -> OuterRef<O, T> {
    OuterRef {
        column: column.column_ref(),
        marker: PhantomData,
    }
}

impl<O, T: FieldType> OuterRef<O, T> {
    fn compare<N>(self, op: CmpOp, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        Correlation::new(Cond::ExprCompare {
            left: SqlExpr::Outer(self.column),
            op,
            right: sql_expr(inner),
        })
    }

    /// The outer column equals `inner` (a column or expression of the
    /// subquery's model, or a value).
    pub fn eq<N>(self, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        self.compare(CmpOp::Eq, inner)
    }

    /// The outer column differs from `inner`; a NULL on either side counts as
    /// different, as for [`Column::ne`].
    pub fn ne<N>(self, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        !self.eq(inner)
    }

    /// The outer column is greater than `inner`.
    pub fn gt<N>(self, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        self.compare(CmpOp::Gt, inner)
    }

    /// The outer column is greater than or equal to `inner`.
    pub fn gte<N>(self, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        self.compare(CmpOp::Gte, inner)
    }

    /// The outer column is less than `inner`.
    pub fn lt<N>(self, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        self.compare(CmpOp::Lt, inner)
    }

    /// The outer column is less than or equal to `inner`.
    pub fn lte<N>(self, inner: impl IntoExpr<N, T::Inner>) -> Correlation<N, O> {
        self.compare(CmpOp::Lte, inner)
    }
}

/// A condition on rows of `N` (the subquery's model) that reads the enclosing
/// row of `O` through [`OuterRef`]. Combines with `&`, `|` and `!`, also with
/// plain [`Q`] conditions on `N`; only [`Subquery`] and [`Exists`] take it.
pub struct Correlation<N, O> {
    cond: Cond,
    marker: PhantomData<fn() -> (N, O)>,
}

impl<N, O> Correlation<N, O> {
    fn new(cond: Cond) -> Self {
        Correlation {
            cond,
            marker: PhantomData,
        }
    }
}

impl<N, O> Clone for Correlation<N, O> {
    fn clone(&self) -> Self {
        Correlation::new(self.cond.clone())
    }
}

impl<N, O> std::fmt::Debug for Correlation<N, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Correlation({})", self.cond)
    }
}

impl<N, O> BitAnd for Correlation<N, O> {
    type Output = Correlation<N, O>;
    fn bitand(self, other: Correlation<N, O>) -> Correlation<N, O> {
        Correlation::new(self.cond.and(other.cond))
    }
}

impl<N, O> BitAnd<Q<N>> for Correlation<N, O> {
    type Output = Correlation<N, O>;
    fn bitand(self, other: Q<N>) -> Correlation<N, O> {
        Correlation::new(self.cond.and(other.cond))
    }
}

impl<N, O> BitAnd<Correlation<N, O>> for Q<N> {
    type Output = Correlation<N, O>;
    fn bitand(self, other: Correlation<N, O>) -> Correlation<N, O> {
        Correlation::new(self.cond.and(other.cond))
    }
}

impl<N, O> BitOr for Correlation<N, O> {
    type Output = Correlation<N, O>;
    fn bitor(self, other: Correlation<N, O>) -> Correlation<N, O> {
        Correlation::new(self.cond.or(other.cond))
    }
}

impl<N, O> BitOr<Q<N>> for Correlation<N, O> {
    type Output = Correlation<N, O>;
    fn bitor(self, other: Q<N>) -> Correlation<N, O> {
        Correlation::new(self.cond.or(other.cond))
    }
}

impl<N, O> BitOr<Correlation<N, O>> for Q<N> {
    type Output = Correlation<N, O>;
    fn bitor(self, other: Correlation<N, O>) -> Correlation<N, O> {
        Correlation::new(self.cond.or(other.cond))
    }
}

impl<N, O> Not for Correlation<N, O> {
    type Output = Correlation<N, O>;
    fn not(self) -> Correlation<N, O> {
        Correlation::new(match self.cond {
            Cond::Not(inner) => *inner,
            cond => Cond::Not(Box::new(cond)),
        })
    }
}

/// `select` restricted further by `on`.
fn correlated(mut select: Select, on: Option<Cond>) -> Select {
    if let Some(on) = on {
        select.filter = Some(match select.filter.take() {
            Some(existing) => existing.and(on),
            None => on,
        });
    }
    select
}

type Inner<P> = <<P as AsExpr>::Type as FieldType>::Inner;

/// One value computed by another query for each row of the enclosing query
/// of model `O`, with Rust type `T` (Django's `Subquery`).
///
/// It is selected (`values_list`, `annotate`), compared in filters (as an
/// expression: `subquery.gt(3)`, `F(column).eq(subquery)`), ordered by, used
/// in [`Coalesce`](crate::Coalesce) and arithmetic, set in an `update`, and
/// matched with [`Column::in_subquery`].
///
/// ```ignore
/// // The title of each author's newest post.
/// let newest = Subquery::new(
///     Post::objects()
///         .order_by([post::created_at.desc()])
///         .values_list(post::title)
///         .slice(..1),
///     OuterRef(author::id).eq(post::author_id),
/// );
/// let rows: Vec<(Author, Option<String>)> = Author::objects().annotate(newest).all(&db)?;
/// ```
pub struct Subquery<O, T> {
    values: Values,
    marker: PhantomData<fn() -> (O, T)>,
}

impl<O, T> Clone for Subquery<O, T> {
    fn clone(&self) -> Self {
        Subquery {
            values: self.values.clone(),
            marker: PhantomData,
        }
    }
}

impl<O, T> std::fmt::Debug for Subquery<O, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subquery")
            .field("table", &self.values.select.table)
            .field("exprs", &self.values.exprs)
            .field(
                "filter",
                &self.values.select.filter.as_ref().map(ToString::to_string),
            )
            .finish()
    }
}

impl<O> Subquery<O, ()> {
    /// The one column or expression `query` selects, from its first row
    /// among those matching `on`; `None` when no row does. Order and slice the
    /// query (`.slice(..1)`) so that one row is the one you mean; PostgreSQL
    /// fails a subquery that yields several rows, SQLite takes the first.
    pub fn new<N, P>(
        query: ValuesQuery<N, P>,
        on: Correlation<N, O>,
    ) -> Subquery<O, Option<Inner<P>>>
    where
        P: Projection<N> + AsExpr<Model = N>,
    {
        Subquery::from_values(query.values, Some(on.cond))
    }

    /// A subquery that does not read the enclosing row: the same value for
    /// every row (`post::view_count` compared with the average of all posts).
    pub fn uncorrelated<N, P>(query: ValuesQuery<N, P>) -> Subquery<O, Option<Inner<P>>>
    where
        P: Projection<N> + AsExpr<Model = N>,
    {
        Subquery::from_values(query.values, None)
    }

    /// How many rows of `query` match `on` (`0` when none does): each author
    /// with the number of their posts, say. The rows of a sliced or distinct
    /// query set are counted as they are.
    pub fn count<N: Model>(query: QuerySet<N>, on: Correlation<N, O>) -> Subquery<O, i64> {
        let select = over_rows::<N>(correlated(query.select, Some(on.cond)));
        Subquery {
            values: Values {
                select,
                exprs: vec![SqlExpr::Aggregate {
                    func: super::expr::AggFunc::Count,
                    distinct: false,
                    arg: None,
                }],
                having: None,
            },
            marker: PhantomData,
        }
    }
}

impl<O, T> Subquery<O, T> {
    fn from_values(mut values: Values, on: Option<Cond>) -> Self {
        values.select = correlated(values.select, on);
        Subquery {
            values,
            marker: PhantomData,
        }
    }

    fn into_sql(self) -> SqlExpr {
        SqlExpr::Subquery(Box::new(self.values))
    }

    /// The value as an expression of the enclosing model, for arithmetic and
    /// the functions that take one.
    pub fn expr(self) -> Expr<O, T> {
        Expr::new(self.into_sql())
    }

    /// Ascending order on the value.
    pub fn asc(self) -> OrderBy<O>
    where
        T: FieldType,
    {
        self.expr().asc()
    }

    /// Descending order on the value.
    pub fn desc(self) -> OrderBy<O>
    where
        T: FieldType,
    {
        self.expr().desc()
    }
}

impl<O, T: FieldType> Subquery<O, T> {
    /// The value equals `other`; false (no row) where it is NULL.
    pub fn eq(self, other: impl IntoExpr<O, T::Inner>) -> Q<O> {
        self.expr().eq(other)
    }

    /// The value differs from `other`; a NULL value counts as different.
    pub fn ne(self, other: impl IntoExpr<O, T::Inner>) -> Q<O> {
        self.expr().ne(other)
    }

    /// The value is greater than `other`.
    pub fn gt(self, other: impl IntoExpr<O, T::Inner>) -> Q<O> {
        self.expr().gt(other)
    }

    /// The value is greater than or equal to `other`.
    pub fn gte(self, other: impl IntoExpr<O, T::Inner>) -> Q<O> {
        self.expr().gte(other)
    }

    /// The value is less than `other`.
    pub fn lt(self, other: impl IntoExpr<O, T::Inner>) -> Q<O> {
        self.expr().lt(other)
    }

    /// The value is less than or equal to `other`.
    pub fn lte(self, other: impl IntoExpr<O, T::Inner>) -> Q<O> {
        self.expr().lte(other)
    }

    /// The value is NULL (no row matched, or its value is NULL).
    pub fn isnull(self, is_null: bool) -> Q<O> {
        self.expr().isnull(is_null)
    }
}

impl<O, T: FromSql> Projection<O> for Subquery<O, T> {
    type Output = T;
    fn push_exprs(self, out: &mut Vec<SqlExprBox>) {
        out.push(SqlExprBox(self.into_sql()));
    }
    fn read(row: &Row<'_>, start: usize) -> Result<T> {
        row.get(start)
    }
    const WIDTH: usize = 1;
}

impl<O, T: FieldType> AsExpr for Subquery<O, T> {
    type Model = O;
    type Type = T;
    fn into_tree(self) -> SqlExprHandle {
        SqlExprHandle(self.into_sql())
    }
}

impl<O, T: FieldType> IntoExpr<O, T::Inner> for Subquery<O, T> {
    fn into_sql_expr(self) -> SqlExprHandle {
        SqlExprHandle(self.into_sql())
    }
}

impl<M, T: FieldType> Column<M, T> {
    /// Equal to one of the values a subquery yields for the row (`IN`),
    /// the subquery possibly reading the row through [`OuterRef`]:
    /// `author::id.in_subquery(Subquery::new(…))`. Every row of the subquery
    /// counts here, not only the first.
    pub fn in_subquery<V>(self, subquery: Subquery<M, V>) -> Q<M>
    where
        V: FieldType<Inner = T::Inner>,
    {
        Q::new(Cond::InSubquery {
            column: self.column_ref(),
            query: Box::new(subquery.values),
        })
    }
}

/// Whether a query yields any row (Django's `Exists`): a condition for
/// `filter` and `exclude` (`!Exists::new(…)` for "none"), and a `bool` in
/// `annotate` and `values_list` (as every [`Q`] is there).
pub struct Exists;

impl Exists {
    /// Some row of `query` matches `on` for the enclosing row.
    ///
    /// ```ignore
    /// let with_posts = Author::objects()
    ///     .filter(Exists::new(Post::objects(), OuterRef(author::id).eq(post::author_id)))
    ///     .all(&db)?;
    /// ```
    // Django's spelling; what it makes is a condition, not an `Exists`.
    #[allow(clippy::new_ret_no_self)]
    pub fn new<N, O>(query: QuerySet<N>, on: Correlation<N, O>) -> Q<O> {
        Self::rows(query.select, Some(on.cond))
    }

    /// `query` has any row at all, whatever the enclosing row.
    pub fn uncorrelated<N, O>(query: QuerySet<N>) -> Q<O> {
        Self::rows(query.select, None)
    }

    fn rows<O>(select: Select, on: Option<Cond>) -> Q<O> {
        let mut select = correlated(select, on);
        // Order matters only to pick a slice's rows.
        if !select.is_sliced() {
            select.ordering = Some(Vec::new());
        }
        Q::new(Cond::Exists(Box::new(select)))
    }
}
