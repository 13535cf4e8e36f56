//! Full-text search over a schema's `SearchIndex`: a match condition, a
//! relevance rank, and highlighted text, written for each backend.
//!
//! PostgreSQL matches `to_tsvector(config, <document>) @@ <tsquery>` (the
//! expression the GIN index holds, so the index serves the query) and ranks
//! with `ts_rank`; SQLite asks the FTS5 table for the matching rowids and
//! ranks with `bm25()`, negated so that on both backends a higher rank means
//! more relevant.

use std::borrow::Cow;
use std::marker::PhantomData;

use pookie_dialect::{fts5_phrase_query, fts5_words_query, Dialect, SearchNames};

use super::column::{Column, TextColumn};
use super::compile::SqlBuilder;
use super::condition::{ColumnRef, Cond, Q};
use super::expr::{Expr, SqlExpr};
use super::queryset::QuerySet;
use crate::model::Model;
use crate::value::Param;

/// A full-text search index of model `M`, declared in the schema
/// (`meta { search_indexes = [SearchIndex(fields = ["title", "body"])] }`) and
/// generated as `post::search::title_body`.
pub struct SearchIndex<M> {
    index: IndexRef,
    marker: PhantomData<fn() -> M>,
}

impl<M> Clone for SearchIndex<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for SearchIndex<M> {}

impl<M> std::fmt::Debug for SearchIndex<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({}.{})", self.index.table, self.index.name)
    }
}

/// What the SQL of a search needs to know about its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexRef {
    table: &'static str,
    name: &'static str,
    config: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
}

impl<M> SearchIndex<M> {
    /// The handle of index `name` of `table` over `columns` with
    /// configuration `config`, rows keyed by the integer column `key` (used
    /// by generated code).
    #[doc(hidden)]
    pub const fn new(
        table: &'static str,
        name: &'static str,
        config: &'static str,
        key: &'static str,
        columns: &'static [&'static str],
    ) -> Self {
        SearchIndex {
            index: IndexRef {
                table,
                name,
                config,
                key,
                columns,
            },
            marker: PhantomData,
        }
    }

    /// The rows matching `query` (plain words by default, see [`SearchQuery`]).
    pub fn matches(self, query: impl Into<SearchQuery>) -> Q<M> {
        Q::new(Cond::Search(Box::new(self.call(query))))
    }

    /// How well each row matches `query`: higher is more relevant on both
    /// backends (PostgreSQL's `ts_rank`, SQLite's `-bm25()`), `0.0` for a row
    /// that does not match. Order by it with `.desc()`. The numbers differ
    /// between backends; the order of well-separated matches does not.
    pub fn rank(self, query: impl Into<SearchQuery>) -> Expr<M, f64> {
        Expr::new(SqlExpr::Search(Box::new(SearchValue {
            call: self.call(query),
            output: Output::Rank,
        })))
    }

    /// The whole text of `column` (one of the index's) with each match of
    /// `query` between `start` and `stop` (`"<b>"`, `"</b>"`); `None` for a row
    /// that does not match, or whose value is NULL. PostgreSQL's `ts_headline`
    /// with `HighlightAll`, SQLite's `highlight()`.
    pub fn highlight<T: TextColumn>(
        self,
        column: Column<M, T>,
        query: impl Into<SearchQuery>,
        start: &str,
        stop: &str,
    ) -> Expr<M, Option<String>> {
        self.marked(column, query, start, stop, None)
    }

    /// A short fragment of `column` around the matches of `query`, about
    /// `words` words long (2 to 64), matches marked as by
    /// [`highlight`](Self::highlight). PostgreSQL's `ts_headline` and
    /// SQLite's `snippet()` cut fragments differently: the marked words are
    /// the same, the text around them may not be.
    pub fn snippet<T: TextColumn>(
        self,
        column: Column<M, T>,
        query: impl Into<SearchQuery>,
        start: &str,
        stop: &str,
        words: u8,
    ) -> Expr<M, Option<String>> {
        self.marked(column, query, start, stop, Some(words.clamp(2, 64)))
    }

    fn marked<T: TextColumn>(
        self,
        column: Column<M, T>,
        query: impl Into<SearchQuery>,
        start: &str,
        stop: &str,
        words: Option<u8>,
    ) -> Expr<M, Option<String>> {
        let column = column.column_ref();
        let output = Output::Marked {
            column,
            position: self.index.columns.iter().position(|c| *c == column.name),
            start: start.to_owned(),
            stop: stop.to_owned(),
            words,
        };
        Expr::new(SqlExpr::Search(Box::new(SearchValue {
            call: self.call(query),
            output,
        })))
    }

    fn call(self, query: impl Into<SearchQuery>) -> SearchCall {
        SearchCall {
            index: self.index,
            query: query.into(),
        }
    }
}

