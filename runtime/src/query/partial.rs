//! `only` / `defer`: query sets that load some columns of each row, yielding
//! [`Partial`] instances.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use super::column::{Column, OrderBy};
use super::compile::SqlBuilder;
use super::condition::Q;
use super::deferred::Partial;
use super::queryset::QuerySet;
use super::select::SelectList;
use crate::db::{Db, OwnedRows};
use crate::error::Result;
use crate::model::Model;

/// Columns of model `M` for [`QuerySet::only`] and [`QuerySet::defer`]: one
/// column handle, or a tuple of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of columns of `{M}`",
    label = "expected a column of `{M}`, or a tuple of them",
    note = "`only` and `defer` take column handles of the query set's own model"
)]
pub trait Columns<M> {
    /// Appends the column names.
    #[doc(hidden)]
    fn push_names(&self, out: &mut Vec<&'static str>);
}

impl<M, T> Columns<M> for Column<M, T> {
    fn push_names(&self, out: &mut Vec<&'static str>) {
        out.push(self.name());
    }
}

macro_rules! tuple_columns {
    ($($name:ident),+) => {
        impl<M, $($name: Columns<M>),+> Columns<M> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn push_names(&self, out: &mut Vec<&'static str>) {
                let ($($name,)+) = self;
                $($name.push_names(out);)+
            }
        }
    };
}

tuple_columns!(A);
tuple_columns!(A, B);
tuple_columns!(A, B, C);
tuple_columns!(A, B, C, D);
tuple_columns!(A, B, C, D, E);
tuple_columns!(A, B, C, D, E, G);
tuple_columns!(A, B, C, D, E, G, H);
tuple_columns!(A, B, C, D, E, G, H, I);
tuple_columns!(A, B, C, D, E, G, H, I, J);
tuple_columns!(A, B, C, D, E, G, H, I, J, K);
tuple_columns!(A, B, C, D, E, G, H, I, J, K, L);
tuple_columns!(A, B, C, D, E, G, H, I, J, K, L, N);

fn names_of<M>(columns: &impl Columns<M>) -> Vec<&'static str> {
    let mut names = Vec::new();
    columns.push_names(&mut names);
    names
}

/// Which columns of `M` a partial query loads, by position in
/// [`ModelMeta::columns`](crate::ModelMeta::columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoadedColumns {
    pub(crate) loaded: Arc<Vec<bool>>,
}

impl LoadedColumns {
    /// The columns `M` always loads: the primary key, and a non-null JSON
    /// field, which has no placeholder value when it has a schema type.
    fn required<M: Model>() -> Vec<bool> {
        M::META
            .fields
            .iter()
            .map(|field| field.primary_key || (field.field_type == "JSONField" && !field.null))
            .collect()
    }

    fn only<M: Model>(names: &[&'static str]) -> Self {
        let mut loaded = Self::required::<M>();
        for (slot, column) in loaded.iter_mut().zip(M::META.columns) {
            *slot |= names.contains(column);
        }
        LoadedColumns {
            loaded: Arc::new(loaded),
        }
    }

    fn defer<M: Model>(&self, names: &[&'static str]) -> Self {
        let required = Self::required::<M>();
        let loaded = self
            .loaded
            .iter()
            .zip(M::META.columns)
            .zip(required)
            .map(|((&loaded, column), required)| required || (loaded && !names.contains(column)))
            .collect();
        LoadedColumns {
            loaded: Arc::new(loaded),
        }
    }

    fn every<M: Model>() -> Self {
        LoadedColumns {
            loaded: Arc::new(vec![true; M::META.columns.len()]),
        }
    }

    /// The loaded column names, in `META.columns` order.
    fn names<M: Model>(&self) -> Vec<&'static str> {
        super::deferred::loaded_names(M::META.columns, &self.loaded).collect()
    }

    /// The row index of each column of `M`, or `None` where it is not loaded.
    fn indices(&self) -> Vec<Option<usize>> {
        let mut next = 0;
        self.loaded
            .iter()
            .map(|&loaded| {
                loaded.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    }
}

/// A query set that loads only some columns of each row (see
/// [`QuerySet::only`] and [`QuerySet::defer`]); its rows are [`Partial`]
/// instances. It takes the same filters, ordering and slicing as a query set.
pub struct PartialQuerySet<M> {
    queryset: QuerySet<M>,
    columns: LoadedColumns,
}

impl<M> Clone for PartialQuerySet<M> {
    fn clone(&self) -> Self {
        PartialQuerySet {
            queryset: self.queryset.clone(),
            columns: self.columns.clone(),
        }
    }
}

impl<M: Model> std::fmt::Debug for PartialQuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartialQuerySet")
            .field("queryset", &self.queryset)
            .field("columns", &self.columns.names::<M>())
            .finish()
    }
}

impl<M: Model> QuerySet<M> {
    /// Loads only `columns` (one column handle or a tuple of them) and the
    /// primary key of each row, as PookieDB's `only`; the rows are
    /// [`Partial`] instances whose other fields cannot be read until
    /// [`load`](Partial::load)ed. A non-null JSON field is always loaded too.
    ///
    /// ```ignore
    /// for post in Post::objects().only((post::title, post::view_count)).all(&db)? {
    ///     println!("{}: {}", post.get(post::title)?, post.get(post::view_count)?);
    /// }
    /// ```
    pub fn only(self, columns: impl Columns<M>) -> PartialQuerySet<M> {
        PartialQuerySet {
            queryset: self,
            columns: LoadedColumns::only::<M>(&names_of(&columns)),
        }
    }

