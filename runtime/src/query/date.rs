//! Date lookups: `year`, `month`, `day`, `week_day` on date and timestamp
//! columns, `hour`, `minute` and `date` on timestamp columns. Each gives a
//! [`DateLookup`] that compares the part with a value:
//! `post::created_at.year().eq(2024)`. A text or number column has none of them
//! (a compile error).

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use pookie_dialect::{DatePart, DateSource};

use super::column::{Column, FieldType};
use super::condition::{CmpOp, ColumnRef, Cond, Q};
use crate::value::{IntoField, Param};

/// Column types with a calendar date: `year`, `month`, `day`, `week_day`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a date: `year`, `month`, `day` and `week_day` apply to DateField and DateTimeField columns only",
    label = "not a date or timestamp column"
)]
pub trait DateType {
    /// How the column stores it.
    const SOURCE: DateSource;
}

/// Column types with a time of day as well: `hour`, `minute`, `date`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a timestamp: `hour`, `minute` and `date` apply to DateTimeField columns only",
    label = "not a timestamp column"
)]
pub trait TimestampType: DateType {}

impl DateType for NaiveDate {
    const SOURCE: DateSource = DateSource::Date;
}

impl DateType for DateTime<Utc> {
    const SOURCE: DateSource = DateSource::Timestamp;
}

impl TimestampType for DateTime<Utc> {}

/// A part of a date or timestamp column of model `M`, compared with values of
/// type `V` (`i32`, or `NaiveDate` for `date`).
pub struct DateLookup<M, V> {
    column: ColumnRef,
    part: DatePart,
    source: DateSource,
    marker: PhantomData<fn() -> (M, V)>,
}

impl<M, V> std::fmt::Debug for DateLookup<M, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:?}", self.column.name, self.part)
    }
}

impl<M, V: Into<Param<'static>>> DateLookup<M, V> {
    fn compare(self, op: CmpOp, value: impl IntoField<V>) -> Q<M> {
        Q::new(Cond::DatePart {
            column: self.column,
            part: self.part,
            source: self.source,
            op,
            value: value.into_field().into(),
        })
    }

    /// The part equals `value`.
    pub fn eq(self, value: impl IntoField<V>) -> Q<M> {
        self.compare(CmpOp::Eq, value)
    }

    /// The part differs from `value` (rows where the column is NULL match too).
    pub fn ne(self, value: impl IntoField<V>) -> Q<M> {
        !self.eq(value)
    }

    /// The part is greater than `value`.
    pub fn gt(self, value: impl IntoField<V>) -> Q<M> {
        self.compare(CmpOp::Gt, value)
    }

    /// The part is greater than or equal to `value`.
    pub fn gte(self, value: impl IntoField<V>) -> Q<M> {
        self.compare(CmpOp::Gte, value)
    }

    /// The part is less than `value`.
    pub fn lt(self, value: impl IntoField<V>) -> Q<M> {
        self.compare(CmpOp::Lt, value)
    }

    /// The part is less than or equal to `value`.
    pub fn lte(self, value: impl IntoField<V>) -> Q<M> {
        self.compare(CmpOp::Lte, value)
    }
}

impl<M, T: FieldType> Column<M, T>
where
    T::Inner: DateType,
{
    fn part<V>(self, part: DatePart) -> DateLookup<M, V> {
        DateLookup {
            column: self.column_ref(),
            part,
            source: <T::Inner as DateType>::SOURCE,
            marker: PhantomData,
        }
    }

    /// The year (`year`), in UTC for timestamps.
    pub fn year(self) -> DateLookup<M, i32> {
        self.part(DatePart::Year)
    }

    /// The month, 1 to 12 (`month`).
    pub fn month(self) -> DateLookup<M, i32> {
        self.part(DatePart::Month)
    }

    /// The day of the month, 1 to 31 (`day`).
    pub fn day(self) -> DateLookup<M, i32> {
        self.part(DatePart::Day)
    }

    /// The day of the week, 1 (Sunday) to 7 (Saturday) (`week_day`).
    pub fn week_day(self) -> DateLookup<M, i32> {
        self.part(DatePart::WeekDay)
    }
}

impl<M, T: FieldType> Column<M, T>
where
    T::Inner: TimestampType,
{
    /// The hour in UTC, 0 to 23 (`hour`).
    pub fn hour(self) -> DateLookup<M, i32> {
        self.part(DatePart::Hour)
    }

    /// The minute, 0 to 59 (`minute`).
    pub fn minute(self) -> DateLookup<M, i32> {
        self.part(DatePart::Minute)
    }

    /// The calendar date in UTC (`date`).
    pub fn date(self) -> DateLookup<M, NaiveDate> {
        self.part(DatePart::Date)
    }
}
