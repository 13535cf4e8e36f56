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

/// The longest value a case-sensitive `startswith` matches with `GLOB` on
/// SQLite (so that an index on the column serves it); longer values, and values
/// holding a NUL, are matched by byte comparison instead. SQLite refuses GLOB
/// and LIKE patterns longer than 50,000 bytes ("LIKE or GLOB pattern too
/// complex"), and its pattern matcher stops at a NUL.
const SQLITE_GLOB_PREFIX_LIMIT: usize = 1_000;

impl Dialect {
    /// Appends a condition matching `column` (already quoted SQL) against the
    /// parameter `placeholder`, and returns the text to bind for `value`.
    ///
    /// On PostgreSQL, case-sensitive matching is `LIKE` and case-insensitive
    /// matching `ILIKE`, with the value's wildcards escaped. On SQLite, whose
    /// `LIKE`/`GLOB` cut a pattern at a NUL character and refuse long patterns,
    /// the value is found with `instr` (a byte comparison) or compared with the
    /// end of the column's bytes, so any string matches exactly what it says;
    /// case-insensitive matching compares Unicode case folds of both sides. A
    /// short `startswith` keeps `GLOB`, which an index on the column serves.
    ///
    /// ```
    /// use pookie_dialect::{Dialect, PatternKind};
    /// let mut sql = String::new();
    /// let bound = Dialect::Postgres.push_pattern_match(&mut sql, "\"name\"", PatternKind::Contains, false, 1, "50%");
    /// assert_eq!(sql, r#""name" LIKE $1 ESCAPE '\'"#);
    /// assert_eq!(bound, r"%50\%%");
    ///
    /// let mut sql = String::new();
    /// let bound = Dialect::Sqlite.push_pattern_match(&mut sql, "\"name\"", PatternKind::Contains, false, 1, "50%");
    /// assert_eq!(sql, r#"instr("name", ?) > 0"#);
    /// assert_eq!(bound, "50%");
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
        match self {
            Dialect::Sqlite => {
                let folded;
                let (subject, value) = if case_insensitive {
                    folded = value.to_lowercase();
                    (
                        format!("{SQLITE_CASEFOLD_FUNCTION}({column})"),
                        folded.as_str(),
                    )
                } else {
                    (column.to_owned(), value)
                };
                push_sqlite_match(out, &subject, kind, case_insensitive, value)
            }
            Dialect::Postgres => {
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

/// SQLite's exact match of `subject` (a column, or its case fold) against
/// `value`; every form binds the value once, as the one placeholder `?`.
fn push_sqlite_match(
    out: &mut String,
    subject: &str,
    kind: PatternKind,
    case_insensitive: bool,
    value: &str,
) -> String {
    match kind {
        PatternKind::Exact => {
            // Text equality compares every byte, NUL included.
            out.push_str(subject);
            out.push_str(" = ?");
            value.to_owned()
        }
        PatternKind::StartsWith
            if !case_insensitive
                && !value.contains('\0')
                && value.len() <= SQLITE_GLOB_PREFIX_LIMIT =>
        {
            // A NUL-free prefix: GLOB stopping at a NUL in the column's value
            // cannot change the answer, and an index serves `GLOB 'abc*'`.
            out.push_str(subject);
            out.push_str(" GLOB ?");
            wrap(kind, &escape_glob(value), '*')
        }
        PatternKind::StartsWith => {
            // `instr` compares bytes (NUL included) and finds the first
            // occurrence: position 1 exactly when the value is a prefix.
            out.push_str("instr(");
            out.push_str(subject);
            out.push_str(", ?) = 1");
            value.to_owned()
        }
        PatternKind::EndsWith if !value.is_empty() => {
            // The last `len` bytes, compared as bytes: SQLite's text `substr`
            // would stop counting at a NUL.
            out.push_str("substr(CAST(");
            out.push_str(subject);
            out.push_str(" AS BLOB), -");
            out.push_str(&value.len().to_string());
            out.push_str(") = CAST(? AS BLOB)");
            value.to_owned()
        }
        PatternKind::Contains | PatternKind::EndsWith => {
            // `instr(x, '')` is 1: the empty string is in every value.
            out.push_str("instr(");
            out.push_str(subject);
            out.push_str(", ?) > 0");
            value.to_owned()
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
        assert_eq!(
            sql,
            "substr(CAST(pookie_casefold(c) AS BLOB), -6) = CAST(? AS BLOB)"
        );
        assert_eq!(bound, "école");
    }

    #[test]
    fn sqlite_long_or_nul_prefixes_are_compared_as_bytes() {
        let (sql, bound) = matched(Dialect::Sqlite, PatternKind::StartsWith, false, "a\0b");
        assert_eq!(sql, "instr(c, ?) = 1");
        assert_eq!(bound, "a\0b");
        let long = "*".repeat(SQLITE_GLOB_PREFIX_LIMIT + 1);
        let (sql, _) = matched(Dialect::Sqlite, PatternKind::StartsWith, false, &long);
        assert_eq!(sql, "instr(c, ?) = 1");
    }

    #[test]
    fn exact_adds_no_wildcards() {
        let (_, bound) = matched(Dialect::Postgres, PatternKind::Exact, true, "Grace");
        assert_eq!(bound, "Grace");
    }
}
