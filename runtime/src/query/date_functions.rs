//! Date functions over date and timestamp columns, as values rather than
//! lookups: `ExtractYear(post::created_at)`, `TruncDate(visit::at)` (Django's
//! `Extract…` and `TruncDate`, peewee's `fn.date_trunc('day', …)`). They go
//! where expressions go — `values_list`, `annotate`, `order_by`, a window's
//! `partition_by` — and read as `i32` (or `NaiveDate` for `TruncDate`), an
//! `Option` when the column is nullable. Timestamps are taken in UTC on both
//! backends, as the lookups take them (`post::created_at.year().eq(2024)`).
#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use pookie_dialect::{DatePart, DateSource};

use super::column::{Column, FieldType};
use super::expr::{Expr, SqlExpr};

/// Column types with a calendar date, nullable or not: what the `Extract…`
/// functions take.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a date: date functions apply to DateField and DateTimeField columns only",
    label = "not a date or timestamp column"
)]
pub trait DateExpr: FieldType {
    /// An integer part of it: `i32`, or `Option<i32>` for a nullable column.
    type Part: FieldType;
    /// How the column stores it.
    #[doc(hidden)]
    const SOURCE: DateSource;
}

/// Timestamp column types, nullable or not: what `TruncDate`,
/// `ExtractHour` and `ExtractMinute` take.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a timestamp: `TruncDate`, `ExtractHour` and `ExtractMinute` apply to DateTimeField columns only",
    label = "not a timestamp column"
)]
pub trait TimestampExpr: DateExpr {
    /// Its calendar date: `NaiveDate`, or `Option<NaiveDate>`.
    type Date: FieldType;
}

impl DateExpr for NaiveDate {
    type Part = i32;
    const SOURCE: DateSource = DateSource::Date;
}

impl DateExpr for Option<NaiveDate> {
    type Part = Option<i32>;
    const SOURCE: DateSource = DateSource::Date;
}

impl DateExpr for DateTime<Utc> {
    type Part = i32;
    const SOURCE: DateSource = DateSource::Timestamp;
}

impl DateExpr for Option<DateTime<Utc>> {
    type Part = Option<i32>;
    const SOURCE: DateSource = DateSource::Timestamp;
}

impl TimestampExpr for DateTime<Utc> {
    type Date = NaiveDate;
}

impl TimestampExpr for Option<DateTime<Utc>> {
    type Date = Option<NaiveDate>;
}

fn date_part<M, T: DateExpr, V>(column: Column<M, T>, part: DatePart) -> Expr<M, V> {
    Expr::new(SqlExpr::DatePart {
        column: column.column_ref(),
        part,
        source: T::SOURCE,
    })
}

/// The year.
pub fn ExtractYear<M, T: DateExpr>(column: Column<M, T>) -> Expr<M, T::Part> {
    date_part(column, DatePart::Year)
}

/// The month, 1 to 12.
pub fn ExtractMonth<M, T: DateExpr>(column: Column<M, T>) -> Expr<M, T::Part> {
    date_part(column, DatePart::Month)
}

/// The day of the month, 1 to 31.
pub fn ExtractDay<M, T: DateExpr>(column: Column<M, T>) -> Expr<M, T::Part> {
    date_part(column, DatePart::Day)
}

/// The day of the week, 1 (Sunday) to 7 (Saturday), as Django numbers it.
pub fn ExtractWeekDay<M, T: DateExpr>(column: Column<M, T>) -> Expr<M, T::Part> {
    date_part(column, DatePart::WeekDay)
}

/// The hour, 0 to 23, in UTC.
pub fn ExtractHour<M, T: TimestampExpr>(column: Column<M, T>) -> Expr<M, T::Part> {
    date_part(column, DatePart::Hour)
}

/// The minute, 0 to 59.
pub fn ExtractMinute<M, T: TimestampExpr>(column: Column<M, T>) -> Expr<M, T::Part> {
    date_part(column, DatePart::Minute)
}

/// The calendar date of a timestamp, in UTC: the day it falls on.
pub fn TruncDate<M, T: TimestampExpr>(column: Column<M, T>) -> Expr<M, T::Date> {
    date_part(column, DatePart::Date)
}
