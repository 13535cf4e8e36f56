//! Running a query set whose rows come with related rows: the joins of
//! `select_related` in the main query, then the queries of `prefetch_related`.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::{QuerySet, SqlBuilder};

use super::path::Step;
use super::prefetch::{plan_prefetch, prefetch_into, Prefetcher};
use super::select_related::{plan_joins, push_joined_select, JoinNode};

/// The paths a query set loads with its rows.
#[derive(Clone, Default)]
pub(crate) struct RelatedLoads {
    pub(crate) select: Vec<Vec<Step>>,
    pub(crate) prefetch: Vec<Vec<Step>>,
}

impl RelatedLoads {
    pub(crate) fn is_empty(&self) -> bool {
        self.select.is_empty() && self.prefetch.is_empty()
    }

    /// The joins for `M`'s rows, refusing prefetching, which streamed rows
    /// cannot do (it needs every parent row before its query).
    pub(crate) fn joins_for_streaming<M: Model>(&self) -> Result<Vec<JoinNode>> {
        if let Some(path) = self.prefetch.first() {
            let names: Vec<String> = path.iter().map(Step::describe).collect();
            return Err(Error::usage(format!(
                "prefetch_related({}) needs every row before it runs: use `all` rather than `iterator` or `for_each`, or select_related for a single-valued path",
                names.join(" then ")
            )));
        }
        self.joins::<M>()
    }

    /// The joins of the `select_related` paths (the main statement's).
    pub(crate) fn joins<M: Model>(&self) -> Result<Vec<JoinNode>> {
        plan_joins(&self.select, M::META.columns.len())
    }
}

impl std::fmt::Debug for RelatedLoads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelatedLoads")
            .field("select", &self.select)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

/// Writes the main query: with the joins, when there are any.
pub(crate) fn push_select<'q, M: Model>(
    query: &'q QuerySet<M>,
    joins: &[JoinNode],
    builder: &mut SqlBuilder<'q>,
) {
    if joins.is_empty() {
        query.push_model_select(builder);
    } else {
        push_joined_select(builder, &query.select, joins);
    }
}

/// Every row of `query`, with the related rows it asks for. All the
/// statements run on one connection of the query set's database.
pub(crate) fn all_with_related<M: Model>(query: &QuerySet<M>, db: &Db) -> Result<Vec<M>> {
    let joins = plan_joins(&query.related.select, M::META.columns.len())?;
    let mut connection = db.read_connection(query.alias(), query.select.lock.is_some())?;
    let dialect = connection.dialect();
    let mut builder = SqlBuilder::new(dialect, "");
    push_select(query, &joins, &mut builder);
    let mut rows = connection.query_map(&builder.sql, &builder.params, |row| {
        super::select_related::read_joined::<M>(row, &joins)
    })?;
    let nodes = plan_prefetch(&query.related.prefetch);
    let mut prefetcher = Prefetcher {
        connection: &mut connection,
        dialect,
    };
    prefetch_into(&mut rows, &nodes, &mut prefetcher)?;
    Ok(rows)
}
