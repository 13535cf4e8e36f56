//! The names of the constraints and indexes a migration creates without a name
//! of their own, so that later migrations can rename and drop them.
//!
//! They are the names PostgreSQL chooses for unnamed constraints (its
//! `makeObjectName`: `<table>_<columns>_<label>`, the longer of the two parts
//! shortened until the whole fits in 63 bytes), so a table that `create_tables`
//! made before the project used migrations has the same names.

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1`).
const MAX_IDENTIFIER: usize = 63;

/// `<table>_<column>_fkey`: a foreign key.
pub(crate) fn foreign_key(table: &str, column: &str) -> String {
    object_name(table, Some(column), "fkey")
}

/// `<table>_<columns>_key`: a UNIQUE constraint (a `unique` column or a
/// `unique_together` set).
pub(crate) fn unique(table: &str, columns: &[String]) -> String {
    object_name(table, Some(&columns.join("_")), "key")
}

/// `<table>_pkey`: the primary key.
pub(crate) fn primary_key(table: &str) -> String {
    object_name(table, None, "pkey")
}

fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut overhead = label.len() + 1;
    let mut name2_len = 0;
    if let Some(name2) = name2 {
        name2_len = name2.len();
        overhead += 1;
    }
    let available = MAX_IDENTIFIER.saturating_sub(overhead);
    let mut name1_len = name1.len();
    while name1_len + name2_len > available {
        if name1_len > name2_len {
            name1_len -= 1;
        } else {
            name2_len -= 1;
        }
    }
    let mut out = String::from(clip(name1, name1_len));
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, name2_len));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The longest prefix of `text` of at most `len` bytes that ends on a
/// character boundary.
fn clip(text: &str, mut len: usize) -> &str {
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    &text[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_postgres_defaults() {
        assert_eq!(foreign_key("posts", "author_id"), "posts_author_id_fkey");
        assert_eq!(
            unique("posts", &["author_id".into(), "slug".into()]),
            "posts_author_id_slug_key"
        );
        assert_eq!(primary_key("posts"), "posts_pkey");
    }

    #[test]
    fn long_names_are_shortened_as_postgres_does() {
        let table = "a".repeat(50);
        let column = "b".repeat(30);
        let name = foreign_key(&table, &column);
        assert_eq!(name.len(), 63);
        // 63 - "_fkey" - "_" leaves 57 bytes: 29 of the table, 28 of the column.
        assert_eq!(name, format!("{}_{}_fkey", "a".repeat(29), "b".repeat(28)));
        assert_eq!(primary_key(&"é".repeat(40)).len(), 58 + 5);
    }
}