    /// Loads every column but `columns` (one column handle or a tuple of
    /// them), as PookieDB's `defer`; the primary key is always loaded.
    ///
    /// ```ignore
    /// let posts = Post::objects().defer(post::body).all(&db)?;
    /// assert!(posts[0].get(post::body).is_err());
    /// ```
    pub fn defer(self, columns: impl Columns<M>) -> PartialQuerySet<M> {
        PartialQuerySet {
            queryset: self,
            columns: LoadedColumns::every::<M>().defer::<M>(&names_of(&columns)),
        }
    }
}

impl<M: Model> PartialQuerySet<M> {
    fn map(mut self, change: impl FnOnce(QuerySet<M>) -> QuerySet<M>) -> Self {
        self.queryset = change(self.queryset);
        self
    }

    /// Loads only `columns` and the primary key, replacing the earlier choice.
    pub fn only(self, columns: impl Columns<M>) -> Self {
        self.queryset.only(columns)
    }

    /// Also leaves out `columns`.
    pub fn defer(mut self, columns: impl Columns<M>) -> Self {
        self.columns = self.columns.defer::<M>(&names_of(&columns));
        self
    }

    /// The same columns of the rows of the whole [`QuerySet`] again.
    pub fn all_columns(self) -> QuerySet<M> {
        self.queryset
    }

    /// As [`QuerySet::filter`].
    #[must_use]
    pub fn filter(self, q: Q<M>) -> Self {
        self.map(|qs| qs.filter(q))
    }

    /// As [`QuerySet::exclude`].
    #[must_use]
    pub fn exclude(self, q: Q<M>) -> Self {
        self.map(|qs| qs.exclude(q))
    }

    /// As [`QuerySet::order_by`].
    #[must_use]
    pub fn order_by(self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.map(|qs| qs.order_by(terms))
    }

    /// As [`QuerySet::distinct`].
    #[must_use]
    pub fn distinct(self) -> Self {
        self.map(QuerySet::distinct)
    }

    /// As [`QuerySet::limit`].
    #[must_use]
    pub fn limit(self, n: u64) -> Self {
        self.map(|qs| qs.limit(n))
    }

    /// As [`QuerySet::offset`].
    #[must_use]
    pub fn offset(self, n: u64) -> Self {
        self.map(|qs| qs.offset(n))
    }

    /// As [`QuerySet::slice`].
    #[must_use]
    pub fn slice(self, range: impl std::ops::RangeBounds<u64>) -> Self {
        self.map(|qs| qs.slice(range))
    }

    /// As [`QuerySet::using`].
    #[must_use]
    pub fn using(self, alias: impl Into<Cow<'static, str>>) -> Self {
        self.map(|qs| qs.using(alias))
    }

    /// The loaded column names, in the model's column order.
    pub fn loaded_columns(&self) -> Vec<&'static str> {
        self.columns.names::<M>()
    }

