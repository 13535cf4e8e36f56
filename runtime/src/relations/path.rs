//! Paths through relations (`book::author.then(writer::publisher)`), for
//! [`QuerySet::select_related`](crate::QuerySet::select_related) and
//! [`QuerySet::prefetch_related`](crate::QuerySet::prefetch_related).

use std::any::Any;
use std::marker::PhantomData;

use crate::error::{Error, Result};
use crate::model::{Model, ModelMeta};
use crate::row::Row;

use super::handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
use super::meta::RelationMeta;
use super::prefetch::{prefetch_step, PrefetchNode, Prefetcher};
use super::select_related::{join_step, JoinNode};

/// A path that reaches at most one row from each row it starts at (forward
/// foreign keys and one-to-one relations, either way).
#[derive(Debug, Clone, Copy)]
pub struct One;

/// A path that may reach any number of rows (a reverse foreign key or a
/// many-to-many relation somewhere along it).
#[derive(Debug, Clone, Copy)]
pub struct Many;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::One {}
    impl Sealed for super::Many {}
}

/// How many rows a path reaches: [`One`] or [`Many`]. A path is [`One`] when
/// every relation along it is.
pub trait Cardinality: sealed::Sealed {
    /// The cardinality of this path followed by a path of cardinality `K`.
    type Then<K: Cardinality>: Cardinality;
}

impl Cardinality for One {
    type Then<K: Cardinality> = K;
}

impl Cardinality for Many {
    type Then<K: Cardinality> = Many;
}

/// What one row of a joined query does: builds the related row from its
/// columns and stores it in the parent's [`Loaded`](super::Loaded).
pub(crate) type JoinFn = fn(&mut dyn Any, &Row<'_>, &JoinNode) -> Result<()>;

/// What one prefetch step does: loads the related rows of a `Vec` of parents
/// and stores them in each parent's [`Loaded`](super::Loaded).
pub(crate) type PrefetchFn = fn(&mut dyn Any, &PrefetchNode, &mut Prefetcher<'_>) -> Result<()>;

/// One relation crossed by a path, with its behaviour monomorphized from the
/// typed handle (the types are gone once paths of different models are kept
/// together).
#[derive(Clone, Copy)]
pub(crate) struct Step {
    /// The model the relation belongs to.
    pub(crate) source: &'static ModelMeta,
    /// Its position in `source.relations` (the slot in `Loaded`).
    pub(crate) relation: usize,
    /// `None` for a many-valued relation, which a join cannot load.
    pub(crate) join: Option<JoinFn>,
    pub(crate) prefetch: PrefetchFn,
}

impl Step {
    fn new<A: Model, B: Model>(relation: usize) -> Step {
        let single = A::META.relations[relation].kind.is_single();
        Step {
            source: &A::META,
            relation,
            join: single.then_some(join_step::<A, B> as JoinFn),
            prefetch: prefetch_step::<A, B>,
        }
    }

    pub(crate) fn meta(&self) -> &'static RelationMeta {
        &self.source.relations[self.relation]
    }

    /// The relation's description, for messages: `Book.author`.
    pub(crate) fn describe(&self) -> String {
        format!("{}.{}", self.source.name, self.meta().name)
    }
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The model `T` behind a type-erased value, or an error naming what was
/// expected (a step handed the rows of another model: a bug, not a panic).
pub(crate) fn downcast<T: Model>(value: &mut dyn Any) -> Result<&mut T> {
    value
        .downcast_mut::<T>()
        .ok_or_else(|| mismatch(T::META.name))
}

pub(crate) fn mismatch(model: &str) -> Error {
    Error::usage(format!(
        "a relation path step expected rows of `{model}` and was given others"
    ))
}

/// A path of relations from model `M` to model `E`; `K` ([`One`] or [`Many`])
/// says how many `E` it reaches from one `M`.
///
/// Every relation handle is a path of one step; `then` extends one:
/// `book::author.then(writer::publisher)` (a `Path<Book, One, Publisher>`),
/// `publisher::writer_set.then(writer::book_set)` (a `Path<Publisher, Many, Book>`).
/// [`QuerySet::select_related`](crate::QuerySet::select_related) takes only
/// paths of [`One`]: a path through a many-valued relation there is a type error.
pub struct Path<M, K, E> {
    pub(crate) steps: Vec<Step>,
    marker: PathMarker<M, K, E>,
}

type PathMarker<M, K, E> = PhantomData<fn() -> (M, K, E)>;

impl<M, K, E> Clone for Path<M, K, E> {
    fn clone(&self) -> Self {
        Path {
            steps: self.steps.clone(),
            marker: PhantomData,
        }
    }
}

impl<M, K, E> std::fmt::Debug for Path<M, K, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.steps).finish()
    }
}

impl<M: Model, K: Cardinality, E: Model> Path<M, K, E> {
    fn single(step: Step) -> Self {
        Path {
            steps: vec![step],
            marker: PhantomData,
        }
    }

    /// This path followed by `next`, a path from its end model.
    pub fn then<K2: Cardinality, E2>(
        self,
        next: impl Into<Path<E, K2, E2>>,
    ) -> Path<M, K::Then<K2>, E2> {
        let mut steps = self.steps;
        steps.extend(next.into().steps);
        Path {
            steps,
            marker: PhantomData,
        }
    }
}

/// A path [`QuerySet::select_related`](crate::QuerySet::select_related)
/// accepts: one that reaches at most one row (every relation along it
/// single-valued). Implemented for every such path and relation handle.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may reach many rows: select_related follows single-valued paths only",
    label = "a reverse foreign key or a many-to-many relation is on this path",
    note = "load many-valued relations with prefetch_related"
)]
pub trait SingleValued<M, E> {
    /// The path.
    fn into_path(self) -> Path<M, One, E>;
}

impl<M, E> SingleValued<M, E> for Path<M, One, E> {
    fn into_path(self) -> Path<M, One, E> {
        self
    }
}

impl<M: Model, T: Model> SingleValued<M, T> for ForeignKey<M, T> {
    fn into_path(self) -> Path<M, One, T> {
        self.into()
    }
}

impl<M: Model, T: Model> SingleValued<M, T> for ReverseOne<M, T> {
    fn into_path(self) -> Path<M, One, T> {
        self.into()
    }
}

macro_rules! handle_path {
    ($handle:ident, $cardinality:ident) => {
        impl<M: Model, T: Model> From<$handle<M, T>> for Path<M, $cardinality, T> {
            fn from(handle: $handle<M, T>) -> Self {
                Path::single(Step::new::<M, T>(handle.index()))
            }
        }

        impl<M: Model, T: Model> $handle<M, T> {
            /// The path through this relation, then `next` (a path from `T`).
            pub fn then<K2: Cardinality, E2>(
                self,
                next: impl Into<Path<T, K2, E2>>,
            ) -> Path<M, <$cardinality as Cardinality>::Then<K2>, E2> {
                Path::<M, $cardinality, T>::from(self).then(next)
            }
        }
    };
}

handle_path!(ForeignKey, One);
handle_path!(ReverseOne, One);
handle_path!(Reverse, Many);
handle_path!(ManyToMany, Many);
