//! Reads a SQLite database through `sqlite_master` and the table PRAGMAs
//! (`table_xinfo`, `foreign_key_list`, `index_list`, `index_xinfo`). CHECK
//! constraints and partial-index conditions have no PRAGMA: they are read from
//! the stored `CREATE` statements. Everything is read through the runtime's
//! [`Db`]: the PRAGMAs are table-valued functions, plain queries.

use pookie::{Db, Param};
use pookie_grammar::ir::FieldKind;

use super::catalog::{self, Catalog, Column, ForeignKey, IndexInfo, Table, Unique};
use super::rows::{boolean, int, opt_text, text};
use super::search::{self, Fts5Table};
use super::{defaults, InspectError, Options};

fn name_param(name: &str) -> Param<'_> {
    Param::Text(name.into())
}

/// Reads the catalog of the SQLite database `db`.
pub fn catalog(db: &Db, options: &Options) -> Result<Catalog, InspectError> {
    let objects = db.fetch_all(
        "SELECT name, type, sql FROM sqlite_master \
         WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        &[],
    )?;
    // FTS5 tables and the tables they keep their index in are not models:
    // they come back as the search indexes of their content tables.
    let mut fts_tables = Vec::new();
    for object in &objects {
        let name = text(object, "name")?;
        let sql = opt_text(object, "sql")?.unwrap_or_default();
        fts_tables.extend(Fts5Table::parse(&name, &sql));
    }
    // An FTS5 table over another table's rows is that table's search index;
    // one holding its own content is a table of its own, with a note.
    let search_objects: Vec<String> = fts_tables
        .iter()
        .flat_map(|fts| {
            let over_a_table = fts.external_content().then(|| fts.name.clone());
            fts.shadow_tables().into_iter().chain(over_a_table)
        })
        .collect();
    let mut tables = Vec::new();
    for object in objects {
        let name = text(&object, "name")?;
        let is_view = text(&object, "type")? == "view";
        if !options.wants(&name, is_view) || search_objects.contains(&name) {
            continue;
        }
        let sql = opt_text(&object, "sql")?;
        tables.push(table(
            db,
            &name,
            is_view,
            sql.as_deref().unwrap_or(""),
            &fts_tables,
        )?);
    }
    options.check_found(tables.iter().map(|t| t.name.as_str()))?;
    Ok(Catalog {
        tables,
        enums: Vec::new(),
    })
}

fn table(
    db: &Db,
    name: &str,
    is_view: bool,
    create_sql: &str,
    fts_tables: &[Fts5Table],
) -> Result<Table, InspectError> {
    let mut table = Table {
        name: name.to_string(),
        is_view,
        ..Table::default()
    };
    let without_rowid = create_sql
        .to_ascii_uppercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w[0].trim_start_matches(')') == "WITHOUT" && w[1].starts_with("ROWID"));
    let mut keyed: Vec<(i64, String)> = Vec::new();
    let rows = db.fetch_all(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)",
        &[name_param(name)],
    )?;
    for row in rows {
        let column = text(&row, "name")?;
        let declared = opt_text(&row, "type")?.unwrap_or_default();
        let not_null = boolean(&row, "notnull")?;
        let default = opt_text(&row, "dflt_value")?;
        let pk = int(&row, "pk")?;
        let hidden = int(&row, "hidden")?;
        if hidden == 1 {
            continue; // a hidden column of a virtual table
        }
        let (kind, guess, db_type) = field_kind(&declared);
        if pk > 0 {
            keyed.push((pk, column.clone()));
        }
        let note = matches!(hidden, 2 | 3).then(|| {
            "A generated column: the database computes it; its expression is not read back."
                .to_string()
        });
        table.columns.push(Column {
            name: column,
            default: default.map(|sql| (defaults::classify(&sql, &kind), sql)),
            kind,
            guess,
            enum_type: None,
            db_type,
            nullable: !not_null && pk == 0,
            auto: false,
            comment: None,
            note,
        });
    }
    keyed.sort();
    table.primary_key = keyed.into_iter().map(|(_, c)| c).collect();
    if let [key] = table.primary_key.as_slice() {
        // An INTEGER PRIMARY KEY is the rowid: SQLite assigns it.
        let declared_integer = declared_type(db, name, key)?.eq_ignore_ascii_case("INTEGER");
        if declared_integer && !without_rowid {
            if let Some(column) = table.columns.iter_mut().find(|c| &c.name == key) {
                column.auto = true;
            }
        }
    }
    if let Some(fts) = fts_tables.iter().find(|fts| fts.name == name) {
        table.notes.push(fts.own_content_note());
    }
    let triggers: Vec<String> = db
        .fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
            &[name_param(name)],
        )?
        .iter()
        .map(|row| text(row, "name"))
        .collect::<Result<_, _>>()?;
    for fts in fts_tables
        .iter()
        .filter(|fts| fts.content.as_deref() == Some(name))
    {
        match fts.search_index_of(name) {
            // Without its triggers the index misses the rows written since:
            // it is not the search index a schema declares.
            Some(index) => match search::sync_triggers(name, &index)
                .into_iter()
                .filter(|trigger| !triggers.contains(trigger))
                .collect::<Vec<_>>()
            {
                missing if missing.is_empty() => table.search_indexes.push(index),
                missing => table.notes.push(fts.missing_triggers_note(&missing)),
            },
            None => table.notes.push(fts.note()),
        }
    }
    read_triggers(db, &mut table)?;
    if is_view {
        return Ok(table);
    }
    table.foreign_keys = foreign_keys(db, name)?;
    read_indexes(db, &mut table)?;
    table.checks = checks(create_sql);
    Ok(table)
}

