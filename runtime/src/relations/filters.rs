//! Conditions and ordering across relations: `post::author.is(q)`,
//! `author::posts.some(q)`, `post::author.order(author::name.asc())`.
//!
//! Every condition compiles to a semi-join, `key IN (SELECT key FROM other
//! WHERE …)`, nested once per relation crossed. A semi-join keeps each row of
//! the query set once however many related rows match, so these filters never
//! need `DISTINCT` (Django's `filter(books__pages__gt = 300)` joins and can
//! repeat rows; here `writer::book_set.some(book::pages.gt(300))` cannot).

use crate::model::{Model, ModelMeta};
use crate::query::{ColumnRef, Cond, OrderBy, OrderKey, RelatedOrder, SemiJoin, Q};
use crate::value::Param;

use super::handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
use super::meta::RelationMeta;

/// True when `column` of `meta` accepts NULL.
fn column_nullable(meta: &ModelMeta, column: &str) -> bool {
    meta.fields
        .iter()
        .any(|field| field.column == column && field.null)
}

/// The relation's column on the model that has it.
fn own_column<M: Model>(relation: &RelationMeta) -> ColumnRef {
    own_column_of(&M::META, relation)
}

/// The relation's column on `meta`, the model that has it.
fn own_column_of(meta: &ModelMeta, relation: &RelationMeta) -> ColumnRef {
    let nullable = if relation.kind.is_forward() {
        relation.nullable
    } else {
        column_nullable(meta, relation.column)
    };
    ColumnRef {
        table: meta.table,
        name: relation.column,
        nullable,
    }
}

/// The column the relation matches on the other model.
fn target_column(relation: &RelationMeta) -> ColumnRef {
    let nullable = if relation.kind.is_forward() {
        column_nullable((relation.target)(), relation.target_column)
    } else {
        relation.nullable
    };
    ColumnRef {
        table: relation.target_table,
        name: relation.target_column,
        nullable,
    }
}

/// The rows of `M` related to some row of the other model passing `filter`
/// (any row when `None`).
fn some<M: Model>(relation: &'static RelationMeta, filter: Option<Cond>) -> Cond {
    some_of(&M::META, relation, filter)
}

/// [`some`] for a model known by its metadata (the dynamic query path's).
pub(crate) fn some_of(meta: &ModelMeta, relation: &RelationMeta, filter: Option<Cond>) -> Cond {
    let outer = own_column_of(meta, relation);
    let Some(through) = relation.through else {
        return Cond::Related(Box::new(SemiJoin {
            outer,
            table: relation.target_table,
            inner: target_column(relation),
            filter,
        }));
    };
    // Many-to-many: the join rows of this model's rows whose other end passes.
    let column = |name| ColumnRef {
        table: through.table,
        name,
        nullable: false,
    };
    let target_filter = filter.map(|filter| {
        Cond::Related(Box::new(SemiJoin {
            outer: column(through.target_column),
            table: relation.target_table,
            inner: target_column(relation),
            filter: Some(filter),
        }))
    });
    Cond::Related(Box::new(SemiJoin {
        outer,
        table: through.table,
        inner: column(through.source_column),
        filter: target_filter,
    }))
}

fn not(cond: Cond) -> Cond {
    match cond {
        Cond::Not(inner) => *inner,
        cond => Cond::Not(Box::new(cond)),
    }
}

impl<M: Model, T: Model> ForeignKey<M, T> {
    fn key_column(&self) -> ColumnRef {
        own_column::<M>(self.meta())
    }

    fn key_of(&self, target: &T) -> Param<'static> {
        target
            .column_param(self.meta().target_column_index)
            .into_owned()
    }

    /// Points at `target` (`post::author.eq(&grace)`): compares the key column
    /// with `target`'s referenced key, without reading the other table.
    pub fn eq(self, target: &T) -> Q<M> {
        Q::new(Cond::Compare {
            column: self.key_column(),
            op: crate::query::CmpOp::Eq,
            value: self.key_of(target),
        })
    }

    /// Points at one of `targets`. No targets matches no row.
    pub fn is_in<'t>(self, targets: impl IntoIterator<Item = &'t T>) -> Q<M> {
        let values = targets
            .into_iter()
            .map(|target| self.key_of(target))
            .collect();
        Q::new(Cond::In {
            column: self.key_column(),
            values,
        })
    }

    /// Points nowhere: the key is NULL (never true for a relation without
    /// `null = true`).
    pub fn is_null(self) -> Q<M> {
        Q::new(Cond::IsNull {
            column: self.key_column(),
        })
    }

    /// Points at a row: the key is not NULL.
    pub fn is_not_null(self) -> Q<M> {
        !self.is_null()
    }

    /// Points at a row passing `q` (`post::author.is(author::name.eq("Grace"))`).
    /// `q` may itself cross relations, to any depth. Under `exclude` or `!`,
    /// rows whose key is NULL are kept, as with a NULL column.
    pub fn is(self, q: Q<T>) -> Q<M> {
        Q::new(some::<M>(self.meta(), Some(q.cond)))
    }

    /// Orders by a key of the row pointed at (`book::author.order(writer::name.asc())`),
    /// which may itself go through a relation of `T`. Rows whose key is NULL
    /// sort as NULL does (first on SQLite, last on PostgreSQL, ascending).
    ///
    /// Ordering by an expression over `T` (rather than a column) reads `T`'s
    /// table under its own name, which a self-referential relation cannot do:
    /// order such a relation by a column.
    pub fn order(self, by: OrderBy<T>) -> OrderBy<M> {
        let meta = self.meta();
        let target = (meta.target)();
        OrderBy::new(
            OrderKey::Related(Box::new(RelatedOrder {
                column: meta.column,
                table: meta.target_table,
                target_column: meta.target_column,
                fields: target.fields,
                key: by.key,
            })),
            by.descending,
        )
    }
}

impl<M: Model, T: Model> ReverseOne<M, T> {
    /// Has a related row passing `q` (`author::profile.is(user_profile::verified.eq(true))`).
    pub fn is(self, q: Q<T>) -> Q<M> {
        Q::new(some::<M>(self.meta(), Some(q.cond)))
    }

    /// Has a related row.
    pub fn exists(self) -> Q<M> {
        Q::new(some::<M>(self.meta(), None))
    }
}

macro_rules! many_valued_filters {
    ($handle:ident) => {
        impl<M: Model, T: Model> $handle<M, T> {
            /// Has at least one related row passing `q`. A row with several
            /// such related rows is still selected once (a semi-join, not a
            /// join: no `DISTINCT` is needed).
            pub fn some(self, q: Q<T>) -> Q<M> {
                Q::new(some::<M>(self.meta(), Some(q.cond)))
            }

            /// Every related row passes `q`; true for a row with none (as
            /// Prisma's `every`). The related rows where a column `q` tests is
            /// NULL do not pass it.
            pub fn every(self, q: Q<T>) -> Q<M> {
                Q::new(not(some::<M>(self.meta(), Some(not(q.cond)))))
            }

            /// No related row passes `q`; true for a row with none.
            pub fn none(self, q: Q<T>) -> Q<M> {
                Q::new(not(some::<M>(self.meta(), Some(q.cond))))
            }

            /// Has at least one related row.
            pub fn exists(self) -> Q<M> {
                Q::new(some::<M>(self.meta(), None))
            }
        }
    };
}

many_valued_filters!(Reverse);
many_valued_filters!(ManyToMany);
