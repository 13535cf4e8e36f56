//! Upserts: insert, and on a conflict of a unique key do nothing or update
//! chosen columns (`INSERT … ON CONFLICT`, SQLite and PostgreSQL alike).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

use super::condition::{Cond, Q};
use super::partial::Columns;
use super::queryset::QuerySet;
use super::returning::push_returning;
use super::write::{columns_equal, insert_columns, push_insert_rows};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Insert, Model};
use crate::value::Param;

/// What an upsert does when a row with the same unique key exists:
/// `OnConflict::on(post::unique::slug).update((post::title, post::body))`,
/// `OnConflict::on(post::unique::slug).update_all()`, `OnConflict::on_pk().do_nothing()`.
/// The key is one of the model's unique keys, which the generated
/// `<model>::unique` module lists (the primary key, `unique` fields,
/// `unique_together` sets and unique indexes without a condition): a conflict
/// on columns that are not unique does not compile, as no database could
/// detect one.
pub struct OnConflict<M> {
    key: Vec<&'static str>,
    action: Action,
    marker: PhantomData<fn() -> M>,
}

enum Action {
    Nothing,
    Update(Vec<&'static str>),
    UpdateAll,
}

/// A set of columns of `M` whose values are unique together, as the schema
/// declares them. The generated `<model>::unique` module holds one constant
/// per key; [`OnConflict::on`] takes nothing else.
pub struct UniqueKey<M> {
    columns: &'static [&'static str],
    marker: PhantomData<fn() -> M>,
}

impl<M> UniqueKey<M> {
    /// The key of these columns. Generated code calls it for the keys the
    /// schema declares; a key written by hand that is not unique in the
    /// database fails at run time instead of at compile time.
    pub const fn new(columns: &'static [&'static str]) -> UniqueKey<M> {
        UniqueKey {
            columns,
            marker: PhantomData,
        }
    }

    /// The key's column names, in key order.
    pub fn columns(&self) -> &'static [&'static str] {
        self.columns
    }
}

impl<M> Clone for UniqueKey<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for UniqueKey<M> {}

impl<M> std::fmt::Debug for UniqueKey<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("UniqueKey").field(&self.columns).finish()
    }
}

/// The key of an [`OnConflict`], waiting for its action.
pub struct ConflictKey<M> {
    key: Vec<&'static str>,
    marker: PhantomData<fn() -> M>,
}

impl<M: Model> OnConflict<M> {
    /// A conflict on a unique key of the model (`post::unique::slug`,
    /// `census::unique::country_and_year`).
    pub fn on(key: UniqueKey<M>) -> ConflictKey<M> {
        ConflictKey {
            key: key.columns.to_vec(),
            marker: PhantomData,
        }
    }

    /// A conflict on the primary key.
    pub fn on_pk() -> ConflictKey<M> {
        ConflictKey {
            key: M::META.pk_columns.to_vec(),
            marker: PhantomData,
        }
    }
}

impl<M> ConflictKey<M> {
    fn then(self, action: Action) -> OnConflict<M> {
        OnConflict {
            key: self.key,
            action,
            marker: PhantomData,
        }
    }

    /// Keep the stored row as it is (`DO NOTHING`); the upsert still gives
    /// it back.
    pub fn do_nothing(self) -> OnConflict<M> {
        self.then(Action::Nothing)
    }

    /// Set these columns of the stored row to the proposed row's values
    /// (`DO UPDATE SET c = EXCLUDED.c`).
    pub fn update(self, columns: impl Columns<M>) -> OnConflict<M> {
        let mut names = Vec::new();
        columns.push_names(&mut names);
        self.then(Action::Update(names))
    }

    /// Set every column but the key's to the proposed row's values (peewee's
    /// `on_conflict_replace`, without deleting the row).
    pub fn update_all(self) -> OnConflict<M> {
        self.then(Action::UpdateAll)
    }
}

