//! `select_related`: the related rows of single-valued paths read in the same
//! query, through LEFT JOINs.

use std::any::Any;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::{Cond, Select, SemiJoin, SqlBuilder};
use crate::row::Row;

use super::path::{downcast, Step};

/// One joined relation: its alias, where its columns start in the row, and
/// the relations joined from it.
pub(crate) struct JoinNode {
    pub(crate) step: Step,
    pub(crate) alias: String,
    pub(crate) offset: usize,
    pub(crate) children: Vec<JoinNode>,
}

/// The joins of `paths`, a relation reached along several paths (or their
/// shared prefix) joined once. The columns of every joined model follow the
/// `root_columns` of the query's own model, in the order of the joins.
pub(crate) fn plan_joins(paths: &[Vec<Step>], root_columns: usize) -> Result<Vec<JoinNode>> {
    let mut roots: Vec<JoinNode> = Vec::new();
    for path in paths {
        let mut level = &mut roots;
        for step in path {
            if step.join.is_none() {
                return Err(Error::usage(format!(
                    "select_related cannot follow `{}`: it holds many rows; use prefetch_related",
                    step.describe()
                )));
            }
            let position = match level
                .iter()
                .position(|node| node.step.relation == step.relation)
            {
                Some(position) => position,
                None => {
                    level.push(JoinNode {
                        step: *step,
                        alias: String::new(),
                        offset: 0,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            level = &mut level[position].children;
        }
    }
    let mut next_alias = 1;
    let mut offset = root_columns;
    number(&mut roots, &mut next_alias, &mut offset);
    Ok(roots)
}

/// Gives each join its alias and column offset, parents before children.
fn number(nodes: &mut [JoinNode], next_alias: &mut usize, offset: &mut usize) {
    for node in nodes {
        node.alias = format!("__pookie_j{next_alias}");
        *next_alias += 1;
        node.offset = *offset;
        *offset += (node.step.meta().target)().columns.len();
        number(&mut node.children, next_alias, offset);
    }
}

fn for_each_join<'n>(
    nodes: &'n [JoinNode],
    parent: &'n str,
    visit: &mut impl FnMut(&'n JoinNode, &'n str),
) {
    for node in nodes {
        visit(node, parent);
        for_each_join(&node.children, &node.alias, visit);
    }
}

/// Writes the SELECT of `select` with every column of the joined models after
/// the model's own.
pub(crate) fn push_joined_select<'q>(
    builder: &mut SqlBuilder<'q>,
    select: &'q Select,
    joins: &[JoinNode],
) {
    builder.push(if select.distinct {
        "SELECT DISTINCT "
    } else {
        "SELECT "
    });
    builder.push_model_columns(select.table, select.columns, select.text_columns);
    for_each_join(joins, select.table, &mut |node, _| {
        builder.push(", ");
        let target = (node.step.meta().target)();
        builder.push_model_columns(&node.alias, target.columns, target.text_columns);
    });
    builder.push(" FROM ");
    builder.push_source(select);
    for_each_join(joins, select.table, &mut |node, parent| {
        let meta = node.step.meta();
        builder.push(" LEFT JOIN ");
        builder.push_ident(meta.target_table);
        builder.push(" AS ");
        builder.push_ident(&node.alias);
        builder.push(" ON ");
        builder
            .dialect
            .push_qualified(&mut builder.sql, &node.alias, meta.target_column);
        builder.push(" = ");
        builder
            .dialect
            .push_qualified(&mut builder.sql, parent, meta.column);
    });
    push_joined_where(builder, select.filter.as_ref(), joins, select.table);
    builder.push_ordering(select);
    builder.push_limit_offset(select.limit, select.offset);
    if let Some(wait) = select.lock {
        // PostgreSQL locks no row of the nullable side of an outer join: the
        // lock is on the query set's own rows.
        let clause = builder.dialect.row_lock_clause(wait);
        if let Some(rest) = clause.strip_prefix(" FOR UPDATE") {
            builder.push(" FOR UPDATE OF ");
            builder.push_ident(select.table);
            builder.push(rest);
        }
    }
}

/// Builds an `M` from a joined row, with the joined rows stored in it.
pub(crate) fn read_joined<M: Model>(row: &Row<'_>, joins: &[JoinNode]) -> Result<M> {
    let mut model = M::from_row(row)?;
    for node in joins {
        join_into(&mut model, row, node)?;
    }
    Ok(model)
}

fn join_into(parent: &mut dyn Any, row: &Row<'_>, node: &JoinNode) -> Result<()> {
    match node.step.join {
        Some(join) => join(parent, row, node),
        None => Err(Error::usage(format!(
            "select_related cannot follow `{}`: it holds many rows",
            node.step.describe()
        ))),
    }
}

/// Stores in `parent` (an `A`) the `B` the joined columns of `node` hold, or
/// `None` when the LEFT JOIN found no row (its join column is then NULL).
pub(crate) fn join_step<A: Model, B: Model>(
    parent: &mut dyn Any,
    row: &Row<'_>,
    node: &JoinNode,
) -> Result<()> {
    let parent = downcast::<A>(parent)?;
    let meta = node.step.meta();
    let value = if row.is_null(node.offset + meta.target_column_index) {
        None
    } else {
        let mut child = B::from_row(&row.window(node.offset))?;
        for grandchild in &node.children {
            join_into(&mut child, row, grandchild)?;
        }
        Some(child)
    };
    parent.loaded_mut().insert(node.step.relation, value);
    Ok(())
}

/// ` WHERE …` of a query with joins. A condition through a joined relation
/// (`post::user.is(user::hair_color.eq(c))` with `select_related(post::user)`)
/// is written against the join, `"__pookie_j1"."id" IS NOT NULL AND
/// "__pookie_j1"."hair_color" = ?`, rather than as a semi-join the database
/// would plan as one more join of the same table (SQLite builds a temporary
/// table for it on every run). Only conditions every row must meet (the
/// top-level AND) are moved: there the two forms select the same rows.
fn push_joined_where<'q>(
    builder: &mut SqlBuilder<'q>,
    filter: Option<&'q Cond>,
    joins: &[JoinNode],
    table: &'static str,
) {
    let Some(filter) = filter else {
        return;
    };
    builder.push(" WHERE ");
    push_conjuncts(builder, filter, joins, table);
}

fn push_conjuncts<'q>(
    builder: &mut SqlBuilder<'q>,
    cond: &'q Cond,
    joins: &[JoinNode],
    table: &'static str,
) {
    let parts = match cond {
        Cond::And(parts) => parts.as_slice(),
        single => std::slice::from_ref(single),
    };
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            builder.push(" AND ");
        }
        let joined = match part {
            Cond::Related(semi) => joins.iter().find(|node| is_join_of(node, semi, table)),
            _ => None,
        };
        match (part, joined) {
            (Cond::Related(semi), Some(node)) => {
                let meta = node.step.meta();
                builder.push("(");
                builder
                    .dialect
                    .push_qualified(&mut builder.sql, &node.alias, meta.target_column);
                builder.push(" IS NOT NULL");
                if let Some(inner) = &semi.filter {
                    builder.push(" AND ");
                    let outer = builder
                        .table_alias
                        .replace((meta.target_table, node.alias.clone()));
                    push_conjuncts(builder, inner, &node.children, meta.target_table);
                    builder.table_alias = outer;
                }
                builder.push(")");
            }
            _ => {
                builder.push("(");
                builder.push_cond(part, false);
                builder.push(")");
            }
        }
    }
}

/// Whether `semi` (a condition on rows of `table`) follows the relation `node` joins.
fn is_join_of(node: &JoinNode, semi: &SemiJoin, table: &'static str) -> bool {
    let meta = node.step.meta();
    semi.outer.table == table
        && semi.outer.name == meta.column
        && semi.table == meta.target_table
        && semi.inner.name == meta.target_column
        && meta.through.is_none()
}
