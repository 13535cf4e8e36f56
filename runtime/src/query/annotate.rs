//! `annotate`: the rows of a query set with computed values beside each one.

use std::marker::PhantomData;

use super::compile::SqlBuilder;
use super::expr::SqlExpr;
use super::projection::{exprs_of, Projection};
use super::queryset::QuerySet;
use super::select::SelectList;
use crate::db::Db;
use crate::error::Result;
use crate::model::Model;

/// A query set whose rows come with computed values: each row is the
/// instance and the values of the projection `P`, typed
/// (`(Post, (i64, Option<i32>))` for a pair). Made by [`QuerySet::annotate`].
pub struct Annotated<M, P> {
    query: QuerySet<M>,
    /// The annotations.
    list: Vec<SqlExpr>,
    marker: PhantomData<fn() -> P>,
}

impl<M: Model> QuerySet<M> {
    /// Adds computed values to every row (Django's `annotate`): a window
    /// function, an expression of the row's columns, or an aggregate (the
    /// rows are then grouped by every column of the model). The values are
    /// those of a projection, so a tuple gives a tuple:
    ///
    /// ```ignore
    /// let ranked: Vec<(Post, i64)> = Post::objects()
    ///     .annotate(Rank().over(Window::new().order_by([post::view_count.desc()])))
    ///     .all(&db)?;
    /// let with_score: Vec<(Post, (i64, i32))> = Post::objects()
    ///     .annotate((RowNumber().over(Window::new()), F(post::view_count) * 2))
    ///     .all(&db)?;
    /// ```
    ///
    /// Filter, order and slice the query set before annotating; the
    /// annotated rows read the model's own columns (no `select_related`).
    pub fn annotate<P: Projection<M>>(self, values: P) -> Annotated<M, P> {
        Annotated {
            query: self,
            list: exprs_of(values),
            marker: PhantomData,
        }
    }
}

impl<M: Model, P: Projection<M>> Annotated<M, P> {
    /// Every row with its values.
    pub fn all(&self, db: &Db) -> Result<Vec<(M, P::Output)>> {
        let mut connection = db.read_connection(self.query.alias(), false)?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(&self.query.select, SelectList::Annotated(&self.list));
        let width = M::META.columns.len();
        let rows = connection.query_map(&builder.sql, &builder.params, |row| {
            Ok((M::from_row(row)?, P::read(row, width)?))
        })?;
        Ok(rows)
    }

    /// The first row with its values, or `None`.
    pub fn first(&self, db: &Db) -> Result<Option<(M, P::Output)>> {
        let first: Annotated<M, P> = Annotated {
            query: self.query.clone().ordered_or_by_pk().limit(1),
            list: self.list.clone(),
            marker: PhantomData,
        };
        Ok(first.all(db)?.pop())
    }
}
