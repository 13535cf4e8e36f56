//! Trees through a self-referencing foreign key, read with a recursive
//! common table expression (`WITH RECURSIVE`, the same on both backends):
//! every row below some rows ([`QuerySet::descendants`]) or above them
//! ([`QuerySet::ancestors`]), with its depth.

use std::borrow::Cow;
use std::marker::PhantomData;

use pookie_dialect::Dialect;

use super::column::{order_terms, OrderBy, OrderKey};
use super::compile::SqlBuilder;
use super::condition::{ColumnRef, Cond, Q};
use super::expr::SqlExpr;
use super::projection::over_rows;
use super::queryset::QuerySet;
use super::select::Select;
use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::relations::ForeignKey;
use crate::value::Param;

const CTE: &str = "__pookie_tree";
const KEY: &str = "__pookie_key";
const LINK: &str = "__pookie_link";
const DEPTH: &str = "__pookie_depth";
const PATH: &str = "__pookie_path";
/// The SQL literal between the keys of a path: the ASCII unit separator, a
/// character no key is expected to hold (a comma would cut text keys apart).
const PATH_SEPARATOR: &str = "'\u{1f}'";

/// A walk through a self-referencing foreign key, as the compiler reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TreeWalk {
    table: &'static str,
    /// The column the foreign key points at (the primary key, or its `to_field`).
    key: &'static str,
    key_nullable: bool,
    /// The foreign key's column.
    link: &'static str,
    /// Towards the roots (ancestors) rather than the leaves.
    up: bool,
    /// The rows the walk starts from, at depth 0.
    start: Select,
    max_depth: Option<u32>,
}

impl TreeWalk {
    pub(crate) fn table(&self) -> &'static str {
        self.table
    }

    /// The column of the model a row of the walk is joined back on.
    pub(crate) fn key_column(&self) -> ColumnRef {
        ColumnRef {
            table: self.table,
            name: self.key,
            nullable: self.key_nullable,
        }
    }
}

/// The rows reached from the rows of a query set through a self-referencing
/// foreign key, each with its depth: 0 for the starting rows, 1 for their
/// children (or parents), and so on. Made by [`QuerySet::descendants`] and
/// [`QuerySet::ancestors`].
///
/// Cycles in the data end the walk where a row would come back, so it always
/// ends. A row reached along two paths (from two starting rows) comes once
/// per path.
pub struct Tree<M> {
    walk: TreeWalk,
    filter: Option<Cond>,
    min_depth: u32,
    /// Holds the ordering of the rows (the rest is unused).
    order: Select,
    alias: Option<Cow<'static, str>>,
    marker: PhantomData<fn() -> M>,
}

impl<M> Clone for Tree<M> {
    fn clone(&self) -> Self {
        Tree {
            walk: self.walk.clone(),
            filter: self.filter.clone(),
            min_depth: self.min_depth,
            order: self.order.clone(),
            alias: self.alias.clone(),
            marker: PhantomData,
        }
    }
}

impl<M: Model> std::fmt::Debug for Tree<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tree")
            .field("model", &M::META.name)
            .field("through", &self.walk.link)
            .field("up", &self.walk.up)
            .field("max_depth", &self.walk.max_depth)
            .finish()
    }
}

impl<M: Model> QuerySet<M> {
    /// The rows of this query set (depth 0) and every row below them through
    /// `parent`, a foreign key of `M` to itself: children at depth 1,
    /// grandchildren at 2, … In one `WITH RECURSIVE` query.
    ///
    /// ```ignore
    /// let team: Vec<(Employee, i64)> = Employee::objects()
    ///     .filter(employee::name.eq("Ada"))
    ///     .descendants(employee::reports_to)
    ///     .all(&db)?;
    /// ```
    pub fn descendants(self, parent: ForeignKey<M, M>) -> Tree<M> {
        Tree::new(self, parent, false)
    }

    /// The rows of this query set (depth 0) and every row above them through
    /// `parent`: the parent at depth 1, its parent at 2, up to the root. From
    /// one row, the path to the root.
    pub fn ancestors(self, parent: ForeignKey<M, M>) -> Tree<M> {
        Tree::new(self, parent, true)
    }
}

