//! Named common table expressions (`WITH name AS (…)`) made from a query
//! set's projection keyed by one of its expressions, or from hand-written
//! SQL with typed columns: read on their own, filtered against (`column IN`
//! the keys) or joined to a model's rows.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::column::{Column, FieldType};
use super::compile::SqlBuilder;
use super::condition::{ColumnRef, Cond, Q};
use super::functions::AsExpr;
use super::projection::{Projection, ValuesQuery};
use super::queryset::QuerySet;
use super::select::{SelectList, Values};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::row::{FromSql, Row};
use crate::value::Param;

/// The key column of every named CTE.
const KEY: &str = "key";

/// A named CTE as the compiler reads it: its name and what makes its rows,
/// the key first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CteDef {
    name: Cow<'static, str>,
    body: Body,
    /// How many columns its rows have, the key included.
    width: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Body {
    Query(Box<Values>),
    /// Hand-written SQL, cut at its placeholders.
    Raw {
        pieces: Vec<RawPiece>,
        params: Vec<Param<'static>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum RawPiece {
    Text(String),
    /// `$n`: the parameter at index `n - 1`.
    Param(usize),
}

/// Cuts `sql` at its placeholders `$1, $2, …` (text inside quotes is left
/// alone), each checked against the number of parameters.
fn raw_pieces(name: &str, sql: &str, params: usize) -> Result<Vec<RawPiece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut quote: Option<char> = None;
    let mut chars = sql.trim().trim_end_matches(';').chars().peekable();
    while let Some(ch) = chars.next() {
        match quote {
            Some(open) => {
                if ch == open {
                    quote = None;
                }
                text.push(ch);
            }
            None if ch == '\'' || ch == '"' => {
                quote = Some(ch);
                text.push(ch);
            }
            None if ch == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                    digits.push(digit);
                }
                let n: usize = digits.parse().unwrap_or(0);
                if n == 0 || n > params {
                    return Err(Error::usage(format!(
                        "the SQL of the CTE `{name}` refers to ${digits}, but {params} \
                         parameter(s) were given: number them from $1"
                    )));
                }
                pieces.push(RawPiece::Text(std::mem::take(&mut text)));
                pieces.push(RawPiece::Param(n - 1));
            }
            None => text.push(ch),
        }
    }
    pieces.push(RawPiece::Text(text));
    Ok(pieces)
}

