//! Hand-written SQL that returns model instances: `Model::objects().raw(…)`.

use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::query::QuerySet;
use crate::value::Param;

impl<M: Model> QuerySet<M> {
    /// Runs hand-written SQL and reads each row as an `M`. The query must
    /// return every column of the model, by name, in any order; other
    /// columns are allowed and ignored.
    ///
    /// Write placeholders as `$1, $2, …` on both backends (they are rewritten
    /// for SQLite); values are always bound, never spliced into the text.
    ///
    /// ```ignore
    /// let found = Author::objects().raw(&db, "SELECT *, 1 AS extra FROM authors WHERE name = $1", &["Grace".into()])?;
    /// ```
    pub fn raw(&self, db: &Db, sql: &str, params: &[Param<'_>]) -> Result<Vec<M>> {
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let user_sql = dialect.numbered_placeholders(sql.trim().trim_end_matches(';'));
        // Selecting the model's columns by name from the user's query makes
        // their order and any extra column irrelevant.
        let mut wrapped = String::with_capacity(user_sql.len() + 64);
        wrapped.push_str("SELECT ");
        for (index, column) in M::META.columns.iter().enumerate() {
            if index > 0 {
                wrapped.push_str(", ");
            }
            dialect.push_qualified(&mut wrapped, "__pookie_raw", column);
        }
        wrapped.push_str(" FROM (");
        wrapped.push_str(&user_sql);
        wrapped.push_str(") AS ");
        dialect.push_ident(&mut wrapped, "__pookie_raw");
        let rows = connection.query_map(&wrapped, params, M::from_row)?;
        drop(connection);
        Ok(self.remember_db(rows))
    }
}
