//! Reads a PostgreSQL schema through `pg_catalog`: tables and views of one
//! namespace (`public` unless `--schema`), their columns with types, identity
//! and defaults, constraints (primary key, unique, foreign key, check),
//! indexes, enum types and comments. Everything is read through the
//! runtime's [`Db`]; arrays come back as JSON text (`to_json(…)::text`),
//! which raw rows read.

use pookie::{Db, Param};
use pookie_grammar::ir::FieldKind;

use super::catalog::{self, Catalog, Column, DbEnum, ForeignKey, IndexInfo, Table, Unique};
use super::rows::{boolean, int, opt_text, opt_text_list, text, text_list};
use super::{defaults, InspectError, Options};

/// Reads the catalog of the chosen schema.
pub fn catalog(db: &Db, options: &Options) -> Result<Catalog, InspectError> {
    let schema = options.schema.as_deref().unwrap_or("public");
    let schema_param = [Param::Text(schema.into())];
    let exists = db
        .fetch_one(
            "SELECT 1 AS found FROM pg_namespace WHERE nspname = $1::text",
            &schema_param,
        )?
        .is_some();
    if !exists {
        return Err(InspectError::new(format!(
            "the database has no schema `{schema}`"
        )));
    }
    let relations = db.fetch_all(
        "SELECT c.oid, c.relname::text AS name, c.relkind IN ('v', 'm') AS is_view, \
                c.relkind::text AS relkind, pg_get_partkeydef(c.oid) AS partition_key, \
                obj_description(c.oid, 'pg_class') AS comment \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1::text AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition \
         ORDER BY c.relname",
        &schema_param,
    )?;
    let mut tables = Vec::new();
    let mut enum_types: Vec<i64> = Vec::new();
    for row in relations {
        let oid = int(&row, "oid")?;
        let name = text(&row, "name")?;
        let is_view = boolean(&row, "is_view")?;
        if !options.wants(&name, is_view) {
            continue;
        }
        let mut table = Table {
            name,
            is_view,
            materialized: text(&row, "relkind")? == "m",
            comment: opt_text(&row, "comment")?,
            ..Table::default()
        };
        read_columns(db, oid, &mut table, &mut enum_types)?;
        read_constraints(db, oid, schema, &mut table)?;
        read_indexes(db, oid, &mut table)?;
        if let Some(key) = opt_text(&row, "partition_key")? {
            read_partitions(db, oid, &key, &mut table)?;
        }
        read_triggers(db, oid, &mut table)?;
        tables.push(table);
    }
    options.check_found(tables.iter().map(|t| t.name.as_str()))?;
    let mut enums = Vec::new();
    for oid in enum_types {
        let row = db.fetch_one(
            "SELECT typname::text AS name FROM pg_type WHERE oid = ($1::int8)::oid",
            &[Param::I64(oid)],
        )?;
        let Some(row) = row else { continue };
        enums.push(DbEnum {
            name: text(&row, "name")?,
            values: enum_labels(db, oid)?,
        });
    }
    Ok(Catalog { tables, enums })
}