/// The Rust values of a row of a hand-written CTE, after its key: one value
/// (`i64`, `Option<String>`, …) or a tuple of them.
pub trait CteValues: Sized {
    /// How many columns they take.
    #[doc(hidden)]
    const WIDTH: usize;
    /// Reads them, starting at column `start`.
    #[doc(hidden)]
    fn read(row: &Row<'_>, start: usize) -> Result<Self>;
}

impl<T: FromSql> CteValues for T {
    const WIDTH: usize = 1;
    fn read(row: &Row<'_>, start: usize) -> Result<T> {
        row.get(start)
    }
}

macro_rules! tuple_cte_values {
    ($($name:ident),+) => {
        impl<$($name: FromSql),+> CteValues for ($($name,)+) {
            const WIDTH: usize = 0 $(+ { let _ = stringify!($name); 1 })+;
            #[allow(unused_assignments)]
            fn read(row: &Row<'_>, start: usize) -> Result<Self> {
                let mut index = start;
                Ok(($({
                    let value: $name = row.get(index)?;
                    index += 1;
                    value
                },)+))
            }
        }
    };
}

tuple_cte_values!(A);
tuple_cte_values!(A, B);
tuple_cte_values!(A, B, C);
tuple_cte_values!(A, B, C, D);
tuple_cte_values!(A, B, C, D, E);
tuple_cte_values!(A, B, C, D, E, G);
tuple_cte_values!(A, B, C, D, E, G, H);
tuple_cte_values!(A, B, C, D, E, G, H, I);

impl CteDef {
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

/// Rows of a query set's projection under a name, each with a key of Rust
/// type `K` (the key expression's type) and values of type `T` (the
/// projection's output): SQL's `WITH
/// name AS (…)`. Read it on its own ([`all`](Self::all)), filter against its
/// keys ([`Column::in_cte`]) or join it to a model's rows on them
/// ([`QuerySet::join_cte`]).
///
/// ```ignore
/// let totals = Cte::new(
///     "author_totals",
///     post::author_id,
///     Post::objects().values_list((Count(post::id), Sum(post::view_count))),
/// );
/// let rows: Vec<(Author, (i64, Option<i64>))> =
///     Author::objects().join_cte(author::id, &totals).all(&db)?;
/// ```
///
/// The name must not be the name of a table the statement reads: in it, the
/// CTE would stand for that table.
pub struct Cte<K, T> {
    def: CteDef,
    read: fn(&Row<'_>, usize) -> Result<T>,
    /// The database the query set of the rows runs on.
    alias: Cow<'static, str>,
    marker: PhantomData<fn() -> K>,
}

impl<K, T> Clone for Cte<K, T> {
    fn clone(&self) -> Self {
        Cte {
            def: self.def.clone(),
            read: self.read,
            alias: self.alias.clone(),
            marker: PhantomData,
        }
    }
}

impl<K, T> std::fmt::Debug for Cte<K, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cte")
            .field("name", &self.def.name)
            .field("body", &self.def.body)
            .finish()
    }
}

impl Cte<(), ()> {
    /// The rows of `query` under `name`, keyed by `key` (an expression of the
    /// same model). When the projection holds aggregates, the rows are
    /// grouped by the key, as in `values_list`.
    pub fn new<N, E, P>(
        name: impl Into<Cow<'static, str>>,
        key: E,
        query: ValuesQuery<N, P>,
    ) -> Cte<E::Type, P::Output>
    where
        N: Model,
        E: AsExpr<Model = N>,
        P: Projection<N>,
    {
        let alias = query
            .alias
            .clone()
            .unwrap_or(Cow::Borrowed(N::META.db_alias));
        let mut values = query.values;
        values.exprs.insert(0, key.into_tree().0);
        Cte {
            def: CteDef {
                name: name.into(),
                width: values.exprs.len(),
                body: Body::Query(Box::new(values)),
            },
            read: P::read,
            alias,
            marker: PhantomData,
        }
    }
}

impl<K: FieldType, T: CteValues> Cte<K, T> {
    /// Rows written in SQL under `name`: the first column is the key (Rust
    /// type `K`), the others the values `T`, in order (their names do not
    /// matter). Placeholders are `$1, $2, …` on both backends, bound to
    /// `params`; a placeholder beyond them is an [`Error::Usage`]. Runs on
    /// the default database unless [`using`](Self::using) says otherwise.
    ///
    /// ```ignore
    /// let busy: Cte<i32, i64> = Cte::raw(
    ///     "busy",
    ///     "SELECT author_id, COUNT(*) FROM posts WHERE view_count > $1 GROUP BY author_id",
    ///     vec![100.into()],
    /// )?;
    /// ```
    pub fn raw(
        name: impl Into<Cow<'static, str>>,
        sql: &str,
        params: Vec<Param<'static>>,
    ) -> Result<Self> {
        let name = name.into();
        let pieces = raw_pieces(&name, sql, params.len())?;
        Ok(Cte {
            def: CteDef {
                name,
                body: Body::Raw { pieces, params },
                width: 1 + T::WIDTH,
            },
            read: T::read,
            alias: Cow::Borrowed(crate::db::DEFAULT_ALIAS),
            marker: PhantomData,
        })
    }
}

impl<K, T> Cte<K, T> {
    /// Runs [`all`](Self::all) on the database registered as `alias`.
    #[must_use]
    pub fn using(mut self, alias: impl Into<Cow<'static, str>>) -> Self {
        self.alias = alias.into();
        self
    }
}

impl<K: FromSql, T> Cte<K, T> {
    /// Every row of the CTE, key first (`WITH … SELECT * FROM name`), by key.
    pub fn all(&self, db: &Db) -> Result<Vec<(K, T)>> {
        let mut connection = db.read_connection(&self.alias, false)?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_cte(&self.def);
        builder.push(" SELECT ");
        builder.push_cte_columns(&self.def);
        builder.push(" FROM ");
        builder.push_ident(&self.def.name);
        builder.push(" ORDER BY ");
        builder.push_cte_key(&self.def);
        let read = self.read;
        connection.query_map(&builder.sql, &builder.params, |row| {
            Ok((row.get::<K>(0)?, read(row, 1)?))
        })
    }
}

impl<M, T: FieldType> Column<M, T> {
    /// Equal to one of the keys of `cte` (`IN (WITH name AS (…) SELECT key
    /// FROM name)`).
    pub fn in_cte<K, V>(self, cte: &Cte<K, V>) -> Q<M>
    where
        K: FieldType<Inner = T::Inner>,
    {
        Q::new(Cond::InCte {
            column: self.column_ref(),
            cte: Box::new(cte.def.clone()),
        })
    }
}

/// The rows of a query set joined to the rows of a [`Cte`] whose key equals
/// one of their columns: each row with the values of its CTE row. Made by
/// [`QuerySet::join_cte`].
pub struct CteJoin<M, T> {
    query: QuerySet<M>,
    on: ColumnRef,
    def: CteDef,
    read: fn(&Row<'_>, usize) -> Result<T>,
}

impl<M: Model> QuerySet<M> {
    /// Joins the CTE's rows on `column = key` (an inner join: a row without a
    /// CTE row is left out; one with several comes once per CTE row), in one
    /// statement that starts with the CTE (`WITH name AS (…) SELECT …`).
    /// Filter, order and slice the query set before joining.
    pub fn join_cte<T: FieldType, K, V>(
        self,
        column: Column<M, T>,
        cte: &Cte<K, V>,
    ) -> CteJoin<M, V>
    where
        K: FieldType<Inner = T::Inner>,
    {
        CteJoin {
            query: self,
            on: column.column_ref(),
            def: cte.def.clone(),
            read: cte.read,
        }
    }
}

impl<M: Model, T> CteJoin<M, T> {
    /// Every row with its CTE values.
    pub fn all(&self, db: &Db) -> Result<Vec<(M, T)>> {
        let mut connection = db.read_connection(self.query.alias(), false)?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        let select = &self.query.select;
        builder.push_cte(&self.def);
        builder.push(if select.distinct {
            " SELECT DISTINCT "
        } else {
            " SELECT "
        });
        builder.push_model_columns(select.table, select.columns, select.text_columns);
        builder.push(", ");
        builder.push_cte_values(&self.def);
        builder.push(" FROM ");
        builder.push_source(select);
        builder.push(" JOIN ");
        builder.push_ident(&self.def.name);
        builder.push(" ON ");
        builder.push_column(&self.on);
        builder.push(" = ");
        builder.push_cte_key(&self.def);
        builder.push_where(select.filter.as_ref());
        builder.push_ordering(select);
        builder.push_limit_offset(select.limit, select.offset);
        let width = M::META.columns.len();
        let read = self.read;
        connection.query_map(&builder.sql, &builder.params, |row| {
            Ok((M::from_row(row)?, read(row, width)?))
        })
    }
}

/// The name of the CTE's value column at `index` (from 1).
fn value_column(index: usize) -> String {
    format!("value{index}")
}

impl<'q> SqlBuilder<'q> {
    /// `WITH name(key, value1, …) AS (SELECT …)`.
    pub(crate) fn push_cte(&mut self, def: &'q CteDef) {
        self.push("WITH ");
        self.push_ident(&def.name);
        self.push("(");
        self.push_ident(KEY);
        for index in 1..def.width {
            self.push(", ");
            self.push_ident(&value_column(index));
        }
        self.push(") AS (");
        match &def.body {
            Body::Query(values) => self.push_select(
                &values.select,
                SelectList::Exprs(&values.exprs, values.having.as_ref()),
            ),
            Body::Raw { pieces, params } => {
                // Each placeholder becomes one of this statement's, in order.
                for piece in pieces {
                    match piece {
                        RawPiece::Text(text) => self.push(text),
                        RawPiece::Param(index) => self.push_param(params[*index].reborrow()),
                    }
                }
            }
        }
        self.push(")");
    }

    fn push_cte_key(&mut self, def: &CteDef) {
        self.dialect.push_qualified(&mut self.sql, &def.name, KEY);
    }

    fn push_cte_values(&mut self, def: &CteDef) {
        for index in 1..def.width {
            if index > 1 {
                self.push(", ");
            }
            self.dialect
                .push_qualified(&mut self.sql, &def.name, &value_column(index));
        }
    }

    fn push_cte_columns(&mut self, def: &CteDef) {
        self.push_cte_key(def);
        self.push(", ");
        self.push_cte_values(def);
    }

    /// `column IN (WITH name AS (…) SELECT key FROM name)`.
    pub(crate) fn push_in_cte(&mut self, column: &ColumnRef, def: &'q CteDef) {
        self.push_column(column);
        self.push(" IN (");
        self.push_cte(def);
        self.push(" SELECT ");
        self.push_cte_key(def);
        self.push(" FROM ");
        self.push_ident(&def.name);
        self.push(")");
    }
}
