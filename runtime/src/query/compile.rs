//! Turns conditions, ordering and slicing into SQL for one dialect, with every
//! value a bound parameter and every identifier quoted.

use std::borrow::Cow;

use pookie_dialect::Dialect;

use pookie_dialect::SqlType;

use super::condition::{CmpOp, ColumnRef, Cond, SemiJoin};
use super::expr::{Func, SqlExpr};
use super::select::SelectList;
use crate::model::{FieldMeta, OrderTerm};
use crate::value::Param;

/// One statement being written: its SQL text and its parameters, in order.
pub(crate) struct SqlBuilder<'q> {
    pub(crate) dialect: Dialect,
    pub(crate) sql: String,
    pub(crate) params: Vec<Param<'q>>,
    /// While a condition on a joined model is written against its join: the
    /// table its columns name, and the alias that stands for it here.
    pub(crate) table_alias: Option<(&'static str, String)>,
    /// For each correlated subquery being written, innermost last: the alias
    /// of the query around it (see [`SqlBuilder::push_subquery`]), which
    /// `OuterRef` columns are written against.
    pub(crate) outer_scopes: Vec<Option<(&'static str, String)>>,
}

impl<'q> SqlBuilder<'q> {
    pub(crate) fn new(dialect: Dialect, start: &str) -> Self {
        let mut sql = String::with_capacity(start.len() + 128);
        sql.push_str(start);
        SqlBuilder {
            dialect,
            sql,
            params: Vec::new(),
            table_alias: None,
            outer_scopes: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    pub(crate) fn push_ident(&mut self, ident: &str) {
        self.dialect.push_ident(&mut self.sql, ident);
    }

    pub(crate) fn push_param(&mut self, param: Param<'q>) {
        self.params.push(param);
        self.dialect
            .push_placeholder(&mut self.sql, self.params.len());
    }

    /// `p1, p2, …`: one placeholder per value, each bound.
    pub(crate) fn push_param_list(&mut self, values: &'q [Param<'_>]) {
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.push_param(value.reborrow());
        }
    }

    /// ` IN (p1, p2, …)` after a key column; on PostgreSQL ` = ANY(p1)` with
    /// the keys bound as one array when they allow it, so that one prepared
    /// statement serves every number of keys.
    pub(crate) fn push_key_membership(&mut self, keys: &'q [Param<'_>]) {
        if binds_keys_as_array(self.dialect, keys) {
            self.push(" = ANY(");
            self.push_param(Param::Array(keys.iter().map(Param::reborrow).collect()));
        } else {
            self.push(" IN (");
            self.push_param_list(keys);
        }
        self.push(")");
    }

    pub(crate) fn push_column(&mut self, column: &ColumnRef) {
        let table = match &self.table_alias {
            Some((table, alias)) if *table == column.table => alias.as_str(),
            _ => column.table,
        };
        self.dialect
            .push_qualified(&mut self.sql, table, column.name);
    }

    /// The name `table` goes by here: the alias standing for it, or its own.
    pub(crate) fn table_name(&self, table: &'static str) -> Cow<'static, str> {
        match &self.table_alias {
            Some((aliased, alias)) if *aliased == table => Cow::Owned(alias.clone()),
            _ => Cow::Borrowed(table),
        }
    }

    /// Writes a column of the enclosing query's row (`OuterRef`), under the
    /// name that query gives its table.
    fn push_outer_column(&mut self, column: &ColumnRef) {
        let table = match self.outer_scopes.last() {
            Some(Some((aliased, alias))) if *aliased == column.table => alias.as_str(),
            _ => column.table,
        };
        self.dialect
            .push_qualified(&mut self.sql, table, column.name);
    }

    /// Writes `column` qualified by its table, or by the alias standing for it.
    pub(crate) fn push_column_to(&self, out: &mut String, column: &ColumnRef) {
        let table = match &self.table_alias {
            Some((table, alias)) if *table == column.table => alias.as_str(),
            _ => column.table,
        };
        self.dialect.push_qualified(out, table, column.name);
    }

    /// ` WHERE <cond>` when there is a condition.
    pub(crate) fn push_where(&mut self, cond: Option<&'q Cond>) {
        if let Some(cond) = cond {
            self.push(" WHERE ");
            self.push_cond(cond, false);
        }
    }

    /// Writes `cond`. Under an odd number of NOTs, a test on a nullable column
    /// also requires the column to be non-NULL, so that `NOT` keeps the rows
    /// where it is NULL (SQL's NOT of an unknown is unknown, which drops them).
    pub(crate) fn push_cond(&mut self, cond: &'q Cond, negated: bool) {
        match cond {
            Cond::And(parts) => self.push_group(parts, " AND ", negated),
            Cond::Or(parts) => self.push_group(parts, " OR ", negated),
            Cond::Not(inner) => {
                self.push("NOT (");
                self.push_cond(inner, !negated);
                self.push(")");
            }
            Cond::Compare { column, op, value } => {
                self.push_null_guarded(column, negated, |builder| {
                    builder.push_column(column);
                    if *op != CmpOp::Eq && matches!(value, Param::Decimal(_)) {
                        builder.dialect.push_decimal_collation(&mut builder.sql);
                    }
                    builder.push(op.sql());
                    builder.push_param(value.reborrow());
                });
            }
            Cond::In { column, values } if values.is_empty() => {
                let _ = column;
                self.push("1 = 0");
            }
            Cond::In { column, values } => {
                self.push_null_guarded(column, negated, |builder| {
                    builder.push_column(column);
                    builder.push(" IN (");
                    builder.push_param_list(values);
                    builder.push(")");
                });
            }
            Cond::IsNull { column } => {
                self.push_column(column);
                self.push(" IS NULL");
            }
            Cond::Pattern {
                column,
                kind,
                case_insensitive,
                value,
            } => {
                self.push_text_match(column, negated, |dialect, sql, column_sql, placeholder| {
                    dialect.push_pattern_match(
                        sql,
                        column_sql,
                        *kind,
                        *case_insensitive,
                        placeholder,
                        value,
                    )
                });
            }
            Cond::DatePart {
                column,
                part,
                source,
                op,
                value,
            } => {
                self.push_null_guarded(column, negated, |builder| {
                    let mut column_sql = String::new();
                    builder.push_column_to(&mut column_sql, column);
                    builder
                        .dialect
                        .push_date_part(&mut builder.sql, &column_sql, *part, *source);
                    builder.push(op.sql());
                    builder.push_param(value.reborrow());
                });
            }
            Cond::Range { column, low, high } => {
                self.push_null_guarded(column, negated, |builder| {
                    builder.push_column(column);
                    if matches!(low, Param::Decimal(_)) {
                        builder.dialect.push_decimal_collation(&mut builder.sql);
                    }
                    builder.push(" BETWEEN ");
                    builder.push_param(low.reborrow());
                    builder.push(" AND ");
                    builder.push_param(high.reborrow());
                });
            }
            Cond::InSubquery { column, query } => {
                self.push_null_guarded(column, negated, |builder| {
                    builder.push_column(column);
                    builder.push(" IN ");
                    builder.push_subquery(
                        &query.select,
                        SelectList::Exprs(&query.exprs, query.having.as_ref()),
                    );
                });
            }
            Cond::InTree {
                column,
                walk,
                min_depth,
            } => self.push_null_guarded(column, negated, |builder| {
                builder.push_in_tree(column, walk, *min_depth);
            }),
            Cond::InCte { column, cte } => self.push_null_guarded(column, negated, |builder| {
                builder.push_in_cte(column, cte);
            }),
            Cond::Exists(select) => {
                self.push("EXISTS ");
                self.push_subquery(select, SelectList::One);
            }
            Cond::Regex {
                column,
                case_insensitive,
                pattern,
            } => {
                self.push_text_match(column, negated, |dialect, sql, column_sql, placeholder| {
                    dialect.push_regex_match(
                        sql,
                        column_sql,
                        *case_insensitive,
                        placeholder,
                        pattern,
                    )
                });
            }
            Cond::ExprCompare { left, op, right } => {
                // Either side may be NULL; under NOT, keep the rows where it is,
                // as for column lookups.
                if negated {
                    self.push("(");
                }
                self.push_expr(left);
                self.push(op.sql());
                self.push_expr(right);
                if negated {
                    self.push(" AND ");
                    self.push_expr(left);
                    self.push(" IS NOT NULL AND ");
                    self.push_expr(right);
                    self.push(" IS NOT NULL)");
                }
            }
            Cond::ExprIsNull(expr) => {
                self.push("(");
                self.push_expr(expr);
                self.push(") IS NULL");
            }
            Cond::Json { column, path, test } => self.push_json_cond(column, path, test, negated),
            Cond::Array {
                column,
                test,
                value,
            } => self.push_array_cond(column, *test, value),
            Cond::ArrayLength { column, op, value } => {
                self.push_array_length_cond(column, *op, value, negated);
            }
            Cond::Related(join) => self.push_semi_join(join, negated),
            Cond::Search(call) => self.push_search_cond(call),
        }
    }

    /// Writes a semi-join. The subquery's own condition starts afresh: a NOT
    /// around the semi-join does not reach inside it.
    fn push_semi_join(&mut self, join: &'q SemiJoin, negated: bool) {
        self.push_null_guarded(&join.outer, negated, |builder| {
            builder.push_column(&join.outer);
            // Inside the subquery, the inner table's name means its own rows.
            let outer_alias = builder.table_alias.take();
            builder.push(" IN (SELECT ");
            builder.push_column(&join.inner);
            builder.push(" FROM ");
            builder.push_ident(join.table);
            let mut first = true;
            if join.inner.nullable {
                builder.push(" WHERE ");
                builder.push_column(&join.inner);
                builder.push(" IS NOT NULL");
                first = false;
            }
            if let Some(filter) = &join.filter {
                builder.push(if first { " WHERE " } else { " AND " });
                builder.push_cond(filter, false);
            }
            builder.push(")");
            builder.table_alias = outer_alias;
        });
    }

    /// Writes an expression.
    pub(crate) fn push_expr(&mut self, expr: &'q SqlExpr) {
        match expr {
            SqlExpr::Column(column) => self.push_column(column),
            SqlExpr::Value(value) => {
                self.params.push(value.reborrow());
                let ty = param_type(value);
                self.dialect
                    .push_typed_placeholder(&mut self.sql, self.params.len(), ty.as_ref());
            }
            SqlExpr::Arith { op, left, right } => {
                self.push("(");
                self.push_expr(left);
                self.push(op.sql());
                self.push_expr(right);
                self.push(")");
            }
            SqlExpr::Func { func, args } => {
                let name = match func {
                    Func::Upper => self.dialect.upper_function(),
                    Func::Lower => self.dialect.lower_function(),
                    other => other.name(),
                };
                self.push(name);
                self.push("(");
                self.push_expr_list(args);
                self.push(")");
            }
            SqlExpr::Concat(args) => {
                self.push("(");
                for (index, arg) in args.iter().enumerate() {
                    if index > 0 {
                        self.push(" || ");
                    }
                    // NULL parts count as empty text, as in Django's Concat.
                    self.push("COALESCE(");
                    self.push_expr(arg);
                    self.push(", '')");
                }
                self.push(")");
            }
            SqlExpr::Cast { expr, to } => {
                self.push("CAST(");
                self.push_expr(expr);
                self.push(" AS ");
                let name = self.dialect.type_name(to);
                self.push(&name);
                self.push(")");
            }
            SqlExpr::Case { whens, default } => {
                self.push("CASE");
                for (cond, then) in whens {
                    self.push(" WHEN ");
                    self.push_cond(cond, false);
                    self.push(" THEN ");
                    self.push_expr(then);
                }
                self.push(" ELSE ");
                self.push_expr(default);
                self.push(" END");
            }
            SqlExpr::Window(call) => self.push_window(call),
            SqlExpr::Outer(column) => self.push_outer_column(column),
            SqlExpr::Subquery(values) => self.push_subquery(
                &values.select,
                SelectList::Exprs(&values.exprs, values.having.as_ref()),
            ),
            SqlExpr::Search(value) => self.push_search_expr(value),
            SqlExpr::Now => {
                let now = self.dialect.now();
                self.push(now);
            }
            SqlExpr::DatePart {
                column,
                part,
                source,
            } => {
                let mut column_sql = String::new();
                self.push_column_to(&mut column_sql, column);
                self.dialect
                    .push_date_part(&mut self.sql, &column_sql, *part, *source);
            }
            SqlExpr::Aggregate {
                func,
                distinct,
                arg,
            } => {
                self.push(func.sql_name(self.dialect));
                self.push(if *distinct { "(DISTINCT " } else { "(" });
                match arg {
                    Some(arg) => self.push_expr(arg),
                    None => self.push("*"),
                }
                self.push(")");
            }
        }
    }

    fn push_expr_list(&mut self, args: &'q [SqlExpr]) {
        for (index, arg) in args.iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.push_expr(arg);
        }
    }

    fn push_group(&mut self, parts: &'q [Cond], separator: &str, negated: bool) {
        if parts.is_empty() {
            // An empty AND is true, an empty OR is false.
            self.push(if separator == " AND " {
                "1 = 1"
            } else {
                "1 = 0"
            });
            return;
        }
        self.push("(");
        for (index, part) in parts.iter().enumerate() {
            if index > 0 {
                self.push(separator);
            }
            self.push_cond(part, negated);
        }
        self.push(")");
    }

    /// Writes a test of `column` against text the dialect prepares from the
    /// user's value (a LIKE/GLOB pattern, a regex), bound as one parameter.
    fn push_text_match(
        &mut self,
        column: &ColumnRef,
        negated: bool,
        write: impl FnOnce(pookie_dialect::Dialect, &mut String, &str, usize) -> String,
    ) {
        let mut column_sql = String::new();
        self.push_column_to(&mut column_sql, column);
        self.push_null_guarded(column, negated, |builder| {
            let placeholder = builder.params.len() + 1;
            let bound = write(builder.dialect, &mut builder.sql, &column_sql, placeholder);
            builder.params.push(Param::Text(Cow::Owned(bound)));
        });
    }

    pub(crate) fn push_null_guarded(
        &mut self,
        column: &ColumnRef,
        negated: bool,
        test: impl FnOnce(&mut Self),
    ) {
        if negated && column.nullable {
            self.push("(");
            test(self);
            self.push(" AND ");
            self.push_column(column);
            self.push(" IS NOT NULL)");
        } else {
            test(self);
        }
    }

    /// ` ORDER BY …` when there are terms.
    pub(crate) fn push_order_by(&mut self, table: &str, fields: &[FieldMeta], terms: &[OrderTerm]) {
        for (index, term) in terms.iter().enumerate() {
            self.push(if index == 0 { " ORDER BY " } else { ", " });
            self.push_sort_column(table, fields, term.column);
            if term.descending {
                self.push(" DESC");
            }
        }
    }

    /// A column of `table` as a sort key: by value for a decimal column.
    pub(crate) fn push_sort_column(&mut self, table: &str, fields: &[FieldMeta], column: &str) {
        self.dialect.push_qualified(&mut self.sql, table, column);
        if fields
            .iter()
            .any(|field| field.column == column && field.field_type == "DecimalField")
        {
            self.dialect.push_decimal_collation(&mut self.sql);
        }
    }

    pub(crate) fn push_limit_offset(&mut self, limit: Option<u64>, offset: u64) {
        self.dialect.push_limit_offset(&mut self.sql, limit, offset);
    }
}