impl<M: Model> Tree<M> {
    fn new(start: QuerySet<M>, parent: ForeignKey<M, M>, up: bool) -> Self {
        let relation = parent.meta();
        let key_nullable = M::META
            .fields
            .iter()
            .find(|field| field.column == relation.target_column)
            .is_some_and(|field| field.null);
        // By depth, then the model's default ordering (or its primary key).
        let mut order = QuerySet::<M>::new().ordered_or_by_pk().select;
        let by_model = match order.ordering.take() {
            Some(terms) => terms,
            None => M::META
                .ordering
                .iter()
                .map(|term| (OrderKey::Column(term.column), term.descending))
                .collect(),
        };
        let depth = OrderKey::Expr(SqlExpr::Column(ColumnRef {
            table: CTE,
            name: DEPTH,
            nullable: false,
        }));
        order.ordering = Some(std::iter::once((depth, false)).chain(by_model).collect());
        Tree {
            walk: TreeWalk {
                table: M::META.table,
                key: relation.target_column,
                key_nullable,
                link: relation.column,
                up,
                start: over_rows::<M>(start.select),
                max_depth: None,
            },
            filter: None,
            min_depth: 0,
            order,
            alias: start.alias,
            marker: PhantomData,
        }
    }

    /// Goes no further than `depth` steps from the starting rows.
    #[must_use]
    pub fn max_depth(mut self, depth: u32) -> Self {
        self.walk.max_depth = Some(depth);
        self
    }

    /// Leaves out the rows fewer than `depth` steps away: `min_depth(1)`
    /// leaves out the starting rows themselves.
    #[must_use]
    pub fn min_depth(mut self, depth: u32) -> Self {
        self.min_depth = depth;
        self
    }

    /// Keeps only the reached rows matching `q`. The walk itself goes on
    /// through the rows `q` leaves out.
    #[must_use]
    pub fn filter(mut self, q: Q<M>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(q.cond),
            None => q.cond,
        });
        self
    }

    /// Orders the rows by these terms instead of by depth, then the model's
    /// default ordering.
    #[must_use]
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.order.ordering = Some(order_terms(terms));
        self
    }

    /// The reached rows as a query set, without their depth, to filter,
    /// count, update, delete or select from like any other (`pk IN (WITH
    /// RECURSIVE …)`). `filter` and `min_depth` apply; the ordering is the
    /// query set's own.
    pub fn query_set(self) -> QuerySet<M> {
        let mut query = QuerySet::<M>::new();
        query.alias = self.alias.clone();
        let reached = Q::new(Cond::InTree {
            column: self.walk.key_column(),
            walk: Box::new(self.walk),
            min_depth: self.min_depth,
        });
        let query = query.filter(reached);
        match self.filter {
            Some(filter) => query.filter(Q::new(filter)),
            None => query,
        }
    }

    /// Every reached row with its depth, by depth then the model's default
    /// ordering (unless [`order_by`](Self::order_by) says otherwise).
    pub fn all(&self, db: &Db) -> Result<Vec<(M, i64)>> {
        let alias = self.alias.as_deref().unwrap_or(M::META.db_alias);
        let mut connection = db.read_connection(alias, false)?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_tree_cte(&self.walk);
        builder.push(" SELECT ");
        builder.push_model_columns(M::META.table, M::META.columns, M::META.text_columns);
        builder.push(", ");
        builder.push_cte_column(DEPTH);
        builder.push(" FROM ");
        builder.push_ident(M::META.table);
        builder.push(" JOIN ");
        builder.push_ident(CTE);
        builder.push(" ON ");
        builder.push_column(&self.walk.key_column());
        builder.push(" = ");
        builder.push_cte_column(KEY);
        builder.push_depth_floor(" WHERE ", self.min_depth);
        if let Some(filter) = &self.filter {
            builder.push(if self.min_depth > 0 {
                " AND "
            } else {
                " WHERE "
            });
            builder.push_cond(filter, false);
        }
        builder.push_ordering(&self.order);
        let width = M::META.columns.len();
        let rows = connection.query_map(&builder.sql, &builder.params, |row| {
            Ok((M::from_row(row)?, row.get::<i64>(width)?))
        })?;
        Ok(rows)
    }
}

