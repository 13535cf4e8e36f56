//! [`QuerySet::iterator`]: the rows of a query set as a Rust iterator that
//! reads them from the open statement one at a time.

use std::marker::PhantomData;

use super::compile::SqlBuilder;
use super::queryset::QuerySet;
use crate::db::{Db, OwnedRows};
use crate::error::Result;
use crate::model::Model;
use crate::relations::{push_select, read_joined, JoinNode};

/// The rows of a query set, read one by one from the open statement (see
/// [`QuerySet::iterator`]). Each item is a `Result`: a row that fails to
/// decode, or a database error while reading, ends the iteration.
///
/// The iterator holds its database connection until it is dropped.
pub struct ModelIter<'db, M> {
    rows: OwnedRows<'db>,
    joins: Vec<JoinNode>,
    remembered: Option<std::sync::Arc<str>>,
    marker: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for ModelIter<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelIter").finish_non_exhaustive()
    }
}

impl<M: Model> Iterator for ModelIter<'_, M> {
    type Item = Result<M>;

    fn next(&mut self) -> Option<Result<M>> {
        let joins = &self.joins;
        let remembered = &self.remembered;
        self.rows.next_with(|row| {
            let mut object: M = read_joined(row, joins)?;
            object.loaded_mut().set_db_alias(remembered.clone());
            Ok(object)
        })
    }
}

impl<M: Model> QuerySet<M> {
    /// Runs the query and returns its rows as an iterator that reads them from
    /// the open statement as they are asked for: memory stays flat however
    /// many rows match.
    ///
    /// The iterator holds a database connection until it is dropped. Inside a
    /// transaction that is the transaction's connection: running another
    /// query through the same handle while the iterator lives is an
    /// [`Error::Usage`](crate::Error::Usage) (on another thread it waits).
    /// Outside a transaction it is a pooled connection, so other queries take
    /// another one from the pool (and wait when the pool is exhausted).
    ///
    /// Relations of [`select_related`](Self::select_related) come with each
    /// row; [`prefetch_related`](Self::prefetch_related) needs every row
    /// first, so it is an [`Error::Usage`](crate::Error::Usage) here.
    ///
    /// ```ignore
    /// for author in Author::objects().filter(author::active.eq(true)).iterator(&db)? {
    ///     let author = author?;
    ///     println!("{}", author.name);
    /// }
    /// ```
    pub fn iterator<'db>(&self, db: &'db Db) -> Result<ModelIter<'db, M>> {
        let joins = self.related.joins_for_streaming::<M>()?;
        let dialect = db.dialect_of(self.alias())?;
        let mut builder = SqlBuilder::new(dialect, "");
        push_select(self, &joins, &mut builder);
        let locks_rows = self.select.lock.is_some();
        let rows = db.stream(self.alias(), &builder.sql, &builder.params, locks_rows)?;
        Ok(ModelIter {
            rows,
            joins,
            remembered: self.remembered_db(),
            marker: PhantomData,
        })
    }
}