/// Triggers have no spelling in the language: each is a note with its SQL.
fn read_triggers(db: &Db, table: &mut Table) -> Result<(), InspectError> {
    let rows = db.fetch_all(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY name",
        &[name_param(&table.name)],
    )?;
    let sync_triggers: Vec<String> = table
        .search_indexes
        .iter()
        .flat_map(|index| search::sync_triggers(&table.name, index))
        .collect();
    for row in rows {
        let name = text(&row, "name")?;
        if sync_triggers.contains(&name) {
            continue; // part of a search index
        }
        let sql = opt_text(&row, "sql")?.unwrap_or_default();
        table.notes.push(catalog::trigger_note(&name, &sql));
    }
    Ok(())
}

fn declared_type(db: &Db, table: &str, column: &str) -> Result<String, InspectError> {
    let row = db.fetch_one(
        "SELECT type FROM pragma_table_xinfo(?1) WHERE name = ?2",
        &[name_param(table), name_param(column)],
    )?;
    Ok(match row {
        Some(row) => opt_text(&row, "type")?.unwrap_or_default(),
        None => String::new(),
    })
}

fn foreign_keys(db: &Db, table: &str) -> Result<Vec<ForeignKey>, InspectError> {
    let rows = db.fetch_all(
        "SELECT id, \"table\", \"from\", \"to\", on_delete, on_update FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        &[name_param(table)],
    )?;
    let mut keys: Vec<(i64, ForeignKey)> = Vec::new();
    for row in rows {
        let id = int(&row, "id")?;
        let target = text(&row, "table")?;
        let from = text(&row, "from")?;
        let to = opt_text(&row, "to")?;
        let action = text(&row, "on_delete")?;
        let on_update = text(&row, "on_update")?;
        if keys.last().map(|(last, _)| *last) != Some(id) {
            keys.push((
                id,
                ForeignKey {
                    columns: Vec::new(),
                    target_table: target,
                    target_columns: Vec::new(),
                    on_delete: catalog::on_delete(&action),
                    on_update: catalog::action_sql(&on_update),
                },
            ));
        }
        let key = &mut keys.last_mut().expect("pushed above").1;
        key.columns.push(from);
        if let Some(to) = to {
            key.target_columns.push(to);
        }
    }
    // The PRAGMA lists the keys last-declared first.
    let mut keys: Vec<ForeignKey> = keys.into_iter().map(|(_, k)| k).collect();
    keys.reverse();
    Ok(keys)
}

fn read_indexes(db: &Db, table: &mut Table) -> Result<(), InspectError> {
    let indexes = db.fetch_all(
        "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY seq DESC",
        &[name_param(&table.name)],
    )?;
    for index in indexes {
        let name = text(&index, "name")?;
        let unique = boolean(&index, "unique")?;
        let origin = text(&index, "origin")?;
        let partial = boolean(&index, "partial")?;
        let columns: Vec<Option<String>> = db
            .fetch_all(
                "SELECT name FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
                &[name_param(&name)],
            )?
            .iter()
            .map(|row| opt_text(row, "name"))
            .collect::<Result<_, _>>()?;
        match origin.as_str() {
            "pk" => {}
            "u" => table.uniques.push(Unique {
                columns: columns.into_iter().flatten().collect(),
            }),
            _ => {
                let condition = if partial {
                    let row = db.fetch_one(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                        &[name_param(&name)],
                    )?;
                    let sql = match row {
                        Some(row) => opt_text(&row, "sql")?,
                        None => None,
                    };
                    sql.as_deref().and_then(where_clause)
                } else {
                    None
                };
                table.indexes.push(IndexInfo {
                    name,
                    columns,
                    unique,
                    condition,
                    method: None,
                });
            }
        }
    }
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(())
}

