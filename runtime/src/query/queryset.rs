//! [`QuerySet`]: a lazy, immutable description of a query on one model.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::column::{Assignment, OrderBy};
use super::compile::SqlBuilder;
use super::condition::{Cond, Q};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Insert, Model, OrderTerm};

/// How many rows `get` reads at most before it reports MultipleObjectsReturned
/// (as Django does); beyond that it counts them.
const GET_READ_LIMIT: u64 = 21;

/// The rows of model `M` that a query selects. Nothing runs until a method
/// that takes the database (`all`, `count`, `update`, …) is called; every other
/// method returns a new query set.
///
/// ```ignore
/// let recent = Post::objects()
///     .filter(post::published.eq(true) & post::title.icontains("rust"))
///     .exclude(post::view_count.lt(10))
///     .order_by([post::created_at.desc()])
///     .limit(10)
///     .all(&db)?;
/// ```
pub struct QuerySet<M> {
    filter: Option<Cond>,
    ordering: Option<Vec<OrderTerm>>,
    limit: Option<u64>,
    offset: u64,
    alias: Option<Cow<'static, str>>,
    marker: PhantomData<fn() -> M>,
}

impl<M> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            filter: self.filter.clone(),
            ordering: self.ordering.clone(),
            limit: self.limit,
            offset: self.offset,
            alias: self.alias.clone(),
            marker: PhantomData,
        }
    }
}