impl<M: Model> OnConflict<M> {
    /// The columns a conflict updates, checked against the model.
    fn updated_columns(&self, insert: &[&'static str]) -> Result<Vec<&'static str>> {
        let meta = &M::META;
        for column in &self.key {
            if !meta.columns.contains(column) {
                return Err(Error::usage(format!(
                    "`{column}` is not a column of `{}`",
                    meta.name
                )));
            }
        }
        if self.key.is_empty() {
            return Err(Error::usage(format!(
                "an upsert of `{}` needs the columns of a unique key to detect a conflict on",
                meta.name
            )));
        }
        let columns = match &self.action {
            Action::Nothing => Vec::new(),
            Action::UpdateAll => insert
                .iter()
                .copied()
                .filter(|column| !self.key.contains(column) && !meta.pk_columns.contains(column))
                .collect(),
            Action::Update(columns) => {
                for column in columns {
                    if !insert.contains(column) || meta.pk_columns.contains(column) {
                        return Err(Error::usage(format!(
                            "an upsert cannot update `{column}`: it is not an updatable column of `{}`",
                            meta.name
                        )));
                    }
                }
                columns.clone()
            }
        };
        Ok(columns)
    }

    /// ` ON CONFLICT (<key>) DO NOTHING` or ` DO UPDATE SET c = EXCLUDED.c, …`.
    fn push_clause(&self, dialect: crate::Dialect, sql: &mut String, updated: &[&str]) {
        sql.push_str(" ON CONFLICT (");
        for (index, column) in self.key.iter().enumerate() {
            if index > 0 {
                sql.push_str(", ");
            }
            dialect.push_ident(sql, column);
        }
        if updated.is_empty() {
            sql.push_str(") DO NOTHING");
            return;
        }
        sql.push_str(") DO UPDATE SET ");
        for (index, column) in updated.iter().enumerate() {
            if index > 0 {
                sql.push_str(", ");
            }
            dialect.push_ident(sql, column);
            sql.push_str(" = EXCLUDED.");
            dialect.push_ident(sql, column);
        }
    }

    /// The values of the key's columns in `object`.
    fn key_values<'a>(&'a self, object: &'a M) -> impl Iterator<Item = Param<'a>> + 'a {
        self.key.iter().map(move |column| {
            let index = M::META.columns.iter().position(|c| c == column);
            index.map_or(Param::Null, |index| object.column_param(index))
        })
    }

    /// The key of `object`, comparable with another's.
    fn key_of(&self, object: &M) -> String {
        use std::fmt::Write;
        let mut key = String::new();
        for value in self.key_values(object) {
            let _ = write!(key, "{value:?}\u{1f}");
        }
        key
    }

    /// The condition "key equals that of `object`".
    fn key_cond(&self, object: &M) -> Cond {
        columns_equal::<M>(&self.key, self.key_values(object))
    }
}

impl<M: Model> QuerySet<M> {
    /// Inserts the row of `form`, or, when a row with the same key exists,
    /// does what `on_conflict` says; returns the row as stored, in one
    /// statement (two when a `do_nothing` conflict reads the stored row).
    /// Race-safe: the database settles concurrent upserts of one key. As
    /// [`bulk_create`](Self::bulk_create), hooks and validation do not run.
    ///
    /// ```ignore
    /// let tag = Tag::objects().upsert(
    ///     &db,
    ///     NewTag::new().slug("rust").name("Rust"),
    ///     &OnConflict::on(tag::unique::slug).update(tag::name),
    /// )?;
    /// ```
    pub fn upsert(
        &self,
        db: &Db,
        form: impl Insert<Model = M>,
        on_conflict: &OnConflict<M>,
    ) -> Result<M> {
        let mut rows = self.bulk_upsert(db, [form], on_conflict, 0)?;
        rows.pop()
            .ok_or_else(|| Error::usage("the upsert gave back no row"))
    }