/// The condition after the last top-level `WHERE` of a `CREATE INDEX`.
fn where_clause(sql: &str) -> Option<String> {
    let tokens = scan(sql);
    let at = tokens
        .iter()
        .rev()
        .find(|(word, _)| word.eq_ignore_ascii_case("WHERE"))?
        .1;
    Some(sql[at + "WHERE".len()..].trim().to_string())
}

/// The CHECK constraints of a `CREATE TABLE`, with their names when given as
/// `CONSTRAINT name CHECK (…)`.
fn checks(sql: &str) -> Vec<(Option<String>, String)> {
    let tokens = scan(sql);
    let mut checks = Vec::new();
    for (i, (word, at)) in tokens.iter().enumerate() {
        if !word.eq_ignore_ascii_case("CHECK") {
            continue;
        }
        let rest = &sql[at + word.len()..];
        let Some(open) = rest.find('(') else { continue };
        if !rest[..open].trim().is_empty() {
            continue;
        }
        let Some(len) = parenthesised(&rest[open..]) else {
            continue;
        };
        let condition = rest[open + 1..open + len - 1].trim().to_string();
        let name = match (
            i.checked_sub(2).map(|j| &tokens[j]),
            i.checked_sub(1).map(|j| &tokens[j]),
        ) {
            (Some((keyword, _)), Some((name, _))) if keyword.eq_ignore_ascii_case("CONSTRAINT") => {
                Some(unquote(name))
            }
            _ => None,
        };
        checks.push((name, condition));
    }
    checks
}

/// The length of the balanced `(…)` at the start of `text` (strings skipped).
fn parenthesised(text: &str) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '[') => quote = Some(']'),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Words and quoted identifiers outside string literals, with their byte offsets.
fn scan(sql: &str) -> Vec<(String, usize)> {
    let mut tokens = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\'' => {
                for (_, d) in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                }
            }
            '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut end = at + 1;
                for (i, d) in chars.by_ref() {
                    end = i + d.len_utf8();
                    if d == close {
                        break;
                    }
                }
                tokens.push((sql[at..end].to_string(), at));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push((sql[at..end].to_string(), at));
            }
            _ => {}
        }
    }
    tokens
}

fn unquote(name: &str) -> String {
    let inner = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .or_else(|| name.strip_prefix('[').and_then(|n| n.strip_suffix(']')))
        .or_else(|| name.strip_prefix('`').and_then(|n| n.strip_suffix('`')));
    match inner {
        Some(inner) => inner.replace("\"\"", "\""),
        None => name.to_string(),
    }
}

