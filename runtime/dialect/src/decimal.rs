//! Decimals compared by value. SQLite keeps a DecimalField as TEXT, so that
//! every digit survives, and compares text character by character: there,
//! `'10.00' < '9.50'`. The runtime registers a collation on every SQLite
//! connection that compares decimal text by value, and Pookie names it in its
//! own comparisons and orderings of decimal columns. The DDL never names it, so
//! other tools that open the file see an ordinary TEXT column.

use crate::Dialect;

/// The SQLite collation the runtime registers on every connection: two texts
/// compared as the decimal numbers they spell, exactly.
pub const SQLITE_DECIMAL_COLLATION: &str = "pookie_decimal";

impl Dialect {
    /// Appends what makes the decimal column just written compare and sort by
    /// value: nothing on PostgreSQL (NUMERIC already does), the decimal
    /// collation on SQLite.
    ///
    /// ```
    /// use pookie_dialect::Dialect;
    /// let mut sql = String::from("\"price\"");
    /// Dialect::Sqlite.push_decimal_collation(&mut sql);
    /// assert_eq!(sql, "\"price\" COLLATE pookie_decimal");
    /// let mut sql = String::from("\"price\"");
    /// Dialect::Postgres.push_decimal_collation(&mut sql);
    /// assert_eq!(sql, "\"price\"");
    /// ```
    pub fn push_decimal_collation(self, out: &mut String) {
        match self {
            Dialect::Sqlite => {
                out.push_str(" COLLATE ");
                out.push_str(SQLITE_DECIMAL_COLLATION);
            }
            Dialect::Postgres => {}
        }
    }
}
