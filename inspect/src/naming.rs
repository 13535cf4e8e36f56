//! The naming rules of `inspectdb`, in one place: model names from table names,
//! field names from column names, and the suffixes that keep them distinct.

use std::collections::BTreeSet;

use pookie_grammar::naming::{camel_case, is_valid_field_name, snake_case};

/// Names a field may not take although they are valid identifiers: the
/// keywords that cannot be raw Rust identifiers, `pk` (the alias of the
/// primary key in meta options) and the `.pookie` literals.
const RESERVED_FIELD_NAMES: &[&str] = &[
    "self", "Self", "super", "crate", "_", "pk", "true", "false", "null",
];

/// A clean snake_case field name for a column (or a relation, when `relation`
/// and the column ends in `_id`/`Id`). Not yet made unique.
pub fn field_name(column: &str, relation: bool) -> String {
    let mut name = identifier(&snake_case(column));
    if relation {
        if let Some(stripped) = name.strip_suffix("_id").filter(|s| !s.is_empty()) {
            name = stripped.to_string();
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("field_{name}");
    }
    if RESERVED_FIELD_NAMES.contains(&name.as_str()) {
        name.push_str("_field");
    }
    debug_assert!(is_valid_field_name(&name), "{name}");
    name
}

/// A CamelCase model name for a table.
pub fn model_name(table: &str) -> String {
    let mut name = camel_case(&identifier(&snake_case(table)));
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("Table{name}");
    }
    if name == "Self" {
        name.push_str("Model");
    }
    name
}

/// `text` with every character that cannot be in an identifier replaced by `_`,
/// runs of `_` collapsed and `_` trimmed at both ends; `field` when nothing is left.
fn identifier(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("field");
    }
    out
}

/// Hands out names, adding `_2`, `_3`, … to a name already taken.
#[derive(Debug, Default)]
pub struct Unique {
    taken: BTreeSet<String>,
}

impl Unique {
    /// Reserves `name` (or the first free suffixed form) and returns it.
    pub fn claim(&mut self, name: &str) -> String {
        let mut candidate = name.to_string();
        let mut n = 2;
        while self.taken.contains(&candidate.to_ascii_lowercase()) {
            candidate = format!("{name}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.to_ascii_lowercase());
        candidate
    }

    /// Reserves a CamelCase name, adding `2`, `3`, … when taken.
    pub fn claim_camel(&mut self, name: &str) -> String {
        let mut candidate = name.to_string();
        let mut n = 2;
        while self.taken.contains(&candidate.to_ascii_lowercase()) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        self.taken.insert(candidate.to_ascii_lowercase());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        for (column, relation, expected) in [
            ("OrderID", false, "order_id"),
            ("OrderID", true, "order"),
            ("SupportRepId", true, "support_rep"),
            ("ReportsTo", true, "reports_to"),
            ("Unit Price", false, "unit_price"),
            ("2fa", false, "field_2fa"),
            ("self", false, "self_field"),
            ("pk", false, "pk_field"),
            ("type", false, "type"),
            ("_id", true, "id"),
            ("??", false, "field"),
            ("Ünïcode", false, "n_code"),
            ("author_id", true, "author"),
        ] {
            assert_eq!(field_name(column, relation), expected, "{column}");
        }
    }

    #[test]
    fn model_names() {
        for (table, expected) in [
            ("Order Details", "OrderDetails"),
            ("order_lines", "OrderLines"),
            ("PlaylistTrack", "PlaylistTrack"),
            ("2024_stats", "Table2024Stats"),
            ("self", "SelfModel"),
        ] {
            assert_eq!(model_name(table), expected, "{table}");
        }
    }

    #[test]
    fn clashes_get_suffixes() {
        let mut names = Unique::default();
        assert_eq!(names.claim("name"), "name");
        assert_eq!(names.claim("name"), "name_2");
        assert_eq!(names.claim("Name"), "Name_3");
        assert_eq!(names.claim_camel("Order"), "Order");
        assert_eq!(names.claim_camel("Order"), "Order2");
    }
}
