//! Conditions: the untyped tree the compiler reads, and [`Q`], its typed face.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use pookie_dialect::PatternKind;

use super::expr::SqlExpr;
use super::select::Values;
use crate::value::Param;

/// A column in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColumnRef {
    pub(crate) table: &'static str,
    pub(crate) name: &'static str,
    pub(crate) nullable: bool,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl CmpOp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => " = ",
            CmpOp::Gt => " > ",
            CmpOp::Gte => " >= ",
            CmpOp::Lt => " < ",
            CmpOp::Lte => " <= ",
        }
    }
}

/// A WHERE condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Compare {
        column: ColumnRef,
        op: CmpOp,
        value: Param<'static>,
    },
    In {
        column: ColumnRef,
        values: Vec<Param<'static>>,
    },
    IsNull {
        column: ColumnRef,
    },
    Pattern {
        column: ColumnRef,
        kind: PatternKind,
        case_insensitive: bool,
        value: String,
    },
    /// `BETWEEN low AND high`, inclusive.
    Range {
        column: ColumnRef,
        low: Param<'static>,
        high: Param<'static>,
    },
    /// `column IN (SELECT …)`; the subquery may read the enclosing row.
    InSubquery {
        column: ColumnRef,
        query: Box<Values>,
    },
    /// `column IN (WITH RECURSIVE …)`: the rows a walk through a
    /// self-referencing foreign key reaches, `min_depth` steps away or more.
    InTree {
        column: ColumnRef,
        walk: Box<super::tree::TreeWalk>,
        min_depth: u32,
    },
    /// `column IN` the keys of a named CTE.
    InCte {
        column: ColumnRef,
        cte: Box<super::cte::CteDef>,
    },
    /// `EXISTS (SELECT 1 …)`, usually correlated with the enclosing row.
    Exists(Box<super::select::Select>),
    Regex {
        column: ColumnRef,
        case_insensitive: bool,
        pattern: String,
    },
    ExprCompare {
        left: SqlExpr,
        op: CmpOp,
        right: SqlExpr,
    },
    ExprIsNull(SqlExpr),
    /// A part of a date or timestamp column compared with a value (`year`, …).
    DatePart {
        column: ColumnRef,
        part: pookie_dialect::DatePart,
        source: pookie_dialect::DateSource,
        op: CmpOp,
        value: Param<'static>,
    },
    /// A test on the value at `path` inside a JSON column.
    Json {
        column: ColumnRef,
        path: Vec<pookie_dialect::JsonStep>,
        test: super::json::JsonTest,
    },
    /// An array column against an array of elements.
    Array {
        column: ColumnRef,
        test: pookie_dialect::ArrayTest,
        value: Param<'static>,
    },
    /// The number of elements of an array column compared with a value.
    ArrayLength {
        column: ColumnRef,
        op: CmpOp,
        value: Param<'static>,
    },
    /// A condition across a relation, as a semi-join.
    Related(Box<SemiJoin>),
    /// The rows a full-text search index matches.
    Search(Box<super::search::SearchCall>),
}

/// `outer IN (SELECT inner FROM table WHERE filter)`: the rows whose `outer`
/// column matches the `inner` column of some row of `table` passing `filter`.
///
/// Not correlated with the outer query, so a subquery on the outer query's own
/// table (a self-referential relation) reads its columns unambiguously, and a
/// semi-join never repeats outer rows the way a JOIN would.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SemiJoin {
    pub(crate) outer: ColumnRef,
    pub(crate) table: &'static str,
    /// The inner column; when nullable, the subquery leaves out its NULLs so
    /// that `NOT IN` stays true for the outer rows matching no inner row.
    pub(crate) inner: ColumnRef,
    /// A condition on the inner table's rows, itself possibly a semi-join.
    pub(crate) filter: Option<Cond>,
}

impl Cond {
    /// The columns this condition tests, without their values, for messages
    /// that may end up in logs: `slug`, `author_id, slug`.
    pub(crate) fn columns(&self) -> String {
        let mut names = Vec::new();
        self.collect_columns(&mut names);
        names.join(", ")
    }

    fn collect_columns(&self, names: &mut Vec<String>) {
        let mut push = |name: String| {
            if !names.contains(&name) {
                names.push(name);
            }
        };
        match self {
            Cond::And(parts) | Cond::Or(parts) => {
                for part in parts {
                    part.collect_columns(names);
                }
            }
            Cond::Not(inner) => inner.collect_columns(names),
            Cond::Compare { column, .. }
            | Cond::In { column, .. }
            | Cond::IsNull { column }
            | Cond::Pattern { column, .. }
            | Cond::Range { column, .. }
            | Cond::InSubquery { column, .. }
            | Cond::InTree { column, .. }
            | Cond::InCte { column, .. }
            | Cond::Regex { column, .. }
            | Cond::DatePart { column, .. }
            | Cond::Json { column, .. }
            | Cond::Array { column, .. }
            | Cond::ArrayLength { column, .. } => push(column.name.to_owned()),
            Cond::ExprCompare { .. } | Cond::ExprIsNull(_) => push("an expression".to_owned()),
            Cond::Exists(select) => push(format!("EXISTS ({})", select.table)),
            Cond::Search(call) => push(format!("search index {}", call.index_name())),
            Cond::Related(join) => {
                push(join.outer.name.to_owned());
                if let Some(filter) = &join.filter {
                    let mut inner = Vec::new();
                    filter.collect_columns(&mut inner);
                    for name in inner {
                        push(format!("{}.{name}", join.table));
                    }
                }
            }
        }
    }

