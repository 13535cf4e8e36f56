//! Array lookups on `ArrayField` columns (`Vec<T>`): `contains`,
//! `contained_by`, `overlap`, and `len()` followed by a comparison. The
//! elements given are of the array's element type.
//!
//! Text columns have a `contains` too; the two never meet, because these live
//! on `Column<M, Vec<T>>` and `Column<M, Option<Vec<T>>>` only.

use std::marker::PhantomData;

use pookie_dialect::ArrayTest;

use super::column::Column;
use super::compile::SqlBuilder;
use super::condition::{CmpOp, ColumnRef, Cond, Q};
use crate::fields::ArrayElement;
use crate::value::{IntoField, Param};

fn array_param<E: ArrayElement, V: IntoField<E>>(
    values: impl IntoIterator<Item = V>,
) -> Param<'static> {
    Param::Array(
        values
            .into_iter()
            .map(|value| value.into_field().element_param().into_owned())
            .collect(),
    )
}

/// The number of elements of an array column of model `M`, compared with a
/// number: `post::tags.len().gte(2)`.
pub struct ArrayLength<M> {
    column: ColumnRef,
    marker: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for ArrayLength<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "len({})", self.column.name)
    }
}

impl<M> ArrayLength<M> {
    fn compare(self, op: CmpOp, length: i64) -> Q<M> {
        Q::new(Cond::ArrayLength {
            column: self.column,
            op,
            value: Param::I64(length),
        })
    }

    /// Exactly `length` elements.
    pub fn eq(self, length: i64) -> Q<M> {
        self.compare(CmpOp::Eq, length)
    }

    /// Not `length` elements (a NULL column matches too).
    pub fn ne(self, length: i64) -> Q<M> {
        !self.eq(length)
    }

    /// More than `length` elements.
    pub fn gt(self, length: i64) -> Q<M> {
        self.compare(CmpOp::Gt, length)
    }

    /// At least `length` elements.
    pub fn gte(self, length: i64) -> Q<M> {
        self.compare(CmpOp::Gte, length)
    }

    /// Fewer than `length` elements.
    pub fn lt(self, length: i64) -> Q<M> {
        self.compare(CmpOp::Lt, length)
    }

    /// At most `length` elements.
    pub fn lte(self, length: i64) -> Q<M> {
        self.compare(CmpOp::Lte, length)
    }
}

macro_rules! array_column_lookups {
    ($ty:ty) => {
        impl<M, E: ArrayElement> Column<M, $ty> {
            fn array_test<V: IntoField<E>>(
                self,
                test: ArrayTest,
                values: impl IntoIterator<Item = V>,
            ) -> Q<M> {
                Q::new(Cond::Array {
                    column: self.column_ref(),
                    test,
                    value: array_param(values),
                })
            }

            /// Holds every one of `values` (PostgreSQL `@>`):
            /// `post::tags.contains(["rust", "orm"])`.
            pub fn contains<V: IntoField<E>>(self, values: impl IntoIterator<Item = V>) -> Q<M> {
                self.array_test(ArrayTest::Contains, values)
            }

            /// Holds nothing but elements of `values` (PostgreSQL `<@`); an
            /// empty array qualifies.
            pub fn contained_by<V: IntoField<E>>(
                self,
                values: impl IntoIterator<Item = V>,
            ) -> Q<M> {
                self.array_test(ArrayTest::ContainedBy, values)
            }

            /// Holds at least one of `values` (PostgreSQL `&&`).
            pub fn overlap<V: IntoField<E>>(self, values: impl IntoIterator<Item = V>) -> Q<M> {
                self.array_test(ArrayTest::Overlap, values)
            }

            /// The number of elements, for a comparison: `len().gte(2)`.
            pub fn len(self) -> ArrayLength<M> {
                ArrayLength {
                    column: self.column_ref(),
                    marker: PhantomData,
                }
            }
        }
    };
}

array_column_lookups!(Vec<E>);
array_column_lookups!(Option<Vec<E>>);

impl<'q> SqlBuilder<'q> {
    /// Writes an array test. A NULL array column matches no test, negated or
    /// not the same on both backends (SQLite's `json_each` of NULL is empty,
    /// which would make `contained_by` true).
    pub(crate) fn push_array_cond(
        &mut self,
        column: &ColumnRef,
        test: ArrayTest,
        value: &'q Param<'static>,
    ) {
        let mut column_sql = String::new();
        self.push_column_to(&mut column_sql, column);
        if column.nullable {
            self.push("(");
        }
        self.params.push(value.reborrow());
        let placeholder = self.params.len();
        self.dialect
            .push_array_test(&mut self.sql, &column_sql, test, placeholder);
        if column.nullable {
            self.push(" AND ");
            self.push(&column_sql);
            self.push(" IS NOT NULL)");
        }
    }

    /// Writes a comparison of an array column's length.
    pub(crate) fn push_array_length_cond(
        &mut self,
        column: &ColumnRef,
        op: CmpOp,
        value: &'q Param<'static>,
        negated: bool,
    ) {
        self.push_null_guarded(column, negated, |builder| {
            let mut column_sql = String::new();
            builder.push_column_to(&mut column_sql, column);
            builder
                .dialect
                .push_array_length(&mut builder.sql, &column_sql);
            builder.push(op.sql());
            builder.push_param(value.reborrow());
        });
    }
}
