//! JSON lookups (`key`, `has_key`, `contains`, …): JSONB operators on
//! PostgreSQL (`#>`, `?`, `@>`, `jsonb_typeof`), JSON1 functions on SQLite
//! (`json_extract`, `json_type`, `json_each`).
//!
//! Every user value (keys, paths, JSON literals) is bound as a text parameter
//! through the `bind` callback, which appends the placeholder; the dialect
//! decides how many parameters a test needs and how each is cast.

use crate::Dialect;

/// One step into a JSON value: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JsonStep {
    /// The value under this key of an object.
    Key(String),
    /// The element at this position of an array (0-based).
    Index(usize),
}

/// The kind of a JSON value, as a lookup tests it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonKind {
    /// A string.
    String,
    /// A number, integer or not.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
    /// An object.
    Object,
    /// An array.
    Array,
}

impl JsonKind {
    /// The names `jsonb_typeof` (PostgreSQL) or `json_type` (SQLite) give it.
    fn type_names(self, dialect: Dialect) -> &'static [&'static str] {
        match (dialect, self) {
            (Dialect::Postgres, JsonKind::String) => &["string"],
            (Dialect::Postgres, JsonKind::Number) => &["number"],
            (Dialect::Postgres, JsonKind::Boolean) => &["boolean"],
            (Dialect::Sqlite, JsonKind::String) => &["text"],
            (Dialect::Sqlite, JsonKind::Number) => &["integer", "real"],
            (Dialect::Sqlite, JsonKind::Boolean) => &["true", "false"],
            (_, JsonKind::Null) => &["null"],
            (_, JsonKind::Object) => &["object"],
            (_, JsonKind::Array) => &["array"],
        }
    }
}

/// Appends a placeholder for a text parameter and records the text to bind.
pub type BindText<'b> = dyn FnMut(&mut String, String) + 'b;

