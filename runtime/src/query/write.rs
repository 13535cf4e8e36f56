//! Writing through a query set: `get_or_create`, `update_or_create` and
//! `bulk_create`.

use std::any::TypeId;
use std::cell::RefCell;
use std::rc::Rc;

use super::column::Assignment;
use super::condition::{CmpOp, ColumnRef, Cond, Q};
use super::queryset::QuerySet;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Insert, Model};
use crate::value::Param;

/// True when an insert failed because another one won a race on a unique key:
/// the database refused it (`Integrity`), or the uniqueness check before the
/// insert already saw the winner's row (`Validation`).
fn lost_a_race(error: &Error) -> bool {
    matches!(error, Error::Integrity { .. } | Error::Validation(_))
}

/// The condition "primary key equals that of `object`" (every column of a
/// composite key).
pub(crate) fn pk_cond<M: Model>(object: &M) -> Q<M> {
    Q::new(columns_equal::<M>(
        M::META.pk_columns,
        crate::ops::key_params(object),
    ))
}

/// The condition "each of `columns` of `M`'s table equals its value": one
/// comparison, or their `AND`.
pub(crate) fn columns_equal<'v, M: Model>(
    columns: &[&'static str],
    values: impl IntoIterator<Item = Param<'v>>,
) -> Cond {
    let mut compares: Vec<Cond> = columns
        .iter()
        .zip(values)
        .map(|(&name, value)| Cond::Compare {
            column: ColumnRef {
                table: M::META.table,
                name,
                nullable: false,
            },
            op: CmpOp::Eq,
            value: value.into_owned(),
        })
        .collect();
    if compares.len() == 1 {
        compares.remove(0)
    } else {
        Cond::And(compares)
    }
}

