//! [`Partial`]: a model instance of which only some columns were loaded.

use std::borrow::Cow;
use std::sync::Arc;

use super::column::Column;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::value::IntoField;

/// A row of `M` read by a query set with [`only`](crate::QuerySet::only) or
/// [`defer`](crate::QuerySet::defer): the loaded fields are read with
/// [`get`](Self::get), and reading one that was not loaded is an error naming
/// it, never a made-up value. The primary key is always loaded.
///
/// [`save`](Self::save) writes back the loaded columns only, so that the
/// others keep what the database holds; [`load`](Self::load) completes the
/// instance.
///
/// ```ignore
/// let mut post = Post::objects().only(post::title).get(&db, post::id.eq(1))?;
/// assert!(post.get(post::body).is_err());
/// post.set(post::title, "Renamed")?;
/// post.save(&db)?; // body untouched
/// let post: Post = post.load(&db)?;
/// ```
pub struct Partial<M> {
    object: M,
    loaded: Arc<Vec<bool>>,
    alias: Option<Cow<'static, str>>,
}

impl<M: Model> std::fmt::Debug for Partial<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Partial");
        debug.field("model", &M::META.name);
        match M::META.pk_columns.len() {
            1 => debug.field("pk", &self.object.pk_param()),
            _ => debug.field("pk", &crate::ops::key_params(&self.object)),
        };
        debug
            .field("loaded", &self.loaded_columns().collect::<Vec<_>>())
            .finish()
    }
}

impl<M: Model> Partial<M> {
    pub(crate) fn new(object: M, loaded: Arc<Vec<bool>>, alias: Option<Cow<'static, str>>) -> Self {
        Partial {
            object,
            loaded,
            alias,
        }
    }

    fn alias(&self) -> &str {
        self.alias.as_deref().unwrap_or(M::META.db_alias)
    }

    /// The position of `column` in `M::META.columns`.
    fn position<T>(column: Column<M, T>) -> Result<usize> {
        M::META
            .columns
            .iter()
            .position(|name| *name == column.name())
            .ok_or_else(|| {
                Error::usage(format!(
                    "`{}` is not a column of `{}`",
                    column.name(),
                    M::META.name
                ))
            })
    }

    fn loaded_position<T>(&self, column: Column<M, T>) -> Result<usize> {
        let index = Self::position(column)?;
        if self.loaded[index] {
            Ok(index)
        } else {
            let field = M::META.fields.get(index).map_or(column.name(), |f| f.name);
            Err(Error::usage(format!(
                "`{}.{field}` was not loaded: the query set left it out (only/defer); \
                 call `load` for the whole row",
                M::META.name
            )))
        }
    }

    fn mismatch<T>(column: Column<M, T>) -> Error {
        Error::usage(format!(
            "the column handle `{}` does not have the type of the field of `{}`",
            column.name(),
            M::META.name
        ))
    }

