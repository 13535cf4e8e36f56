//! [`ManyRelated`]: both sides of a many-to-many relation (`post.tags()`,
//! `tag.posts()`), read and changed through the join table.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::{ColumnRef, Cond, OrderBy, QuerySet, SqlBuilder, SqlExpr, Values, Q};
use crate::value::{Param, ToParam};

use super::handles::ManyToMany;
use super::meta::{RelationMeta, Through};
use super::related_set::{key_cond, reading_api};

/// Join rows written per INSERT: two parameters each, well under every
/// database's limit on parameters per statement.
const ROWS_PER_INSERT: usize = 400;
/// Keys listed per `IN (…)` of a DELETE.
const KEYS_PER_DELETE: usize = 800;

/// The rows of `T` linked to one `M` by a many-to-many relation, from either
/// side: `post.tags()`, `tag.posts()`.
///
/// Reading works as on [`RelatedSet`](crate::RelatedSet): the rows prefetched
/// into the instance answer `all`, `count`, `exists` and `first` without a
/// query. Prefetched rows are a snapshot: `add`, `remove`, `set` and `clear`
/// change the database, not the rows already loaded (read the instance again
/// to see the change), as in Django.
///
/// Writes need the instance's primary key, and `add` adds only the two keys
/// of each join row. With an explicit `through` model, its other columns must
/// then have database defaults; otherwise create the join rows through the
/// through model itself (`Membership::objects().create(…)`). Adding a pair
/// twice is ignored thanks to the join table's primary key (or the through
/// model's `unique_together` on its two keys).
///
/// ```ignore
/// post.tags().add(&db, &[&rust, &orm])?;
/// post.tags().remove(&db, &[&orm])?;
/// assert_eq!(post.tags().count(&db)?, 1);
/// post.tags().set(&db, &[&orm])?;
/// post.tags().clear(&db)?;
/// ```
pub struct ManyRelated<'a, M, T> {
    this: &'a M,
    relation: ManyToMany<M, T>,
}

impl<'a, M: Model, T: Model + Clone> ManyRelated<'a, M, T> {
    /// The rows of `relation` linked to `this`. Generated accessors
    /// (`post.tags()`) call it.
    pub fn new(this: &'a M, relation: ManyToMany<M, T>) -> Self {
        ManyRelated { this, relation }
    }

    fn through(&self) -> Result<(&'static RelationMeta, &'static Through)> {
        let meta = self.relation.meta();
        match &meta.through {
            Some(through) => Ok((meta, through)),
            None => Err(Error::usage(format!(
                "{}.{} has no join table: it is not a many-to-many relation",
                M::META.name,
                meta.name
            ))),
        }
    }

    /// Every linked row, as a query set of `T`: the `T` rows whose primary key
    /// is among the join table's target keys for this instance.
    pub fn query(&self) -> QuerySet<T> {
        let meta = self.relation.meta();
        let Some(through) = &meta.through else {
            // Only generated handles make these, always with a join table.
            return QuerySet::new().filter(Q::new(key_cond(
                T::META.table,
                meta.target_column,
                false,
                Param::Null,
            )));
        };
        let key = self.this.column_param(meta.column_index);
        let mut join = QuerySet::<T>::new().select;
        join.table = through.table;
        join.columns = &[];
        join.pk_column = through.source_column;
        join.meta_ordering = &[];
        join.fields = &[];
        join.ordering = Some(Vec::new());
        join.filter = Some(key_cond(through.table, through.source_column, false, key));
        let target_keys = Values {
            select: join,
            exprs: vec![SqlExpr::Column(ColumnRef {
                table: through.table,
                name: through.target_column,
                nullable: false,
            })],
            having: None,
        };
        let query = QuerySet::new().filter(Q::new(Cond::InSubquery {
            column: ColumnRef {
                table: T::META.table,
                name: meta.target_column,
                nullable: false,
            },
            query: Box::new(target_keys),
        }));
        super::related_set::on_db_of(self.this, query)
    }

