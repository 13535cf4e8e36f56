//! The untyped plan of a SELECT that query sets, projections, subqueries and
//! set operations share, and its compilation to SQL.

use std::borrow::Cow;

use super::column::{OrderKey, RelatedOrder};
use super::compile::SqlBuilder;
use super::condition::Cond;
use super::expr::SqlExpr;
use super::window::WindowCall;
use crate::model::{FieldMeta, OrderTerm};

/// A set operation between query sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOp {
    Union,
    UnionAll,
    Intersect,
    Except,
}

impl SetOp {
    fn sql(self) -> &'static str {
        match self {
            SetOp::Union => " UNION ",
            SetOp::UnionAll => " UNION ALL ",
            SetOp::Intersect => " INTERSECT ",
            SetOp::Except => " EXCEPT ",
        }
    }
}

/// Where the rows come from: the model's table, or a set operation between
/// query sets of the model, read as if it were the table (it is aliased with
/// the table's name, so qualified column references keep working).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    Table,
    Compound {
        first: Box<Select>,
        rest: Vec<(SetOp, Select)>,
    },
}

/// The rows a query set selects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Select {
    pub(crate) table: &'static str,
    pub(crate) columns: &'static [&'static str],
    /// The columns selected as text (see [`crate::ModelMeta::text_columns`]).
    pub(crate) text_columns: &'static [&'static str],
    pub(crate) pk_column: &'static str,
    pub(crate) meta_ordering: &'static [OrderTerm],
    /// The model's fields, for what sorts by value (decimals on SQLite).
    pub(crate) fields: &'static [FieldMeta],
    pub(crate) source: Source,
    pub(crate) filter: Option<Cond>,
    /// `None`: the model's default ordering.
    pub(crate) ordering: Option<Vec<(OrderKey, bool)>>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: u64,
    pub(crate) distinct: bool,
    /// `SELECT … FOR UPDATE` (PostgreSQL), and what it does about locked rows.
    pub(crate) lock: Option<pookie_dialect::RowLockWait>,
}

impl Select {
    /// A sliced or distinct query set is counted as a subquery: this query
    /// without its ordering. `None` counts the table directly.
    pub(crate) fn counted_inner(&self) -> Option<Select> {
        (self.is_sliced() || self.distinct).then(|| {
            let mut inner = self.clone();
            inner.ordering = Some(Vec::new());
            inner
        })
    }

    pub(crate) fn is_sliced(&self) -> bool {
        self.limit.is_some() || self.offset > 0
    }

    pub(crate) fn has_ordering(&self) -> bool {
        match &self.ordering {
            Some(terms) => !terms.is_empty(),
            None => !self.meta_ordering.is_empty(),
        }
    }
}

/// A projection of a query set: chosen expressions, grouped by the
/// non-aggregate ones when any is an aggregate, with a HAVING filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Values {
    pub(crate) select: Select,
    pub(crate) exprs: Vec<SqlExpr>,
    pub(crate) having: Option<Cond>,
}

/// What a SELECT lists.
pub(crate) enum SelectList<'q> {
    /// Every column of the model, in `Model::META.columns` order.
    Model,
    /// These expressions, grouped by the non-aggregate ones when any is an aggregate.
    Exprs(&'q [SqlExpr], Option<&'q Cond>),
    /// These columns of the model (a partial instance's).
    Columns(&'q [&'static str]),
    /// `1` (for EXISTS and counting slices).
    One,
    /// Every column of the model, then these expressions (`annotate`),
    /// grouped by the model's columns when any is an aggregate.
    Annotated(&'q [SqlExpr]),
}

enum ListKind {
    Exprs,
    Other,
}

impl<'q> SqlBuilder<'q> {
    /// Writes the whole SELECT.
    pub(crate) fn push_select(&mut self, select: &'q Select, list: SelectList<'q>) {
        // A subquery's columns name its own tables, never a join of the outer query.
        let outer_alias = self.table_alias.take();
        self.push_select_inner(select, list);
        self.table_alias = outer_alias;
    }

    /// Writes `select` in parentheses as a subquery that may read the
    /// enclosing query's row (`OuterRef`). Its table gets an alias of its own
    /// (`__pookie_s1`, `__pookie_s2` when nested), so that the enclosing
    /// table, even when it is the same one, keeps the name it has outside.
    pub(crate) fn push_subquery(&mut self, select: &'q Select, list: SelectList<'q>) {
        let outer = self.table_alias.take();
        self.outer_scopes.push(outer.clone());
        let alias = format!("__pookie_s{}", self.outer_scopes.len());
        self.table_alias = Some((select.table, alias));
        self.push("(");
        self.push_select_inner(select, list);
        self.push(")");
        self.outer_scopes.pop();
        self.table_alias = outer;
    }