/// Django's `SearchRank`: [`SearchIndex::rank`].
#[allow(non_snake_case)]
pub fn SearchRank<M>(index: SearchIndex<M>, query: impl Into<SearchQuery>) -> Expr<M, f64> {
    index.rank(query)
}

/// Django's `SearchHeadline` with every match marked:
/// [`SearchIndex::highlight`].
#[allow(non_snake_case)]
pub fn SearchHeadline<M, T: TextColumn>(
    index: SearchIndex<M>,
    column: Column<M, T>,
    query: impl Into<SearchQuery>,
    start: &str,
    stop: &str,
) -> Expr<M, Option<String>> {
    index.highlight(column, query, start, stop)
}

/// What to search for. Plain text (`&str`, `String`) is [`SearchQuery::words`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    kind: QueryKind,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryKind {
    Words,
    Phrase,
    Raw,
}

impl SearchQuery {
    /// Rows holding every word of `text`, anywhere, in any order. Operators
    /// and punctuation are plain text. PostgreSQL's `plainto_tsquery`; on
    /// SQLite each word is an FTS5 string, ANDed. Text with no word matches
    /// no row.
    pub fn words(text: impl Into<String>) -> Self {
        SearchQuery {
            kind: QueryKind::Words,
            text: text.into(),
        }
    }

    /// Rows holding the words of `text` next to each other, in this order.
    /// PostgreSQL's `phraseto_tsquery`; an FTS5 phrase on SQLite.
    pub fn phrase(text: impl Into<String>) -> Self {
        SearchQuery {
            kind: QueryKind::Phrase,
            text: text.into(),
        }
    }

    /// The backend's own query syntax, passed as it is: a `tsquery` for
    /// `to_tsquery` on PostgreSQL (`rust & (fast | safe)`), an FTS5 query on
    /// SQLite (`rust AND (fast OR safe)`). A syntax error is the database's.
    pub fn raw(text: impl Into<String>) -> Self {
        SearchQuery {
            kind: QueryKind::Raw,
            text: text.into(),
        }
    }

    /// The query text to bind on `dialect`; `None` when it can match nothing.
    fn bound(&self, dialect: Dialect) -> Option<String> {
        match (dialect, self.kind) {
            (Dialect::Postgres, _) | (Dialect::Sqlite, QueryKind::Raw) => Some(self.text.clone()),
            (Dialect::Sqlite, QueryKind::Words) => fts5_words_query(&self.text),
            (Dialect::Sqlite, QueryKind::Phrase) => fts5_phrase_query(&self.text),
        }
    }

    fn tsquery_function(&self) -> &'static str {
        match self.kind {
            QueryKind::Words => "plainto_tsquery",
            QueryKind::Phrase => "phraseto_tsquery",
            QueryKind::Raw => "to_tsquery",
        }
    }
}

impl From<&str> for SearchQuery {
    fn from(text: &str) -> Self {
        SearchQuery::words(text)
    }
}

impl From<String> for SearchQuery {
    fn from(text: String) -> Self {
        SearchQuery::words(text)
    }
}