    /// The rows prefetched into the instance for this relation, if any.
    pub fn loaded(&self) -> Option<&'a [T]> {
        self.this
            .loaded()
            .get::<Vec<T>>(self.relation.index())
            .map(Vec::as_slice)
    }

    reading_api!();

    /// This instance's key, which every join row holds; an error naming the
    /// fix when the instance was never saved.
    fn source_key(&self, action: &str) -> Result<Param<'a>> {
        let meta = self.relation.meta();
        let key = self.this.column_param(meta.column_index);
        if key == Param::Null {
            return Err(Error::usage(format!(
                "cannot {action} {}.{}: this {} has no primary key yet; save it first (objects().create)",
                M::META.name,
                meta.name,
                M::META.name
            )));
        }
        Ok(key)
    }

    fn target_keys<'t>(&self, targets: &[&'t T]) -> Vec<Param<'t>> {
        let index = self.relation.meta().target_column_index;
        targets
            .iter()
            .map(|target| target.column_param(index))
            .collect()
    }

    /// Links these rows to the instance; links that exist already are left as
    /// they are. Returns how many links were added.
    pub fn add(&self, db: &Db, targets: &[&T]) -> Result<u64> {
        self.add_params(db, &self.target_keys(targets))
    }

    /// [`add`](Self::add) by primary keys of `T`.
    pub fn add_keys<K: ToParam>(&self, db: &Db, keys: &[K]) -> Result<u64> {
        let keys: Vec<Param<'_>> = keys.iter().map(ToParam::to_param).collect();
        self.add_params(db, &keys)
    }

    /// Unlinks these rows from the instance (the rows themselves stay).
    /// Returns how many links were removed.
    pub fn remove(&self, db: &Db, targets: &[&T]) -> Result<u64> {
        self.remove_params(db, &self.target_keys(targets))
    }

    /// [`remove`](Self::remove) by primary keys of `T`.
    pub fn remove_keys<K: ToParam>(&self, db: &Db, keys: &[K]) -> Result<u64> {
        let keys: Vec<Param<'_>> = keys.iter().map(ToParam::to_param).collect();
        self.remove_params(db, &keys)
    }

    /// Makes these rows the instance's only links, in one transaction:
    /// removes the links to other rows and adds the missing ones, leaving the
    /// links that stay untouched (an explicit through model keeps their
    /// extra columns).
    pub fn set(&self, db: &Db, targets: &[&T]) -> Result<()> {
        let keys = self.target_keys(targets);
        let (_, through) = self.through()?;
        let source = self.source_key("set")?;
        db.transaction_on(crate::ops::alias_of(self.this), |tx| {
            let mut connection = tx.connection(crate::ops::alias_of(self.this))?;
            let mut builder = SqlBuilder::new(connection.dialect(), "DELETE FROM ");
            push_join_delete(&mut builder, through, source.reborrow());
            if !keys.is_empty() {
                builder.push(" AND ");
                builder.push_ident(through.target_column);
                builder.push(" NOT IN (");
                builder.push_param_list(&keys);
                builder.push(")");
            }
            connection.execute(&builder.sql, &builder.params)?;
            drop(connection);
            self.add_params(tx, &keys).map(drop)
        })
    }

    /// Unlinks every row from the instance. Returns how many links were removed.
    pub fn clear(&self, db: &Db) -> Result<u64> {
        let (_, through) = self.through()?;
        let source = self.source_key("clear")?;
        let mut connection = db.connection(crate::ops::alias_of(self.this))?;
        let mut builder = SqlBuilder::new(connection.dialect(), "DELETE FROM ");
        push_join_delete(&mut builder, through, source);
        connection.execute(&builder.sql, &builder.params)
    }

    fn add_params(&self, db: &Db, keys: &[Param<'_>]) -> Result<u64> {
        let (_, through) = self.through()?;
        let source = self.source_key("add to")?;
        if keys.is_empty() {
            return Ok(0);
        }
        let mut connection = db.connection(crate::ops::alias_of(self.this))?;
        let mut added = 0;
        for chunk in keys.chunks(ROWS_PER_INSERT) {
            let mut builder = SqlBuilder::new(connection.dialect(), "INSERT INTO ");
            builder.push_ident(through.table);
            builder.push(" (");
            builder.push_ident(through.source_column);
            builder.push(", ");
            builder.push_ident(through.target_column);
            builder.push(") VALUES ");
            for (index, key) in chunk.iter().enumerate() {
                builder.push(if index == 0 { "(" } else { ", (" });
                builder.push_param(source.reborrow());
                builder.push(", ");
                builder.push_param(key.reborrow());
                builder.push(")");
            }
            // The same clause on SQLite (3.24 and later) and PostgreSQL; with
            // no conflict target it covers the pair's primary key or unique
            // constraint, and rows repeated within the statement.
            builder.push(" ON CONFLICT DO NOTHING");
            added += connection.execute(&builder.sql, &builder.params)?;
        }
        Ok(added)
    }

    fn remove_params(&self, db: &Db, keys: &[Param<'_>]) -> Result<u64> {
        let (_, through) = self.through()?;
        let source = self.source_key("remove from")?;
        if keys.is_empty() {
            return Ok(0);
        }
        let mut connection = db.connection(crate::ops::alias_of(self.this))?;
        let mut removed = 0;
        for chunk in keys.chunks(KEYS_PER_DELETE) {
            let mut builder = SqlBuilder::new(connection.dialect(), "DELETE FROM ");
            push_join_delete(&mut builder, through, source.reborrow());
            builder.push(" AND ");
            builder.push_ident(through.target_column);
            builder.push(" IN (");
            builder.push_param_list(chunk);
            builder.push(")");
            removed += connection.execute(&builder.sql, &builder.params)?;
        }
        Ok(removed)
    }
}

/// `<join table> WHERE <source column> = <key>`, after `DELETE FROM `.
fn push_join_delete<'q>(builder: &mut SqlBuilder<'q>, through: &Through, source: Param<'q>) {
    builder.push_ident(through.table);
    builder.push(" WHERE ");
    builder.push_ident(through.source_column);
    builder.push(" = ");
    builder.push_param(source);
}

impl<M: Model, T> std::fmt::Debug for ManyRelated<'_, M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManyRelated")
            .field("relation", &self.relation)
            .field(
                "key",
                &self.this.column_param(self.relation.meta().column_index),
            )
            .finish()
    }
}
