//! Full-text search: the objects a schema's `SearchIndex` becomes on each
//! backend, and the SQL both the DDL and the queries write, so that a query's
//! document expression is the very one PostgreSQL indexed.
//!
//! PostgreSQL: a GIN index over `to_tsvector(config, <document>)`, where the
//! document is the indexed columns joined by spaces (NULL as empty text).
//! SQLite: an FTS5 table with external content (the model's table), its rows
//! keyed by the model's integer primary key, kept in sync by three triggers.

use crate::Dialect;

/// The names of the database objects of one search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchNames {
    /// SQLite: the FTS5 table, `<table>_<name>`.
    pub fts_table: String,
    /// PostgreSQL: the GIN index, `<table>_<name>_search`.
    pub gin_index: String,
    /// SQLite: the triggers after insert, delete and update of the table.
    pub triggers: [String; 3],
}

impl SearchNames {
    /// The names for search index `name` of table `table`.
    ///
    /// ```
    /// let names = pookie_dialect::SearchNames::new("posts", "title_body");
    /// assert_eq!(names.fts_table, "posts_title_body");
    /// assert_eq!(names.gin_index, "posts_title_body_search");
    /// assert_eq!(names.triggers[0], "posts_title_body_ai");
    /// ```
    pub fn new(table: &str, name: &str) -> SearchNames {
        let fts_table = format!("{table}_{name}");
        SearchNames {
            gin_index: format!("{fts_table}_search"),
            triggers: ["ai", "ad", "au"].map(|suffix| format!("{fts_table}_{suffix}")),
            fts_table,
        }
    }
}

/// The FTS5 tokenizer for a text-search configuration: the Porter stemmer
/// over `unicode61` for `english` (PostgreSQL's english configuration stems
/// words too), `unicode61` alone for any other.
pub fn fts5_tokenizer(config: &str) -> &'static str {
    if config == "english" {
        "porter unicode61"
    } else {
        "unicode61"
    }
}

impl Dialect {
    /// Appends PostgreSQL's `to_tsvector('config', <document>)` over the
    /// columns, each already written as SQL (quoted, maybe qualified).
    ///
    /// ```
    /// use pookie_dialect::Dialect;
    /// let mut sql = String::new();
    /// Dialect::Postgres.push_tsvector(&mut sql, "english", &["\"title\"".into(), "\"body\"".into()]);
    /// assert_eq!(sql, "to_tsvector('english', COALESCE(\"title\", '') || ' ' || COALESCE(\"body\", ''))");
    /// ```
    pub fn push_tsvector(self, out: &mut String, config: &str, columns: &[String]) {
        out.push_str("to_tsvector(");
        self.push_string_literal(out, config);
        out.push_str(", ");
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                out.push_str(" || ' ' || ");
            }
            out.push_str("COALESCE(");
            out.push_str(column);
            out.push_str(", '')");
        }
        out.push(')');
    }
}

/// An FTS5 query meaning "every one of these words", from plain text: each
/// whitespace-separated word becomes a quoted string (so that FTS5 operators
/// and punctuation in it are plain text). `None` when there are no words.
///
/// ```
/// assert_eq!(pookie_dialect::fts5_words_query("rust \"fast\" OR"), Some("\"rust\" \"\"\"fast\"\"\" \"OR\"".into()));
/// assert_eq!(pookie_dialect::fts5_words_query("  "), None);
/// ```
pub fn fts5_words_query(text: &str) -> Option<String> {
    let words: Vec<String> = text.split_whitespace().map(fts5_string).collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

/// An FTS5 query for `text` as one phrase. `None` when it has no words.
///
/// ```
/// assert_eq!(pookie_dialect::fts5_phrase_query("quick  brown"), Some("\"quick brown\"".into()));
/// ```
pub fn fts5_phrase_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        None
    } else {
        Some(fts5_string(&words.join(" ")))
    }
}

/// `text` as an FTS5 string: in double quotes, embedded ones doubled.
fn fts5_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}