/// The field type of a declared SQLite type, and a note when it is a guess.
/// The names Pookie itself writes map back exactly; others follow SQLite's
/// type-affinity rules.
fn field_kind(declared: &str) -> (FieldKind, Option<String>, Option<String>) {
    let upper = declared.trim().to_ascii_uppercase();
    let (base, params) = match upper.split_once('(') {
        Some((base, rest)) => {
            let params: Vec<u32> = rest
                .trim_end_matches(')')
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            (base.trim().to_string(), params)
        }
        None => (upper.clone(), Vec::new()),
    };
    if base == "ARRAY_TEXT" {
        let note = "an ArrayField stored as JSON text: the element type is not recorded; \
                    write ArrayField(<element type>) if you know it";
        return (
            FieldKind::JSONField { schema: None },
            Some(note.to_owned()),
            None,
        );
    }
    let exact = match (base.as_str(), params.as_slice()) {
        ("INTEGER" | "INT" | "MEDIUMINT", _) => Some(FieldKind::IntegerField),
        ("BIGINT" | "INT8" | "UNSIGNED BIG INT", _) => Some(FieldKind::BigIntegerField),
        ("SMALLINT" | "INT2" | "TINYINT", _) => Some(FieldKind::SmallIntegerField),
        ("REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT", _) => Some(FieldKind::FloatField),
        ("DECIMAL_TEXT" | "NUMERIC" | "DECIMAL", [digits, places]) => {
            Some(FieldKind::DecimalField {
                max_digits: *digits,
                decimal_places: *places,
            })
        }
        ("DECIMAL_TEXT" | "NUMERIC" | "DECIMAL", [digits]) => Some(FieldKind::DecimalField {
            max_digits: *digits,
            decimal_places: 0,
        }),
        ("BOOLEAN" | "BOOL", _) => Some(FieldKind::BooleanField),
        (
            "VARCHAR" | "NVARCHAR" | "CHARACTER VARYING" | "VARYING CHARACTER" | "NATIVE CHARACTER",
            [n],
        ) => Some(FieldKind::CharField { max_length: *n }),
        ("CHAR" | "NCHAR" | "CHARACTER", [n]) => Some(FieldKind::FixedCharField { max_length: *n }),
        ("TEXT" | "CLOB" | "VARCHAR" | "NVARCHAR", []) => Some(FieldKind::TextField),
        ("UUID_TEXT" | "UUID", _) => Some(FieldKind::UUIDField { auto: false }),
        ("DATE", _) => Some(FieldKind::DateField {
            auto_now: false,
            auto_now_add: false,
        }),
        ("TIME", _) => Some(FieldKind::TimeField {
            auto_now: false,
            auto_now_add: false,
        }),
        ("DATETIME" | "TIMESTAMP", _) => Some(FieldKind::DateTimeField {
            auto_now: false,
            auto_now_add: false,
        }),
        ("JSON_TEXT" | "JSON", _) => Some(FieldKind::JSONField { schema: None }),
        ("BLOB" | "BINARY" | "VARBINARY", _) => Some(FieldKind::BinaryField),
        _ => None,
    };
    if let Some(kind) = exact {
        return (kind, None, None);
    }
    let shown = if declared.trim().is_empty() {
        "no declared type".to_string()
    } else {
        format!("declared `{}`", declared.trim())
    };
    // SQLite's affinity rules, in its order.
    let kind = if upper.contains("INT") {
        FieldKind::IntegerField
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        FieldKind::TextField
    } else if upper.is_empty() {
        // No declared type holds any value as it comes; `BLOB` declares the
        // same affinity, and reading through text takes every value.
        let shown = format!("{shown}: BLOB affinity; read as text");
        return (FieldKind::TextField, Some(shown), Some("BLOB".to_owned()));
    } else if upper.contains("BLOB") {
        FieldKind::BinaryField
    } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
        FieldKind::FloatField
    } else if upper.contains("DATE") || upper.contains("TIME") {
        FieldKind::DateTimeField {
            auto_now: false,
            auto_now_add: false,
        }
    } else {
        // NUMERIC affinity (`NUMERIC`, `DECIMAL` without precision, `MONEY`):
        // integers, reals and text that is no number; text keeps each exactly.
        let shown = format!("{shown}: NUMERIC affinity; read as text, exactly");
        return (
            FieldKind::TextField,
            Some(shown),
            Some(declared.trim().to_owned()),
        );
    };
    (kind, Some(shown), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_read_from_create_table() {
        let sql = "CREATE TABLE t (a INT CHECK (a > 0), b TEXT, \
                   CONSTRAINT [b_not_empty] CHECK(length(b) > 0 AND b <> ')'))";
        assert_eq!(
            checks(sql),
            vec![
                (None, "a > 0".to_string()),
                (
                    Some("b_not_empty".to_string()),
                    "length(b) > 0 AND b <> ')'".to_string()
                ),
            ]
        );
    }

    #[test]
    fn partial_index_condition() {
        assert_eq!(
            where_clause("CREATE INDEX i ON t (a) WHERE a > 0 AND b = 'WHERE'").as_deref(),
            Some("a > 0 AND b = 'WHERE'")
        );
    }

    #[test]
    fn declared_types() {
        assert_eq!(
            field_kind("NVARCHAR(160)").0,
            FieldKind::CharField { max_length: 160 }
        );
        assert_eq!(
            field_kind("NUMERIC(10,2)").0,
            FieldKind::DecimalField {
                max_digits: 10,
                decimal_places: 2
            }
        );
        assert_eq!(field_kind("DECIMAL_TEXT(8, 3)").1, None);
        let (kind, guess, db_type) = field_kind("MONEY");
        assert_eq!(kind, FieldKind::TextField, "NUMERIC affinity, read as text");
        assert_eq!(
            guess.as_deref(),
            Some("declared `MONEY`: NUMERIC affinity; read as text, exactly")
        );
        assert_eq!(db_type.as_deref(), Some("MONEY"));
        let (_, guess, db_type) = field_kind("");
        assert_eq!(
            guess.as_deref(),
            Some("no declared type: BLOB affinity; read as text")
        );
        assert_eq!(db_type.as_deref(), Some("BLOB"));
    }
}