fn read_columns(
    db: &Db,
    table_oid: i64,
    table: &mut Table,
    enum_types: &mut Vec<i64>,
) -> Result<(), InspectError> {
    let rows = db.fetch_all(
        "SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type_text, \
                a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_sql, \
                a.attidentity::text AS identity, a.attgenerated::text AS generated, \
                col_description(a.attrelid, a.attnum) AS comment, t.typtype::text AS type_kind, \
                t.oid AS type_oid, t.typname::text AS type_name, \
                CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS domain_base, \
                bt.typtype::text AS base_kind, bt.oid AS base_oid, bt.typname::text AS base_name, \
                el.typtype::text AS element_kind, a.attndims::int8 AS dimensions \
         FROM pg_attribute a \
         JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd' \
         LEFT JOIN pg_type el ON el.oid = t.typelem AND t.typcategory = 'A' \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE a.attrelid = ($1::int8)::oid AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attnum",
        &[Param::I64(table_oid)],
    )?;
    for row in rows {
        let name = text(&row, "name")?;
        let mut type_text = text(&row, "type_text")?;
        let not_null = boolean(&row, "not_null")?;
        let default = opt_text(&row, "default_sql")?;
        let identity = text(&row, "identity")?;
        let generated = text(&row, "generated")?;
        let mut type_kind = text(&row, "type_kind")?;
        let mut type_oid = int(&row, "type_oid")?;
        let mut type_name = text(&row, "type_name")?;
        let domain_base = opt_text(&row, "domain_base")?;
        let element_kind = opt_text(&row, "element_kind")?;
        let dimensions = int(&row, "dimensions")?;
        let mut notes = Vec::new();
        if let Some(base) = domain_base {
            let checks = domain_checks(db, type_oid)?;
            notes.push(if checks.is_empty() {
                format!("Of the domain `{type_name}` over `{base}`.")
            } else {
                format!(
                    "Of the domain `{type_name}` over `{base}`, which checks: {}.",
                    checks.join("; ")
                )
            });
            type_text = base;
            // A domain over an enum is read as that enum.
            type_kind = text(&row, "base_kind")?;
            type_oid = int(&row, "base_oid")?;
            type_name = text(&row, "base_name")?;
        }
        let (mut kind, mut guess, mut db_type) = field_kind(&type_text);
        if dimensions > 1 && db_type.is_none() {
            (kind, guess, db_type) = as_text(
                &type_text,
                &format!("has {dimensions} dimensions, which ArrayField does not; read as text"),
            );
        }
        let mut enum_type = None;
        if type_kind == "e" {
            let longest = enum_labels(db, type_oid)?
                .iter()
                .map(|l| l.chars().count())
                .max();
            kind = FieldKind::CharField {
                max_length: u32::try_from(longest.unwrap_or(1).max(1)).unwrap_or(u32::MAX),
            };
            guess = None;
            notes.push(format!("Stored as the PostgreSQL enum type `{type_name}`."));
            if !enum_types.contains(&type_oid) {
                enum_types.push(type_oid);
            }
            enum_type = Some(type_name.clone());
            db_type = None;
        } else if element_kind.as_deref() == Some("e") {
            (kind, guess, db_type) =
                as_text(&type_text, "is an array of an enum type; read as text");
        }
        let auto = matches!(identity.as_str(), "a" | "d")
            || default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        if identity == "a" {
            notes
                .push("GENERATED ALWAYS AS IDENTITY: the database refuses explicit values.".into());
        }
        let default = if generated == "s" {
            notes.push(format!(
                "A generated column: GENERATED ALWAYS AS ({}) STORED.",
                default.as_deref().unwrap_or_default()
            ));
            None
        } else {
            default
        };
        table.columns.push(Column {
            name,
            default: default.map(|sql| (defaults::classify(&sql, &kind), sql)),
            kind,
            guess,
            enum_type,
            db_type,
            nullable: !not_null,
            auto,
            comment: opt_text(&row, "comment")?,
            note: (!notes.is_empty()).then(|| notes.join("\n")),
        });
    }
    Ok(())
}

/// The CHECK conditions of the domain `type_oid`.
fn domain_checks(db: &Db, type_oid: i64) -> Result<Vec<String>, InspectError> {
    db.fetch_all(
        "SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint \
         WHERE contypid = ($1::int8)::oid AND contype = 'c' ORDER BY conname",
        &[Param::I64(type_oid)],
    )?
    .iter()
    .map(|row| Ok(check_condition(&text(row, "definition")?).unwrap_or_default()))
    .collect()
}

fn enum_labels(db: &Db, type_oid: i64) -> Result<Vec<String>, InspectError> {
    db.fetch_all(
        "SELECT enumlabel::text AS label FROM pg_enum WHERE enumtypid = ($1::int8)::oid \
         ORDER BY enumsortorder",
        &[Param::I64(type_oid)],
    )?
    .iter()
    .map(|row| text(row, "label"))
    .collect()
}

fn read_constraints(
    db: &Db,
    table_oid: i64,
    schema: &str,
    table: &mut Table,
) -> Result<(), InspectError> {
    let rows = db.fetch_all(
        "SELECT con.conname::text AS name, con.contype::text AS kind, \
                to_json(array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o))::text AS columns, \
                tn.nspname::text AS target_schema, tc.relname::text AS target_table, \
                to_json(array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o))::text AS target_columns, \
                con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update, \
                pg_get_constraintdef(con.oid) AS definition \
         FROM pg_constraint con \
         LEFT JOIN pg_class tc ON tc.oid = con.confrelid \
         LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
         WHERE con.conrelid = ($1::int8)::oid AND con.contype IN ('p', 'u', 'f', 'c', 'x') \
         ORDER BY con.conname",
        &[Param::I64(table_oid)],
    )?;
    for row in rows {
        let name = text(&row, "name")?;
        let kind = text(&row, "kind")?;
        let columns = text_list(&row, "columns")?;
        match kind.as_str() {
            "p" => table.primary_key = columns,
            "u" => table.uniques.push(Unique { columns }),
            "f" => {
                let target_schema = text(&row, "target_schema")?;
                let target = text(&row, "target_table")?;
                let target_table = if target_schema == schema {
                    target
                } else {
                    format!("{target_schema}.{target}")
                };
                table.foreign_keys.push(ForeignKey {
                    columns,
                    target_table,
                    target_columns: text_list(&row, "target_columns")?,
                    on_delete: catalog::on_delete(&text(&row, "on_delete")?),
                    on_update: catalog::action_sql(&text(&row, "on_update")?),
                });
            }
            "x" => table.notes.push(format!(
                "The exclusion constraint `{name}` (the models do not express it): {}.",
                text(&row, "definition")?
            )),
            _ => {
                let definition = text(&row, "definition")?;
                if let Some(check) = check_condition(&definition) {
                    table.checks.push((Some(name), check));
                }
            }
        }
    }
    Ok(())
}