/// True when `keys` go to PostgreSQL as one array parameter: integers, UUIDs
/// or text, whose array elements the driver encodes exactly as it would a
/// lone parameter (anything else keeps one placeholder per key).
pub(crate) fn binds_keys_as_array(dialect: Dialect, keys: &[Param<'_>]) -> bool {
    dialect == Dialect::Postgres
        && !keys.is_empty()
        && (keys
            .iter()
            .all(|key| matches!(key, Param::I16(_) | Param::I32(_) | Param::I64(_)))
            || keys.iter().all(|key| matches!(key, Param::Uuid(_)))
            || keys.iter().all(|key| matches!(key, Param::Text(_))))
}

/// The SQL type of a bound value, for the casts PostgreSQL needs where it
/// cannot infer a parameter's type.
fn param_type(value: &Param<'_>) -> Option<SqlType> {
    Some(match value {
        Param::Null => return None,
        Param::Bool(_) => SqlType::Boolean,
        Param::I16(_) => SqlType::SmallInt,
        Param::I32(_) => SqlType::Integer,
        Param::I64(_) => SqlType::BigInt,
        Param::F64(_) => SqlType::Double,
        Param::Text(_) => SqlType::Text,
        Param::Bytes(_) => SqlType::Bytes,
        Param::DateTime(_) => SqlType::Timestamp,
        Param::Date(_) => SqlType::Date,
        Param::Time(_) => SqlType::Time,
        Param::Uuid(_) => SqlType::Uuid,
        Param::Json(_) => SqlType::Json,
        Param::Array(items) => SqlType::Array(Box::new(param_type(items.first()?)?)),
        // The column's own precision is not known here: PostgreSQL infers NUMERIC.
        Param::Decimal(_) | Param::Invalid(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::condition::CmpOp;

    const NAME: ColumnRef = ColumnRef {
        table: "authors",
        name: "name",
        nullable: false,
    };
    const BIO: ColumnRef = ColumnRef {
        table: "authors",
        name: "bio",
        nullable: true,
    };

    fn compile(dialect: Dialect, cond: &Cond) -> (String, Vec<Param<'_>>) {
        let mut builder = SqlBuilder::new(dialect, "SELECT 1 FROM \"authors\"");
        builder.push_where(Some(cond));
        (builder.sql, builder.params)
    }

    /// The rows of a table `employees(id, boss_id)` matching `filter`.
    fn employees(filter: Cond) -> crate::query::Select {
        crate::query::Select {
            table: "employees",
            columns: &["id", "boss_id"],
            text_columns: &[],
            pk_column: "id",
            meta_ordering: &[],
            fields: &[],
            source: crate::query::Source::Table,
            filter: Some(filter),
            ordering: Some(Vec::new()),
            limit: None,
            offset: 0,
            distinct: false,
            lock: None,
        }
    }

    #[test]
    fn subqueries_on_the_outer_table_read_the_outer_row_through_their_aliases() {
        let boss_of_the_outer_row = || Cond::ExprCompare {
            left: SqlExpr::Outer(ColumnRef {
                table: "employees",
                name: "id",
                nullable: false,
            }),
            op: CmpOp::Eq,
            right: SqlExpr::Column(ColumnRef {
                table: "employees",
                name: "boss_id",
                nullable: true,
            }),
        };
        let inner = Cond::Exists(Box::new(employees(boss_of_the_outer_row())));
        let middle = Cond::Exists(Box::new(employees(boss_of_the_outer_row().and(inner))));
        let mut builder = SqlBuilder::new(Dialect::Postgres, "SELECT 1 FROM \"employees\"");
        builder.push_where(Some(&middle));
        assert_eq!(
            builder.sql,
            "SELECT 1 FROM \"employees\" WHERE EXISTS (SELECT 1 FROM \"employees\" AS \"__pookie_s1\" \
             WHERE (\"employees\".\"id\" = \"__pookie_s1\".\"boss_id\" AND EXISTS (SELECT 1 \
             FROM \"employees\" AS \"__pookie_s2\" WHERE \"__pookie_s1\".\"id\" = \"__pookie_s2\".\"boss_id\")))"
        );
    }

    #[test]
    fn nested_conditions_number_parameters_in_order() {
        let cond = Cond::Compare {
            column: NAME,
            op: CmpOp::Eq,
            value: "a".to_owned().into(),
        }
        .or(Cond::Compare {
            column: NAME,
            op: CmpOp::Eq,
            value: "b".to_owned().into(),
        })
        .and(Cond::Not(Box::new(Cond::In {
            column: NAME,
            values: vec![1i32.into(), 2i32.into()],
        })));
        let (sql, params) = compile(Dialect::Postgres, &cond);
        assert_eq!(
            sql,
            "SELECT 1 FROM \"authors\" WHERE ((\"authors\".\"name\" = $1 OR \"authors\".\"name\" = $2) AND NOT (\"authors\".\"name\" IN ($3, $4)))"
        );
        assert_eq!(params.len(), 4);
    }

    #[test]
    fn negating_a_nullable_comparison_keeps_null_rows() {
        let cond = Cond::Not(Box::new(Cond::Compare {
            column: BIO,
            op: CmpOp::Eq,
            value: "x".to_owned().into(),
        }));
        let (sql, _) = compile(Dialect::Sqlite, &cond);
        assert!(
            sql.ends_with("NOT ((\"authors\".\"bio\" = ? AND \"authors\".\"bio\" IS NOT NULL))"),
            "{sql}"
        );
    }

    #[test]
    fn an_empty_in_list_matches_nothing() {
        let cond = Cond::In {
            column: NAME,
            values: vec![],
        };
        let (sql, params) = compile(Dialect::Sqlite, &cond);
        assert!(sql.ends_with("WHERE 1 = 0"));
        assert!(params.is_empty());
    }

    fn semi_join(outer_nullable: bool, inner_nullable: bool) -> Cond {
        Cond::Related(Box::new(SemiJoin {
            outer: ColumnRef {
                table: "posts",
                name: "editor_id",
                nullable: outer_nullable,
            },
            table: "authors",
            inner: ColumnRef {
                table: "authors",
                name: "id",
                nullable: inner_nullable,
            },
            filter: Some(Cond::Compare {
                column: BIO,
                op: CmpOp::Eq,
                value: "x".to_owned().into(),
            }),
        }))
    }

    #[test]
    fn a_negated_semi_join_keeps_rows_whose_key_is_null() {
        let cond = Cond::Not(Box::new(semi_join(true, false)));
        let (sql, params) = compile(Dialect::Postgres, &cond);
        // The NOT stops at the subquery: its own nullable test is not guarded.
        assert!(
            sql.ends_with(
                "WHERE NOT ((\"posts\".\"editor_id\" IN (SELECT \"authors\".\"id\" FROM \"authors\" \
                 WHERE \"authors\".\"bio\" = $1) AND \"posts\".\"editor_id\" IS NOT NULL))"
            ),
            "{sql}"
        );
        assert_eq!(params.len(), 1);
    }

    #[test]
    fn a_semi_join_on_a_nullable_inner_column_leaves_its_nulls_out() {
        let (sql, _) = compile(Dialect::Sqlite, &semi_join(false, true));
        assert!(
            sql.ends_with(
                "WHERE \"posts\".\"editor_id\" IN (SELECT \"authors\".\"id\" FROM \"authors\" \
                 WHERE \"authors\".\"id\" IS NOT NULL AND \"authors\".\"bio\" = ?)"
            ),
            "{sql}"
        );
    }
}
