//! Pagination: numbered pages ([`Paginator`], as in Django) and keyset
//! (cursor) pages for large tables ([`QuerySet::keyset_page`]).

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use super::column::{Column, FieldType, OrderKey};
use super::compile::SqlBuilder;
use super::queryset::QuerySet;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::row::FromSql;
use crate::value::{IntoField, Param};

/// Splits a query set into numbered pages of `per_page` rows. As in Django,
/// the rows are counted lazily, once, by the first call that needs the count
/// (`count`, `num_pages`, `page_range`, `page`); give the query set an
/// ordering so that pages do not overlap.
///
/// ```ignore
/// let paginator = Paginator::new(Post::objects().order_by([post::id.asc()]), 20)?;
/// let page = paginator.page(&db, 1)?;
/// assert!(page.has_next());
/// assert_eq!(paginator.num_pages(&db)?, 3); // counted once, by `page`
/// ```
#[derive(Clone)]
pub struct Paginator<M> {
    queryset: QuerySet<M>,
    per_page: u64,
    count: OnceLock<u64>,
}

impl<M: Model> std::fmt::Debug for Paginator<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("queryset", &self.queryset)
            .field("per_page", &self.per_page)
            .field("count", &self.count.get())
            .finish()
    }
}

impl<M: Model> Paginator<M> {
    /// Pages of `per_page` rows of `queryset` (at least 1); nothing runs yet.
    pub fn new(queryset: QuerySet<M>, per_page: u64) -> Result<Self> {
        if per_page == 0 {
            return Err(Error::usage("a Paginator needs at least one row per page"));
        }
        Ok(Paginator {
            queryset,
            per_page,
            count: OnceLock::new(),
        })
    }

    /// How many rows the query set has, counted on the first call only.
    pub fn count(&self, db: &Db) -> Result<u64> {
        if let Some(count) = self.count.get() {
            return Ok(*count);
        }
        let count = self.queryset.count(db)?;
        Ok(*self.count.get_or_init(|| count))
    }

    /// How many pages there are; 1 when there is no row (an empty first page).
    pub fn num_pages(&self, db: &Db) -> Result<u64> {
        Ok(self.count(db)?.div_ceil(self.per_page).max(1))
    }

    /// The page numbers, from 1.
    pub fn page_range(&self, db: &Db) -> Result<RangeInclusive<u64>> {
        Ok(1..=self.num_pages(db)?)
    }

    /// Page `number` (from 1); a number outside [`page_range`](Self::page_range)
    /// is an [`Error::Usage`] saying which pages exist.
    pub fn page(&self, db: &Db, number: u64) -> Result<Page<M>> {
        let num_pages = self.num_pages(db)?;
        if number == 0 || number > num_pages {
            return Err(Error::usage(format!(
                "page {number} does not exist: pages run from 1 to {num_pages}"
            )));
        }
        let start = (number - 1) * self.per_page;
        let object_list = self
            .queryset
            .clone()
            .slice(start..start + self.per_page)
            .all(db)?;
        Ok(Page {
            object_list,
            number,
            num_pages,
        })
    }
}

/// One page of a [`Paginator`].
#[derive(Debug, Clone)]
pub struct Page<M> {
    /// The rows of the page.
    pub object_list: Vec<M>,
    /// The page number, from 1.
    pub number: u64,
    num_pages: u64,
}

impl<M> Page<M> {
    /// True when a page follows this one.
    pub fn has_next(&self) -> bool {
        self.number < self.num_pages
    }

    /// True when a page precedes this one.
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    /// The number of the next page; an error on the last page.
    pub fn next_page_number(&self) -> Result<u64> {
        if self.has_next() {
            Ok(self.number + 1)
        } else {
            Err(Error::usage(format!(
                "page {} is the last page: there is no next page",
                self.number
            )))
        }
    }

    /// The number of the previous page; an error on the first page.
    pub fn previous_page_number(&self) -> Result<u64> {
        if self.has_previous() {
            Ok(self.number - 1)
        } else {
            Err(Error::usage(
                "page 1 is the first page: there is no previous page",
            ))
        }
    }
}

/// One page of a keyset (cursor) pagination: its rows and the cursor of the
/// next page, `None` on the last.
#[derive(Debug, Clone)]
pub struct KeysetPage<M, K> {
    /// The rows of the page.
    pub object_list: Vec<M>,
    /// Pass it as `after` to get the next page.
    pub next_cursor: Option<K>,
}

impl<M: Model> QuerySet<M> {
    /// The `size` rows that follow `after` in ascending order of `key`, a
    /// unique column (usually the primary key): each page costs the same
    /// however deep it is, unlike OFFSET, and rows inserted meanwhile do not
    /// shift later pages.
    ///
    /// ```ignore
    /// let mut cursor = None;
    /// loop {
    ///     let page = Post::objects().keyset_page(&db, post::id, cursor, 100)?;
    ///     // … page.object_list …
    ///     match page.next_cursor { Some(next) => cursor = Some(next), None => break }
    /// }
    /// ```
    pub fn keyset_page<T>(
        &self,
        db: &Db,
        key: Column<M, T>,
        after: Option<T>,
        size: u64,
    ) -> Result<KeysetPage<M, T>>
    where
        T: FieldType<Inner = T> + FromSql + Clone,
        T: IntoField<T> + Into<Param<'static>>,
    {
        let mut query = self.clone();
        if let Some(after) = after {
            query = query.filter(key.gt(after));
        }
        query.select.ordering = Some(vec![(OrderKey::Column(key.name()), false)]);
        query.select.limit = Some(size.saturating_add(1));
        query.select.offset = 0;
        let mut connection = db.read_connection(self.alias(), query.select.lock.is_some())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "SELECT ");
        let select = &query.select;
        builder.push_model_columns(select.table, select.columns, select.text_columns);
        builder.push(", ");
        builder.push_column(&key.column_ref());
        builder.push(" FROM ");
        builder.push_source(select);
        builder.push_where(select.filter.as_ref());
        builder.push_ordering(select);
        builder.push_limit_offset(select.limit, select.offset);
        let width = M::META.columns.len();
        let mut rows = connection.query_map(&builder.sql, &builder.params, |row| {
            Ok((M::from_row(row)?, row.get::<T>(width)?))
        })?;
        let next_cursor = if rows.len() as u64 > size {
            rows.truncate(size as usize);
            rows.last().map(|(_, key)| key.clone())
        } else {
            None
        };
        Ok(KeysetPage {
            object_list: rows.into_iter().map(|(object, _)| object).collect(),
            next_cursor,
        })
    }
}
