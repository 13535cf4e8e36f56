//! Projections: `values_list` (typed tuples, or one value per row for one
//! column), `aggregate`, and `annotate`-style GROUP BY with HAVING.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::column::{Column, FieldType, OrderBy};
use super::compile::SqlBuilder;
use super::condition::{Cond, Q};
use super::expr::{Expr, SqlExpr};
use super::queryset::QuerySet;
use super::select::{Select, SelectList, Source, Values};
use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::row::{FromSql, Row};

/// What a projection of model `M` selects: a column, an expression, or a
/// tuple of them. `Output` is the Rust value of one row: `T` for one column
/// (`values_list(post::id)` gives `Vec<i32>`, Django's `flat = true`), a tuple
/// for a tuple (`values_list((post::id, post::title))` gives `Vec<(i32, String)>`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a projection of `{M}`",
    label = "expected a column or expression of `{M}`, or a tuple of them",
    note = "every column and expression of a projection must belong to the query set's model"
)]
pub trait Projection<M> {
    /// The Rust value of one row.
    type Output;
    /// Appends the selected expressions.
    #[doc(hidden)]
    fn push_exprs(self, out: &mut Vec<SqlExprBox>);
    /// Reads one row, starting at column `start`.
    #[doc(hidden)]
    fn read(row: &Row<'_>, start: usize) -> Result<Self::Output>;
    /// How many columns the projection reads.
    #[doc(hidden)]
    const WIDTH: usize;
}

/// A selected expression (opaque).
#[doc(hidden)]
#[derive(Debug)]
pub struct SqlExprBox(pub(crate) SqlExpr);

impl<M, T: FieldType + FromSql> Projection<M> for Column<M, T> {
    type Output = T;
    fn push_exprs(self, out: &mut Vec<SqlExprBox>) {
        out.push(SqlExprBox(SqlExpr::Column(self.column_ref())));
    }
    fn read(row: &Row<'_>, start: usize) -> Result<T> {
        row.get(start)
    }
    const WIDTH: usize = 1;
}

impl<M, T: FromSql> Projection<M> for super::window::WindowExpr<M, T> {
    type Output = T;
    fn push_exprs(self, out: &mut Vec<SqlExprBox>) {
        out.push(SqlExprBox(self.expr));
    }
    fn read(row: &Row<'_>, start: usize) -> Result<T> {
        row.get(start)
    }
    const WIDTH: usize = 1;
}

impl<M, T: FromSql> Projection<M> for Expr<M, T> {
    type Output = T;
    fn push_exprs(self, out: &mut Vec<SqlExprBox>) {
        out.push(SqlExprBox(self.expr));
    }
    fn read(row: &Row<'_>, start: usize) -> Result<T> {
        row.get(start)
    }
    const WIDTH: usize = 1;
}

/// A condition selected as a value: whether the row matches it
/// (`true`/`false`, never NULL: an unknown comparison counts as no match, as
/// it does in a filter).
impl<M> Projection<M> for Q<M> {
    type Output = bool;
    fn push_exprs(self, out: &mut Vec<SqlExprBox>) {
        out.push(SqlExprBox(SqlExpr::Case {
            whens: vec![(self.cond, SqlExpr::Value(true.into()))],
            default: Box::new(SqlExpr::Value(false.into())),
        }));
    }
    fn read(row: &Row<'_>, start: usize) -> Result<bool> {
        row.get(start)
    }
    const WIDTH: usize = 1;
}

macro_rules! tuple_projection {
    ($($name:ident),+) => {
        impl<M, $($name: Projection<M>),+> Projection<M> for ($($name,)+) {
            type Output = ($($name::Output,)+);
            #[allow(non_snake_case)]
            fn push_exprs(self, out: &mut Vec<SqlExprBox>) {
                let ($($name,)+) = self;
                $($name.push_exprs(out);)+
            }
            #[allow(unused_assignments)]
            fn read(row: &Row<'_>, start: usize) -> Result<Self::Output> {
                let mut index = start;
                Ok(($({
                    let value = $name::read(row, index)?;
                    index += $name::WIDTH;
                    value
                },)+))
            }
            const WIDTH: usize = 0 $(+ $name::WIDTH)+;
        }
    };
}

tuple_projection!(A);
tuple_projection!(A, B);
tuple_projection!(A, B, C);
tuple_projection!(A, B, C, D);
tuple_projection!(A, B, C, D, E);
tuple_projection!(A, B, C, D, E, G);
tuple_projection!(A, B, C, D, E, G, H);
tuple_projection!(A, B, C, D, E, G, H, I);

pub(crate) fn exprs_of<M, P: Projection<M>>(projection: P) -> Vec<SqlExpr> {
    let mut out = Vec::with_capacity(P::WIDTH);
    projection.push_exprs(&mut out);
    out.into_iter().map(|SqlExprBox(expr)| expr).collect()
}

/// The rows of a query set reduced to chosen columns and expressions, read as
/// typed values. When the projection holds an aggregate (`Count`, `Sum`, …),
/// rows are grouped by its other expressions (Django's `values(…).annotate(…)`),
/// and [`having`](Self::having) filters the groups.
pub struct ValuesQuery<M, P> {
    pub(crate) values: Values,
    pub(crate) alias: Option<Cow<'static, str>>,
    marker: PhantomData<fn() -> (M, P)>,
}

impl<M, P> Clone for ValuesQuery<M, P> {
    fn clone(&self) -> Self {
        ValuesQuery {
            values: self.values.clone(),
            alias: self.alias.clone(),
            marker: PhantomData,
        }
    }
}

impl<M, P> std::fmt::Debug for ValuesQuery<M, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValuesQuery")
            .field("table", &self.values.select.table)
            .field("exprs", &self.values.exprs)
            .finish()
    }
}

