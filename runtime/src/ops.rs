//! The operations behind generated model methods (`Author::get`, `save`,
//! `delete`, `create_table`). Generated code calls them; users call the
//! methods on their models.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::value::{Param, ToParam};

/// The current time as the databases store it: UTC, to the microsecond, so
/// that an instance equals the row read back.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// [`now`] for the `auto_now`, `auto_now_add` and `default = now` fields of
/// `M`; a model without date or time fields has none, and skips the clock
/// read (the value is then never looked at).
pub(crate) fn now_for<M: Model>() -> chrono::DateTime<chrono::Utc> {
    let reads_clock = M::META.fields.iter().any(|field| {
        matches!(
            field.field_type,
            "DateTimeField" | "DateField" | "TimeField"
        )
    });
    if reads_clock {
        now()
    } else {
        chrono::DateTime::UNIX_EPOCH
    }
}

/// Fetches the row of `M` whose primary key is `pk`.
pub fn get_by_pk<M: Model>(db: &Db, pk: &impl ToParam) -> Result<M> {
    get_by_key(db, &[pk.to_param()])
}

/// Fetches the row of `M` whose primary key is `key`: one parameter per
/// column of [`ModelMeta::pk_columns`](crate::ModelMeta::pk_columns), in order
/// (a composite key has several).
pub fn get_by_key<M: Model>(db: &Db, key: &[Param<'_>]) -> Result<M> {
    if key.len() != M::META.pk_columns.len() {
        return Err(Error::usage(format!(
            "the primary key of `{}` has {} columns, not {}",
            M::META.name,
            M::META.pk_columns.len(),
            key.len()
        )));
    }
    let mut connection = db.read_connection(M::META.db_alias, false)?;
    let sql = &M::SQL[connection.dialect().index()];
    connection
        .query_first(sql.get_by_pk, key, M::from_row)?
        .ok_or_else(|| {
            Error::does_not_exist(
                M::META.name,
                M::META.pk_columns.join(", "),
                key_filter(M::META.pk_columns, key),
            )
        })
}

/// The database `object` belongs to: the one it was read from or saved to
/// through `.using(…)`, else its model's own.
pub(crate) fn alias_of<M: Model>(object: &M) -> &str {
    object.loaded().db_alias().unwrap_or(M::META.db_alias)
}

/// The key of `object` as parameters, in the order of `META.pk_columns`.
pub(crate) fn key_params<M: Model>(object: &M) -> Vec<Param<'_>> {
    let mut params = Vec::with_capacity(M::META.pk_columns.len());
    object.push_pk_params(&mut params);
    params
}

