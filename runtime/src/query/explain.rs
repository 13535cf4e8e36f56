//! `explain()`: the database's plan for the statement a query set runs.

use super::compile::SqlBuilder;
use super::queryset::QuerySet;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::Dialect;

impl<M: Model> QuerySet<M> {
    /// The database's plan for the statement [`all`](Self::all) would run
    /// (its main statement: `prefetch_related` adds statements of its own),
    /// as text: SQLite's `EXPLAIN QUERY PLAN` as an indented tree, PostgreSQL's
    /// `EXPLAIN`. Django's `QuerySet.explain()`.
    ///
    /// ```ignore
    /// let plan = Post::objects().filter(post::author.eq(&ann)).explain(&db)?;
    /// // SQLite: "SEARCH posts USING INDEX posts_author_id_idx (author_id=?)"
    /// ```
    pub fn explain(&self, db: &Db) -> Result<String> {
        self.explain_with(db, false)
    }

    /// PostgreSQL's `EXPLAIN ANALYZE`: the plan with what running it cost
    /// (the statement runs; its rows are discarded). SQLite has no such
    /// statement: there it is an [`Error::Usage`].
    pub fn explain_analyze(&self, db: &Db) -> Result<String> {
        self.explain_with(db, true)
    }

    fn explain_with(&self, db: &Db, analyze: bool) -> Result<String> {
        let joins = self.related.joins::<M>()?;
        let mut connection = db.read_connection(self.alias(), self.select.lock.is_some())?;
        let dialect = connection.dialect();
        let prefix = match (dialect, analyze) {
            (Dialect::Sqlite, false) => "EXPLAIN QUERY PLAN ",
            (Dialect::Postgres, false) => "EXPLAIN ",
            (Dialect::Postgres, true) => "EXPLAIN ANALYZE ",
            (Dialect::Sqlite, true) => return Err(Error::usage(
                "EXPLAIN ANALYZE is PostgreSQL's: SQLite explains the plan only (use `explain`)",
            )),
        };
        let mut builder = SqlBuilder::new(dialect, prefix);
        crate::relations::push_select(self, &joins, &mut builder);
        match dialect {
            Dialect::Postgres => {
                let lines = connection
                    .query_map(&builder.sql, &builder.params, |row| row.get::<String>(0))?;
                Ok(lines.join("\n"))
            }
            Dialect::Sqlite => {
                // (id, parent, notused, detail): a tree by `parent`, in row order.
                let nodes = connection.query_map(&builder.sql, &builder.params, |row| {
                    Ok((
                        row.get::<i64>(0)?,
                        row.get::<i64>(1)?,
                        row.get::<String>(3)?,
                    ))
                })?;
                Ok(sqlite_plan_tree(&nodes))
            }
        }
    }
}

/// SQLite's plan rows as lines indented two spaces per level.
fn sqlite_plan_tree(nodes: &[(i64, i64, String)]) -> String {
    let mut depths: Vec<(i64, usize)> = Vec::with_capacity(nodes.len());
    let mut out = String::new();
    for (id, parent, detail) in nodes {
        let depth = depths
            .iter()
            .rev()
            .find(|(node, _)| node == parent)
            .map_or(0, |(_, depth)| depth + 1);
        depths.push((*id, depth));
        if !out.is_empty() {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n("  ", depth));
        out.push_str(detail);
    }
    out
}