    /// `self AND other`, flattening nested ANDs.
    pub(crate) fn and(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::And(mut left), Cond::And(right)) => {
                left.extend(right);
                Cond::And(left)
            }
            (Cond::And(mut left), right) => {
                left.push(right);
                Cond::And(left)
            }
            (left, Cond::And(mut right)) => {
                right.insert(0, left);
                Cond::And(right)
            }
            (left, right) => Cond::And(vec![left, right]),
        }
    }

    /// `self OR other`, flattening nested ORs.
    pub(crate) fn or(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Or(mut left), Cond::Or(right)) => {
                left.extend(right);
                Cond::Or(left)
            }
            (Cond::Or(mut left), right) => {
                left.push(right);
                Cond::Or(left)
            }
            (left, Cond::Or(mut right)) => {
                right.insert(0, left);
                Cond::Or(right)
            }
            (left, right) => Cond::Or(vec![left, right]),
        }
    }
}

/// Readable form for error messages: `name = "Grace" AND NOT (age < 3)`.
impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn join(f: &mut fmt::Formatter<'_>, parts: &[Cond], separator: &str) -> fmt::Result {
            for (index, part) in parts.iter().enumerate() {
                if index > 0 {
                    f.write_str(separator)?;
                }
                match part {
                    Cond::And(_) | Cond::Or(_) => write!(f, "({part})")?,
                    _ => write!(f, "{part}")?,
                }
            }
            Ok(())
        }
        match self {
            Cond::And(parts) => join(f, parts, " AND "),
            Cond::Or(parts) => join(f, parts, " OR "),
            Cond::Not(inner) => write!(f, "NOT ({inner})"),
            Cond::Compare { column, op, value } => write!(f, "{}{}{value}", column.name, op.sql()),
            Cond::In { column, values } => {
                write!(f, "{} IN (", column.name)?;
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_str(")")
            }
            Cond::IsNull { column } => write!(f, "{} IS NULL", column.name),
            Cond::Range { column, low, high } => {
                write!(f, "{} BETWEEN {low} AND {high}", column.name)
            }
            Cond::InSubquery { column, query } => {
                write!(
                    f,
                    "{} IN (SELECT … FROM {})",
                    column.name, query.select.table
                )
            }
            Cond::Regex {
                column,
                case_insensitive,
                pattern,
            } => {
                let lookup = if *case_insensitive { "iregex" } else { "regex" };
                write!(f, "{} {lookup} {pattern:?}", column.name)
            }
            Cond::ExprCompare { left, op, right } => write!(f, "{left}{}{right}", op.sql()),
            Cond::ExprIsNull(expr) => write!(f, "{expr} IS NULL"),
            Cond::Exists(select) => write!(f, "EXISTS (SELECT … FROM {})", select.table),
            Cond::InCte { column, cte } => write!(f, "{} IN {}", column.name, cte.name()),
            Cond::InTree { column, walk, .. } => {
                write!(f, "{} IN (WITH RECURSIVE … {})", column.name, walk.table())
            }
            Cond::Pattern {
                column,
                kind,
                case_insensitive,
                value,
            } => {
                let lookup = match kind {
                    PatternKind::Exact => "exact",
                    PatternKind::Contains => "contains",
                    PatternKind::StartsWith => "startswith",
                    PatternKind::EndsWith => "endswith",
                };
                let prefix = if *case_insensitive { "i" } else { "" };
                write!(f, "{} {prefix}{lookup} {value:?}", column.name)
            }
            Cond::DatePart {
                column,
                part,
                op,
                value,
                ..
            } => write!(f, "{}.{part:?}{}{value}", column.name, op.sql()),
            Cond::Json { column, path, test } => super::json::fmt_json_cond(f, column, path, test),
            Cond::Array {
                column,
                test,
                value,
            } => write!(f, "{} {test:?} {value}", column.name),
            Cond::ArrayLength { column, op, value } => {
                write!(f, "len({}){}{value}", column.name, op.sql())
            }
            Cond::Related(join) => {
                write!(
                    f,
                    "{} IN {}.{}",
                    join.outer.name, join.table, join.inner.name
                )?;
                match &join.filter {
                    Some(filter) => write!(f, " WHERE ({filter})"),
                    None => Ok(()),
                }
            }
            Cond::Search(call) => write!(f, "{call}"),
        }
    }
}

/// A condition on rows of model `M`, combined with `&` (and), `|` (or) and `!` (not).
///
/// Column lookups make them (`author::name.eq("Grace")`); a condition on another
/// model's column does not type-check in a query set of `M`.
pub struct Q<M> {
    pub(crate) cond: Cond,
    marker: PhantomData<fn() -> M>,
}

impl<M> Q<M> {
    pub(crate) fn new(cond: Cond) -> Self {
        Q {
            cond,
            marker: PhantomData,
        }
    }
}

impl<M> Clone for Q<M> {
    fn clone(&self) -> Self {
        Q::new(self.cond.clone())
    }
}

impl<M> fmt::Debug for Q<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q({})", self.cond)
    }
}

impl<M> fmt::Display for Q<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cond.fmt(f)
    }
}

impl<M> BitAnd for Q<M> {
    type Output = Q<M>;
    fn bitand(self, other: Q<M>) -> Q<M> {
        Q::new(self.cond.and(other.cond))
    }
}

impl<M> BitOr for Q<M> {
    type Output = Q<M>;
    fn bitor(self, other: Q<M>) -> Q<M> {
        Q::new(self.cond.or(other.cond))
    }
}

impl<M> Not for Q<M> {
    type Output = Q<M>;
    fn not(self) -> Q<M> {
        Q::new(match self.cond {
            Cond::Not(inner) => *inner,
            cond => Cond::Not(Box::new(cond)),
        })
    }
}
