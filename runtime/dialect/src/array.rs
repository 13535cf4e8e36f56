//! Array lookups (`contains`, `contained_by`, `overlap`, `len`): native array
//! operators on PostgreSQL, `json_each` subqueries on SQLite, where an array
//! column holds a JSON array.

use crate::Dialect;

/// How an array lookup relates the column to the given elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArrayTest {
    /// Every given element is in the column (`@>`).
    Contains,
    /// Every element of the column is among the given ones (`<@`).
    ContainedBy,
    /// The column and the given elements share at least one element (`&&`).
    Overlap,
}

impl Dialect {
    /// Appends `test` between the array column `column` (quoted SQL) and the
    /// array parameter `placeholder` (a native array on PostgreSQL, JSON array
    /// text on SQLite). Elements compare by value on PostgreSQL and by their
    /// stored JSON form on SQLite.
    ///
    /// ```
    /// use pookie_dialect::{ArrayTest, Dialect};
    /// let mut sql = String::new();
    /// Dialect::Postgres.push_array_test(&mut sql, "\"tags\"", ArrayTest::Overlap, 1);
    /// assert_eq!(sql, "\"tags\" && $1");
    /// ```
    pub fn push_array_test(
        self,
        out: &mut String,
        column: &str,
        test: ArrayTest,
        placeholder: usize,
    ) {
        match self {
            Dialect::Postgres => {
                out.push_str(column);
                out.push_str(match test {
                    ArrayTest::Contains => " @> ",
                    ArrayTest::ContainedBy => " <@ ",
                    ArrayTest::Overlap => " && ",
                });
                self.push_placeholder(out, placeholder);
            }
            Dialect::Sqlite => {
                let mut given = String::from("json_each(");
                self.push_placeholder(&mut given, placeholder);
                given.push(')');
                let stored = format!("json_each({column})");
                // contains: no given element is missing from the column;
                // contained_by: no stored element is missing from the given ones.
                let (outer, inner, exists) = match test {
                    ArrayTest::Contains => (given.as_str(), stored.as_str(), false),
                    ArrayTest::ContainedBy => (stored.as_str(), given.as_str(), false),
                    ArrayTest::Overlap => (stored.as_str(), given.as_str(), true),
                };
                out.push_str(if exists { "EXISTS" } else { "NOT EXISTS" });
                out.push_str(" (SELECT 1 FROM ");
                out.push_str(outer);
                out.push_str(" AS \"pookie_outer\" WHERE \"pookie_outer\".\"value\" ");
                out.push_str(if exists { "IN" } else { "NOT IN" });
                out.push_str(" (SELECT \"pookie_inner\".\"value\" FROM ");
                out.push_str(inner);
                out.push_str(" AS \"pookie_inner\"))");
            }
        }
    }

    /// Appends the number of elements of the array column `column`.
    pub fn push_array_length(self, out: &mut String, column: &str) {
        out.push_str(match self {
            // cardinality, unlike array_length, is 0 for an empty array.
            Dialect::Postgres => "cardinality(",
            Dialect::Sqlite => "json_array_length(",
        });
        out.push_str(column);
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_containment_is_a_json_each_subquery() {
        let mut sql = String::new();
        Dialect::Sqlite.push_array_test(&mut sql, "\"t\".\"tags\"", ArrayTest::Contains, 1);
        assert_eq!(
            sql,
            "NOT EXISTS (SELECT 1 FROM json_each(?) AS \"pookie_outer\" WHERE \"pookie_outer\".\"value\" NOT IN (SELECT \"pookie_inner\".\"value\" FROM json_each(\"t\".\"tags\") AS \"pookie_inner\"))"
        );
    }

    #[test]
    fn lengths_count_elements() {
        let mut sql = String::new();
        Dialect::Postgres.push_array_length(&mut sql, "\"tags\"");
        assert_eq!(sql, "cardinality(\"tags\")");
    }
}
