//! Full-text search indexes (`meta { search_indexes = [SearchIndex(…)] }`):
//! resolved against the model's columns, and the statements that create,
//! drop and fill them on each backend (see [`pookie_dialect::SearchNames`]).

use pookie_dialect::{fts5_tokenizer, Dialect, SearchNames};
use pookie_grammar::ir::Model;

use crate::ddl::Style;
use crate::emit::resolve::Column;
use crate::emit::types::Class;

/// One search index of a table, with columns instead of field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchIndexDef {
    /// The index name: the Rust handle's and part of every SQL name.
    pub name: String,
    /// The model's table.
    pub table: String,
    /// The integer primary-key column (the FTS5 rowid).
    pub key: String,
    /// The indexed text columns, in index order.
    pub columns: Vec<String>,
    /// The text-search configuration.
    pub config: String,
}

impl SearchIndexDef {
    pub(crate) fn names(&self) -> SearchNames {
        SearchNames::new(&self.table, &self.name)
    }
}

/// The model's search indexes. `column_of` turns a field name into its
/// column; `key` is the primary-key column when the key is a single integer.
pub(crate) fn resolve(
    model: &Model,
    table: &str,
    columns: &[Column],
    key: Option<&Column>,
    column_of: impl Fn(&str, &str) -> Result<String, crate::Error>,
    fail: impl Fn(String) -> crate::Error,
) -> Result<Vec<SearchIndexDef>, crate::Error> {
    if model.meta.search_indexes.is_empty() {
        return Ok(Vec::new());
    }
    let key = key
        .filter(|key| {
            columns.iter().any(|c| c.column == key.column)
                && matches!(key.scalar.class, Class::Int { .. })
        })
        .ok_or_else(|| {
            fail("a search index needs a single integer primary key (SQLite's FTS5 rowid)".into())
        })?;
    model
        .meta
        .search_indexes
        .iter()
        .map(|index| {
            Ok(SearchIndexDef {
                name: index.name(),
                table: table.to_owned(),
                key: key.column.clone(),
                columns: index
                    .fields
                    .iter()
                    .map(|field| column_of(field, "a search index"))
                    .collect::<Result<_, _>>()?,
                config: index.config().to_owned(),
            })
        })
        .collect()
}

/// The statements that create the index; on SQLite they index the rows
/// already in the table (`fill` for a table that may have rows).
pub(crate) fn create(
    dialect: Dialect,
    index: &SearchIndexDef,
    style: Style,
    fill: bool,
) -> Vec<String> {
    let names = index.names();
    let if_not_exists = if style == Style::CreateTables {
        "IF NOT EXISTS "
    } else {
        ""
    };
    match dialect {
        Dialect::Postgres => {
            let mut sql = format!("CREATE INDEX {if_not_exists}");
            dialect.push_ident(&mut sql, &names.gin_index);
            sql.push_str(" ON ");
            dialect.push_ident(&mut sql, &index.table);
            sql.push_str(" USING GIN (");
            let columns: Vec<String> = index
                .columns
                .iter()
                .map(|c| dialect.quote_ident(c))
                .collect();
            dialect.push_tsvector(&mut sql, &index.config, &columns);
            sql.push(')');
            vec![sql]
        }
        Dialect::Sqlite => {
            let fts = dialect.quote_ident(&names.fts_table);
            let columns: Vec<String> = index
                .columns
                .iter()
                .map(|c| dialect.quote_ident(c))
                .collect();
            let mut table = format!("CREATE VIRTUAL TABLE {if_not_exists}{fts} USING fts5(");
            table.push_str(&columns.join(", "));
            table.push_str(", content=");
            dialect.push_string_literal(&mut table, &index.table);
            table.push_str(", content_rowid=");
            dialect.push_string_literal(&mut table, &index.key);
            table.push_str(", tokenize=");
            dialect.push_string_literal(&mut table, fts5_tokenizer(&index.config));
            table.push(')');
            let key = dialect.quote_ident(&index.key);
            let values = |row: &str| {
                let mut list = format!("{row}.{key}");
                for column in &columns {
                    list.push_str(&format!(", {row}.{column}"));
                }
                list
            };
            let insert = format!(
                "INSERT INTO {fts}(rowid, {}) VALUES ({});",
                columns.join(", "),
                values("new")
            );
            let remove = format!(
                "INSERT INTO {fts}({fts}, rowid, {}) VALUES ('delete', {});",
                columns.join(", "),
                values("old")
            );
            let trigger = |name: &str, event: &str, body: &str| {
                format!(
                    "CREATE TRIGGER {if_not_exists}{} AFTER {event} ON {} BEGIN {body} END",
                    dialect.quote_ident(name),
                    dialect.quote_ident(&index.table),
                )
            };
            let mut statements = vec![
                table,
                trigger(&names.triggers[0], "INSERT", &insert),
                trigger(&names.triggers[1], "DELETE", &remove),
                trigger(&names.triggers[2], "UPDATE", &format!("{remove} {insert}")),
            ];
            if fill {
                statements.push(rebuild(&names));
            }
            statements
        }
    }
}