    /// The value of a loaded field; an error naming the field when it was not
    /// loaded.
    pub fn get<T: 'static>(&self, column: Column<M, T>) -> Result<&T> {
        let index = self.loaded_position(column)?;
        self.object
            .field_any(index)
            .and_then(|value| value.downcast_ref::<T>())
            .ok_or_else(|| Self::mismatch(column))
    }

    /// The value of a loaded field, to change in place; an error naming the
    /// field when it was not loaded.
    pub fn get_mut<T: 'static>(&mut self, column: Column<M, T>) -> Result<&mut T> {
        let index = self.loaded_position(column)?;
        self.object
            .field_any_mut(index)
            .and_then(|value| value.downcast_mut::<T>())
            .ok_or_else(|| Self::mismatch(column))
    }

    /// Sets a field, loaded or not: it then counts as loaded, and
    /// [`save`](Self::save) writes it.
    pub fn set<T: 'static>(
        &mut self,
        column: Column<M, T>,
        value: impl IntoField<T>,
    ) -> Result<()> {
        let index = Self::position(column)?;
        let slot = self
            .object
            .field_any_mut(index)
            .and_then(|slot| slot.downcast_mut::<T>())
            .ok_or_else(|| Self::mismatch(column))?;
        *slot = value.into_field();
        if !self.loaded[index] {
            Arc::make_mut(&mut self.loaded)[index] = true;
        }
        Ok(())
    }

    /// True when `column` was loaded (or set).
    pub fn is_loaded<T>(&self, column: Column<M, T>) -> bool {
        Self::position(column).is_ok_and(|index| self.loaded[index])
    }

    /// The loaded column names, in the model's column order.
    pub fn loaded_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        loaded_names(M::META.columns, &self.loaded)
    }

    /// The whole instance, when every column is loaded (or set); otherwise an
    /// error naming the missing fields.
    pub fn into_model(self) -> Result<M> {
        let missing: Vec<&str> = M::META
            .fields
            .iter()
            .zip(self.loaded.iter())
            .filter(|(_, &loaded)| !loaded)
            .map(|(field, _)| field.name)
            .collect();
        if missing.is_empty() {
            Ok(self.object)
        } else {
            Err(Error::usage(format!(
                "`{}` is missing {}: call `load` for the whole row",
                M::META.name,
                missing.join(", ")
            )))
        }
    }

    /// Reads the row again and returns the whole instance: the fields that
    /// were not loaded come from the database, the loaded ones (with any
    /// change made to them) from this instance. A row that no longer exists is
    /// [`Error::DoesNotExist`].
    pub fn load(mut self, db: &Db) -> Result<M> {
        let mut full = self.fetch(db)?;
        self.move_loaded(&mut full);
        Ok(full)
    }

    fn fetch(&self, db: &Db) -> Result<M> {
        let row = {
            let mut connection = db.read_connection(self.alias(), false)?;
            let sql = &M::SQL[connection.dialect().index()];
            let params = crate::ops::key_params(&self.object);
            connection.query_first(sql.get_by_pk, &params, M::from_row)?
        };
        row.ok_or_else(|| crate::ops::missing_row(&self.object))
    }

    /// Swaps every loaded field between this instance and `other`.
    fn move_loaded(&mut self, other: &mut M) {
        for (index, &loaded) in self.loaded.iter().enumerate() {
            if loaded {
                other.swap_field(&mut self.object, index);
            }
        }
    }

    /// Writes the loaded editable columns back to the row, and no other.
    ///
    /// It runs what [`save`](crate::ops::save) runs, on the whole instance:
    /// the row is read again and the loaded fields put in it, so that
    /// validation, the model's `clean` and the `pre_save`/`post_save` hooks
    /// see real values, never placeholders. `auto_now` fields are stamped but
    /// written only when loaded, and what `pre_save` changes in a field that
    /// was not loaded is not written either (as Django's
    /// `save(update_fields = …)`). A row that no longer exists is
    /// [`Error::DoesNotExist`].
    pub fn save(&mut self, db: &Db) -> Result<()> {
        let mut full = self.fetch(db)?;
        self.move_loaded(&mut full);
        let saved = self.save_whole(db, &mut full);
        // The loaded fields go back, as `pre_save` left them.
        self.move_loaded(&mut full);
        saved
    }

    fn save_whole(&self, db: &Db, full: &mut M) -> Result<()> {
        crate::validation::full_clean(full, db, false)?;
        let hooks = M::hooks();
        (hooks.pre_save)(full, db)?;
        full.touch_auto_now(crate::ops::now());
        let columns: Vec<&str> = M::META
            .fields
            .iter()
            .zip(self.loaded.iter())
            .filter(|(field, &loaded)| loaded && field.editable && !field.primary_key)
            .map(|(field, _)| field.column)
            .collect();
        crate::ops::update_columns(db, self.alias(), full, &columns)?;
        (hooks.post_save)(full, db, false)
    }
}

/// The row index of column `column` in `from_partial_row`'s `indices`. Called
/// by generated code.
#[doc(hidden)]
pub fn loaded_index(indices: &[Option<usize>], column: usize) -> Option<usize> {
    indices.get(column).copied().flatten()
}

/// The error of `from_partial_row` for a field that has no placeholder value.
/// Called by generated code.
#[doc(hidden)]
pub fn no_placeholder(model: &str, field: &str) -> Error {
    Error::usage(format!(
        "`{model}.{field}` must be loaded: its type has no value to stand in for it"
    ))
}

/// The names in `columns` whose entry in `loaded` is set, in column order.
pub(super) fn loaded_names<'a>(
    columns: &'static [&'static str],
    loaded: &'a [bool],
) -> impl Iterator<Item = &'static str> + 'a {
    columns
        .iter()
        .zip(loaded)
        .filter(|(_, &loaded)| loaded)
        .map(|(column, _)| *column)
}
