//! Reads a PostgreSQL schema through `pg_catalog`: tables and views of one
//! namespace (`public` unless `--schema`), their columns with types, identity
//! and defaults, constraints (primary key, unique, foreign key, check),
//! indexes, enum types and comments.

use pookie_grammar::ir::FieldKind;
use postgres::Client;

use super::catalog::{self, Catalog, Column, DbEnum, ForeignKey, IndexInfo, Table, Unique};
use super::{defaults, InspectError, Options};

/// Reads the catalog of the chosen schema.
pub fn catalog(client: &mut Client, options: &Options) -> Result<Catalog, InspectError> {
    let schema = options.schema.as_deref().unwrap_or("public");
    let exists = client
        .query_opt("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&schema])?
        .is_some();
    if !exists {
        return Err(InspectError::new(format!(
            "the database has no schema `{schema}`"
        )));
    }
    let relations = client.query(
        "SELECT c.oid, c.relname::text, c.relkind IN ('v', 'm'), obj_description(c.oid, 'pg_class') \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition \
         ORDER BY c.relname",
        &[&schema],
    )?;
    let mut tables = Vec::new();
    let mut enum_types: Vec<u32> = Vec::new();
    for row in relations {
        let oid: u32 = row.get(0);
        let name: String = row.get(1);
        let is_view: bool = row.get(2);
        if !options.wants(&name, is_view) {
            continue;
        }
        let mut table = Table {
            name,
            is_view,
            comment: row.get(3),
            ..Table::default()
        };
        read_columns(client, oid, &mut table, &mut enum_types)?;
        read_constraints(client, oid, schema, &mut table)?;
        read_indexes(client, oid, &mut table)?;
        tables.push(table);
    }
    options.check_found(tables.iter().map(|t| t.name.as_str()))?;
    let mut enums = Vec::new();
    for oid in enum_types {
        let row = client.query_one(
            "SELECT t.typname::text, array(SELECT e.enumlabel::text FROM pg_enum e \
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) FROM pg_type t WHERE t.oid = $1",
            &[&oid],
        )?;
        enums.push(DbEnum {
            name: row.get(0),
            values: row.get(1),
        });
    }
    Ok(Catalog { tables, enums })
}

fn read_columns(
    client: &mut Client,
    table_oid: u32,
    table: &mut Table,
    enum_types: &mut Vec<u32>,
) -> Result<(), InspectError> {
    let rows = client.query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, \
                col_description(a.attrelid, a.attnum), t.typtype::text, t.oid, t.typname::text, \
                CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END, \
                el.typtype::text, el.oid \
         FROM pg_attribute a \
         JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_type el ON el.oid = t.typelem AND t.typcategory = 'A' \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attnum",
        &[&table_oid],
    )?;
    for row in rows {
        let name: String = row.get(0);
        let mut type_text: String = row.get(1);
        let not_null: bool = row.get(2);
        let default: Option<String> = row.get(3);
        let identity: String = row.get(4);
        let generated: String = row.get(5);
        let type_kind: String = row.get(7);
        let type_oid: u32 = row.get(8);
        let type_name: String = row.get(9);
        let domain_base: Option<String> = row.get(10);
        let element_kind: Option<String> = row.get(11);
        let element_oid: Option<u32> = row.get(12);
        let mut notes = Vec::new();
        if let Some(base) = domain_base {
            notes.push(format!(
                "Of the domain `{type_name}` over `{base}`: its constraints are not repeated here."
            ));
            type_text = base;
        }
        let (mut kind, mut guess) = field_kind(&type_text);
        let mut enum_type = None;
        if type_kind == "e" {
            let longest = enum_labels(client, type_oid)?
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
        } else if element_kind.as_deref() == Some("e") {
            kind = FieldKind::ArrayField {
                base: Box::new(FieldKind::TextField),
            };
            guess = Some(format!("an array of the enum type `{type_text}`"));
            let _ = element_oid;
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
            nullable: !not_null,
            auto,
            comment: row.get(6),
            note: (!notes.is_empty()).then(|| notes.join("\n")),
        });
    }
    Ok(())
}

