//! The parts of dates and timestamps that lookups compare (`year`, `month`, …).

use crate::Dialect;

/// A part of a date or timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePart {
    /// The year.
    Year,
    /// The month, 1 to 12.
    Month,
    /// The day of the month, 1 to 31.
    Day,
    /// The day of the week, 1 (Sunday) to 7 (Saturday), as in PookieDB and Django.
    WeekDay,
    /// The hour, 0 to 23 (timestamps only).
    Hour,
    /// The minute, 0 to 59 (timestamps only).
    Minute,
    /// The calendar date of a timestamp, in UTC.
    Date,
}

/// What a date-part column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateSource {
    /// A calendar date (`DateField`).
    Date,
    /// A point in time stored in UTC (`DateTimeField`).
    Timestamp,
}

impl Dialect {
    /// Appends the expression of `part` of the column `column_sql` (already
    /// quoted). Parts are integers, except [`DatePart::Date`], a date that
    /// compares with a date parameter. Timestamps are taken in UTC on both
    /// backends, whatever the session's time zone.
    ///
    /// ```
    /// use pookie_dialect::{DatePart, DateSource, Dialect};
    /// let mut sql = String::new();
    /// Dialect::Sqlite.push_date_part(&mut sql, "\"t\".\"at\"", DatePart::Year, DateSource::Timestamp);
    /// assert_eq!(sql, "CAST(strftime('%Y', \"t\".\"at\") AS INTEGER)");
    /// ```
    pub fn push_date_part(
        self,
        out: &mut String,
        column_sql: &str,
        part: DatePart,
        source: DateSource,
    ) {
        match self {
            Dialect::Sqlite => {
                let format = match part {
                    DatePart::Date => {
                        out.push_str("date(");
                        out.push_str(column_sql);
                        out.push(')');
                        return;
                    }
                    DatePart::Year => "%Y",
                    DatePart::Month => "%m",
                    DatePart::Day => "%d",
                    DatePart::WeekDay => "%w",
                    DatePart::Hour => "%H",
                    DatePart::Minute => "%M",
                };
                if part == DatePart::WeekDay {
                    out.push('(');
                }
                out.push_str("CAST(strftime('");
                out.push_str(format);
                out.push_str("', ");
                out.push_str(column_sql);
                out.push_str(") AS INTEGER)");
                if part == DatePart::WeekDay {
                    out.push_str(" + 1)");
                }
            }
            Dialect::Postgres => {
                let value = match source {
                    DateSource::Date => column_sql.to_owned(),
                    DateSource::Timestamp => format!("({column_sql} AT TIME ZONE 'UTC')"),
                };
                let field = match part {
                    DatePart::Date => {
                        out.push_str("CAST(");
                        out.push_str(&value);
                        out.push_str(" AS DATE)");
                        return;
                    }
                    DatePart::Year => "YEAR",
                    DatePart::Month => "MONTH",
                    DatePart::Day => "DAY",
                    DatePart::WeekDay => "DOW",
                    DatePart::Hour => "HOUR",
                    DatePart::Minute => "MINUTE",
                };
                if part == DatePart::WeekDay {
                    out.push('(');
                }
                out.push_str("CAST(EXTRACT(");
                out.push_str(field);
                out.push_str(" FROM ");
                out.push_str(&value);
                out.push_str(") AS INTEGER)");
                if part == DatePart::WeekDay {
                    out.push_str(" + 1)");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(dialect: Dialect, part: DatePart, source: DateSource) -> String {
        let mut out = String::new();
        dialect.push_date_part(&mut out, "c", part, source);
        out
    }

    #[test]
    fn date_parts_per_backend() {
        use DatePart as P;
        use DateSource as S;
        let cases = [
            (
                Dialect::Sqlite,
                P::Month,
                S::Date,
                "CAST(strftime('%m', c) AS INTEGER)",
            ),
            (
                Dialect::Sqlite,
                P::WeekDay,
                S::Date,
                "(CAST(strftime('%w', c) AS INTEGER) + 1)",
            ),
            (Dialect::Sqlite, P::Date, S::Timestamp, "date(c)"),
            (
                Dialect::Postgres,
                P::Year,
                S::Date,
                "CAST(EXTRACT(YEAR FROM c) AS INTEGER)",
            ),
            (
                Dialect::Postgres,
                P::Hour,
                S::Timestamp,
                "CAST(EXTRACT(HOUR FROM (c AT TIME ZONE 'UTC')) AS INTEGER)",
            ),
            (
                Dialect::Postgres,
                P::WeekDay,
                S::Timestamp,
                "(CAST(EXTRACT(DOW FROM (c AT TIME ZONE 'UTC')) AS INTEGER) + 1)",
            ),
            (
                Dialect::Postgres,
                P::Date,
                S::Timestamp,
                "CAST((c AT TIME ZONE 'UTC') AS DATE)",
            ),
        ];
        for (dialect, part, source, expected) in cases {
            assert_eq!(sql(dialect, part, source), expected, "{dialect} {part:?}");
        }
    }
}
