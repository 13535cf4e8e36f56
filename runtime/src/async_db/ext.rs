//! The awaited forms of the synchronous API (djanorm's `a*` methods): a
//! query set's terminal methods, a model instance's, an insert form's. On
//! PostgreSQL outside transactions the common ones run on the async driver
//! with the synchronous method's SQL; the others — and every method on
//! SQLite — run the synchronous method, unchanged, through
//! [`AsyncDb::run`], on a copy of the query set, instance or form. Every
//! future is `Send`.

use std::future::Future;

use super::{AsyncDb, ModelStream};
use crate::db::Db;
use crate::db::NativePool;
use crate::error::{Error, Result};
use crate::model::{Insert, Model};
use crate::query::compile::SqlBuilder;
use crate::query::select::SelectList;
use crate::query::{Assignment, Page, Paginator, Projection, QuerySet, ValuesQuery, Q};
use crate::validation::{unique_lookups, ValidationError};
use crate::Dialect;

/// Query sets awaited (the synchronous method of the same name without the `a`).
impl<M: Model> QuerySet<M> {
    /// Every row (see [`QuerySet::all`]).
    pub async fn aall(&self, adb: &AsyncDb) -> Result<Vec<M>> {
        if self.related.is_empty() && self.select.lock.is_none() {
            if let Some(native) = adb.native_reader(self.alias()) {
                let rows = match self.fixed_select(Dialect::Postgres) {
                    Some(sql) => native.query_map(sql, &[], M::from_row).await?,
                    None => {
                        let mut builder = SqlBuilder::new(Dialect::Postgres, "");
                        self.push_model_select(&mut builder);
                        native
                            .query_map(&builder.sql, &builder.params, M::from_row)
                            .await?
                    }
                };
                return Ok(self.remember_db(rows));
            }
        }
        let query = self.clone();
        adb.run(move |db| query.all(db)).await
    }

    /// The first row, if any (see [`QuerySet::first`]).
    pub async fn afirst(&self, adb: &AsyncDb) -> Result<Option<M>> {
        let first = self.clone().ordered_or_by_pk().slice(..1);
        Ok(first.aall(adb).await?.pop())
    }

    /// The last row, if any (see [`QuerySet::last`]).
    pub async fn alast(&self, adb: &AsyncDb) -> Result<Option<M>> {
        let last = if self.select.is_sliced() {
            self.clone().ordered_or_by_pk()
        } else {
            self.clone().ordered_or_by_pk().reversed().limit(1)
        };
        Ok(last.aall(adb).await?.pop())
    }

    /// The one row matching `q` (see [`QuerySet::get`]).
    pub async fn aget(&self, adb: &AsyncDb, q: Q<M>) -> Result<M> {
        let (scoped, probe) = self.get_probe(q);
        let rows = probe.aall(adb).await?;
        match scoped.single_row(rows) {
            Ok(row) => Ok(row),
            Err(None) => Err(Error::MultipleObjectsReturned {
                model: M::META.name,
                count: scoped.acount(adb).await?,
            }),
            Err(Some(error)) => Err(error),
        }
    }