impl<M: Model> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("model", &M::META.name)
            .field("filter", &self.filter.as_ref().map(ToString::to_string))
            .field("ordering", &self.ordering)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("using", &self.alias)
            .finish()
    }
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row of `M`, in its default ordering. Generated code offers it as `M::objects()`.
    pub fn new() -> Self {
        QuerySet {
            filter: None,
            ordering: None,
            limit: None,
            offset: 0,
            alias: None,
            marker: PhantomData,
        }
    }

    /// Only the rows matching `q` (and any earlier filter).
    #[must_use]
    pub fn filter(mut self, q: Q<M>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(q.cond),
            None => q.cond,
        });
        self
    }

    /// Only the rows not matching `q`. Rows where a tested nullable column is
    /// NULL are kept, as in Django.
    #[must_use]
    pub fn exclude(self, q: Q<M>) -> Self {
        self.filter(!q)
    }

    /// Orders by these terms instead of the model's default ordering; an empty
    /// list removes the ordering altogether.
    #[must_use]
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.ordering = Some(
            terms
                .into_iter()
                .map(|term| OrderTerm {
                    column: term.column,
                    descending: term.descending,
                })
                .collect(),
        );
        self
    }

    /// At most `n` rows.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    #[must_use]
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = n;
        self
    }

    /// Runs on the database registered as `alias` instead of the model's own.
    #[must_use]
    pub fn using(mut self, alias: impl Into<Cow<'static, str>>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    fn alias(&self) -> &str {
        self.alias.as_deref().unwrap_or(M::META.db_alias)
    }

    fn ordering(&self) -> &[OrderTerm] {
        self.ordering.as_deref().unwrap_or(M::META.ordering)
    }

    fn is_sliced(&self) -> bool {
        self.limit.is_some() || self.offset > 0
    }

    /// Runs the query: every matching row.
    pub fn all(&self, db: &Db) -> Result<Vec<M>> {
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let mut builder = SqlBuilder::new(dialect, M::SQL[dialect.index()].select);
        builder.push_where(self.filter.as_ref());
        builder.push_order_by(M::META.table, self.ordering());
        builder.push_limit_offset(self.limit, self.offset);
        connection.query_map(&builder.sql, &builder.params, M::from_row)
    }

    /// The first matching row in this query set's ordering (the primary key when
    /// it has none), or `None`.
    pub fn first(&self, db: &Db) -> Result<Option<M>> {
        let mut first = self.clone().limit(1);
        if first.ordering().is_empty() {
            first.ordering = Some(vec![OrderTerm {
                column: M::META.pk_column,
                descending: false,
            }]);
        }
        Ok(first.all(db)?.pop())
    }

    /// The one row matching `q` within this query set: [`Error::DoesNotExist`]
    /// when there is none, [`Error::MultipleObjectsReturned`] when there are several.
    pub fn get(&self, db: &Db, q: Q<M>) -> Result<M> {
        let scoped = self.clone().filter(q);
        let mut probe = scoped.clone();
        probe.ordering = Some(Vec::new());
        if probe.limit.is_none_or(|limit| limit > GET_READ_LIMIT) {
            probe.limit = Some(GET_READ_LIMIT);
        }
        let mut rows = probe.all(db)?;
        match rows.len() {
            1 => Ok(rows.remove(0)),
            0 => Err(Error::DoesNotExist {
                model: M::META.name,
                filter: scoped
                    .filter
                    .as_ref()
                    .map_or_else(|| "no filter".to_owned(), ToString::to_string),
            }),
            read => {
                let count = if (read as u64) < GET_READ_LIMIT {
                    read as u64
                } else {
                    scoped.count(db)?
                };
                Err(Error::MultipleObjectsReturned {
                    model: M::META.name,
                    count,
                })
            }
        }
    }

    /// How many rows match.
    pub fn count(&self, db: &Db) -> Result<u64> {
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let table = M::META.table;
        let mut builder = SqlBuilder::new(dialect, "SELECT COUNT(*) FROM ");
        if self.is_sliced() {
            builder.push("(SELECT 1 FROM ");
            builder.push_ident(table);
            builder.push_where(self.filter.as_ref());
            builder.push_limit_offset(self.limit, self.offset);
            builder.push(") AS ");
            builder.push_ident("__pookie_sliced");
        } else {
            builder.push_ident(table);
            builder.push_where(self.filter.as_ref());
        }
        let count =
            connection.query_first(&builder.sql, &builder.params, |row| row.get::<i64>(0))?;
        Ok(count.unwrap_or(0).max(0) as u64)
    }

    /// True when at least one row matches (cheaper than `count() > 0`).
    pub fn exists(&self, db: &Db) -> Result<bool> {
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let mut builder = SqlBuilder::new(dialect, "SELECT 1 FROM ");
        builder.push_ident(M::META.table);
        builder.push_where(self.filter.as_ref());
        builder.push_limit_offset(Some(1), self.offset);
        let found = connection.query_first(&builder.sql, &builder.params, |_| Ok(()))?;
        Ok(found.is_some())
    }

    /// Sets columns on every matching row in one statement; returns how many rows changed.
    pub fn update(
        &self,
        db: &Db,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<u64> {
        let assignments: Vec<Assignment<M>> = assignments.into_iter().collect();
        if assignments.is_empty() {
            return Ok(0);
        }
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "UPDATE ");
        builder.push_ident(M::META.table);
        for (index, assignment) in assignments.iter().enumerate() {
            builder.push(if index == 0 { " SET " } else { ", " });
            builder.push_ident(assignment.column);
            builder.push(" = ");
            builder.push_param(assignment.value.reborrow());
        }
        self.push_row_selection(&mut builder);
        connection.execute(&builder.sql, &builder.params)
    }

    /// Deletes every matching row in one statement; returns how many were deleted.
    pub fn delete(&self, db: &Db) -> Result<u64> {
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "DELETE FROM ");
        builder.push_ident(M::META.table);
        self.push_row_selection(&mut builder);
        connection.execute(&builder.sql, &builder.params)
    }

    /// The WHERE of an UPDATE or DELETE: the filter, or, for a sliced query set,
    /// the primary keys of the rows the slice selects.
    fn push_row_selection<'q>(&'q self, builder: &mut SqlBuilder<'q>) {
        if !self.is_sliced() {
            builder.push_where(self.filter.as_ref());
            return;
        }
        let table = M::META.table;
        let pk = M::META.pk_column;
        builder.push(" WHERE ");
        builder.dialect.push_qualified(&mut builder.sql, table, pk);
        builder.push(" IN (SELECT ");
        builder.dialect.push_qualified(&mut builder.sql, table, pk);
        builder.push(" FROM ");
        builder.push_ident(table);
        builder.push_where(self.filter.as_ref());
        builder.push_order_by(table, self.ordering());
        builder.push_limit_offset(self.limit, self.offset);
        builder.push(")");
    }

    /// Inserts a new row from a complete insert form and returns it, with the
    /// primary key and every default filled in.
    pub fn create(&self, db: &Db, form: impl Insert<Model = M>) -> Result<M> {
        crate::ops::insert(db, self.alias(), form.into_model(crate::ops::now()))
    }
}