    fn push_select_inner(&mut self, select: &'q Select, list: SelectList<'q>) {
        self.push(if select.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        let mut grouped: Option<(&'q [SqlExpr], Option<&'q Cond>)> = None;
        let mut grouped_by_model = false;
        let list_kind = match list {
            SelectList::Exprs(..) => ListKind::Exprs,
            _ => ListKind::Other,
        };
        let table = self.table_name(select.table);
        match list {
            SelectList::Model => {
                self.push_model_columns(&table, select.columns, select.text_columns)
            }
            SelectList::Columns(columns) => {
                self.push_model_columns(&table, columns, select.text_columns)
            }
            SelectList::One => self.push("1"),
            SelectList::Annotated(exprs) => {
                self.push_model_columns(&table, select.columns, select.text_columns);
                for expr in exprs {
                    self.push(", ");
                    self.push_expr(expr);
                }
                if exprs.iter().any(SqlExpr::is_aggregate) {
                    grouped = Some((exprs, None));
                    grouped_by_model = true;
                }
            }
            SelectList::Exprs(exprs, having) => {
                for (index, expr) in exprs.iter().enumerate() {
                    if index > 0 {
                        self.push(", ");
                    }
                    self.push_expr(expr);
                }
                if exprs.iter().any(SqlExpr::is_aggregate) || having.is_some() {
                    grouped = Some((exprs, having));
                }
            }
        }
        self.push(" FROM ");
        self.push_source(select);
        self.push_where(select.filter.as_ref());
        if let Some((exprs, having)) = grouped {
            let mut first = true;
            if grouped_by_model {
                self.push(" GROUP BY ");
                self.push_model_columns(&table, select.columns, select.text_columns);
                first = false;
            }
            for expr in exprs
                .iter()
                .filter(|expr| !expr.is_aggregate() && !expr.is_window())
            {
                self.push(if first { " GROUP BY " } else { ", " });
                first = false;
                self.push_expr(expr);
            }
            if let Some(having) = having {
                self.push(" HAVING ");
                self.push_cond(having, false);
            }
        }
        // The model's default ordering names columns a grouped or distinct
        // projection does not select; as in Django, it does not apply there.
        let projected =
            grouped.is_some() || (select.distinct && matches!(list_kind, ListKind::Exprs));
        if !(projected && select.ordering.is_none()) {
            self.push_ordering(select);
        }
        self.push_limit_offset(select.limit, select.offset);
    }

    pub(crate) fn push_model_columns(
        &mut self,
        table: &str,
        columns: &[&str],
        text_columns: &[&str],
    ) {
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            let as_text = text_columns.contains(column);
            if as_text {
                self.push("CAST(");
            }
            self.dialect.push_qualified(&mut self.sql, table, column);
            if as_text {
                self.push(" AS TEXT)");
            }
        }
    }

    /// What follows `SELECT COUNT(*) FROM `: the table and filter, or the
    /// `inner` query (see [`Select::counted_inner`]) as a subquery.
    pub(crate) fn push_counted(&mut self, select: &'q Select, inner: Option<&'q Select>) {
        match inner {
            Some(inner) => {
                self.push("(");
                let list = if inner.distinct {
                    SelectList::Model
                } else {
                    SelectList::One
                };
                self.push_select(inner, list);
                self.push(") AS ");
                self.push_ident("__pookie_counted");
            }
            None => {
                self.push_source(select);
                self.push_where(select.filter.as_ref());
            }
        }
    }

