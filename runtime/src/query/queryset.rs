//! [`QuerySet`]: a lazy, immutable description of a query on one model.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};

use pookie_dialect::RowLockWait;

use super::column::{Assignment, OrderBy, OrderKey};
use super::compile::SqlBuilder;
use super::condition::Q;
use super::select::{Select, SelectList, SetOp, Source};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Insert, Model};
use crate::relations::{Cardinality, Path, RelatedLoads, SingleValued};

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
///     .slice(..10)
///     .all(&db)?;
/// ```
pub struct QuerySet<M> {
    pub(crate) select: Select,
    pub(crate) alias: Option<Cow<'static, str>>,
    /// The relations loaded with the rows (`select_related`, `prefetch_related`).
    pub(crate) related: RelatedLoads,
    marker: PhantomData<fn() -> M>,
}

impl<M> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            select: self.select.clone(),
            alias: self.alias.clone(),
            related: self.related.clone(),
            marker: PhantomData,
        }
    }
}

impl<M: Model> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("model", &M::META.name)
            .field(
                "filter",
                &self.select.filter.as_ref().map(ToString::to_string),
            )
            .field("ordering", &self.select.ordering)
            .field("limit", &self.select.limit)
            .field("offset", &self.select.offset)
            .field("distinct", &self.select.distinct)
            .field("using", &self.alias)
            .field("related", &self.related)
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
            select: Select {
                table: M::META.table,
                columns: M::META.columns,
                text_columns: M::META.text_columns,
                pk_column: M::META.pk_column,
                meta_ordering: M::META.ordering,
                fields: M::META.fields,
                source: Source::Table,
                filter: None,
                ordering: None,
                limit: None,
                offset: 0,
                distinct: false,
                lock: None,
            },
            alias: None,
            related: RelatedLoads::default(),
            marker: PhantomData,
        }
    }

    /// Locks the rows this query set reads until the end of the transaction
    /// (`SELECT … FOR UPDATE` on PostgreSQL), waiting for rows another
    /// transaction holds; use it inside [`Db::transaction`]. On SQLite it
    /// changes nothing: a transaction there already holds the database's write
    /// lock (`BEGIN IMMEDIATE`), so no other connection can change the rows.
    #[must_use]
    pub fn select_for_update(self) -> Self {
        self.locking(RowLockWait::Wait)
    }

    /// [`select_for_update`](Self::select_for_update), failing at once
    /// (PostgreSQL `NOWAIT`) when another transaction holds one of the rows.
    #[must_use]
    pub fn select_for_update_nowait(self) -> Self {
        self.locking(RowLockWait::NoWait)
    }

    /// [`select_for_update`](Self::select_for_update), leaving out the rows
    /// another transaction holds (PostgreSQL `SKIP LOCKED`): a work queue's way
    /// of taking the next free job.
    #[must_use]
    pub fn select_for_update_skip_locked(self) -> Self {
        self.locking(RowLockWait::SkipLocked)
    }

    fn locking(mut self, wait: RowLockWait) -> Self {
        self.select.lock = Some(wait);
        self
    }

    /// Only the rows matching `q` (and any earlier filter).
    #[must_use]
    pub fn filter(mut self, q: Q<M>) -> Self {
        self.select.filter = Some(match self.select.filter.take() {
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
        self.select.ordering = Some(super::column::order_terms(terms));
        self
    }

    /// Orders the rows at random (`ORDER BY RANDOM()`), replacing any ordering.
    #[must_use]
    pub fn order_by_random(mut self) -> Self {
        self.select.ordering = Some(vec![(OrderKey::Random, false)]);
        self
    }

    /// Drops duplicate rows (`SELECT DISTINCT`); most useful with
    /// [`values_list`](Self::values_list).
    #[must_use]
    pub fn distinct(mut self) -> Self {
        self.select.distinct = true;
        self
    }

    /// At most `n` rows.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.select.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    #[must_use]
    pub fn offset(mut self, n: u64) -> Self {
        self.select.offset = n;
        self
    }

    /// The rows at positions `range` of the result, as Python's slicing:
    /// `slice(..10)` is the first ten, `slice(10..20)` the next ten. Slicing a
    /// slice selects within it.
    #[must_use]
    pub fn slice(mut self, range: impl RangeBounds<u64>) -> Self {
        let start = match range.start_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&n) => Some(n.saturating_add(1)),
            Bound::Excluded(&n) => Some(n),
            Bound::Unbounded => None,
        };
        let offset = self.select.offset.saturating_add(start);
        let mut limit = end.map(|end| end.saturating_sub(start));
        if let Some(existing) = self.select.limit {
            let remaining = existing.saturating_sub(start);
            limit = Some(limit.map_or(remaining, |limit| limit.min(remaining)));
        }
        self.select.offset = offset;
        self.select.limit = limit;
        self
    }

    /// Runs on the database registered as `alias` instead of the model's own.
    #[must_use]
    pub fn using(mut self, alias: impl Into<Cow<'static, str>>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    pub(crate) fn alias(&self) -> &str {
        self.alias.as_deref().unwrap_or(M::META.db_alias)
    }

    /// The database the rows of this query set remember (`Loaded::db_alias`):
    /// the one `using` named, when it is not the model's own.
    pub(crate) fn remembered_db(&self) -> Option<std::sync::Arc<str>> {
        self.alias
            .as_deref()
            .filter(|&alias| alias != M::META.db_alias)
            .map(std::sync::Arc::from)
    }

    /// Makes each row remember the database it was read from.
    pub(crate) fn remember_db(&self, mut rows: Vec<M>) -> Vec<M> {
        if let Some(db) = self.remembered_db() {
            for row in &mut rows {
                row.loaded_mut()
                    .set_db_alias(Some(std::sync::Arc::clone(&db)));
            }
        }
        rows
    }

    fn combine(self, op: SetOp, other: QuerySet<M>) -> Self {
        let alias = self.alias.clone();
        let mut combined = QuerySet::<M>::new();
        combined.alias = alias;
        combined.related = self.related.clone();
        // A plain set operation extends the chain; anything on top of one
        // (a filter, a slice) makes it a member of its own.
        combined.select.source = match self.select {
            Select {
                source: Source::Compound { first, mut rest },
                filter: None,
                ordering: _,
                limit: None,
                offset: 0,
                distinct: false,
                ..
            } => {
                rest.push((op, other.select));
                Source::Compound { first, rest }
            }
            select => Source::Compound {
                first: Box::new(select),
                rest: vec![(op, other.select)],
            },
        };
        combined
    }

    /// The rows of either query set, without duplicates (`UNION`). The result
    /// is a query set again: it takes `order_by`, `filter`, slicing and `count`.
    #[must_use]
    pub fn union(self, other: QuerySet<M>) -> Self {
        self.combine(SetOp::Union, other)
    }

    /// The rows of both query sets, duplicates kept (`UNION ALL`).
    #[must_use]
    pub fn union_all(self, other: QuerySet<M>) -> Self {
        self.combine(SetOp::UnionAll, other)
    }

    /// The rows in both query sets (`INTERSECT`).
    #[must_use]
    pub fn intersection(self, other: QuerySet<M>) -> Self {
        self.combine(SetOp::Intersect, other)
    }

    /// The rows of this query set that are not in `other` (`EXCEPT`).
    #[must_use]
    pub fn difference(self, other: QuerySet<M>) -> Self {
        self.combine(SetOp::Except, other)
    }

    /// The SELECT of every column of `M`, from the prepared constant when it can.
    pub(crate) fn push_model_select<'q>(&'q self, builder: &mut SqlBuilder<'q>) {
        let select = &self.select;
        if matches!(select.source, Source::Table) && !select.distinct {
            builder.push(M::SQL[builder.dialect.index()].select);
            builder.push_where(select.filter.as_ref());
            builder.push_ordering(select);
            builder.push_limit_offset(select.limit, select.offset);
        } else {
            builder.push_select(select, SelectList::Model);
        }
        if let Some(wait) = select.lock {
            builder.push(builder.dialect.row_lock_clause(wait));
        }
    }

    /// The model's build-time select statement, when nothing was added to this
    /// query set that would change it (no filter, ordering, slice, DISTINCT or lock).
    pub(crate) fn fixed_select(&self, dialect: pookie_dialect::Dialect) -> Option<&'static str> {
        let select = &self.select;
        let unordered = match &select.ordering {
            Some(terms) => terms.is_empty(),
            None => select.meta_ordering.is_empty(),
        };
        let plain = matches!(select.source, Source::Table)
            && !select.distinct
            && select.filter.is_none()
            && !select.is_sliced()
            && select.lock.is_none()
            && unordered;
        plain.then(|| M::SQL[dialect.index()].select)
    }

    /// Runs the query: every matching row.
    pub fn all(&self, db: &Db) -> Result<Vec<M>> {
        self.all_rows(db).map(|rows| self.remember_db(rows))
    }

    fn all_rows(&self, db: &Db) -> Result<Vec<M>> {
        if !self.related.is_empty() {
            return crate::relations::all_with_related(self, db);
        }
        let mut connection = db.read_connection(self.alias(), self.select.lock.is_some())?;
        if let Some(sql) = self.fixed_select(connection.dialect()) {
            return connection.query_map(sql, &[], M::from_row);
        }
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        self.push_model_select(&mut builder);
        connection.query_map(&builder.sql, &builder.params, M::from_row)
    }

    /// Runs the query and hands each row to `on_row` as it is read, without
    /// collecting them: memory stays flat however many rows match. The
    /// connection is held until the last row, so `on_row` must not use the
    /// database; return `Ok(false)` to stop early.
    ///
    /// Relations of [`select_related`](Self::select_related) come with each
    /// row; [`prefetch_related`](Self::prefetch_related) needs every row first,
    /// so it is an [`Error::Usage`] here.
    pub fn for_each(&self, db: &Db, mut on_row: impl FnMut(M) -> Result<bool>) -> Result<()> {
        let joins = self.related.joins_for_streaming::<M>()?;
        let mut connection = db.read_connection(self.alias(), self.select.lock.is_some())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        crate::relations::push_select(self, &joins, &mut builder);
        let remembered = self.remembered_db();
        connection.for_each_row(&builder.sql, &builder.params, |row| {
            let mut object: M = crate::relations::read_joined(row, &joins)?;
            object.loaded_mut().set_db_alias(remembered.clone());
            on_row(object)
        })
    }

    /// Loads the rows of the single-valued `path` with each row, in the same
    /// query (LEFT JOINs): `Book::objects().select_related(book::author)`,
    /// or, further, `book::author.then(writer::publisher)`. Each loaded row is
    /// stored in its parent (read it with the relation's accessor, which then
    /// does not query); a parent whose key is NULL holds `None`. Several paths
    /// may be given, one call each; a relation on several of them is joined once.
    ///
    /// A path through a reverse foreign key or a many-to-many relation is a
    /// type error here: use [`prefetch_related`](Self::prefetch_related).
    ///
    /// ```ignore
    /// let books = Book::objects()
    ///     .select_related(book::author.then(writer::publisher))
    ///     .all(&db)?; // one statement
    /// ```
    #[must_use]
    pub fn select_related<E>(mut self, path: impl SingleValued<M, E>) -> Self {
        self.related.select.push(path.into_path().steps);
        self
    }

    /// Loads the rows of `path`, of any relation kind, after the main query:
    /// one more query per relation crossed, each reading the related rows of
    /// all the parents at once (`WHERE key IN (…)`, in chunks the backend
    /// accepts; none at all when there is no key). Each parent holds its
    /// share: `Option<T>` for a single-valued relation, `Vec<T>` (in `T`'s
    /// default ordering) for a many-valued one. Runs on the query set's database.
    ///
    /// It needs every row before it runs, so [`iterator`](Self::iterator) and
    /// [`for_each`](Self::for_each) refuse it.
    ///
    /// ```ignore
    /// let writers = Writer::objects()
    ///     .prefetch_related(writer::book_set)
    ///     .all(&db)?; // two statements, however many writers
    /// ```
    #[must_use]
    pub fn prefetch_related<K: Cardinality, E>(mut self, path: impl Into<Path<M, K, E>>) -> Self {
        self.related.prefetch.push(path.into().steps);
        self
    }

    pub(crate) fn ordered_or_by_pk(mut self) -> Self {
        if !self.select.has_ordering() {
            self.select.ordering = Some(
                M::META
                    .pk_columns
                    .iter()
                    .map(|&column| (OrderKey::Column(column), false))
                    .collect(),
            );
        }
        self
    }

    pub(crate) fn reversed(mut self) -> Self {
        let terms: Vec<(OrderKey, bool)> = match self.select.ordering.take() {
            Some(terms) => terms,
            None => M::META
                .ordering
                .iter()
                .map(|term| (OrderKey::Column(term.column), term.descending))
                .collect(),
        };
        self.select.ordering = Some(
            terms
                .into_iter()
                .map(|(key, descending)| (key, !descending))
                .collect(),
        );
        self
    }

    /// The first matching row in this query set's ordering (the primary key when
    /// it has none), or `None`.
    pub fn first(&self, db: &Db) -> Result<Option<M>> {
        let first = self.clone().ordered_or_by_pk().slice(..1);
        Ok(first.all(db)?.pop())
    }

    /// The last matching row in this query set's ordering (the primary key when
    /// it has none), or `None`.
    pub fn last(&self, db: &Db) -> Result<Option<M>> {
        if self.select.is_sliced() {
            // The last row of a slice: read the slice, keep its end.
            return Ok(self.clone().ordered_or_by_pk().all(db)?.pop());
        }
        let last = self.clone().ordered_or_by_pk().reversed().limit(1);
        Ok(last.all(db)?.pop())
    }

    /// The row with the smallest value of `by` ([`Error::DoesNotExist`] when
    /// there is no row).
    pub fn earliest(&self, db: &Db, by: OrderBy<M>) -> Result<M> {
        self.extreme(db, by, false)
    }

    /// The row with the largest value of `by` ([`Error::DoesNotExist`] when
    /// there is no row).
    pub fn latest(&self, db: &Db, by: OrderBy<M>) -> Result<M> {
        self.extreme(db, by, true)
    }

    fn extreme(&self, db: &Db, by: OrderBy<M>, largest: bool) -> Result<M> {
        let descending = by.descending != largest;
        let query = self
            .clone()
            .order_by([OrderBy::new(by.key, descending)])
            .limit(1);
        query.all(db)?.pop().ok_or_else(|| self.does_not_exist())
    }

    /// The [`Error::DoesNotExist`] of this query set: names its columns, hides
    /// its values.
    pub(crate) fn does_not_exist(&self) -> Error {
        let columns = self
            .select
            .filter
            .as_ref()
            .map_or_else(|| "no filter".to_owned(), |filter| filter.columns());
        Error::does_not_exist(M::META.name, columns, self.describe_filter())
    }

    pub(crate) fn describe_filter(&self) -> String {
        self.select
            .filter
            .as_ref()
            .map_or_else(|| "no filter".to_owned(), ToString::to_string)
    }

    /// The one row matching `q` within this query set: [`Error::DoesNotExist`]
    /// when there is none, [`Error::MultipleObjectsReturned`] when there are several.
    pub fn get(&self, db: &Db, q: Q<M>) -> Result<M> {
        self.get_inner(db, q)
    }

    /// The one row matching `q`, `None` when there is none, and
    /// [`Error::MultipleObjectsReturned`] when there are several.
    pub fn get_or_none(&self, db: &Db, q: Q<M>) -> Result<Option<M>> {
        match self.get_inner(db, q) {
            Err(Error::DoesNotExist { .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    pub(crate) fn get_inner(&self, db: &Db, q: Q<M>) -> Result<M> {
        self.get_with(db, q, |probe, db| probe.all(db))
    }

    /// `get`, reading the rows of a query set with `read` (whole instances, or
    /// partial ones).
    pub(crate) fn get_with<T>(
        &self,
        db: &Db,
        q: Q<M>,
        read: impl FnOnce(&QuerySet<M>, &Db) -> Result<Vec<T>>,
    ) -> Result<T> {
        let (scoped, probe) = self.get_probe(q);
        let rows = read(&probe, db)?;
        match scoped.single_row(rows) {
            Ok(row) => Ok(row),
            Err(None) => Err(Error::MultipleObjectsReturned {
                model: M::META.name,
                count: scoped.count(db)?,
            }),
            Err(Some(error)) => Err(error),
        }
    }

    /// The query sets `get(q)` reads through: every row matching `q`, and
    /// at most `GET_READ_LIMIT` of them, unordered.
    pub(crate) fn get_probe(&self, q: Q<M>) -> (QuerySet<M>, QuerySet<M>) {
        let scoped = self.clone().filter(q);
        let mut probe = scoped.clone();
        probe.select.ordering = Some(Vec::new());
        if probe
            .select
            .limit
            .is_none_or(|limit| limit > GET_READ_LIMIT)
        {
            probe.select.limit = Some(GET_READ_LIMIT);
        }
        (scoped, probe)
    }

    /// What `get` makes of the rows its probe read (this query set being the
    /// scoped one): the one row, or the error — `Err(None)` when there were
    /// too many to know how many without counting them.
    pub(crate) fn single_row<T>(&self, mut rows: Vec<T>) -> std::result::Result<T, Option<Error>> {
        match rows.len() {
            1 => Ok(rows.remove(0)),
            0 => Err(Some(self.does_not_exist())),
            read if (read as u64) < GET_READ_LIMIT => Err(Some(Error::MultipleObjectsReturned {
                model: M::META.name,
                count: read as u64,
            })),
            _ => Err(None),
        }
    }

    /// How many rows match.
    pub fn count(&self, db: &Db) -> Result<u64> {
        let mut connection = db.read_connection(self.alias(), false)?;
        let inner = self.select.counted_inner();
        let builder = self.count_sql(connection.dialect(), inner.as_ref());
        let count =
            connection.query_first(&builder.sql, &builder.params, |row| row.get::<i64>(0))?;
        Ok(count.unwrap_or(0).max(0) as u64)
    }

    /// `SELECT COUNT(*)` of the rows; `inner` is `self.select.counted_inner()`.
    pub(crate) fn count_sql<'q>(
        &'q self,
        dialect: pookie_dialect::Dialect,
        inner: Option<&'q Select>,
    ) -> SqlBuilder<'q> {
        let mut builder = SqlBuilder::new(dialect, "SELECT COUNT(*) FROM ");
        builder.push_counted(&self.select, inner);
        builder
    }

    /// True when at least one row matches (cheaper than `count() > 0`).
    pub fn exists(&self, db: &Db) -> Result<bool> {
        let mut connection = db.read_connection(self.alias(), self.select.lock.is_some())?;
        let probe = self.exists_probe();
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(&probe, SelectList::One);
        let found = connection.query_first(&builder.sql, &builder.params, |_| Ok(()))?;
        Ok(found.is_some())
    }

    /// The select `exists` runs: unordered, one row at most.
    pub(crate) fn exists_probe(&self) -> Select {
        let mut probe = self.select.clone();
        probe.ordering = Some(Vec::new());
        probe.limit = Some(probe.limit.map_or(1, |limit| limit.min(1)));
        probe
    }

    /// Sets columns on every matching row in one statement; returns how many
    /// rows changed. Values may be expressions computed per row:
    /// `post::view_count.set_expr(F(post::view_count) + 1)`.
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
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        self.push_update(&mut builder, &assignments);
        connection.execute(&builder.sql, &builder.params)
    }

    /// `UPDATE … SET <assignments> WHERE <this query set's rows>`.
    pub(crate) fn push_update<'q>(
        &'q self,
        builder: &mut SqlBuilder<'q>,
        assignments: &'q [Assignment<M>],
    ) {
        builder.push("UPDATE ");
        builder.push_ident(M::META.table);
        for (index, assignment) in assignments.iter().enumerate() {
            builder.push(if index == 0 { " SET " } else { ", " });
            builder.push_ident(assignment.column);
            builder.push(" = ");
            builder.push_expr(&assignment.value);
        }
        self.push_row_selection(builder);
    }

    /// Deletes every matching row in one statement; returns how many were
    /// deleted (not counting rows the database cascades to).
    ///
    /// When rows point at one of them (or at rows the delete cascades to)
    /// with `on_delete = PROTECT`, nothing is deleted and the error is
    /// [`Error::Protected`] naming them; the check and the delete then share a
    /// transaction.
    pub fn delete(&self, db: &Db) -> Result<u64> {
        let rows = || Cow::Borrowed(&self.select);
        crate::relations::delete_checked(db, self.alias(), &M::META, rows, |db| {
            let mut connection = db.connection(self.alias())?;
            let mut builder = SqlBuilder::new(connection.dialect(), "");
            self.push_delete(&mut builder);
            connection.execute(&builder.sql, &builder.params)
        })
    }

    /// `DELETE FROM … WHERE <this query set's rows>`.
    pub(crate) fn push_delete<'q>(&'q self, builder: &mut SqlBuilder<'q>) {
        builder.push("DELETE FROM ");
        builder.push_ident(M::META.table);
        self.push_row_selection(builder);
    }

    /// The WHERE of an UPDATE or DELETE (see [`SqlBuilder::push_row_selection`]).
    fn push_row_selection<'q>(&'q self, builder: &mut SqlBuilder<'q>) {
        builder.push_row_selection(&self.select, M::META.table, M::META.pk_columns);
    }

    /// Inserts a new row from a complete insert form and returns it, with the
    /// primary key and every default filled in.
    pub fn create(&self, db: &Db, form: impl Insert<Model = M>) -> Result<M> {
        let mut object = form.into_model(crate::ops::now_for::<M>());
        object.loaded_mut().set_db_alias(self.remembered_db());
        crate::ops::insert(db, self.alias(), object)
    }

    /// The row at position `n` (from 0) in this query set's ordering (the
    /// primary key when it has none), or `None` when there are fewer rows:
    /// Django's `qs[n]`, with one `LIMIT 1 OFFSET n` query.
    pub fn nth(&self, db: &Db, n: u64) -> Result<Option<M>> {
        let nth = self.clone().ordered_or_by_pk().slice(n..=n);
        Ok(nth.all(db)?.pop())
    }
}
