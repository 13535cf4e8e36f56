//! Substring and prefix matching (`contains`, `istartswith`, …) with user text
//! escaped, so that `%`, `_`, `*` or `\` in a value match themselves only.

use crate::Dialect;

/// What a pattern lookup matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    /// The whole value (used for `iexact`).
    Exact,
    /// A substring.
    Contains,
    /// A prefix.
    StartsWith,
    /// A suffix.
    EndsWith,
}

/// The SQLite function the runtime registers on every connection for
/// case-insensitive matching: SQLite's own LIKE folds ASCII letters only, this
/// folds every letter the way Rust's `str::to_lowercase` does.
pub const SQLITE_CASEFOLD_FUNCTION: &str = "pookie_casefold";

impl Dialect {
    /// Appends a condition matching `column` (already quoted SQL) against the
    /// parameter `placeholder`, and returns the text to bind for `value`.
    ///
    /// Case-sensitive matching is `GLOB` on SQLite (its `LIKE` ignores ASCII case)
    /// and `LIKE` on PostgreSQL; case-insensitive matching is `ILIKE` on
    /// PostgreSQL and a Unicode case fold on both sides on SQLite.
    ///
    /// ```
    /// use pookie_dialect::{Dialect, PatternKind};
    /// let mut sql = String::new();
    /// let bound = Dialect::Postgres.push_pattern_match(&mut sql, "\"name\"", PatternKind::Contains, false, 1, "50%");
    /// assert_eq!(sql, r#""name" LIKE $1 ESCAPE '\'"#);
    /// assert_eq!(bound, r"%50\%%");
    /// ```
    pub fn push_pattern_match(
        self,
        out: &mut String,
        column: &str,
        kind: PatternKind,
        case_insensitive: bool,
        placeholder: usize,
        value: &str,
    ) -> String {
        match (self, case_insensitive) {
            (Dialect::Sqlite, false) => {
                out.push_str(column);
                out.push_str(" GLOB ");
                self.push_placeholder(out, placeholder);
                wrap(kind, &escape_glob(value), '*')
            }
            (Dialect::Sqlite, true) => {
                out.push_str(SQLITE_CASEFOLD_FUNCTION);
                out.push('(');
                out.push_str(column);
                out.push_str(") LIKE ");
                self.push_placeholder(out, placeholder);
                out.push_str(" ESCAPE '\\'");
                wrap(kind, &escape_like(&value.to_lowercase()), '%')
            }
            (Dialect::Postgres, _) => {
                out.push_str(column);
                out.push_str(if case_insensitive {
                    " ILIKE "
                } else {
                    " LIKE "
                });
                self.push_placeholder(out, placeholder);
                out.push_str(" ESCAPE '\\'");
                wrap(kind, &escape_like(value), '%')
            }
        }
    }
}

fn wrap(kind: PatternKind, escaped: &str, wildcard: char) -> String {
    let mut out = String::with_capacity(escaped.len() + 2);
    if matches!(kind, PatternKind::Contains | PatternKind::EndsWith) {
        out.push(wildcard);
    }
    out.push_str(escaped);
    if matches!(kind, PatternKind::Contains | PatternKind::StartsWith) {
        out.push(wildcard);
    }
    out
}

fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn escape_glob(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(dialect: Dialect, kind: PatternKind, ci: bool, value: &str) -> (String, String) {
        let mut sql = String::new();
        let bound = dialect.push_pattern_match(&mut sql, "c", kind, ci, 1, value);
        (sql, bound)
    }

    #[test]
    fn like_wildcards_in_values_are_escaped() {
        let (_, bound) = matched(Dialect::Postgres, PatternKind::Contains, true, r"a%b_c\d");
        assert_eq!(bound, r"%a\%b\_c\\d%");
    }

    #[test]
    fn glob_wildcards_in_values_are_escaped() {
        let (sql, bound) = matched(Dialect::Sqlite, PatternKind::StartsWith, false, "a*b?[c");
        assert_eq!(sql, "c GLOB ?");
        assert_eq!(bound, "a[*]b[?][[]c*");
    }

    #[test]
    fn sqlite_case_insensitive_folds_the_value() {
        let (sql, bound) = matched(Dialect::Sqlite, PatternKind::EndsWith, true, "ÉCOLE");
        assert_eq!(sql, "pookie_casefold(c) LIKE ? ESCAPE '\\'");
        assert_eq!(bound, "%école");
    }

    #[test]
    fn exact_adds_no_wildcards() {
        let (_, bound) = matched(Dialect::Postgres, PatternKind::Exact, true, "Grace");
        assert_eq!(bound, "Grace");
    }
}