impl Dialect {
    /// The text that addresses `path`, bound as one parameter: a `text[]`
    /// literal for PostgreSQL's `#>`, a JSON path (`$."user"[0]`) for SQLite.
    /// SQLite's JSON paths cannot quote a key holding a double quote, so such a
    /// key is an error there.
    pub fn json_path(self, path: &[JsonStep]) -> Result<String, String> {
        let mut out = String::new();
        match self {
            Dialect::Postgres => {
                out.push('{');
                for (index, step) in path.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    let text = match step {
                        JsonStep::Key(key) => key.clone(),
                        JsonStep::Index(position) => position.to_string(),
                    };
                    for ch in text.chars() {
                        if ch == '"' || ch == '\\' {
                            out.push('\\');
                        }
                        out.push(ch);
                    }
                    out.push('"');
                }
                out.push('}');
            }
            Dialect::Sqlite => {
                out.push('$');
                for step in path {
                    match step {
                        JsonStep::Key(key) if key.contains('"') => {
                            return Err(format!(
                                "the JSON key {key:?} holds a double quote, which SQLite's JSON paths cannot address"
                            ));
                        }
                        JsonStep::Key(key) => {
                            out.push_str(".\"");
                            out.push_str(key);
                            out.push('"');
                        }
                        JsonStep::Index(position) => {
                            out.push('[');
                            out.push_str(&position.to_string());
                            out.push(']');
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Appends the JSON value found at `path` inside `base` (quoted SQL); on
    /// PostgreSQL a `jsonb`, on SQLite the SQL value `json_extract` gives.
    /// The empty path is `base` itself.
    pub fn push_json_at(
        self,
        out: &mut String,
        bind: &mut BindText<'_>,
        base: &str,
        path: &[JsonStep],
    ) -> Result<(), String> {
        if path.is_empty() && self == Dialect::Postgres {
            out.push_str(base);
            return Ok(());
        }
        let path = self.json_path(path)?;
        match self {
            Dialect::Postgres => {
                out.push('(');
                out.push_str(base);
                out.push_str(" #> CAST(CAST(");
                bind(out, path);
                out.push_str(" AS text) AS text[]))");
            }
            Dialect::Sqlite => {
                out.push_str("json_extract(");
                out.push_str(base);
                out.push_str(", ");
                bind(out, path);
                out.push(')');
            }
        }
        Ok(())
    }

    /// Appends a test that the value at `path` inside `base` exists and is of
    /// `kind`.
    ///
    /// ```
    /// use pookie_dialect::{Dialect, JsonKind, JsonStep};
    /// let mut sql = String::new();
    /// let mut bound = Vec::new();
    /// let path = [JsonStep::Key("n".into())];
    /// Dialect::Sqlite
    ///     .push_json_kind_is(&mut sql, &mut |out, text| { out.push('?'); bound.push(text) }, "\"doc\"", &path, JsonKind::Number)
    ///     .unwrap();
    /// assert_eq!(sql, "json_type(\"doc\", ?) IN ('integer', 'real')");
    /// assert_eq!(bound, ["$.\"n\""]);
    /// ```
    pub fn push_json_kind_is(
        self,
        out: &mut String,
        bind: &mut BindText<'_>,
        base: &str,
        path: &[JsonStep],
        kind: JsonKind,
    ) -> Result<(), String> {
        match self {
            Dialect::Postgres => {
                out.push_str("jsonb_typeof(");
                self.push_json_at(out, bind, base, path)?;
                out.push(')');
            }
            Dialect::Sqlite => {
                let path = self.json_path(path)?;
                out.push_str("json_type(");
                out.push_str(base);
                out.push_str(", ");
                bind(out, path);
                out.push(')');
            }
        }
        push_type_names(out, kind.type_names(self));
        Ok(())
    }

    /// Appends the JSON scalar `literal` (JSON text, bound) in the form
    /// [`push_json_at`](Self::push_json_at) values compare with.
    pub fn push_json_literal(self, out: &mut String, bind: &mut BindText<'_>, literal: String) {
        match self {
            Dialect::Postgres => {
                // The parameter is text; typed jsonb, it would need the binary format.
                out.push_str("CAST(CAST(");
                bind(out, literal);
                out.push_str(" AS text) AS jsonb)");
            }
            Dialect::Sqlite => {
                out.push_str("json_extract(");
                bind(out, literal);
                out.push_str(", '$')");
            }
        }
    }

    /// Appends a test that the object at `path` inside `base` has `key`. On
    /// PostgreSQL this is the `?` operator, kept to objects (`?` alone also
    /// matches a string element of an array, which SQLite's test does not).
    pub fn push_json_has_key(
        self,
        out: &mut String,
        bind: &mut BindText<'_>,
        base: &str,
        path: &[JsonStep],
        key: &str,
    ) -> Result<(), String> {
        match self {
            Dialect::Postgres => {
                out.push('(');
                self.push_json_at(out, bind, base, path)?;
                out.push_str(" ? ");
                bind(out, key.to_owned());
                out.push_str(" AND ");
                self.push_json_kind_is(out, bind, base, path, JsonKind::Object)?;
                out.push(')');
            }
            Dialect::Sqlite => {
                let mut full = path.to_vec();
                full.push(JsonStep::Key(key.to_owned()));
                let full = self.json_path(&full)?;
                out.push_str("json_type(");
                out.push_str(base);
                out.push_str(", ");
                bind(out, full);
                out.push_str(") IS NOT NULL");
            }
        }
        Ok(())
    }

    /// The operator that tests JSON containment in one step (`@>` on
    /// PostgreSQL). SQLite has none: the runtime spells containment out key by
    /// key with [`push_json_kind_is`](Self::push_json_kind_is),
    /// [`push_json_at`](Self::push_json_at) and
    /// [`push_json_any_element`](Self::push_json_any_element).
    pub const fn json_contains_operator(self) -> Option<&'static str> {
        match self {
            Dialect::Postgres => Some(" @> "),
            Dialect::Sqlite => None,
        }
    }

    /// Opens `EXISTS (SELECT 1 FROM <elements of the array at path> AS alias
    /// WHERE `; the caller writes the test on the element and closes with `)`.
    /// The element's value is [`json_element_value`](Self::json_element_value).
    pub fn push_json_any_element(
        self,
        out: &mut String,
        bind: &mut BindText<'_>,
        base: &str,
        path: &[JsonStep],
        alias: &str,
    ) -> Result<(), String> {
        out.push_str("EXISTS (SELECT 1 FROM ");
        match self {
            Dialect::Postgres => {
                out.push_str("jsonb_array_elements(");
                self.push_json_at(out, bind, base, path)?;
                out.push_str(") AS ");
                self.push_ident(out, alias);
                out.push_str("(\"value\")");
            }
            Dialect::Sqlite => {
                let path = self.json_path(path)?;
                out.push_str("json_each(");
                out.push_str(base);
                out.push_str(", ");
                bind(out, path);
                out.push_str(") AS ");
                self.push_ident(out, alias);
            }
        }
        out.push_str(" WHERE ");
        Ok(())
    }

    /// The value of the element `alias` of [`push_json_any_element`](Self::push_json_any_element),
    /// as a base for further JSON tests.
    pub fn json_element_value(self, alias: &str) -> String {
        let mut out = String::new();
        self.push_qualified(&mut out, alias, "value");
        out
    }

    /// Appends a test that the element `alias` of
    /// [`push_json_any_element`](Self::push_json_any_element) is of `kind`.
    pub fn push_json_element_kind_is(self, out: &mut String, alias: &str, kind: JsonKind) {
        match self {
            Dialect::Postgres => {
                out.push_str("jsonb_typeof(");
                self.push_qualified(out, alias, "value");
                out.push(')');
            }
            Dialect::Sqlite => self.push_qualified(out, alias, "type"),
        }
        push_type_names(out, kind.type_names(self));
    }
}

fn push_type_names(out: &mut String, names: &[&str]) {
    if let [name] = names {
        out.push_str(" = '");
        out.push_str(name);
        out.push('\'');
        return;
    }
    out.push_str(" IN (");
    for (index, name) in names.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push('\'');
        out.push_str(name);
        out.push('\'');
    }
    out.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> Vec<JsonStep> {
        vec![
            JsonStep::Key("user".into()),
            JsonStep::Key("a\"b".into()),
            JsonStep::Index(2),
        ]
    }

    #[test]
    fn postgres_paths_are_text_array_literals() {
        assert_eq!(
            Dialect::Postgres.json_path(&path()).unwrap(),
            r#"{"user","a\"b","2"}"#
        );
    }

    #[test]
    fn sqlite_paths_quote_keys_and_refuse_embedded_quotes() {
        let error = Dialect::Sqlite.json_path(&path()).unwrap_err();
        assert!(error.contains("double quote"), "{error}");
        let path = [JsonStep::Key("a.b".into()), JsonStep::Index(0)];
        assert_eq!(Dialect::Sqlite.json_path(&path).unwrap(), "$.\"a.b\"[0]");
    }

    #[test]
    fn postgres_has_key_uses_the_question_mark_operator_on_objects() {
        let mut sql = String::new();
        let mut n = 0;
        Dialect::Postgres
            .push_json_has_key(
                &mut sql,
                &mut |out, _| {
                    n += 1;
                    Dialect::Postgres.push_placeholder(out, n)
                },
                "\"doc\"",
                &[],
                "type",
            )
            .unwrap();
        assert_eq!(sql, "(\"doc\" ? $1 AND jsonb_typeof(\"doc\") = 'object')");
    }
}
