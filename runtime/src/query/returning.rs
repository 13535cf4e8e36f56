//! `update` and `delete` that return the rows they wrote (`RETURNING`).

use super::column::Assignment;
use super::compile::SqlBuilder;
use super::queryset::QuerySet;
use crate::db::Db;
use crate::error::Result;
use crate::model::Model;

impl<M: Model> QuerySet<M> {
    /// [`update`](Self::update) that returns the changed rows as they are
    /// after it, read by the same statement (`UPDATE … RETURNING`; SQLite
    /// 3.35 and PostgreSQL). In no particular order; none without assignments.
    ///
    /// ```ignore
    /// let published = Post::objects()
    ///     .filter(post::status.eq(Status::Draft))
    ///     .update_returning(&db, [post::status.set(Status::Published)])?;
    /// ```
    pub fn update_returning(
        &self,
        db: &Db,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<Vec<M>> {
        let assignments: Vec<Assignment<M>> = assignments.into_iter().collect();
        if assignments.is_empty() {
            return Ok(Vec::new());
        }
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        self.push_update(&mut builder, &assignments);
        push_returning::<M>(builder.dialect, &mut builder.sql);
        let rows = connection.query_map(&builder.sql, &builder.params, M::from_row)?;
        Ok(self.remember_db(rows))
    }

    /// [`delete`](Self::delete) that returns the deleted rows as they were
    /// (`DELETE … RETURNING`), in no particular order; rows the delete
    /// cascades to are not among them. `PROTECT` refuses as `delete` does.
    pub fn delete_returning(&self, db: &Db) -> Result<Vec<M>> {
        let rows = || std::borrow::Cow::Borrowed(&self.select);
        let deleted = crate::relations::delete_checked(db, self.alias(), &M::META, rows, |db| {
            let mut connection = db.connection(self.alias())?;
            let mut builder = SqlBuilder::new(connection.dialect(), "");
            self.push_delete(&mut builder);
            push_returning::<M>(builder.dialect, &mut builder.sql);
            connection.query_map(&builder.sql, &builder.params, M::from_row)
        })?;
        Ok(self.remember_db(deleted))
    }
}

/// ` RETURNING <every column of M>`, in [`ModelMeta::columns`](crate::ModelMeta::columns)
/// order, the [text columns](crate::ModelMeta::text_columns) cast as the SELECTs cast them.
pub(crate) fn push_returning<M: Model>(dialect: crate::Dialect, sql: &mut String) {
    sql.push_str(" RETURNING ");
    for (index, column) in M::META.columns.iter().enumerate() {
        if index > 0 {
            sql.push_str(", ");
        }
        let as_text = M::META.text_columns.contains(column);
        if as_text {
            sql.push_str("CAST(");
        }
        dialect.push_ident(sql, column);
        if as_text {
            sql.push_str(" AS TEXT)");
        }
    }
}