/// `CHECK ((price > (0)::double precision)) NOT VALID` → `price > (0)::double precision`:
/// PostgreSQL wraps the condition in parentheses of its own.
fn check_condition(definition: &str) -> Option<String> {
    let rest = definition.strip_prefix("CHECK ")?;
    let rest = rest.strip_suffix(" NOT VALID").unwrap_or(rest);
    Some(super::defaults::strip_parens(rest.trim()).to_string())
}

fn read_indexes(db: &Db, table_oid: i64, table: &mut Table) -> Result<(), InspectError> {
    let rows = db.fetch_all(
        "SELECT ic.relname::text AS name, i.indisunique AS is_unique, \
                to_json(array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) \
                      LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n \
                      WHERE k.o <= i.indnkeyatts ORDER BY k.o))::text AS columns, \
                pg_get_expr(i.indpred, i.indrelid) AS condition, am.amname::text AS method, \
                pg_get_indexdef(i.indexrelid) AS definition \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
         JOIN pg_am am ON am.oid = ic.relam \
         WHERE i.indrelid = ($1::int8)::oid AND NOT i.indisprimary \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid) \
         ORDER BY ic.relname",
        &[Param::I64(table_oid)],
    )?;
    for row in rows {
        let name = text(&row, "name")?;
        let definition = text(&row, "definition")?;
        if let Some(index) = super::search::from_gin_index(&table.name, &name, &definition) {
            table.search_indexes.push(index);
            continue;
        }
        table.indexes.push(IndexInfo {
            name: text(&row, "name")?,
            unique: boolean(&row, "is_unique")?,
            columns: opt_text_list(&row, "columns")?,
            condition: opt_text(&row, "condition")?,
            method: Some(text(&row, "method")?).filter(|m| m != "btree"),
        });
    }
    Ok(())
}

/// A partitioned table reads the rows of all its partitions; the partitions
/// themselves are not models. What the models cannot say is noted: the
/// partitioning, each partition, and the foreign keys declared on a partition
/// alone (those on the parent are the model's relations).
fn read_partitions(db: &Db, oid: i64, key: &str, table: &mut Table) -> Result<(), InspectError> {
    table
        .notes
        .push(format!("A partitioned table: PARTITION BY {key}."));
    let partitions = db.fetch_all(
        "SELECT c.oid, c.relname::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound \
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         WHERE i.inhparent = ($1::int8)::oid ORDER BY c.relname",
        &[Param::I64(oid)],
    )?;
    for partition in partitions {
        let name = text(&partition, "name")?;
        table.notes.push(format!(
            "Partition `{name}`: {}.",
            opt_text(&partition, "bound")?.unwrap_or_default()
        ));
        let own_keys = db.fetch_all(
            "SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition \
             FROM pg_constraint WHERE conrelid = ($1::int8)::oid AND contype = 'f' \
               AND conparentid = 0 ORDER BY conname",
            &[Param::I64(int(&partition, "oid")?)],
        )?;
        for key in own_keys {
            table.notes.push(format!(
                "The partition `{name}` alone has the foreign key `{}`: {}.",
                text(&key, "name")?,
                text(&key, "definition")?
            ));
        }
    }
    Ok(())
}

/// Triggers have no spelling in the language: each is a note with its definition.
fn read_triggers(db: &Db, oid: i64, table: &mut Table) -> Result<(), InspectError> {
    let rows = db.fetch_all(
        "SELECT tgname::text AS name, pg_get_triggerdef(oid) AS definition FROM pg_trigger \
         WHERE tgrelid = ($1::int8)::oid AND NOT tgisinternal AND tgparentid = 0 ORDER BY tgname",
        &[Param::I64(oid)],
    )?;
    for row in rows {
        table.notes.push(catalog::trigger_note(
            &text(&row, "name")?,
            &text(&row, "definition")?,
        ));
    }
    Ok(())
}

/// What a column of one `format_type` text becomes: its field type, a note
/// when that type is only the closest one, and the column's own type when
/// the field reads it as text (`TextField(db_type = …)`).
type Mapped = (FieldKind, Option<String>, Option<String>);

