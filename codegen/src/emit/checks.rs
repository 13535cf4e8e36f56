//! The view of a model's validation: the statements of `clean_fields` (each
//! field's built-in checks, as calls into `pookie::validation`) and the unique
//! sets with their lookup statements per dialect.

use pookie_dialect::Dialect;
use pookie_grammar::ir::{FieldKind, Number};

use super::resolve::{Column, Table};
use super::types::{str_lit, Class};

/// `impl Validate` of one model.
pub(crate) struct ValidateView {
    /// Statements of `clean_fields`, one block per field with checks.
    pub checks: Vec<String>,
    /// The unique sets.
    pub unique: Vec<UniqueView>,
}

/// One `UniqueSet`.
pub(crate) struct UniqueView {
    /// The field names, as string literals separated by commas.
    pub fields: String,
    /// `exists`, per dialect, as string literals separated by commas.
    pub exists: String,
    /// `exists_other`, per dialect, as string literals separated by commas.
    pub exists_other: String,
    /// The parameter expressions, in field order.
    pub params: Vec<String>,
}

const V: &str = "::pookie::validation";

pub(crate) fn validate_view(table: &Table, param: impl Fn(&Column) -> String) -> ValidateView {
    let checks = table.columns.iter().filter_map(field_checks).collect();
    let unique = table
        .unique_sets
        .iter()
        .map(|set| {
            let columns: Vec<&Column> = set.iter().map(|&i| &table.columns[i]).collect();
            let statements = |exclude_pk: bool| {
                Dialect::ALL
                    .iter()
                    .map(|&dialect| str_lit(&exists_sql(dialect, table, &columns, exclude_pk)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            UniqueView {
                fields: columns
                    .iter()
                    .map(|c| str_lit(&c.field))
                    .collect::<Vec<_>>()
                    .join(", "),
                exists: statements(false),
                exists_other: statements(true),
                params: columns.iter().map(|c| param(c)).collect(),
            }
        })
        .collect();
    ValidateView { checks, unique }
}

/// `SELECT 1 FROM "t" WHERE "a" = ? AND "b" = ? [AND "pk" <> ?] LIMIT 1`; a
/// composite key excludes the row with `AND NOT ("k1" = ? AND "k2" = ?)`.
fn exists_sql(dialect: Dialect, table: &Table, columns: &[&Column], exclude_pk: bool) -> String {
    let mut sql = String::from("SELECT 1 FROM ");
    dialect.push_ident(&mut sql, &table.table);
    sql.push_str(" WHERE ");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(" AND ");
        }
        dialect.push_ident(&mut sql, &column.column);
        sql.push_str(" = ");
        dialect.push_placeholder(&mut sql, i + 1);
    }
    if exclude_pk && !table.composite_pk() {
        sql.push_str(" AND ");
        dialect.push_ident(&mut sql, &table.pk().column);
        sql.push_str(" <> ");
        dialect.push_placeholder(&mut sql, columns.len() + 1);
    } else if exclude_pk {
        sql.push_str(" AND NOT (");
        for (i, key) in table.pk_columns().enumerate() {
            if i > 0 {
                sql.push_str(" AND ");
            }
            dialect.push_ident(&mut sql, &key.column);
            sql.push_str(" = ");
            dialect.push_placeholder(&mut sql, columns.len() + 1 + i);
        }
        sql.push(')');
    }
    dialect.push_limit_offset(&mut sql, Some(1), 0);
    sql
}

fn limit(number: Number) -> String {
    match number {
        Number::Int(v) => format!("{V}::Limit::Int({v})"),
        Number::Float(v) => format!("{V}::Limit::Float({v:?})"),
    }
}

/// The checks of one field, with `value` bound to a reference to its
/// (non-`Option`) value; `None` when the field has none.
fn field_checks(column: &Column) -> Option<String> {
    if column.auto {
        return None;
    }
    let name = str_lit(&column.field);
    let validators = &column.validators;
    let mut body = Vec::new();
    match column.scalar.class {
        Class::Text => {
            let mut checks = Vec::new();
            let column_length = match column.kind {
                FieldKind::CharField { max_length }
                | FieldKind::FixedCharField { max_length }
                | FieldKind::EmailField { max_length }
                | FieldKind::URLField { max_length }
                | FieldKind::SlugField { max_length } => Some(max_length),
                _ => None,
            };
            if let Some(max) = column_length.or(validators.max_length) {
                checks.push(format!("{V}::max_length(errors, {name}, value, {max});"));
            }
            if let Some(min) = validators.min_length {
                checks.push(format!("{V}::min_length(errors, {name}, value, {min});"));
            }
            match column.kind {
                FieldKind::EmailField { .. } => {
                    checks.push(format!("{V}::email(errors, {name}, value);"))
                }
                FieldKind::URLField { .. } => {
                    checks.push(format!("{V}::url(errors, {name}, value);"))
                }
                FieldKind::SlugField { .. } => {
                    checks.push(format!("{V}::slug(errors, {name}, value);"))
                }
                _ => {}
            }
            if let Some(pattern) = &validators.regex {
                checks.push(format!(
                    "{V}::regex(errors, {name}, value, {});",
                    str_lit(pattern)
                ));
            }
            // As in PookieDB, an empty value is checked for blankness only.
            let blank = format!("{V}::not_blank(errors, {name}, true);");
            match (column.blank, checks.is_empty()) {
                (true, true) => {}
                (false, true) => {
                    body.push(format!("{V}::not_blank(errors, {name}, value.is_empty());"))
                }
                (true, false) => {
                    body.push(format!("if !value.is_empty() {{ {} }}", checks.join(" ")))
                }
                (false, false) => body.push(format!(
                    "if value.is_empty() {{ {blank} }} else {{ {} }}",
                    checks.join(" ")
                )),
            }
        }
        Class::Array if !column.blank => {
            body.push(format!("{V}::not_blank(errors, {name}, value.is_empty());"));
        }
        Class::Int { .. } | Class::Float | Class::Decimal { .. } => {
            if let FieldKind::DecimalField {
                max_digits,
                decimal_places,
            } = column.kind
            {
                body.push(format!(
                    "{V}::decimal_digits(errors, {name}, value, {max_digits}, {decimal_places});"
                ));
            }
            if let Some(min) = validators.min_value {
                body.push(format!(
                    "{V}::min_value(errors, {name}, value, {});",
                    limit(min)
                ));
            }
            if let Some(max) = validators.max_value {
                body.push(format!(
                    "{V}::max_value(errors, {name}, value, {});",
                    limit(max)
                ));
            }
        }
        Class::Json { typed: true } => body.push(format!("{V}::json(errors, {name}, value);")),
        _ => {}
    }
    if body.is_empty() {
        return None;
    }
    let ident = &column.ident;
    Some(if column.nullable {
        format!(
            "if let ::core::option::Option::Some(value) = &self.{ident} {{ {} }}",
            body.join(" ")
        )
    } else {
        format!("{{ let value = &self.{ident}; {} }}", body.join(" "))
    })
}
