//! Prints results as aligned tables.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use pookie::dynamic::DynRows;
use pookie::Value;

/// An empty table in the shell's style.
pub fn table() -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table
}

/// A value as the shell shows it (Python's spelling of None, True and False).
pub fn value(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(v) => v.to_string(),
        Value::Float(v) => v.to_string(),
        Value::Text(v) => v.clone(),
        Value::Bytes(v) => format!("<{} bytes>", v.len()),
        Value::DateTime(v) => v.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
    }
}

/// Rows as a table, followed by their count.
pub fn rows(rows: &DynRows) -> String {
    let mut table = table();
    table.set_header(rows.columns.iter().map(String::as_str));
    for row in &rows.rows {
        table.add_row(row.iter().map(value));
    }
    let n = rows.rows.len();
    format!("{table}\n({n} {})", if n == 1 { "row" } else { "rows" })
}