/// `a = 1 AND b = 2`: a key, for error messages.
pub(crate) fn key_filter(columns: &[&str], key: &[Param<'_>]) -> String {
    let mut filter = String::new();
    for (i, (column, value)) in columns.iter().zip(key).enumerate() {
        if i > 0 {
            filter.push_str(" AND ");
        }
        filter.push_str(&format!("{column} = {value}"));
    }
    filter
}

/// The [`Error::DoesNotExist`] of an instance whose row is gone: names the
/// key columns; the key's values stay hidden in the error.
pub(crate) fn missing_row<M: Model>(object: &M) -> Error {
    Error::does_not_exist(
        M::META.name,
        M::META.pk_columns.join(", "),
        pk_filter(object),
    )
}

/// The key of `object`, for error messages.
pub(crate) fn pk_filter<M: Model>(object: &M) -> String {
    key_filter(M::META.pk_columns, &key_params(object))
}

/// Inserts `object` into the database `alias` once it passes
/// [`full_clean`](crate::validation::full_clean), between its `pre_save` and
/// `post_save` hooks; the key the database assigned, if any, is stored in it.
pub(crate) fn insert<M: Model>(db: &Db, alias: &str, mut object: M) -> Result<M> {
    crate::validation::full_clean(&object, db, true)?;
    let hooks = M::hooks();
    (hooks.pre_save)(&mut object, db)?;
    {
        // Held only for the statement: hooks may query the database themselves.
        let mut connection = db.connection(alias)?;
        let sql = &M::SQL[connection.dialect().index()];
        let mut params: Vec<Param<'_>> = Vec::with_capacity(M::META.columns.len());
        object.push_insert_params(&mut params);
        if M::META.auto_pk {
            let pk = connection.insert_returning_key(sql.insert, &params)?;
            drop(params);
            object.set_auto_pk(pk)?;
        } else {
            connection.execute(sql.insert, &params)?;
        }
    }
    (hooks.post_save)(&object, db, true)?;
    Ok(object)
}

/// Converts a key the database assigned into the primary key's type. Called by
/// generated code.
pub fn auto_pk<T: TryFrom<i64>>(pk: i64) -> Result<T> {
    T::try_from(pk).map_err(|_| Error::Decode {
        column: "primary key".to_owned(),
        message: format!("the assigned key {pk} does not fit the primary key's type"),
    })
}

/// Writes every editable field of `object` back to its row once it passes
/// [`full_clean`](crate::validation::full_clean), after setting its `auto_now`
/// fields, between its `pre_save` and `post_save` hooks. A row that no longer
/// exists is [`Error::DoesNotExist`].
pub fn save<M: Model>(db: &Db, object: &mut M) -> Result<()> {
    crate::validation::full_clean(object, db, false)?;
    let hooks = M::hooks();
    (hooks.pre_save)(object, db)?;
    object.touch_auto_now(now_for::<M>());
    let changed = {
        let mut connection = db.connection(alias_of(object))?;
        let sql = &M::SQL[connection.dialect().index()];
        if sql.update_by_pk.is_empty() {
            return Ok(());
        }
        let mut params = Vec::with_capacity(M::META.columns.len());
        object.push_update_params(&mut params);
        connection.execute(sql.update_by_pk, &params)?
    };
    if changed == 0 {
        return Err(row_to_save_is_gone(object));
    }
    (hooks.post_save)(object, db, false)
}

/// `save`'s error when no row has the instance's key.
pub(crate) fn row_to_save_is_gone<M: Model>(object: &M) -> Error {
    Error::does_not_exist(
        M::META.name,
        format!(
            "{}; save() updates an existing row, use objects().create() to insert one",
            M::META.pk_columns.join(", ")
        ),
        pk_filter(object),
    )
}

/// Deletes the row of `object`, between its `pre_delete` and `post_delete` hooks.
///
/// The database carries out each relation's `on_delete`. When rows point at
/// it (or at rows its delete cascades to) with `on_delete = PROTECT`, nothing
/// is deleted, no hook runs, and the error is [`Error::Protected`] naming
/// them; the check and the delete then share a transaction.
pub fn delete<M: Model>(db: &Db, object: &M) -> Result<()> {
    let hooks = M::hooks();
    let rows = || {
        std::borrow::Cow::Owned(
            crate::QuerySet::<M>::new()
                .filter(crate::query::pk_cond(object))
                .select,
        )
    };
    let alias = alias_of(object);
    crate::relations::delete_checked(db, alias, &M::META, rows, |db| {
        (hooks.pre_delete)(object, db)?;
        {
            let mut connection = db.connection(alias)?;
            let sql = &M::SQL[connection.dialect().index()];
            connection.execute(sql.delete_by_pk, &key_params(object))?;
        }
        (hooks.post_delete)(object, db)
    })
}

/// Creates the table of `M` and its indexes, if they do not exist.
pub fn create_table<M: Model>(db: &Db) -> Result<()> {
    let mut connection = db.connection(M::META.db_alias)?;
    let sql = &M::SQL[connection.dialect().index()];
    for statement in sql.create_table {
        connection.batch_execute(statement)?;
    }
    Ok(())
}

/// Drops the table of `M`, if it exists.
pub fn drop_table<M: Model>(db: &Db) -> Result<()> {
    let mut connection = db.connection(M::META.db_alias)?;
    let sql = &M::SQL[connection.dialect().index()];
    connection.batch_execute(sql.drop_table)
}

/// Reads the row of `object` again and replaces every field with what the
/// database holds now; the related rows loaded with it are forgotten, as in
/// Django. A row that no longer exists is [`Error::DoesNotExist`].
pub fn refresh_from_db<M: Model>(db: &Db, object: &mut M) -> Result<()> {
    let fresh = {
        let mut connection = db.connection(alias_of(object))?;
        let sql = &M::SQL[connection.dialect().index()];
        connection.query_first(sql.get_by_pk, &key_params(object), M::from_row)?
    };
    match fresh {
        Some(mut fresh) => {
            // The instance stays on the database it came from.
            let remembered = object.loaded_mut().take_db_alias();
            fresh.loaded_mut().set_db_alias(remembered);
            *object = fresh;
            Ok(())
        }
        None => Err(missing_row(object)),
    }
}

/// Writes only `columns` of `object` back to its row (Django's
/// `save(update_fields = …)`), between its `pre_save` and `post_save` hooks;
/// other columns keep what the database holds, and `auto_now` fields change
/// only when listed.
pub fn save_update_fields<M: Model, P: crate::Projection<M>>(
    db: &Db,
    object: &mut M,
    fields: P,
) -> Result<()> {
    let meta = &M::META;
    let columns = crate::query::column_names(fields)?;
    let columns = columns.as_slice();
    // The insert parameters are every column but an auto primary key, in
    // `META.columns` order: pick the listed ones from them.
    let insert_columns: Vec<&str> = meta
        .columns
        .iter()
        .copied()
        .filter(|column| !(meta.auto_pk && *column == meta.pk_column))
        .collect();
    for column in columns {
        if meta.pk_columns.contains(column) || !insert_columns.contains(column) {
            return Err(Error::usage(format!(
                "`{column}` is not an updatable column of `{}`",
                meta.name
            )));
        }
    }
    if columns.is_empty() {
        return Ok(());
    }
    let hooks = M::hooks();
    (hooks.pre_save)(object, db)?;
    update_columns(db, alias_of(object), object, columns)?;
    (hooks.post_save)(object, db, false)
}

/// `UPDATE … SET <columns> WHERE <pk>` with the values of `object`, on the
/// database `alias`; every column must be one of its insert columns. A row
/// that no longer exists is [`Error::DoesNotExist`].
pub(crate) fn update_columns<M: Model>(
    db: &Db,
    alias: &str,
    object: &M,
    columns: &[&str],
) -> Result<()> {
    let meta = &M::META;
    if columns.is_empty() {
        return Ok(());
    }
    let insert_columns = meta
        .columns
        .iter()
        .copied()
        .filter(|column| !(meta.auto_pk && *column == meta.pk_column));
    let changed = {
        let mut connection = db.connection(alias)?;
        let dialect = connection.dialect();
        let mut all = Vec::with_capacity(meta.columns.len());
        object.push_insert_params(&mut all);
        let mut sql = String::from("UPDATE ");
        dialect.push_ident(&mut sql, meta.table);
        let mut params = Vec::with_capacity(columns.len() + 1);
        for (column, param) in insert_columns.zip(all) {
            if columns.contains(&column) {
                sql.push_str(if params.is_empty() { " SET " } else { ", " });
                dialect.push_ident(&mut sql, column);
                sql.push_str(" = ");
                params.push(param);
                dialect.push_placeholder(&mut sql, params.len());
            }
        }
        sql.push_str(" WHERE ");
        let first_key = params.len();
        object.push_pk_params(&mut params);
        for (i, key) in meta.pk_columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(" AND ");
            }
            dialect.push_ident(&mut sql, key);
            sql.push_str(" = ");
            dialect.push_placeholder(&mut sql, first_key + i + 1);
        }
        connection.execute(&sql, &params)?
    };
    if changed == 0 {
        return Err(missing_row(object));
    }
    Ok(())
}
