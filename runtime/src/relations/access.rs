//! Reading a single-valued relation of an instance: the row it points at
//! (`post.author(&db)`), or the one row pointing at it (`author.profile(&db)`).
//! A row loaded with the instance (`select_related`, `prefetch_related`) is
//! lent out without a query.

use std::borrow::Cow;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::value::Param;

use super::handles::{ForeignKey, ReverseOne};

/// The row of `T` that the foreign key (or one-to-one field) `relation` of
/// `this` points at.
///
/// A row loaded with `this` is borrowed when it still matches the key; else
/// one query reads it on `T`'s database. A key pointing at no row, or a NULL
/// key, is [`Error::DoesNotExist`]; use [`fetch_related_optional`] for a
/// nullable relation. Generated accessors (`post.author(&db)`) call it.
///
/// ```ignore
/// let author = post.author(&db)?; // pookie::relations::fetch_related(&post, post::author, &db)
/// println!("{}", author.name);
/// ```
pub fn fetch_related<'a, M: Model, T: Model + Clone>(
    this: &'a M,
    relation: ForeignKey<M, T>,
    db: &Db,
) -> Result<Cow<'a, T>> {
    fetch_related_optional(this, relation, db)?.ok_or_else(|| {
        let meta = relation.meta();
        let why = format!(
            "{}.{} is NULL; a nullable relation is read with fetch_related_optional",
            M::META.name,
            meta.name
        );
        Error::does_not_exist(T::META.name, why.clone(), why)
    })
}

/// [`fetch_related`] for a nullable foreign key: `None` when the key is NULL.
pub fn fetch_related_optional<'a, M: Model, T: Model + Clone>(
    this: &'a M,
    relation: ForeignKey<M, T>,
    db: &Db,
) -> Result<Option<Cow<'a, T>>> {
    let meta = relation.meta();
    let key = this.column_param(meta.column_index);
    if let Some(loaded) = this.loaded().get::<Option<T>>(relation.index()) {
        match loaded {
            // The key may have been changed since the row was loaded.
            Some(target) if target.column_param(meta.target_column_index) == key => {
                return Ok(Some(Cow::Borrowed(target)));
            }
            None if key == Param::Null => return Ok(None),
            _ => {}
        }
    }
    if key == Param::Null {
        return Ok(None);
    }
    let filter = || format!("{} = {key}", meta.target_column);
    match row_where::<T>(
        db,
        related_alias::<M, T>(this),
        meta.target_column,
        key.reborrow(),
    )? {
        Some(found) => Ok(Some(Cow::Owned(found))),
        None => Err(Error::does_not_exist(
            T::META.name,
            meta.target_column,
            filter(),
        )),
    }
}

/// The row of `T` whose one-to-one field points at `this` (the reverse side
/// of `T`'s `OneToOneField`): [`Error::DoesNotExist`] when there is none.
///
/// A row loaded with `this` (or the knowledge that there is none) answers
/// without a query. Generated accessors (`author.user_profile(&db)`) call it.
pub fn fetch_reverse_one<'a, M: Model, T: Model + Clone>(
    this: &'a M,
    relation: ReverseOne<M, T>,
    db: &Db,
) -> Result<Cow<'a, T>> {
    fetch_reverse_one_or_none(this, relation, db)?.ok_or_else(|| {
        let meta = relation.meta();
        Error::does_not_exist(
            T::META.name,
            meta.target_column,
            format!(
                "{} = {}",
                meta.target_column,
                this.column_param(meta.column_index)
            ),
        )
    })
}

/// [`fetch_reverse_one`], with `None` when no row points at `this`.
/// Generated accessors (`author.user_profile_or_none(&db)`) call it.
pub fn fetch_reverse_one_or_none<'a, M: Model, T: Model + Clone>(
    this: &'a M,
    relation: ReverseOne<M, T>,
    db: &Db,
) -> Result<Option<Cow<'a, T>>> {
    let meta = relation.meta();
    let key = this.column_param(meta.column_index);
    if let Some(loaded) = this.loaded().get::<Option<T>>(relation.index()) {
        match loaded {
            Some(target) if target.column_param(meta.target_column_index) == key => {
                return Ok(Some(Cow::Borrowed(target)));
            }
            None => return Ok(None),
            _ => {}
        }
    }
    if key == Param::Null {
        return Ok(None);
    }
    Ok(row_where::<T>(
        db,
        related_alias::<M, T>(this),
        meta.target_column,
        key.reborrow(),
    )?
    .map(Cow::Owned))
}

/// The database a related row of `this` is read from: the one `this` came
/// from (as Django routes an instance's relations), else `T`'s own.
fn related_alias<M: Model, T: Model>(this: &M) -> &str {
    this.loaded().db_alias().unwrap_or(T::META.db_alias)
}

/// The row of `T` whose `column` (the primary key or another unique column)
/// equals `key`, by the prepared statement when `column` is the primary key.
fn row_where<T: Model>(db: &Db, alias: &str, column: &str, key: Param<'_>) -> Result<Option<T>> {
    let mut connection = db.read_connection(alias, false)?;
    let dialect = connection.dialect();
    let sql = &T::SQL[dialect.index()];
    let params = [key];
    if column == T::META.pk_column {
        return connection.query_first(sql.get_by_pk, &params, T::from_row);
    }
    let mut text = String::with_capacity(sql.select.len() + 48);
    text.push_str(sql.select);
    text.push_str(" WHERE ");
    dialect.push_qualified(&mut text, T::META.table, column);
    text.push_str(" = ");
    dialect.push_placeholder(&mut text, 1);
    connection.query_first(&text, &params, T::from_row)
}
