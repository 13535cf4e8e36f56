//! Full-text search indexes read back: the FTS5 tables (with their shadow
//! tables and sync triggers) and the GIN `to_tsvector` indexes that a schema's
//! `SearchIndex` creates (see `pookie_dialect::SearchNames`), recognized by
//! their names and definitions, so that they come back as
//! `meta { search_indexes }` instead of tables and notes of their own.

use pookie_dialect::SearchNames;

/// A search index of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchIndexInfo {
    /// The index name (the part of the object names after `<table>_`).
    pub name: String,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// The text-search configuration. On SQLite only the tokenizer is
    /// stored: the Porter stemmer reads as `english`, anything else `simple`.
    pub config: String,
}

/// An FTS5 virtual table, from its `CREATE VIRTUAL TABLE` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fts5Table {
    pub name: String,
    pub columns: Vec<String>,
    pub content: Option<String>,
    pub content_rowid: Option<String>,
    pub tokenize: Option<String>,
}

impl Fts5Table {
    /// Parses `CREATE VIRTUAL TABLE … USING fts5(…)`; `None` for anything else.
    pub(crate) fn parse(name: &str, sql: &str) -> Option<Fts5Table> {
        let upper = sql.to_ascii_uppercase();
        let using = upper.find("USING FTS5")?;
        if !upper.trim_start().starts_with("CREATE VIRTUAL TABLE") {
            return None;
        }
        let open = using + sql[using..].find('(')?;
        let close = sql.rfind(')')?;
        let mut table = Fts5Table {
            name: name.to_owned(),
            columns: Vec::new(),
            content: None,
            content_rowid: None,
            tokenize: None,
        };
        for argument in split_arguments(&sql[open + 1..close]) {
            match argument.split_once('=') {
                Some((option, value)) => {
                    let value = Some(unquote(value.trim()));
                    match option.trim().to_ascii_lowercase().as_str() {
                        "content" => table.content = value,
                        "content_rowid" => table.content_rowid = value,
                        "tokenize" => table.tokenize = value,
                        _ => {}
                    }
                }
                None => {
                    // A column, maybe with `UNINDEXED` after its name.
                    let column = argument.split_whitespace().next().unwrap_or_default();
                    table.columns.push(unquote(column));
                }
            }
        }
        Some(table)
    }

    /// Whether its rows are another table's (`content='table'`).
    pub(crate) fn external_content(&self) -> bool {
        self.content
            .as_deref()
            .is_some_and(|content| !content.is_empty())
    }

