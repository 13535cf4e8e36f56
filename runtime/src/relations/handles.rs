//! Typed handles on relations, one `pub const` per relation in the generated
//! module of column handles (`post::author`, `author::posts`, `post::tags`).

use std::marker::PhantomData;

use crate::model::Model;

use super::meta::RelationMeta;

macro_rules! relation_handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<M, T> {
            relation: usize,
            marker: PhantomData<fn() -> (M, T)>,
        }

        impl<M, T> $name<M, T> {
            /// The handle on relation `relation` of `M` (its position in
            /// `M::META.relations`). Called by generated code.
            #[doc(hidden)]
            pub const fn new(relation: usize) -> Self {
                $name {
                    relation,
                    marker: PhantomData,
                }
            }

            /// The position of the relation in `M::META.relations`.
            pub const fn index(&self) -> usize {
                self.relation
            }
        }

        impl<M: Model, T> $name<M, T> {
            /// The relation's static description.
            pub fn meta(&self) -> &'static RelationMeta {
                &M::META.relations[self.relation]
            }
        }

        impl<M, T> Clone for $name<M, T> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<M, T> Copy for $name<M, T> {}

        impl<M: Model, T> std::fmt::Debug for $name<M, T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({}.{})", stringify!($name), M::META.name, self.meta().name)
            }
        }
    };
}

relation_handle!(
    /// A `ForeignKey` or `OneToOneField` of `M` to `T` (`post::author`).
    ForeignKey
);
relation_handle!(
    /// The reverse side of a `OneToOneField` of `T` to `M` (`author::profile`):
    /// at most one `T`.
    ReverseOne
);
relation_handle!(
    /// The reverse side of a `ForeignKey` of `T` to `M` (`author::posts`): any
    /// number of `T`.
    Reverse
);
relation_handle!(
    /// A `ManyToManyField` between `M` and `T`, from either side (`post::tags`,
    /// `tag::posts`).
    ManyToMany
);