impl<M: Model> QuerySet<M> {
    /// The one row matching `lookup`, or a new one created from `form`;
    /// `true` when it was created. Two callers racing on the same unique key
    /// both succeed and end with the same row: the loser's insert fails on the
    /// unique constraint, and it reads the winner's row.
    ///
    /// The form must set the looked-up fields to the looked-up values, and the
    /// lookup must be on a unique column (or set of columns) for the race to be
    /// settled by the database.
    pub fn get_or_create(
        &self,
        db: &Db,
        lookup: Q<M>,
        form: impl Insert<Model = M>,
    ) -> Result<(M, bool)> {
        if let Some(found) = self.get_or_none(db, lookup.clone())? {
            return Ok((found, false));
        }
        match self.create_guarded(db, form) {
            Ok(created) => Ok((created, true)),
            Err(error) if lost_a_race(&error) => match self.get_or_none(db, lookup)? {
                Some(found) => Ok((found, false)),
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// `create`, inside a savepoint when `db` is in a transaction: on
    /// PostgreSQL a failed INSERT would otherwise abort the whole transaction,
    /// and the winner's row could not be read back.
    fn create_guarded(&self, db: &Db, form: impl Insert<Model = M>) -> Result<M> {
        if db.is_in_transaction(self.alias()) {
            db.transaction_on(self.alias(), |tx| self.create(tx, form))
        } else {
            self.create(db, form)
        }
    }

    /// Django's `update_or_create(defaults=…, **lookup)`: the one row
    /// matching `lookup` gets the fields `defaults` sets (its required
    /// fields, and the optional ones given a value), or, when there is none,
    /// a row is created from `defaults`; `true` when it was created. One
    /// form serves both ways, so it must set the looked-up fields to the
    /// looked-up values (as for [`get_or_create`](Self::get_or_create)).
    /// The update is a `save` of the found row (checks, hooks, `auto_now`);
    /// fields the form leaves to their defaults keep what the row holds.
    /// Races are settled as in `get_or_create`: the loser of a concurrent
    /// insert updates the winner's row.
    ///
    /// ```ignore
    /// let (author, created) = Author::objects().update_or_create(
    ///     &db,
    ///     author::email.eq("grace@example.com"),
    ///     NewAuthor::new().name("Grace Hopper").email("grace@example.com"),
    /// )?;
    /// ```
    pub fn update_or_create(
        &self,
        db: &Db,
        lookup: Q<M>,
        defaults: impl Insert<Model = M>,
    ) -> Result<(M, bool)> {
        let set: Vec<bool> = (0..M::META.columns.len())
            .map(|column| defaults.sets_column(column))
            .collect();
        let mut object = defaults.into_model(crate::ops::now());
        object.loaded_mut().set_db_alias(self.remembered_db());
        if let Some(found) = self.get_or_none(db, lookup.clone())? {
            return Ok((self.overwrite(db, found, object, &set)?, false));
        }
        let attempt = if db.is_in_transaction(self.alias()) {
            db.transaction_on(self.alias(), |tx| {
                crate::ops::insert(tx, self.alias(), object.clone())
            })
        } else {
            crate::ops::insert(db, self.alias(), object.clone())
        };
        match attempt {
            Ok(created) => Ok((created, true)),
            Err(error) if lost_a_race(&error) => match self.get_or_none(db, lookup)? {
                Some(found) => Ok((self.overwrite(db, found, object, &set)?, false)),
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// Moves the fields of `object` marked in `set` into `found`, then saves it.
    fn overwrite(&self, db: &Db, mut found: M, mut object: M, set: &[bool]) -> Result<M> {
        for (column, _) in set.iter().enumerate().filter(|(_, set)| **set) {
            found.swap_field(&mut object, column);
        }
        crate::ops::save(db, &mut found)?;
        Ok(found)
    }

    /// Updates the one row matching `lookup` with `assignments`, or creates it
    /// from `form` when there is none; `true` when it was created. Unlike
    /// [`update_or_create`](Self::update_or_create), the update may compute
    /// values in the database (`post::view_count.set_expr(F(post::view_count) + 1)`)
    /// and writes only the assigned columns. Races are settled as in
    /// [`get_or_create`](Self::get_or_create): the loser of a concurrent
    /// insert updates the winner's row.
    pub fn update_or_create_with(
        &self,
        db: &Db,
        lookup: Q<M>,
        form: impl Insert<Model = M>,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<(M, bool)> {
        let assignments: Vec<Assignment<M>> = assignments.into_iter().collect();
        if let Some(found) = self.get_or_none(db, lookup.clone())? {
            return Ok((self.update_one(db, &found, assignments)?, false));
        }
        match self.create_guarded(db, form) {
            Ok(created) => Ok((created, true)),
            Err(error) if lost_a_race(&error) => match self.get_or_none(db, lookup)? {
                Some(found) => Ok((self.update_one(db, &found, assignments)?, false)),
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    fn update_one(&self, db: &Db, found: &M, assignments: Vec<Assignment<M>>) -> Result<M> {
        let by_pk = QuerySet::<M>::new().filter(pk_cond(found));
        let by_pk = match &self.alias {
            Some(alias) => by_pk.using(alias.clone()),
            None => by_pk,
        };
        by_pk.update(db, assignments)?;
        by_pk.get(db, pk_cond(found))
    }

    /// Inserts every form with one multi-row INSERT per batch of at most
    /// `batch_size` rows (0: as many as one statement can bind) and returns the
    /// new instances with their keys. Batches are cut further where a statement
    /// would pass the backend's parameter limit. Hooks do not run, as in Django;
    /// wrap the call in a transaction to make several batches all-or-nothing.
    pub fn bulk_create<F: Insert<Model = M>>(
        &self,
        db: &Db,
        forms: impl IntoIterator<Item = F>,
        batch_size: usize,
    ) -> Result<Vec<M>> {
        let now = crate::ops::now_for::<M>();
        let objects: Vec<M> = forms.into_iter().map(|form| form.into_model(now)).collect();
        let mut objects = self.remember_db(objects);
        if objects.is_empty() {
            return Ok(objects);
        }
        let meta = &M::META;
        let width = insert_width::<M>();
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let per_statement = (dialect.max_parameters() / width.max(1)).max(1);
        let batch = if batch_size == 0 {
            per_statement
        } else {
            batch_size.min(per_statement)
        };
        let mut start = 0;
        while start < objects.len() {
            let end = (start + batch).min(objects.len());
            let sql = bulk_insert_text::<M>(dialect, end - start);
            let mut params: Vec<Param<'_>> = Vec::with_capacity((end - start) * width);
            push_insert_params(width, &objects[start..end], &mut params);
            if meta.auto_pk {
                // The keys come back in the order of the VALUES rows.
                let keys = connection.insert_returning_keys(&sql, &params, end - start)?;
                drop(params);
                if keys.len() != end - start {
                    return Err(Error::usage(format!(
                        "inserting {} rows into `{}` returned {} keys",
                        end - start,
                        meta.table,
                        keys.len()
                    )));
                }
                for (object, key) in objects[start..end].iter_mut().zip(keys) {
                    object.set_auto_pk(key)?;
                }
            } else {
                connection.execute(&sql, &params)?;
            }
            start = end;
        }
        Ok(objects)
    }
}

/// `INSERT INTO <table> (<columns>) VALUES (…), (…)` of `objects`, their
/// insert parameters appended to `params` (`columns` are the model's insert
/// columns: every column but an auto primary key).
pub(crate) fn push_insert_rows<'a, M: Model>(
    dialect: crate::Dialect,
    sql: &mut String,
    columns: &[&str],
    objects: &'a [M],
    params: &mut Vec<Param<'a>>,
) {
    push_insert_rows_sql::<M>(dialect, sql, columns, params.len(), objects.len());
    push_insert_params(columns.len(), objects, params);
}

/// The parameters of [`push_insert_rows`], without its SQL text.
fn push_insert_params<'a, M: Model>(width: usize, objects: &'a [M], params: &mut Vec<Param<'a>>) {
    for object in objects {
        object.push_insert_params(params);
    }
    debug_assert_eq!(params.len() % width.max(1), 0);
}

/// The INSERT of `rows` rows of `M` that `bulk_create` runs (with `RETURNING`
/// the key where the database assigns it), written once per thread, model,
/// dialect and row count: for 100 rows its text is most of the statement's
/// own cost on SQLite.
fn bulk_insert_text<M: Model>(dialect: crate::Dialect, rows: usize) -> Rc<str> {
    /// Texts kept per thread; the oldest goes first. A short list searched
    /// from its newest end costs less than hashing the key.
    const CAPACITY: usize = 32;
    type Key = (TypeId, crate::Dialect, usize);
    thread_local! {
        static TEXTS: RefCell<Vec<(Key, Rc<str>)>> = const { RefCell::new(Vec::new()) };
    }
    let key = (TypeId::of::<M>(), dialect, rows);
    let cached = TEXTS.with(|texts| {
        let texts = texts.borrow();
        let found = texts.iter().rev().find(|(cached, _)| *cached == key);
        found.map(|(_, text)| Rc::clone(text))
    });
    if let Some(text) = cached {
        return text;
    }
    let meta = &M::META;
    let mut sql = String::new();
    push_insert_rows_sql::<M>(dialect, &mut sql, &insert_columns::<M>(), 0, rows);
    if meta.auto_pk && dialect.returns_keys_with_returning() {
        sql.push_str(" RETURNING ");
        dialect.push_ident(&mut sql, meta.pk_column);
    }
    let text: Rc<str> = sql.into();
    TEXTS.with(|texts| {
        let mut texts = texts.borrow_mut();
        if texts.len() == CAPACITY {
            texts.remove(0);
        }
        texts.push((key, Rc::clone(&text)));
    });
    text
}

/// How many columns an INSERT of `M` writes: every column but an auto primary key.
fn insert_width<M: Model>() -> usize {
    let meta = &M::META;
    meta.columns.len() - usize::from(meta.auto_pk && meta.columns.contains(&meta.pk_column))
}

/// The SQL text of [`push_insert_rows`] for `rows` rows, numbering the
/// placeholders after the `bound` parameters already bound.
fn push_insert_rows_sql<M: Model>(
    dialect: crate::Dialect,
    sql: &mut String,
    columns: &[&str],
    bound: usize,
    rows: usize,
) {
    sql.push_str("INSERT INTO ");
    dialect.push_ident(sql, M::META.table);
    sql.push_str(" (");
    for (index, column) in columns.iter().enumerate() {
        if index > 0 {
            sql.push_str(", ");
        }
        dialect.push_ident(sql, column);
    }
    sql.push_str(") VALUES ");
    let mut placeholder = bound;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            placeholder += 1;
            dialect.push_placeholder(sql, placeholder);
        }
        sql.push(')');
    }
}

/// The model's insert columns: every column but an auto primary key.
pub(crate) fn insert_columns<M: Model>() -> Vec<&'static str> {
    let meta = &M::META;
    meta.columns
        .iter()
        .copied()
        .filter(|column| !(meta.auto_pk && *column == meta.pk_column))
        .collect()
}

impl<M> Clone for Assignment<M> {
    fn clone(&self) -> Self {
        Assignment::new(self.column, self.value.clone())
    }
}