    /// The note for a search index's FTS5 table some of whose sync
    /// triggers are gone.
    pub(crate) fn missing_triggers_note(&self, missing: &[String]) -> String {
        format!(
            "The full-text search table `{}` lacks its trigger(s) {}: rows written to this table \
             are not indexed. It is left out; declare the `SearchIndex` and migrate to make it again.",
            self.name,
            missing
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// The note for an FTS5 table that holds its own rows: its columns are
    /// read, but no `SearchIndex` makes such a table.
    pub(crate) fn own_content_note(&self) -> String {
        format!(
            "`{}` is an FTS5 full-text table holding its own rows (rowid as key): Pookie reads \
             it but would not create it; a `SearchIndex` indexes a model's own table.",
            self.name
        )
    }

    /// The tables FTS5 keeps its index in, named after the virtual table.
    pub(crate) fn shadow_tables(&self) -> Vec<String> {
        ["data", "idx", "content", "docsize", "config"]
            .iter()
            .map(|suffix| format!("{}_{suffix}", self.name))
            .collect()
    }

    /// The search index this table is, when a `SearchIndex` of `table`
    /// made it: named `<table>_<name>`, with `table` as its content.
    pub(crate) fn search_index_of(&self, table: &str) -> Option<SearchIndexInfo> {
        if self.content.as_deref() != Some(table) || self.content_rowid.is_none() {
            return None;
        }
        let name = self.name.strip_prefix(table)?.strip_prefix('_')?;
        let porter = self
            .tokenize
            .as_deref()
            .is_some_and(|t| t.split_whitespace().next() == Some("porter"));
        Some(SearchIndexInfo {
            name: name.to_owned(),
            columns: self.columns.clone(),
            config: if porter { "english" } else { "simple" }.to_owned(),
        })
    }

    /// The note for an FTS5 table that no `SearchIndex` describes.
    pub(crate) fn note(&self) -> String {
        format!(
            "The full-text search table `{}` (FTS5 over {}) is read from this table but was not \
             made by a `SearchIndex` (it is not named `<table>_<name>`, or has no external content): \
             it is left out.",
            self.name,
            self.columns.join(", ")
        )
    }
}

/// The triggers a `SearchIndex` keeps its FTS5 table in sync with.
pub(crate) fn sync_triggers(table: &str, index: &SearchIndexInfo) -> [String; 3] {
    SearchNames::new(table, &index.name).triggers
}

/// The search index a PostgreSQL index is, when a `SearchIndex` of `table`
/// made it: a GIN index named `<table>_<name>_search` over
/// `to_tsvector('config', COALESCE(column, '') || …)`. `definition` is
/// `pg_get_indexdef`'s.
pub(crate) fn from_gin_index(
    table: &str,
    index: &str,
    definition: &str,
) -> Option<SearchIndexInfo> {
    let name = index
        .strip_prefix(table)?
        .strip_prefix('_')?
        .strip_suffix("_search")?;
    if !definition.contains("USING gin") {
        return None;
    }
    let config_start = definition.find("to_tsvector('")? + "to_tsvector('".len();
    let config_len = definition[config_start..].find('\'')?;
    let config = &definition[config_start..config_start + config_len];
    let mut columns = Vec::new();
    let mut rest = &definition[config_start..];
    while let Some(at) = rest.find("COALESCE(") {
        rest = &rest[at + "COALESCE(".len()..];
        let end = rest.find(',')?;
        columns.push(unquote(rest[..end].trim()));
    }
    if columns.is_empty() {
        return None;
    }
    Some(SearchIndexInfo {
        name: name.to_owned(),
        columns,
        config: config.to_owned(),
    })
}

/// Splits a list at its top-level commas (not inside quotes or parentheses).
fn split_arguments(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    for ch in list.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(ch),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

/// An identifier or string without its quotes (doubled quotes undone).
fn unquote(text: &str) -> String {
    for quote in ['"', '\'', '`'] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            let doubled = format!("{quote}{quote}");
            return inner.replace(&doubled, &quote.to_string());
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pookie_fts5_table_reads_back_as_its_search_index() {
        let sql = "CREATE VIRTUAL TABLE \"posts_title_body\" USING fts5(\"title\", \"body\", \
                   content='posts', content_rowid='id', tokenize='porter unicode61')";
        let fts = Fts5Table::parse("posts_title_body", sql).unwrap();
        assert_eq!(
            fts.search_index_of("posts"),
            Some(SearchIndexInfo {
                name: "title_body".into(),
                columns: vec!["title".into(), "body".into()],
                config: "english".into(),
            })
        );
        assert_eq!(fts.search_index_of("comments"), None);
        assert_eq!(fts.shadow_tables()[0], "posts_title_body_data");
    }

    #[test]
    fn a_gin_index_over_to_tsvector_reads_back_as_a_search_index() {
        let definition = "CREATE INDEX posts_title_body_search ON public.posts USING gin \
            (to_tsvector('english'::regconfig, (((COALESCE(title, ''::character varying))::text \
            || ' '::text) || COALESCE(body, ''::text))))";
        assert_eq!(
            from_gin_index("posts", "posts_title_body_search", definition),
            Some(SearchIndexInfo {
                name: "title_body".into(),
                columns: vec!["title".into(), "body".into()],
                config: "english".into(),
            })
        );
        assert_eq!(from_gin_index("posts", "posts_title_idx", definition), None);
    }
}