/// SQLite: `INSERT INTO fts(fts) VALUES('rebuild')`, which reads every row
/// of the content table again.
fn rebuild(names: &SearchNames) -> String {
    let fts = Dialect::Sqlite.quote_ident(&names.fts_table);
    format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')")
}

/// The statements that drop the index (the triggers first on SQLite).
pub(crate) fn drop(dialect: Dialect, index: &SearchIndexDef) -> Vec<String> {
    let names = index.names();
    match dialect {
        Dialect::Postgres => vec![format!(
            "DROP INDEX {}",
            dialect.quote_ident(&names.gin_index)
        )],
        Dialect::Sqlite => names
            .triggers
            .iter()
            .map(|trigger| format!("DROP TRIGGER {}", dialect.quote_ident(trigger)))
            .chain([format!(
                "DROP TABLE {}",
                dialect.quote_ident(&names.fts_table)
            )])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use pookie_dialect::Dialect;
    use pookie_grammar::ir::SearchIndex;
    use pookie_grammar::migration::{Operation, State};
    use pookie_grammar::Source;

    use crate::migrate::{render_migration, RenderedStep};

    fn state() -> State {
        let schema = pookie_grammar::load(&[Source {
            path: "blog.pookie".into(),
            text:
                "model Post {\n    title = CharField(max_length = 50)\n    body = TextField()\n}\n"
                    .into(),
        }])
        .unwrap();
        State::from_schema(&schema, "default")
    }

    fn sql(steps: &[RenderedStep]) -> Vec<&str> {
        steps
            .iter()
            .map(|step| match step {
                RenderedStep::Sql(sql) => sql.as_str(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn add() -> Operation {
        Operation::AddSearchIndex {
            model: "Post".into(),
            index: SearchIndex {
                fields: vec!["title".into(), "body".into()],
                name: None,
                config: Some("english".into()),
            },
        }
    }

    /// Adding an index to a table with rows indexes them; removing it drops
    /// every object it made.
    #[test]
    fn add_search_index_up_and_down() {
        let rendered = render_migration(&state(), &[add()], Dialect::Sqlite).unwrap();
        let up = sql(&rendered.up.steps);
        assert_eq!(up.len(), 5, "{up:#?}");
        assert!(up[0].starts_with(
            "CREATE VIRTUAL TABLE \"posts_title_body\" USING fts5(\"title\", \"body\", \
             content='posts', content_rowid='id', tokenize='porter unicode61')"
        ));
        assert_eq!(
            up[4],
            "INSERT INTO \"posts_title_body\"(\"posts_title_body\") VALUES ('rebuild')"
        );
        let down = rendered.down.unwrap();
        assert_eq!(
            sql(&down.steps),
            [
                "DROP TRIGGER \"posts_title_body_ai\"",
                "DROP TRIGGER \"posts_title_body_ad\"",
                "DROP TRIGGER \"posts_title_body_au\"",
                "DROP TABLE \"posts_title_body\"",
            ]
        );

        let rendered = render_migration(&state(), &[add()], Dialect::Postgres).unwrap();
        assert_eq!(
            sql(&rendered.up.steps),
            [
                "CREATE INDEX \"posts_title_body_search\" ON \"posts\" USING GIN \
              (to_tsvector('english', COALESCE(\"title\", '') || ' ' || COALESCE(\"body\", '')))"
            ]
        );
        assert_eq!(
            sql(&rendered.down.unwrap().steps),
            ["DROP INDEX \"posts_title_body_search\""]
        );
    }

    /// A renamed column changes what the FTS5 table and its triggers name:
    /// they are made again around the rename.
    #[test]
    fn renaming_an_indexed_field_makes_the_index_again() {
        let mut before = state();
        before.apply(&add()).unwrap();
        let rename = Operation::RenameField {
            model: "Post".into(),
            old: "body".into(),
            new: "text".into(),
        };
        let rendered = render_migration(&before, &[rename], Dialect::Sqlite).unwrap();
        let up = sql(&rendered.up.steps);
        assert_eq!(up[3], "DROP TABLE \"posts_title_body\"", "{up:#?}");
        assert_eq!(
            up[4], "ALTER TABLE \"posts\" RENAME COLUMN \"body\" TO \"text\"",
            "{up:#?}"
        );
        // The state names the index after its fields: `title_text` now.
        assert!(
            up[5].starts_with("CREATE VIRTUAL TABLE \"posts_title_text\""),
            "{up:#?}"
        );
        assert!(up.last().unwrap().contains("'rebuild'"), "{up:#?}");
    }
}