/// A search condition: the rows of an index matching a query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SearchCall {
    index: IndexRef,
    query: SearchQuery,
}

/// A value computed from a search: a rank or marked text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SearchValue {
    call: SearchCall,
    output: Output,
}

#[derive(Debug, Clone, PartialEq)]
enum Output {
    Rank,
    Marked {
        column: ColumnRef,
        /// The column's position in the index; `None` when it is not one
        /// of its columns (an error when the query runs).
        position: Option<usize>,
        start: String,
        stop: String,
        /// `Some` for a snippet of about that many words.
        words: Option<u8>,
    },
}

impl std::fmt::Display for SearchCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SEARCH({}.{})", self.index.table, self.index.name)
    }
}

impl std::fmt::Display for SearchValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.output {
            Output::Rank => "SEARCH_RANK",
            Output::Marked { .. } => "SEARCH_HEADLINE",
        };
        write!(
            f,
            "{what}({}.{})",
            self.call.index.table, self.call.index.name
        )
    }
}

impl SearchCall {
    /// The index's name, for messages about the columns a condition tests.
    pub(crate) fn index_name(&self) -> &'static str {
        self.index.name
    }
}

impl<M: Model> QuerySet<M> {
    /// Only the rows matching `query` in the search index `index`
    /// (`filter(index.matches(query))`):
    /// `Post::objects().search(post::search::title_body, "rust orm")`.
    #[must_use]
    pub fn search(self, index: SearchIndex<M>, query: impl Into<SearchQuery>) -> Self {
        self.filter(index.matches(query))
    }
}

impl<'q> SqlBuilder<'q> {
    /// Writes a search condition.
    pub(crate) fn push_search_cond(&mut self, call: &'q SearchCall) {
        match self.dialect {
            Dialect::Postgres => self.push_pg_match(call),
            Dialect::Sqlite => {
                let Some(query) = call.query.bound(Dialect::Sqlite) else {
                    self.push("1 = 0");
                    return;
                };
                let fts = SearchNames::new(call.index.table, call.index.name).fts_table;
                self.push_column(&call.index.key_ref());
                self.push(" IN (SELECT rowid FROM ");
                self.push_ident(&fts);
                self.push(" WHERE ");
                self.push_ident(&fts);
                self.push(" MATCH ");
                self.push_param(Param::Text(Cow::Owned(query)));
                self.push(")");
            }
        }
    }

    /// Writes a search value (a rank, a highlighted text).
    pub(crate) fn push_search_expr(&mut self, value: &'q SearchValue) {
        let call = &value.call;
        if let Output::Marked {
            column,
            position: None,
            ..
        } = &value.output
        {
            let columns = call.index.columns.join(", ");
            self.push_param(Param::Invalid(format!(
                "column `{}` is not in search index `{}` (its columns: {columns}): \
                 highlight one of the index's columns",
                column.name, call.index.name
            )));
            return;
        }
        match self.dialect {
            Dialect::Postgres => self.push_pg_search_expr(call, &value.output),
            Dialect::Sqlite => self.push_sqlite_search_expr(call, &value.output),
        }
    }

    /// `to_tsvector(…) @@ <tsquery>`.
    fn push_pg_match(&mut self, call: &'q SearchCall) {
        self.push_pg_tsvector(call);
        self.push(" @@ ");
        self.push_pg_tsquery(call);
    }

    fn push_pg_tsvector(&mut self, call: &SearchCall) {
        let columns: Vec<String> = call
            .index
            .columns
            .iter()
            .map(|name| {
                let mut sql = String::new();
                self.push_column_to(&mut sql, &call.index.column_ref(name));
                sql
            })
            .collect();
        self.dialect
            .push_tsvector(&mut self.sql, call.index.config, &columns);
    }