/// A `TextField(db_type = "<type_text>")`, with `why` as its note.
fn as_text(type_text: &str, why: &str) -> Mapped {
    (
        FieldKind::TextField,
        Some(format!("`{type_text}` {why}")),
        Some(type_text.to_string()),
    )
}

/// The field type of a `format_type` text.
fn field_kind(type_text: &str) -> Mapped {
    if let Some(element) = type_text.strip_suffix("[]") {
        return match field_kind(element) {
            (_, _, Some(_)) => as_text(
                type_text,
                "is an array of a type read as text; read as text",
            ),
            (base, guess, None) => (
                FieldKind::ArrayField {
                    base: Box::new(base),
                },
                guess,
                None,
            ),
        };
    }
    let (base, params) = match type_text.split_once('(') {
        Some((base, rest)) => {
            let (inside, after) = rest.split_once(')').unwrap_or((rest, ""));
            let params: Vec<u32> = inside
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            (format!("{}{}", base.trim(), after), params)
        }
        None => (type_text.to_string(), Vec::new()),
    };
    let temporal = |make: fn() -> FieldKind| Some(make());
    let kind = match (base.as_str(), params.as_slice()) {
        ("smallint", _) => Some(FieldKind::SmallIntegerField),
        ("integer", _) => Some(FieldKind::IntegerField),
        ("bigint", _) => Some(FieldKind::BigIntegerField),
        ("double precision", _) => Some(FieldKind::FloatField),
        ("numeric", [digits, places]) => Some(FieldKind::DecimalField {
            max_digits: *digits,
            decimal_places: *places,
        }),
        ("numeric", [digits]) => Some(FieldKind::DecimalField {
            max_digits: *digits,
            decimal_places: 0,
        }),
        ("boolean", _) => Some(FieldKind::BooleanField),
        ("character varying", [n]) => Some(FieldKind::CharField { max_length: *n }),
        ("character", [n]) => Some(FieldKind::FixedCharField { max_length: *n }),
        ("text" | "character varying", []) => Some(FieldKind::TextField),
        ("uuid", _) => Some(FieldKind::UUIDField { auto: false }),
        ("date", _) => temporal(|| FieldKind::DateField {
            auto_now: false,
            auto_now_add: false,
        }),
        ("time without time zone", _) => temporal(|| FieldKind::TimeField {
            auto_now: false,
            auto_now_add: false,
        }),
        ("timestamp with time zone", _) => temporal(|| FieldKind::DateTimeField {
            auto_now: false,
            auto_now_add: false,
        }),
        ("jsonb", _) => Some(FieldKind::JSONField { schema: None }),
        ("bytea", _) => Some(FieldKind::BinaryField),
        _ => None,
    };
    if let Some(kind) = kind {
        return (kind, None, None);
    }
    let guess = |kind: FieldKind, why: &str| (kind, Some(format!("`{type_text}` {why}")), None);
    match base.as_str() {
        "real" => guess(
            FieldKind::FloatField,
            "is single precision; read as a double",
        ),
        "character" => guess(
            FieldKind::FixedCharField { max_length: 1 },
            "without a length",
        ),
        "timestamp without time zone" => guess(
            FieldKind::DateTimeField {
                auto_now: false,
                auto_now_add: false,
            },
            "has no time zone; values are read as UTC",
        ),
        "json" => guess(
            FieldKind::JSONField { schema: None },
            "is text JSON; Pookie writes jsonb",
        ),
        // Exact digits without a fixed scale: text keeps every one of them.
        "numeric" => as_text(type_text, "has no precision; read as text, exactly"),
        _ => as_text(type_text, "has no field type; read and written as text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_types() {
        assert_eq!(
            field_kind("character varying(100)").0,
            FieldKind::CharField { max_length: 100 }
        );
        assert_eq!(
            field_kind("numeric(10,2)").0,
            FieldKind::DecimalField {
                max_digits: 10,
                decimal_places: 2
            }
        );
        assert_eq!(
            field_kind("character varying(50)[]").0,
            FieldKind::ArrayField {
                base: Box::new(FieldKind::CharField { max_length: 50 })
            }
        );
        assert_eq!(
            field_kind("timestamp(3) with time zone").0,
            FieldKind::DateTimeField {
                auto_now: false,
                auto_now_add: false
            }
        );
        let (kind, guess, db_type) = field_kind("citext");
        assert_eq!(kind, FieldKind::TextField);
        assert!(guess.is_some_and(|g| g.contains("citext")));
        assert_eq!(db_type.as_deref(), Some("citext"));
        assert_eq!(field_kind("numeric").2.as_deref(), Some("numeric"));
        assert_eq!(field_kind("tsvector[]").2.as_deref(), Some("tsvector[]"));
        assert_eq!(
            check_condition("CHECK ((price > (0)::double precision))").as_deref(),
            Some("price > (0)::double precision")
        );
    }
}