    /// The one row matching `q`, or `None` (see [`QuerySet::get_or_none`]).
    pub async fn aget_or_none(&self, adb: &AsyncDb, q: Q<M>) -> Result<Option<M>> {
        match self.aget(adb, q).await {
            Err(Error::DoesNotExist { .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// The number of rows (see [`QuerySet::count`]).
    pub async fn acount(&self, adb: &AsyncDb) -> Result<u64> {
        if let Some(native) = adb.native_reader(self.alias()) {
            let inner = self.select.counted_inner();
            let builder = self.count_sql(Dialect::Postgres, inner.as_ref());
            let count = native
                .query_map(&builder.sql, &builder.params, |row| row.get::<i64>(0))
                .await?;
            return Ok(count.first().copied().unwrap_or(0).max(0) as u64);
        }
        let query = self.clone();
        adb.run(move |db| query.count(db)).await
    }

    /// True when there is a row (see [`QuerySet::exists`]).
    pub async fn aexists(&self, adb: &AsyncDb) -> Result<bool> {
        if self.select.lock.is_none() {
            if let Some(native) = adb.native_reader(self.alias()) {
                let probe = self.exists_probe();
                let mut builder = SqlBuilder::new(Dialect::Postgres, "");
                builder.push_select(&probe, SelectList::One);
                let found = native
                    .query_map(&builder.sql, &builder.params, |_| Ok(()))
                    .await?;
                return Ok(!found.is_empty());
            }
        }
        let query = self.clone();
        adb.run(move |db| query.exists(db)).await
    }

    /// Updates every row (see [`QuerySet::update`]).
    pub async fn aupdate(
        &self,
        adb: &AsyncDb,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<u64> {
        let assignments: Vec<Assignment<M>> = assignments.into_iter().collect();
        if assignments.is_empty() {
            return Ok(0);
        }
        if let Some(native) = adb.native_reader(self.alias()) {
            let mut builder = SqlBuilder::new(Dialect::Postgres, "");
            self.push_update(&mut builder, &assignments);
            return native.execute(&builder.sql, &builder.params).await;
        }
        let query = self.clone();
        adb.run(move |db| query.update(db, assignments)).await
    }

    /// Deletes every row, with Django's on-delete rules (see [`QuerySet::delete`]).
    pub async fn adelete(&self, adb: &AsyncDb) -> Result<u64> {
        let query = self.clone();
        adb.run(move |db| query.delete(db)).await
    }

    /// Inserts the row `form` describes (see [`QuerySet::create`]).
    pub async fn acreate<F>(&self, adb: &AsyncDb, form: F) -> Result<M>
    where
        F: Insert<Model = M> + Send + 'static,
    {
        // A model with hooks runs them, synchronous user code, on a blocking thread.
        if !M::hooks().user_defined {
            let writer = adb.native_reader(self.alias());
            let checker = adb.native_reader(M::META.db_alias);
            if let (Some(writer), Some(checker)) = (writer, checker) {
                let mut object = form.into_model(crate::ops::now_for::<M>());
                object.loaded_mut().set_db_alias(self.remembered_db());
                return insert_natively(writer, checker, object).await;
            }
        }
        let query = self.clone();
        adb.run(move |db| query.create(db, form)).await
    }

    /// Inserts many rows (see [`QuerySet::bulk_create`]).
    pub async fn abulk_create<F>(
        &self,
        adb: &AsyncDb,
        forms: Vec<F>,
        batch_size: usize,
    ) -> Result<Vec<M>>
    where
        F: Insert<Model = M> + Send + 'static,
    {
        let query = self.clone();
        adb.run(move |db| query.bulk_create(db, forms, batch_size))
            .await
    }

    /// The row matching `lookup`, or a new one from `form` (see
    /// [`QuerySet::get_or_create`]); `true` when it was created.
    pub async fn aget_or_create<F>(&self, adb: &AsyncDb, lookup: Q<M>, form: F) -> Result<(M, bool)>
    where
        F: Insert<Model = M> + Send + 'static,
    {
        let query = self.clone();
        adb.run(move |db| query.get_or_create(db, lookup, form))
            .await
    }

    /// Updates the row matching `lookup` with `defaults`, or creates it (see
    /// [`QuerySet::update_or_create`]); `true` when it was created.
    pub async fn aupdate_or_create<F>(
        &self,
        adb: &AsyncDb,
        lookup: Q<M>,
        defaults: F,
    ) -> Result<(M, bool)>
    where
        F: Insert<Model = M> + Send + 'static,
    {
        let query = self.clone();
        adb.run(move |db| query.update_or_create(db, lookup, defaults))
            .await
    }

    /// Aggregates over the rows (see [`QuerySet::aggregate`]).
    pub async fn aaggregate<P>(&self, adb: &AsyncDb, aggregates: P) -> Result<P::Output>
    where
        P: Projection<M> + Send + 'static,
        P::Output: Send + 'static,
    {
        let query = self.clone();
        adb.run(move |db| query.aggregate(db, aggregates)).await
    }

    /// The rows one at a time, as a stream with flat memory (see
    /// [`AsyncDb::stream`]).
    pub fn astream(&self, adb: &AsyncDb) -> ModelStream<M> {
        adb.stream(self.clone())
    }
}

/// `full_clean` on the async driver, for a model without hooks: the
/// instance's field checks, then its unique sets looked up through `checker`
/// (its own row excluded unless `adding`).
async fn full_clean_natively<M: Model>(
    object: &M,
    checker: &NativePool,
    adding: bool,
) -> Result<()> {
    let mut errors = ValidationError::empty();
    object.clean_fields(&mut errors);
    for lookup in unique_lookups(object, Dialect::Postgres, adding) {
        if lookup.is_settled(&errors) {
            continue;
        }
        let found = checker
            .query_first(lookup.sql, &lookup.params, |_| Ok(()))
            .await?;
        if found.is_some() {
            lookup.taken(&mut errors);
        }
    }
    errors.into_result::<M>()
}

/// `ops::insert` on the async driver, for a model without hooks: its checks,
/// then the INSERT through `writer`, storing the key the database assigned.
async fn insert_natively<M: Model>(
    writer: &NativePool,
    checker: &NativePool,
    mut object: M,
) -> Result<M> {
    full_clean_natively(&object, checker, true).await?;
    let sql = M::SQL[Dialect::Postgres.index()].insert;
    let key = {
        let mut params = Vec::with_capacity(M::META.columns.len());
        object.push_insert_params(&mut params);
        if M::META.auto_pk {
            writer
                .query_first(sql, &params, |row| row.get::<i64>(0))
                .await?
        } else {
            writer.execute(sql, &params).await?;
            None
        }
    };
    if M::META.auto_pk {
        let key = key.ok_or_else(|| Error::usage("the INSERT returned no key"))?;
        object.set_auto_pk(key)?;
    }
    Ok(object)
}

/// `ops::save` on the async driver, for a model without hooks: its checks,
/// `auto_now` fields set, then the UPDATE by key through `writer`.
async fn save_natively<M: Model>(
    writer: &NativePool,
    checker: &NativePool,
    object: &mut M,
) -> Result<()> {
    full_clean_natively(object, checker, false).await?;
    object.touch_auto_now(crate::ops::now_for::<M>());
    let sql = M::SQL[Dialect::Postgres.index()].update_by_pk;
    if sql.is_empty() {
        return Ok(());
    }
    let changed = {
        let mut params = Vec::with_capacity(M::META.columns.len());
        object.push_update_params(&mut params);
        writer.execute(sql, &params).await?
    };
    if changed == 0 {
        return Err(crate::ops::row_to_save_is_gone(object));
    }
    Ok(())
}

/// Projections awaited.
impl<M: Model, P> ValuesQuery<M, P>
where
    P: Projection<M> + Send + Sync + 'static,
    P::Output: Send + 'static,
    ValuesQuery<M, P>: Clone,
{
    /// Every row of the projection (see [`ValuesQuery::all`]).
    pub async fn aall(&self, adb: &AsyncDb) -> Result<Vec<P::Output>> {
        let query = self.clone();
        adb.run(move |db| query.all(db)).await
    }
}

/// Pages awaited.
impl<M: Model> Paginator<M> {
    /// The page `number`, from 1 (see [`Paginator::page`]).
    pub async fn apage(&self, adb: &AsyncDb, number: u64) -> Result<Page<M>> {
        let paginator = self.clone();
        adb.run(move |db| paginator.page(db, number)).await
    }
}

/// A model instance's database methods, awaited. In scope with
/// `use pookie::AsyncModel;`.
pub trait AsyncModel: Model {
    /// Writes every editable field back (see the model's `save`); the
    /// instance then holds what was saved (`auto_now` fields, hooks' changes).
    fn asave(&mut self, adb: &AsyncDb) -> impl Future<Output = Result<()>> + Send;

    /// Deletes this row, with the on-delete rules of its relations.
    fn adelete(&self, adb: &AsyncDb) -> impl Future<Output = Result<()>> + Send;

    /// Reads this row again, replacing every field.
    fn arefresh_from_db(&mut self, adb: &AsyncDb) -> impl Future<Output = Result<()>> + Send;

    /// Runs any synchronous method of this instance — a relation accessor,
    /// a related manager — on a copy of it: `post.awith(&adb, |post, db|
    /// post.author(db)).await`.
    fn awith<T, F>(&self, adb: &AsyncDb, read: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send + 'static,
        F: FnOnce(&Self, &Db) -> Result<T> + Send + 'static;
}

impl<M: Model> AsyncModel for M {
    async fn asave(&mut self, adb: &AsyncDb) -> Result<()> {
        if !M::hooks().user_defined {
            let writer = adb.native_reader(crate::ops::alias_of(self));
            let checker = adb.native_reader(M::META.db_alias);
            if let (Some(writer), Some(checker)) = (writer, checker) {
                return save_natively(writer, checker, self).await;
            }
        }
        let mut object = self.clone();
        *self = adb
            .run(move |db| crate::ops::save(db, &mut object).map(|()| object))
            .await?;
        Ok(())
    }

    async fn adelete(&self, adb: &AsyncDb) -> Result<()> {
        let object = self.clone();
        adb.run(move |db| crate::ops::delete(db, &object)).await
    }

    async fn arefresh_from_db(&mut self, adb: &AsyncDb) -> Result<()> {
        let mut object = self.clone();
        *self = adb
            .run(move |db| crate::ops::refresh_from_db(db, &mut object).map(|()| object))
            .await?;
        Ok(())
    }

    async fn awith<T, F>(&self, adb: &AsyncDb, read: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Self, &Db) -> Result<T> + Send + 'static,
    {
        let object = self.clone();
        adb.run(move |db| read(&object, db)).await
    }
}

/// An insert form saved, awaited: `NewPost::new().title("…").asave(&adb).await`.
/// In scope with `use pookie::AsyncInsert;`.
pub trait AsyncInsert: Insert + Send + Sized + 'static {
    /// Inserts the row this form describes and returns it (the form's `save`).
    fn asave(self, adb: &AsyncDb) -> impl Future<Output = Result<Self::Model>> + Send;
}

impl<F: Insert + Send + Sized + 'static> AsyncInsert for F {
    async fn asave(self, adb: &AsyncDb) -> Result<F::Model> {
        QuerySet::<F::Model>::new().acreate(adb, self).await
    }
}