impl<'q> SqlBuilder<'q> {
    fn push_cte_column(&mut self, column: &str) {
        self.dialect.push_qualified(&mut self.sql, CTE, column);
    }

    /// `<keyword> depth >= floor`, when there is a floor.
    fn push_depth_floor(&mut self, keyword: &str, floor: u32) {
        if floor > 0 {
            self.push(keyword);
            self.push_cte_column(DEPTH);
            self.push(" >= ");
            self.push_param(Param::I64(floor.into()));
        }
    }

    /// `WITH RECURSIVE __pookie_tree(key, link, depth, path) AS (…)`: the
    /// starting rows at depth 0, then each step from the rows reached. The
    /// path (`␟1␟4␟9␟`, the keys as text between unit separators) stops the
    /// walk where a row would come back.
    pub(crate) fn push_tree_cte(&mut self, walk: &'q TreeWalk) {
        // The walk reads its table under its own name, inside a subquery too.
        let subquery_alias = self.table_alias.take();
        let table = walk.table;
        self.push("WITH RECURSIVE ");
        self.push_ident(CTE);
        self.push("(");
        for (index, column) in [KEY, LINK, DEPTH, PATH].iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.push_ident(column);
        }
        self.push(") AS (SELECT ");
        self.dialect.push_qualified(&mut self.sql, table, walk.key);
        self.push(", ");
        self.dialect.push_qualified(&mut self.sql, table, walk.link);
        self.push(", CAST(0 AS BIGINT), ");
        self.push_path_step(None, table, walk.key);
        self.push(" FROM ");
        self.push_source(&walk.start);
        self.push_where(walk.start.filter.as_ref());
        self.push(" UNION ALL SELECT ");
        self.dialect.push_qualified(&mut self.sql, table, walk.key);
        self.push(", ");
        self.dialect.push_qualified(&mut self.sql, table, walk.link);
        self.push(", ");
        self.push_cte_column(DEPTH);
        self.push(" + 1, ");
        self.push_path_step(Some(PATH), table, walk.key);
        self.push(" FROM ");
        self.push_ident(table);
        self.push(" JOIN ");
        self.push_ident(CTE);
        self.push(" ON ");
        // Down: the rows whose parent is a reached row. Up: the parent of one.
        let (step_column, reached) = if walk.up {
            (walk.key, LINK)
        } else {
            (walk.link, KEY)
        };
        self.dialect
            .push_qualified(&mut self.sql, table, step_column);
        self.push(" = ");
        self.push_cte_column(reached);
        self.push(" WHERE ");
        let find = match self.dialect {
            Dialect::Sqlite => "INSTR(",
            Dialect::Postgres => "STRPOS(",
        };
        self.push(find);
        self.push_cte_column(PATH);
        self.push(", ");
        self.push_path_step(None, table, walk.key);
        self.push(") = 0");
        if let Some(max) = walk.max_depth {
            self.push(" AND ");
            self.push_cte_column(DEPTH);
            self.push(" < ");
            self.push_param(Param::I64(max.into()));
        }
        self.push(")");
        self.table_alias = subquery_alias;
    }

    /// `<path> || CAST(key AS TEXT) || '␟'`, or `'␟' || …` to start a path.
    fn push_path_step(&mut self, path: Option<&str>, table: &str, key: &str) {
        match path {
            Some(path) => self.push_cte_column(path),
            None => self.push(PATH_SEPARATOR),
        }
        self.push(" || CAST(");
        self.dialect.push_qualified(&mut self.sql, table, key);
        self.push(" AS TEXT) || ");
        self.push(PATH_SEPARATOR);
    }

    /// `column IN (WITH RECURSIVE … SELECT key FROM __pookie_tree …)`.
    pub(crate) fn push_in_tree(&mut self, column: &ColumnRef, walk: &'q TreeWalk, min_depth: u32) {
        self.push_column(column);
        self.push(" IN (");
        self.push_tree_cte(walk);
        self.push(" SELECT ");
        self.push_cte_column(KEY);
        self.push(" FROM ");
        self.push_ident(CTE);
        self.push_depth_floor(" WHERE ", min_depth);
        self.push(")");
    }
}
