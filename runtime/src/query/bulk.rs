//! Reading and writing many rows by key: `in_bulk` and `bulk_update`.

use std::collections::HashMap;
use std::hash::Hash;

use super::column::{Assignment, Column, FieldType};
use super::condition::{ColumnRef, Cond, Q};
use super::expr::SqlExpr;
use super::projection::{column_names, Projection};
use super::queryset::QuerySet;
use super::write::pk_cond;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::value::{IntoField, Param};

impl<M: Model> QuerySet<M> {
    /// The rows of this query set whose `column` holds one of `keys`, keyed
    /// by that value (Django's `in_bulk(id_list, field_name=…)`): one
    /// statement per chunk of keys the backend can bind, none for no keys.
    /// `column` must be the primary key or a `unique` field.
    ///
    /// ```ignore
    /// let posts: HashMap<i64, Post> = Post::objects().in_bulk(&db, post::id, [1, 2, 3])?;
    /// let by_slug = Post::objects().in_bulk(&db, post::slug, ["hello", "again"])?;
    /// ```
    pub fn in_bulk<T, V>(
        &self,
        db: &Db,
        column: Column<M, T>,
        keys: impl IntoIterator<Item = V>,
    ) -> Result<HashMap<T, M>>
    where
        T: FieldType + Eq + Hash + Clone + 'static,
        V: IntoField<T::Inner>,
    {
        let meta = &M::META;
        let name = column.name();
        let unique = meta.pk_columns == [name]
            || meta
                .fields
                .iter()
                .any(|field| field.column == name && (field.primary_key || field.unique));
        if !unique {
            return Err(Error::usage(format!(
                "in_bulk keys rows by a unique column: `{name}` of `{}` is not unique (use the primary key or a field with `unique = true`)",
                meta.name
            )));
        }
        let index = column_index::<M>(name)?;
        let keys: Vec<Param<'static>> = keys
            .into_iter()
            .map(|key| key.into_field().into())
            .collect();
        let mut found = HashMap::with_capacity(keys.len());
        // Half the backend's limit leaves room for this query set's own filter.
        let chunk = (db.dialect().max_parameters() / 2).max(1);
        for keys in keys.chunks(chunk) {
            let rows = self.clone().filter(Q::new(Cond::In {
                column: column.column_ref(),
                values: keys.to_vec(),
            }));
            for object in rows.all(db)? {
                let key = object
                    .field_any(index)
                    .and_then(|field| field.downcast_ref::<T>())
                    .cloned()
                    .ok_or_else(|| {
                        Error::usage(format!(
                            "the column handle `{name}` does not match the field type of `{}`",
                            meta.name
                        ))
                    })?;
                found.insert(key, object);
            }
        }
        Ok(found)
    }

    /// Writes `fields` of every object in `objects` to its row, one UPDATE
    /// per batch of at most `batch_size` objects (0: as many as one statement
    /// can bind), as Django's `bulk_update`: `SET c = CASE WHEN <key> THEN
    /// <value> … END WHERE <key> IN (…)`. Returns how many rows matched.
    /// Only rows this query set selects are written; hooks, validation and
    /// `auto_now` do not run. Several batches share one transaction.
    ///
    /// ```ignore
    /// for post in &mut posts { post.views += 1; }
    /// Post::objects().bulk_update(&db, &posts, post::views, 0)?;
    /// ```
    pub fn bulk_update<P: Projection<M>>(
        &self,
        db: &Db,
        objects: &[M],
        fields: P,
        batch_size: usize,
    ) -> Result<u64> {
        let meta = &M::META;
        let columns = column_names(fields)?;
        let mut indexes = Vec::with_capacity(columns.len());
        for column in &columns {
            let index = column_index::<M>(column)?;
            let is_auto_key = meta.auto_pk && *column == meta.pk_column;
            if meta.pk_columns.contains(column) || is_auto_key {
                return Err(Error::usage(format!(
                    "bulk_update cannot change `{column}`: it is the primary key of `{}`",
                    meta.name
                )));
            }
            indexes.push(index);
        }
        if columns.is_empty() || objects.is_empty() {
            return Ok(0);
        }
        let key_width = meta.pk_columns.len();
        let per_object = (key_width + 1) * columns.len() + key_width;
        let per_statement = (db.dialect().max_parameters() / per_object).max(1);
        // SQLite parses a chain of ORs (a composite key's selection) as
        // nested expressions, at most 1000 deep.
        let per_statement = match key_width {
            1 => per_statement,
            _ => per_statement.min(500),
        };
        let batch = match batch_size {
            0 => per_statement,
            size => size.min(per_statement),
        };
        let update_batch = |db: &Db, batch: &[M]| -> Result<u64> {
            let assignments = columns.iter().zip(&indexes).map(|(&name, &index)| {
                let whens = batch
                    .iter()
                    .map(|object| {
                        let value = object.column_param(index).into_owned();
                        (pk_cond(object).cond, SqlExpr::Value(value))
                    })
                    .collect();
                // The column itself as the ELSE gives PostgreSQL the type of
                // the THEN parameters.
                let unchanged = SqlExpr::Column(ColumnRef {
                    table: meta.table,
                    name,
                    nullable: true,
                });
                Assignment::new(
                    name,
                    SqlExpr::Case {
                        whens,
                        default: Box::new(unchanged),
                    },
                )
            });
            let keys = match meta.pk_columns {
                [pk] => Cond::In {
                    column: ColumnRef {
                        table: meta.table,
                        name: pk,
                        nullable: false,
                    },
                    values: batch
                        .iter()
                        .map(|object| object.pk_param().into_owned())
                        .collect(),
                },
                _ => Cond::Or(batch.iter().map(|object| pk_cond(object).cond).collect()),
            };
            self.clone().filter(Q::new(keys)).update(db, assignments)
        };
        if objects.len() <= batch {
            return update_batch(db, objects);
        }
        db.transaction_on(self.alias(), |tx| {
            objects
                .chunks(batch)
                .try_fold(0, |matched, batch| Ok(matched + update_batch(tx, batch)?))
        })
    }
}

/// The position of `column` in [`ModelMeta::columns`](crate::ModelMeta::columns).
fn column_index<M: Model>(column: &str) -> Result<usize> {
    M::META
        .columns
        .iter()
        .position(|name| *name == column)
        .ok_or_else(|| Error::usage(format!("`{column}` is not a column of `{}`", M::META.name)))
}