fn enum_labels(client: &mut Client, type_oid: u32) -> Result<Vec<String>, InspectError> {
    Ok(client
        .query(
            "SELECT enumlabel::text FROM pg_enum WHERE enumtypid = $1 ORDER BY enumsortorder",
            &[&type_oid],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

fn read_constraints(
    client: &mut Client,
    table_oid: u32,
    schema: &str,
    table: &mut Table,
) -> Result<(), InspectError> {
    let rows = client.query(
        "SELECT con.conname::text, con.contype::text, \
                array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), \
                tn.nspname::text, tc.relname::text, \
                array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), \
                con.confdeltype::text, pg_get_constraintdef(con.oid) \
         FROM pg_constraint con \
         LEFT JOIN pg_class tc ON tc.oid = con.confrelid \
         LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
         WHERE con.conrelid = $1 AND con.contype IN ('p', 'u', 'f', 'c') \
         ORDER BY con.conname",
        &[&table_oid],
    )?;
    for row in rows {
        let name: String = row.get(0);
        let kind: String = row.get(1);
        let columns: Vec<String> = row.get(2);
        match kind.as_str() {
            "p" => table.primary_key = columns,
            "u" => table.uniques.push(Unique { columns }),
            "f" => {
                let target_schema: String = row.get(3);
                let target: String = row.get(4);
                let target_table = if target_schema == schema {
                    target
                } else {
                    format!("{target_schema}.{target}")
                };
                table.foreign_keys.push(ForeignKey {
                    columns,
                    target_table,
                    target_columns: row.get(5),
                    on_delete: catalog::on_delete(&row.get::<_, String>(6)),
                });
            }
            _ => {
                let definition: String = row.get(7);
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

fn read_indexes(
    client: &mut Client,
    table_oid: u32,
    table: &mut Table,
) -> Result<(), InspectError> {
    let rows = client.query(
        "SELECT ic.relname::text, i.indisunique, \
                array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) \
                      LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n \
                      WHERE k.o <= i.indnkeyatts ORDER BY k.o), \
                pg_get_expr(i.indpred, i.indrelid) \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
         WHERE i.indrelid = $1 AND NOT i.indisprimary \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid) \
         ORDER BY ic.relname",
        &[&table_oid],
    )?;
    for row in rows {
        table.indexes.push(IndexInfo {
            name: row.get(0),
            unique: row.get(1),
            columns: row.get(2),
            condition: row.get(3),
        });
    }
    Ok(())
}

/// The field type of a `format_type` text, and a note when it is a guess.
fn field_kind(type_text: &str) -> (FieldKind, Option<String>) {
    if let Some(element) = type_text.strip_suffix("[]") {
        let (base, guess) = field_kind(element);
        return (
            FieldKind::ArrayField {
                base: Box::new(base),
            },
            guess,
        );
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
        return (kind, None);
    }
    let guess = |kind: FieldKind, why: &str| (kind, Some(format!("`{type_text}` {why}")));
    match base.as_str() {
        "real" => guess(
            FieldKind::FloatField,
            "is single precision; read as a double",
        ),
        "numeric" => guess(FieldKind::FloatField, "has no precision; read as a float"),
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
        "time with time zone" => guess(
            FieldKind::TimeField {
                auto_now: false,
                auto_now_add: false,
            },
            "carries a time zone, which is dropped",
        ),
        "json" => guess(
            FieldKind::JSONField { schema: None },
            "is text JSON; Pookie writes jsonb",
        ),
        "money" => guess(
            FieldKind::DecimalField {
                max_digits: 19,
                decimal_places: 2,
            },
            "is read as a decimal",
        ),
        "oid" | "xid" => guess(FieldKind::BigIntegerField, "is a system type"),
        "bit" | "bit varying" | "varbit" => {
            guess(FieldKind::TextField, "is a bit string; read as text")
        }
        _ => guess(
            FieldKind::TextField,
            "has no field type; the closest safe mapping is text",
        ),
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
        let (kind, guess) = field_kind("citext");
        assert_eq!(kind, FieldKind::TextField);
        assert!(guess.is_some_and(|g| g.contains("citext")));
        assert_eq!(
            check_condition("CHECK ((price > (0)::double precision))").as_deref(),
            Some("price > (0)::double precision")
        );
    }
}