    /// [`upsert`](Self::upsert) of many rows: one `INSERT … ON CONFLICT`
    /// per batch of at most `batch_size` rows (0: as many as one statement
    /// can bind). Returns the rows as stored, one per form, in the forms'
    /// order; forms with the same key give the same row (the last one's
    /// values win, as they would one after the other). Several batches share
    /// one transaction.
    pub fn bulk_upsert<F: Insert<Model = M>>(
        &self,
        db: &Db,
        forms: impl IntoIterator<Item = F>,
        on_conflict: &OnConflict<M>,
        batch_size: usize,
    ) -> Result<Vec<M>> {
        let now = crate::ops::now_for::<M>();
        let objects: Vec<M> = forms.into_iter().map(|form| form.into_model(now)).collect();
        let columns = insert_columns::<M>();
        let updated = on_conflict.updated_columns(&columns)?;
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        // PostgreSQL refuses a statement that updates one row twice: each key
        // goes in once, with the last form's values.
        let keys: Vec<String> = objects.iter().map(|o| on_conflict.key_of(o)).collect();
        let mut last_of_key: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            last_of_key.insert(key, index);
        }
        // Without a repeated key (the usual case) the forms go in as they are.
        let repeated = last_of_key.len() < objects.len();
        let distinct: Cow<'_, [M]> = if repeated {
            let mut unique: Vec<usize> = last_of_key.values().copied().collect();
            unique.sort_unstable();
            Cow::Owned(unique.iter().map(|&i| objects[i].clone()).collect())
        } else {
            Cow::Borrowed(&objects)
        };

        let per_statement = (db.dialect().max_parameters() / columns.len().max(1)).max(1);
        let batch = match batch_size {
            0 => per_statement,
            size => size.min(per_statement),
        };
        let run = |db: &Db| -> Result<Vec<M>> {
            let mut stored = Vec::with_capacity(distinct.len());
            for chunk in distinct.chunks(batch) {
                stored.extend(self.upsert_batch(db, chunk, on_conflict, &columns, &updated)?);
            }
            Ok(stored)
        };
        let stored = if distinct.len() <= batch && !updated.is_empty() {
            run(db)?
        } else {
            db.transaction_on(self.alias(), run)?
        };
        // The rows usually come back in the order of the forms: each is
        // then the row of its form, once its key is checked, without a lookup.
        let in_order = !repeated
            && stored.len() == objects.len()
            && stored
                .iter()
                .zip(&objects)
                .all(|(row, form)| on_conflict.key_values(row).eq(on_conflict.key_values(form)));
        if in_order {
            return Ok(self.remember_db(stored));
        }
        let by_key: HashMap<String, M> = stored
            .into_iter()
            .map(|row| (on_conflict.key_of(&row), row))
            .collect();
        let rows = keys
            .iter()
            .map(|key| {
                by_key.get(key).cloned().ok_or_else(|| {
                    Error::usage(format!(
                        "an upserted row of `{}` could not be read back by its key: another connection deleted it meanwhile, or the database stores the key differently from the form (padding, case)",
                        M::META.name
                    ))
                })
            })
            .collect::<Result<Vec<M>>>()?;
        Ok(self.remember_db(rows))
    }

    /// One statement of a bulk upsert; the rows it stored, and for
    /// `DO NOTHING` the rows it left alone, read again.
    fn upsert_batch(
        &self,
        db: &Db,
        objects: &[M],
        on_conflict: &OnConflict<M>,
        columns: &[&'static str],
        updated: &[&'static str],
    ) -> Result<Vec<M>> {
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let mut sql = String::new();
        let mut params = Vec::with_capacity(objects.len() * columns.len());
        push_insert_rows(dialect, &mut sql, columns, objects, &mut params);
        on_conflict.push_clause(dialect, &mut sql, updated);
        push_returning::<M>(dialect, &mut sql);
        let mut stored = connection.query_map(&sql, &params, M::from_row)?;
        drop(connection);
        if stored.len() < objects.len() {
            // DO NOTHING returns only the rows it inserted: read the others.
            let returned: HashSet<String> =
                stored.iter().map(|row| on_conflict.key_of(row)).collect();
            let kept: Vec<Cond> = objects
                .iter()
                .filter(|object| !returned.contains(&on_conflict.key_of(object)))
                .map(|object| on_conflict.key_cond(object))
                .collect();
            let mut existing = QuerySet::<M>::new();
            if let Some(alias) = &self.alias {
                existing = existing.using(alias.clone());
            }
            // SQLite nests a chain of ORs, at most 1000 deep.
            let per_read = (dialect.max_parameters() / on_conflict.key.len()).clamp(1, 500);
            for keys in kept.chunks(per_read) {
                let read = existing.clone().filter(Q::new(Cond::Or(keys.to_vec())));
                stored.extend(read.all(db)?);
            }
        }
        Ok(stored)
    }
}
