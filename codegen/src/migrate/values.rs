//! Values written into migration SQL: the default a column gets in DDL, and the
//! value that fills existing rows (`once_default`).

use pookie_dialect::Dialect;
use pookie_grammar::ir::{DefaultValue, Field, FieldKind};
use pookie_grammar::migration::State;

use crate::emit::resolve::Column;
use crate::emit::types::{self, sql_default, Class};

/// The `DEFAULT` of the column's DDL, as `create_tables` writes it.
pub(super) fn db_default(dialect: Dialect, column: &Column) -> Option<String> {
    column
        .db_default
        .as_ref()
        .and_then(|d| sql_default(dialect, d, column.scalar.class))
}

/// `value` as an SQL expression of the column's type, for filling rows.
pub(super) fn value_sql(
    dialect: Dialect,
    value: &DefaultValue,
    column: &Column,
    state: &State,
) -> Result<String, String> {
    let class = column.scalar.class;
    let string = |text: &str| {
        let mut out = String::new();
        dialect.push_string_literal(&mut out, text);
        out
    };
    Ok(match value {
        DefaultValue::Null => "NULL".to_owned(),
        DefaultValue::EnumVariant { enum_name, variant } => {
            let found = state
                .enums
                .iter()
                .find(|e| e.name == *enum_name)
                .and_then(|e| e.variants.iter().find(|v| v.name == *variant))
                .ok_or_else(|| format!("`{enum_name}.{variant}` is not a variant of the state"))?;
            string(&found.value)
        }
        DefaultValue::EmptyList => match (dialect, class) {
            (Dialect::Postgres, Class::Array) => "'{}'".to_owned(),
            _ => "'[]'".to_owned(),
        },
        DefaultValue::EmptyObject => "'{}'".to_owned(),
        DefaultValue::Sql(sql) => sql.clone(),
        DefaultValue::Now => now(dialect, class)?.to_owned(),
        DefaultValue::Uuid4 => match dialect {
            Dialect::Postgres => "gen_random_uuid()".to_owned(),
            Dialect::Sqlite => {
                return Err("`uuid4` cannot fill existing rows on SQLite; give a fixed UUID".into())
            }
        },
        DefaultValue::Str(text) => {
            sql_default(dialect, value, class).unwrap_or_else(|| string(text))
        }
        other => sql_default(dialect, other, class)
            .ok_or_else(|| format!("the value does not fit the column `{}`", column.column))?,
    })
}

/// The current date, time or timestamp, as the runtime stores it.
fn now(dialect: Dialect, class: Class) -> Result<&'static str, String> {
    Ok(match (dialect, class) {
        (Dialect::Sqlite, Class::DateTime) => "strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')",
        (Dialect::Sqlite, Class::Date) => "date('now')",
        (Dialect::Sqlite, Class::Time) => "time('now')",
        (Dialect::Postgres, Class::DateTime) => "CURRENT_TIMESTAMP",
        (Dialect::Postgres, Class::Date) => "CURRENT_DATE",
        (Dialect::Postgres, Class::Time) => "LOCALTIME",
        _ => return Err("`now` fills only date, time and timestamp columns".into()),
    })
}

/// The value that fills the rows when a removed field comes back (the reverse
/// of `RemoveField`): nothing for a nullable field or one with a default; for
/// a NOT NULL one without, the empty value of its type (`""`, `0`, `false`),
/// as Django refills a text column with `""`. Other types get nothing: adding
/// them back to a table with rows fails, loudly.
pub(super) fn refill(field: &Field) -> Option<DefaultValue> {
    if field.options.null
        || field.options.default.is_some()
        || field.options.primary_key
        || field.options.choices.is_some()
    {
        return None;
    }
    if matches!(
        field.kind,
        FieldKind::ForeignKey(_) | FieldKind::OneToOneField(_) | FieldKind::ManyToManyField(_)
    ) {
        return None;
    }
    match types::scalar(&field.kind).ok()?.class {
        Class::Text => Some(DefaultValue::Str(String::new())),
        Class::Int { .. } | Class::Decimal { .. } => Some(DefaultValue::Int(0)),
        Class::Float => Some(DefaultValue::Float(0.0)),
        Class::Bool => Some(DefaultValue::Bool(false)),
        _ => None,
    }
}