    /// The SELECT of the loaded columns.
    fn push_select<'q>(&'q self, builder: &mut SqlBuilder<'q>, names: &'q [&'static str]) {
        let select = &self.queryset.select;
        builder.push_select(select, SelectList::Columns(names));
        if let Some(wait) = select.lock {
            builder.push(builder.dialect.row_lock_clause(wait));
        }
    }

    /// Runs the query: every matching row, partially loaded.
    pub fn all(&self, db: &Db) -> Result<Vec<Partial<M>>> {
        let names = self.columns.names::<M>();
        let indices = self.columns.indices();
        let mut connection =
            db.read_connection(self.queryset.alias(), self.queryset.select.lock.is_some())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        self.push_select(&mut builder, &names);
        connection.query_map(&builder.sql, &builder.params, |row| {
            Ok(Partial::new(
                M::from_partial_row(row, &indices)?,
                Arc::clone(&self.columns.loaded),
                self.queryset.alias.clone(),
            ))
        })
    }

    /// The first matching row in this query set's ordering (the primary key
    /// when it has none), or `None`.
    pub fn first(&self, db: &Db) -> Result<Option<Partial<M>>> {
        let first = self.clone().map(|qs| qs.ordered_or_by_pk().slice(..1));
        Ok(first.all(db)?.pop())
    }

    /// The last matching row in this query set's ordering (the primary key
    /// when it has none), or `None`.
    pub fn last(&self, db: &Db) -> Result<Option<Partial<M>>> {
        if self.queryset.select.is_sliced() {
            return Ok(self.clone().map(QuerySet::ordered_or_by_pk).all(db)?.pop());
        }
        let last = self
            .clone()
            .map(|qs| qs.ordered_or_by_pk().reversed().limit(1));
        Ok(last.all(db)?.pop())
    }

    /// The one row matching `q`: [`Error::DoesNotExist`](crate::Error::DoesNotExist)
    /// when there is none, [`Error::MultipleObjectsReturned`](crate::Error::MultipleObjectsReturned)
    /// when there are several.
    pub fn get(&self, db: &Db, q: Q<M>) -> Result<Partial<M>> {
        let columns = &self.columns;
        self.queryset.get_with(db, q, |probe, db| {
            PartialQuerySet {
                queryset: probe.clone(),
                columns: columns.clone(),
            }
            .all(db)
        })
    }

    /// How many rows match.
    pub fn count(&self, db: &Db) -> Result<u64> {
        self.queryset.count(db)
    }

    /// True when at least one row matches.
    pub fn exists(&self, db: &Db) -> Result<bool> {
        self.queryset.exists(db)
    }

    /// Runs the query and returns its rows as an iterator that reads them
    /// from the open statement one at a time, as [`QuerySet::iterator`].
    pub fn iterator<'db>(&self, db: &'db Db) -> Result<PartialIter<'db, M>> {
        let names = self.columns.names::<M>();
        let mut builder = SqlBuilder::new(db.dialect_of(self.queryset.alias())?, "");
        self.push_select(&mut builder, &names);
        let alias = self.queryset.alias();
        let locks_rows = self.queryset.select.lock.is_some();
        let rows = db.stream(alias, &builder.sql, &builder.params, locks_rows)?;
        Ok(PartialIter {
            rows,
            indices: self.columns.indices(),
            loaded: Arc::clone(&self.columns.loaded),
            alias: self.queryset.alias.clone(),
            marker: PhantomData,
        })
    }
}

/// The rows of a [`PartialQuerySet`], read one by one from the open statement
/// (see [`PartialQuerySet::iterator`]).
pub struct PartialIter<'db, M> {
    rows: OwnedRows<'db>,
    indices: Vec<Option<usize>>,
    loaded: Arc<Vec<bool>>,
    alias: Option<Cow<'static, str>>,
    marker: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for PartialIter<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartialIter").finish_non_exhaustive()
    }
}

impl<M: Model> Iterator for PartialIter<'_, M> {
    type Item = Result<Partial<M>>;

    fn next(&mut self) -> Option<Result<Partial<M>>> {
        let indices = &self.indices;
        let loaded = &self.loaded;
        let alias = &self.alias;
        self.rows.next_with(|row| {
            Ok(Partial::new(
                M::from_partial_row(row, indices)?,
                Arc::clone(loaded),
                alias.clone(),
            ))
        })
    }
}