    fn push_pg_tsquery(&mut self, call: &'q SearchCall) {
        self.push(call.query.tsquery_function());
        self.push("(");
        self.push_config(call);
        self.push(", ");
        self.push_param(Param::Text(Cow::Borrowed(&call.query.text)));
        self.push(")");
    }

    fn push_config(&mut self, call: &SearchCall) {
        self.dialect
            .push_string_literal(&mut self.sql, call.index.config);
    }

    fn push_pg_search_expr(&mut self, call: &'q SearchCall, output: &'q Output) {
        // A row that does not match ranks 0 and has no headline, as on SQLite.
        self.push("CASE WHEN ");
        self.push_pg_match(call);
        self.push(" THEN ");
        match output {
            Output::Rank => {
                self.push("CAST(ts_rank(");
                self.push_pg_tsvector(call);
                self.push(", ");
                self.push_pg_tsquery(call);
                self.push(") AS DOUBLE PRECISION) ELSE 0.0 END");
            }
            Output::Marked {
                column,
                start,
                stop,
                words,
                ..
            } => {
                let mut options = match words {
                    None => "HighlightAll=true".to_owned(),
                    Some(words) => format!("MaxWords={words}, MinWords={}", (words / 2).max(1)),
                };
                for (name, mark) in [("StartSel", start), ("StopSel", stop)] {
                    options.push_str(&format!(", {name}=\"{mark}\""));
                }
                self.push("ts_headline(");
                self.push_config(call);
                self.push(", ");
                self.push_column(column);
                self.push(", ");
                self.push_pg_tsquery(call);
                self.push(", ");
                if start.contains('"') || stop.contains('"') {
                    self.push_param(Param::Invalid(
                        "a highlight mark cannot contain `\"` on PostgreSQL".to_owned(),
                    ));
                } else {
                    self.push_param(Param::Text(Cow::Owned(options)));
                }
                self.push(") END");
            }
        }
    }

    fn push_sqlite_search_expr(&mut self, call: &'q SearchCall, output: &'q Output) {
        let Some(query) = call.query.bound(Dialect::Sqlite) else {
            self.push(match output {
                Output::Rank => "0.0",
                _ => "NULL",
            });
            return;
        };
        let fts = SearchNames::new(call.index.table, call.index.name).fts_table;
        // bm25() and highlight() need the FTS5 table in the FROM of a MATCH:
        // a subquery on the row's own rowid.
        let rank = matches!(output, Output::Rank);
        self.push(if rank {
            "COALESCE((SELECT "
        } else {
            "(SELECT "
        });
        match output {
            Output::Rank => {
                self.push("-bm25(");
                self.push_ident(&fts);
                self.push(")");
            }
            Output::Marked {
                position,
                start,
                stop,
                words,
                ..
            } => {
                let position = position.unwrap_or_default();
                self.push(if words.is_some() {
                    "snippet("
                } else {
                    "highlight("
                });
                self.push_ident(&fts);
                self.push(&format!(", {position}, "));
                self.push_param(Param::Text(Cow::Borrowed(start)));
                self.push(", ");
                self.push_param(Param::Text(Cow::Borrowed(stop)));
                if let Some(words) = words {
                    self.push(&format!(", '…', {words}"));
                }
                self.push(")");
            }
        }
        self.push(" FROM ");
        self.push_ident(&fts);
        self.push(" WHERE ");
        self.push_ident(&fts);
        self.push(" MATCH ");
        self.push_param(Param::Text(Cow::Owned(query)));
        self.push(" AND rowid = ");
        self.push_column(&call.index.key_ref());
        self.push(if rank { "), 0.0)" } else { ")" });
    }
}

impl IndexRef {
    fn key_ref(&self) -> ColumnRef {
        ColumnRef {
            table: self.table,
            name: self.key,
            nullable: false,
        }
    }

    fn column_ref(&self, name: &'static str) -> ColumnRef {
        ColumnRef {
            table: self.table,
            name,
            nullable: true,
        }
    }
}
