//! [`RelatedSet`]: the rows of another model whose foreign key points at one
//! instance (`author.posts()`), Django's reverse related manager.

use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::query::{CmpOp, ColumnRef, Cond, OrderBy, QuerySet, Q};
use crate::value::Param;

use super::handles::Reverse;

/// The reading methods the two related managers share; each defines
/// `query()` and `loaded()`.
macro_rules! reading_api {
    () => {
        /// The related rows matching `q`, as a query set. It always queries,
        /// even when the rows were prefetched.
        #[must_use]
        pub fn filter(&self, q: Q<T>) -> QuerySet<T> {
            self.query().filter(q)
        }

        /// The related rows not matching `q`, as a query set.
        #[must_use]
        pub fn exclude(&self, q: Q<T>) -> QuerySet<T> {
            self.query().exclude(q)
        }

        /// The related rows in this order, as a query set.
        #[must_use]
        pub fn order_by(&self, terms: impl IntoIterator<Item = OrderBy<T>>) -> QuerySet<T> {
            self.query().order_by(terms)
        }

        /// Every related row: the prefetched ones when there are, without a
        /// query, else one query (in `T`'s default ordering).
        pub fn all(&self, db: &Db) -> Result<Vec<T>> {
            match self.loaded() {
                Some(rows) => Ok(rows.to_vec()),
                None => self.query().all(db),
            }
        }

        /// How many related rows there are (counted from the prefetched ones
        /// when there are).
        pub fn count(&self, db: &Db) -> Result<u64> {
            match self.loaded() {
                Some(rows) => Ok(rows.len() as u64),
                None => self.query().count(db),
            }
        }

        /// True when there is at least one related row.
        pub fn exists(&self, db: &Db) -> Result<bool> {
            match self.loaded() {
                Some(rows) => Ok(!rows.is_empty()),
                None => self.query().exists(db),
            }
        }

        /// The first related row: of the prefetched ones, in the order they
        /// were loaded; else in `T`'s default ordering (the primary key when it
        /// has none).
        pub fn first(&self, db: &Db) -> Result<Option<T>> {
            match self.loaded() {
                Some(rows) => Ok(rows.first().cloned()),
                None => self.query().first(db),
            }
        }
    };
}

pub(super) use reading_api;

/// The condition "`table.column` equals `key`"; nothing matches a NULL key
/// (an unsaved instance has no related rows).
pub(super) fn key_cond(
    table: &'static str,
    column: &'static str,
    nullable: bool,
    key: Param<'_>,
) -> Cond {
    let column = ColumnRef {
        table,
        name: column,
        nullable,
    };
    if key == Param::Null {
        return Cond::In {
            column,
            values: Vec::new(),
        };
    }
    Cond::Compare {
        column,
        op: CmpOp::Eq,
        value: key.into_owned(),
    }
}

/// `query` on the database `this` came from, when it remembers one.
pub(super) fn on_db_of<M: Model, T: Model>(this: &M, query: QuerySet<T>) -> QuerySet<T> {
    match this.loaded().db_alias() {
        Some(alias) => query.using(alias.to_owned()),
        None => query,
    }
}

/// The rows of `T` whose foreign key points at one `M` (the reverse side of
/// `T`'s `ForeignKey`): `author.posts()`.
///
/// Reading methods that take the database answer from the rows prefetched
/// into the instance (`prefetch_related`) when there are, without a query;
/// those rows are a snapshot taken when the instance was read, as in Django.
/// `filter`, `exclude`, `order_by` and `query` build a query set of `T`.
///
/// ```ignore
/// let published = author.posts().filter(post::published.eq(true)).count(&db)?;
/// for post in author.posts().all(&db)? { println!("{}", post.title); }
/// ```
pub struct RelatedSet<'a, M, T> {
    this: &'a M,
    relation: Reverse<M, T>,
}

impl<'a, M: Model, T: Model + Clone> RelatedSet<'a, M, T> {
    /// The rows of `relation` pointing at `this`. Generated accessors
    /// (`author.posts()`) call it.
    pub fn new(this: &'a M, relation: Reverse<M, T>) -> Self {
        RelatedSet { this, relation }
    }

    /// Every related row, as a query set of `T` (`T` rows whose foreign key
    /// equals this instance's referenced column).
    pub fn query(&self) -> QuerySet<T> {
        let meta = self.relation.meta();
        let key = self.this.column_param(meta.column_index);
        let query = QuerySet::new().filter(Q::new(key_cond(
            T::META.table,
            meta.target_column,
            meta.nullable,
            key,
        )));
        on_db_of(self.this, query)
    }

    /// The rows prefetched into the instance for this relation, if any.
    pub fn loaded(&self) -> Option<&'a [T]> {
        self.this
            .loaded()
            .get::<Vec<T>>(self.relation.index())
            .map(Vec::as_slice)
    }

    reading_api!();
}

impl<M: Model, T> std::fmt::Debug for RelatedSet<'_, M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelatedSet")
            .field("relation", &self.relation)
            .field(
                "key",
                &self.this.column_param(self.relation.meta().column_index),
            )
            .finish()
    }
}
