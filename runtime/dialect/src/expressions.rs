//! Expressions whose spelling differs between backends: regular expressions,
//! the current time, text case, typed parameters and statement size limits.

use crate::{Dialect, SqlType};

/// The SQLite function the runtime registers on every connection for the
/// `REGEXP` operator (SQLite has the operator but no implementation of it).
pub const SQLITE_REGEXP_FUNCTION: &str = "regexp";

/// The SQLite function the runtime registers for Unicode upper-casing (SQLite's
/// own `UPPER` changes ASCII letters only).
pub const SQLITE_UPPER_FUNCTION: &str = "pookie_upper";

/// The SQLite aggregates the runtime registers to sum and average decimal
/// text exactly (SQLite's own `SUM` and `AVG` go through floats).
pub const SQLITE_DECIMAL_SUM_FUNCTION: &str = "pookie_decimal_sum";
/// See [`SQLITE_DECIMAL_SUM_FUNCTION`].
pub const SQLITE_DECIMAL_AVG_FUNCTION: &str = "pookie_decimal_avg";

impl Dialect {
    /// The aggregates that sum and average an exact decimal column exactly,
    /// giving a decimal: `SUM`/`AVG` of NUMERIC on PostgreSQL, the runtime's
    /// own functions on SQLite, which keeps decimals as text.
    pub const fn decimal_sum_and_avg(self) -> (&'static str, &'static str) {
        match self {
            Dialect::Sqlite => (SQLITE_DECIMAL_SUM_FUNCTION, SQLITE_DECIMAL_AVG_FUNCTION),
            Dialect::Postgres => ("SUM", "AVG"),
        }
    }

    /// Appends a regular-expression match of `column` (quoted SQL) against
    /// parameter `placeholder`, and returns the pattern to bind.
    ///
    /// SQLite runs Rust's `regex` syntax (through the function the runtime
    /// registers), PostgreSQL its POSIX regular expressions: the common subset
    /// (classes, anchors, repetition, alternation, groups) means the same on both.
    ///
    /// ```
    /// use pookie_dialect::Dialect;
    /// let mut sql = String::new();
    /// let bound = Dialect::Sqlite.push_regex_match(&mut sql, "\"name\"", true, 1, "^gr");
    /// assert_eq!((sql.as_str(), bound.as_str()), ("\"name\" REGEXP ?", "(?i)^gr"));
    /// ```
    pub fn push_regex_match(
        self,
        out: &mut String,
        column: &str,
        case_insensitive: bool,
        placeholder: usize,
        pattern: &str,
    ) -> String {
        out.push_str(column);
        match self {
            Dialect::Sqlite => {
                out.push_str(" REGEXP ");
                self.push_placeholder(out, placeholder);
                if case_insensitive {
                    format!("(?i){pattern}")
                } else {
                    pattern.to_owned()
                }
            }
            Dialect::Postgres => {
                out.push_str(if case_insensitive { " ~* " } else { " ~ " });
                self.push_placeholder(out, placeholder);
                pattern.to_owned()
            }
        }
    }

    /// The current time, in the form timestamps are stored in.
    pub const fn now(self) -> &'static str {
        match self {
            // Pookie stores ISO-8601 with six fractional digits; %f gives three.
            Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')",
            Dialect::Postgres => "CURRENT_TIMESTAMP",
        }
    }

    /// The function that upper-cases text, every letter on both backends.
    pub const fn upper_function(self) -> &'static str {
        match self {
            Dialect::Sqlite => SQLITE_UPPER_FUNCTION,
            Dialect::Postgres => "UPPER",
        }
    }

    /// The function that lower-cases text, every letter on both backends.
    pub const fn lower_function(self) -> &'static str {
        match self {
            Dialect::Sqlite => crate::SQLITE_CASEFOLD_FUNCTION,
            Dialect::Postgres => "LOWER",
        }
    }

    /// Appends parameter `n` where the database cannot infer its type from
    /// context (inside CASE, COALESCE, arithmetic between parameters):
    /// PostgreSQL gets an explicit cast, SQLite needs none.
    ///
    /// ```
    /// use pookie_dialect::{Dialect, SqlType};
    /// let mut sql = String::new();
    /// Dialect::Postgres.push_typed_placeholder(&mut sql, 2, Some(&SqlType::Integer));
    /// assert_eq!(sql, "CAST($2 AS INTEGER)");
    /// ```
    pub fn push_typed_placeholder(self, out: &mut String, n: usize, ty: Option<&SqlType>) {
        match (self, ty) {
            (Dialect::Postgres, Some(ty)) => {
                out.push_str("CAST(");
                self.push_placeholder(out, n);
                out.push_str(" AS ");
                out.push_str(&self.type_name(ty));
                out.push(')');
            }
            _ => self.push_placeholder(out, n),
        }
    }

    /// The most bound parameters one statement may have: 32766 on SQLite (since
    /// 3.32), 65535 on PostgreSQL (its wire protocol counts them in 16 bits).
    pub const fn max_parameters(self) -> usize {
        match self {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres => 65_535,
        }
    }

    /// Rewrites the placeholders `$1, $2, …` of hand-written SQL into this
    /// backend's form: unchanged on PostgreSQL, `?1, ?2, …` on SQLite (which
    /// binds `?N` to parameter N). Text inside quotes is left alone.
    ///
    /// ```
    /// use pookie_dialect::Dialect;
    /// let sql = "SELECT * FROM t WHERE a = $1 AND b = '$2' AND c = $2";
    /// assert_eq!(Dialect::Sqlite.numbered_placeholders(sql), "SELECT * FROM t WHERE a = ?1 AND b = '$2' AND c = ?2");
    /// assert_eq!(Dialect::Postgres.numbered_placeholders(sql), sql);
    /// ```
    pub fn numbered_placeholders(self, sql: &str) -> String {
        if self == Dialect::Postgres {
            return sql.to_owned();
        }
        let mut out = String::with_capacity(sql.len());
        let mut quote: Option<char> = None;
        let mut chars = sql.chars().peekable();
        while let Some(ch) = chars.next() {
            match quote {
                Some(open) => {
                    if ch == open {
                        quote = None;
                    }
                    out.push(ch);
                }
                None if ch == '\'' || ch == '"' => {
                    quote = Some(ch);
                    out.push(ch);
                }
                None if ch == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                    out.push('?');
                }
                None => out.push(ch),
            }
        }
        out
    }
}