impl<M: Model> QuerySet<M> {
    /// The chosen columns and expressions of every matching row, as typed
    /// values: one column gives its values (`Vec<i32>`, Django's `flat`), a
    /// tuple gives tuples. Django's `values()` returns the same rows as
    /// dictionaries; here both spellings give typed tuples.
    ///
    /// ```ignore
    /// let ids: Vec<i32> = Author::objects().values_list(author::id).all(&db)?;
    /// let pairs: Vec<(String, String)> =
    ///     Author::objects().values_list((author::name, author::email)).all(&db)?;
    /// ```
    pub fn values_list<P: Projection<M>>(self, projection: P) -> ValuesQuery<M, P> {
        ValuesQuery {
            values: Values {
                select: self.select,
                exprs: exprs_of(projection),
                having: None,
            },
            alias: self.alias,
            marker: PhantomData,
        }
    }

    /// The same as [`values_list`](Self::values_list): typed tuples.
    pub fn values<P: Projection<M>>(self, projection: P) -> ValuesQuery<M, P> {
        self.values_list(projection)
    }

    /// Computes aggregates over every matching row (or over the slice of a
    /// sliced query set) in one query: `Sum`, `Avg`, `Max` and `Min` are
    /// `Option`s, `None` over no rows; `Count` is a number.
    ///
    /// ```ignore
    /// let (total, average, count) = Post::objects()
    ///     .filter(post::published.eq(true))
    ///     .aggregate(&db, (Sum(post::view_count), Avg(post::view_count), Count(post::id)))?;
    /// ```
    pub fn aggregate<P: Projection<M>>(&self, db: &Db, aggregates: P) -> Result<P::Output> {
        let exprs = exprs_of(aggregates);
        let select = over_rows::<M>(self.select.clone());
        let mut connection = db.read_connection(self.alias(), false)?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(&select, SelectList::Exprs(&exprs, None));
        let row = connection.query_first(&builder.sql, &builder.params, |row| P::read(row, 0))?;
        row.ok_or_else(|| crate::error::Error::usage("an aggregate query returned no row"))
    }
}

impl<M: Model, P: Projection<M>> ValuesQuery<M, P> {
    /// Keeps only the groups matching `q`, a condition on aggregates
    /// (`Count(post::id).gt(1)`): SQL's HAVING.
    #[must_use]
    pub fn having(mut self, q: Q<M>) -> Self {
        self.values.having = Some(match self.values.having.take() {
            Some(existing) => existing.and(q.cond),
            None => q.cond,
        });
        self
    }

    /// Orders the rows by these terms (columns, expressions or aggregates).
    #[must_use]
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.values.select.ordering = Some(super::column::order_terms(terms));
        self
    }

    /// Drops duplicate rows.
    #[must_use]
    pub fn distinct(mut self) -> Self {
        self.values.select.distinct = true;
        self
    }

    /// The rows at positions `range`, as [`QuerySet::slice`].
    #[must_use]
    pub fn slice(self, range: impl std::ops::RangeBounds<u64>) -> Self {
        let ValuesQuery {
            values,
            alias,
            marker,
        } = self;
        let mut queryset = QuerySet::<M>::new();
        queryset.select = values.select;
        let sliced = queryset.slice(range);
        ValuesQuery {
            values: Values {
                select: sliced.select,
                ..values
            },
            alias,
            marker,
        }
    }

    fn alias(&self) -> &str {
        self.alias.as_deref().unwrap_or(M::META.db_alias)
    }

    /// Runs the query: one value (or tuple) per row.
    pub fn all(&self, db: &Db) -> Result<Vec<P::Output>> {
        let mut connection = db.read_connection(self.alias(), false)?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        let values = &self.values;
        builder.push_select(
            &values.select,
            SelectList::Exprs(&values.exprs, values.having.as_ref()),
        );
        connection.query_map(&builder.sql, &builder.params, |row| P::read(row, 0))
    }

    /// The first row, or `None`.
    pub fn first(&self, db: &Db) -> Result<Option<P::Output>> {
        Ok(self.clone().slice(..1).all(db)?.pop())
    }
}

impl<M, T: FieldType> Column<M, T> {
    /// Equal to one of the values another query selects (`in` with a
    /// subquery), in one statement:
    /// `post::author_id.in_query(Author::objects().filter(…).values_list(author::id))`.
    pub fn in_query<N, P>(self, query: ValuesQuery<N, P>) -> Q<M>
    where
        P: Projection<N, Output = T::Inner>,
    {
        Q::new(Cond::InSubquery {
            column: self.column_ref(),
            query: Box::new(query.values),
        })
    }
}

/// `select` made ready for aggregates over its rows, unordered: a sliced or
/// distinct one is read as a subquery, so that the aggregates see its rows
/// rather than the whole table's.
pub(crate) fn over_rows<M: Model>(mut select: Select) -> Select {
    if select.is_sliced() || select.distinct {
        let inner = std::mem::replace(&mut select.source, Source::Table);
        let mut member = select;
        member.source = inner;
        select = QuerySet::<M>::new().select;
        select.source = Source::Compound {
            first: Box::new(member),
            rest: Vec::new(),
        };
    }
    select.ordering = Some(Vec::new());
    select
}

/// The column names of a projection made of columns only.
pub(crate) fn column_names<M, P: Projection<M>>(projection: P) -> Result<Vec<&'static str>> {
    exprs_of(projection)
        .into_iter()
        .map(|expr| match expr {
            SqlExpr::Column(column) => Ok(column.name),
            other => Err(crate::error::Error::usage(format!(
                "`{other}` is not a column: list columns to save"
            ))),
        })
        .collect()
}