    /// The WHERE of an UPDATE or DELETE: the filter, or, for a sliced, distinct
    /// or combined query set, the primary keys of the rows it selects.
    pub(crate) fn push_row_selection(&mut self, select: &'q Select, table: &str, key: &[&str]) {
        if !select.is_sliced() && matches!(select.source, Source::Table) {
            self.push_where(select.filter.as_ref());
            return;
        }
        // A composite key is compared as a row value: `("a", "b") IN (SELECT …)`.
        self.push(if key.len() > 1 { " WHERE (" } else { " WHERE " });
        for (i, column) in key.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_ident(column);
        }
        self.push(if key.len() > 1 {
            ") IN (SELECT "
        } else {
            " IN (SELECT "
        });
        for (i, column) in key.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.dialect.push_qualified(&mut self.sql, table, column);
        }
        self.push(" FROM ");
        self.push_source(select);
        self.push_where(select.filter.as_ref());
        self.push_ordering(select);
        self.push_limit_offset(select.limit, select.offset);
        self.push(")");
    }

    /// The FROM item: the table, or a set operation aliased as the table.
    /// In a correlated subquery, the table or set operation takes the
    /// subquery's alias.
    pub(crate) fn push_source(&mut self, select: &'q Select) {
        let name = self.table_name(select.table);
        match &select.source {
            Source::Table => {
                self.push_ident(select.table);
                if name != select.table {
                    self.push(" AS ");
                    self.push_ident(&name);
                }
            }
            Source::Compound { first, rest } => {
                // Each member reads its own table under the table's name.
                let alias = self.table_alias.take();
                self.push("(");
                self.push_compound_member(first);
                for (op, member) in rest {
                    self.push(op.sql());
                    self.push_compound_member(member);
                }
                self.table_alias = alias;
                self.push(") AS ");
                self.push_ident(&name);
            }
        }
    }

    /// One member of a set operation. Members cannot carry ORDER BY or LIMIT
    /// themselves on SQLite, so a sliced member is wrapped in a subquery.
    fn push_compound_member(&mut self, member: &'q Select) {
        if member.is_sliced() {
            self.push("SELECT * FROM (");
            self.push_select(member, SelectList::Model);
            self.push(") AS ");
            self.push_ident("__pookie_member");
        } else {
            self.push(if member.distinct {
                "SELECT DISTINCT "
            } else {
                "SELECT "
            });
            self.push_model_columns(member.table, member.columns, member.text_columns);
            self.push(" FROM ");
            self.push_source(member);
            self.push_where(member.filter.as_ref());
        }
    }

    /// A sort key through a forward relation, at `depth` relations from the
    /// query's table (each level gets an alias of its own).
    fn push_related_order(&mut self, outer: &str, related: &'q RelatedOrder, depth: usize) {
        // The related table is read under its own name or alias, never as a subquery's.
        let subquery_alias = self.table_alias.take();
        self.push_related_order_inner(outer, related, depth);
        self.table_alias = subquery_alias;
    }

    fn push_related_order_inner(&mut self, outer: &str, related: &'q RelatedOrder, depth: usize) {
        // An expression names its columns by the target's table, which an
        // alias would hide: it reads the table under its own name (so, on a
        // self-referential relation, the outer row's columns are out of its reach).
        let alias: Cow<'_, str> = match related.key {
            OrderKey::Expr(_) => Cow::Borrowed(related.table),
            _ => Cow::Owned(format!("__pookie_r{depth}")),
        };
        self.push("(SELECT ");
        match &related.key {
            OrderKey::Column(column) => self.push_sort_column(&alias, related.fields, column),
            OrderKey::Expr(expr) => self.push_expr(expr),
            OrderKey::Random => self.push("RANDOM()"),
            OrderKey::Related(inner) => self.push_related_order_inner(&alias, inner, depth + 1),
        }
        self.push(" FROM ");
        self.push_ident(related.table);
        if alias != related.table {
            self.push(" AS ");
            self.push_ident(&alias);
        }
        self.push(" WHERE ");
        self.dialect
            .push_qualified(&mut self.sql, &alias, related.target_column);
        self.push(" = ");
        self.dialect
            .push_qualified(&mut self.sql, outer, related.column);
        self.push(")");
    }

    /// ` ORDER BY …` of the query set, or of the model's meta ordering.
    /// `<function> OVER (PARTITION BY … ORDER BY … <frame>)`.
    pub(crate) fn push_window(&mut self, call: &'q WindowCall) {
        self.push_expr(&call.func);
        self.push(" OVER (");
        for (index, expr) in call.partition.iter().enumerate() {
            self.push(if index == 0 { "PARTITION BY " } else { ", " });
            self.push_expr(expr);
        }
        for (index, (key, descending)) in call.order.iter().enumerate() {
            if index == 0 {
                self.push(if call.partition.is_empty() {
                    "ORDER BY "
                } else {
                    " ORDER BY "
                });
            } else {
                self.push(", ");
            }
            self.push_order_key(call.table, key);
            if *descending {
                self.push(" DESC");
            }
        }
        if let Some(frame) = call.frame {
            frame.push_sql(&mut self.sql);
        }
        self.push(")");
    }

    /// One sort key of an ORDER BY: a column of `table`, an expression, a
    /// random order or a key through a relation.
    fn push_order_key(&mut self, table: &'static str, key: &'q OrderKey) {
        let table = self.table_name(table);
        match key {
            OrderKey::Column(column) => self.dialect.push_qualified(&mut self.sql, &table, column),
            OrderKey::Expr(expr) => self.push_expr(expr),
            OrderKey::Random => self.push("RANDOM()"),
            OrderKey::Related(related) => self.push_related_order(&table, related, 1),
        }
    }

    pub(crate) fn push_ordering(&mut self, select: &'q Select) {
        let table = self.table_name(select.table);
        match &select.ordering {
            Some(terms) => {
                for (index, (key, descending)) in terms.iter().enumerate() {
                    self.push(if index == 0 { " ORDER BY " } else { ", " });
                    match key {
                        OrderKey::Column(column) => {
                            self.push_sort_column(&table, select.fields, column);
                        }
                        OrderKey::Expr(expr) => self.push_expr(expr),
                        OrderKey::Random => self.push("RANDOM()"),
                        OrderKey::Related(related) => {
                            self.push_related_order(&table, related, 1);
                        }
                    }
                    if *descending {
                        self.push(" DESC");
                    }
                }
            }
            None => self.push_order_by(&table, select.fields, select.meta_ordering),
        }
    }
}
