//! Relations between models: their static description, typed handles, the
//! rows loaded with an instance, and what reads and changes them.
//!
//! # Querying across relations
//!
//! The handles build conditions on the related rows, to any depth:
//!
//! ```ignore
//! // Books whose writer's publisher is Penguin.
//! Book::objects().filter(book::author.is(writer::publisher.is(publisher::name.eq("Penguin"))));
//! // Writers with a book over 300 pages, with only long books, with none.
//! Writer::objects().filter(writer::book_set.some(book::pages.gt(300)));
//! Writer::objects().filter(writer::book_set.every(book::pages.gt(300)));
//! Writer::objects().filter(writer::book_set.none(book::pages.gt(300)));
//! // Articles tagged `rust` (through the join table).
//! Article::objects().filter(article::tags.some(topic::name.eq("rust")));
//! // Ordered by the writer's publisher's name.
//! Book::objects().order_by([book::author.order(writer::publisher.order(publisher::name.asc()))]);
//! ```
//!
//! Each condition is a semi-join (`key IN (SELECT key FROM related WHERE …)`),
//! not a join: a row matching through several related rows is still one row,
//! so no `DISTINCT` is needed and `count` counts rows of the query set's model.
//! `every` and `none` hold for a row with no related row at all. Excluding
//! through a nullable foreign key keeps the rows whose key is NULL.
//!
//! [`QuerySet::select_related`](crate::QuerySet::select_related) and
//! [`QuerySet::prefetch_related`](crate::QuerySet::prefetch_related) load
//! related rows with the query's own, along a [`Path`].

mod access;
mod delete;
mod filters;
mod handles;
mod join_table;
mod load;
mod loaded;
mod many;
mod meta;
mod path;
mod prefetch;
mod related_set;
mod select_related;

pub use access::{
    fetch_related, fetch_related_optional, fetch_reverse_one, fetch_reverse_one_or_none,
};
pub use delete::Blocker;
pub(crate) use delete::{delete_checked, describe as describe_blockers};
pub(crate) use filters::some_of;
pub use handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
pub use join_table::create_join_table;
pub use loaded::{Loaded, LoadedValue};
pub use many::ManyRelated;
pub use meta::{OnDelete, RelationKind, RelationMeta, Through};
pub use path::{Cardinality, Many, One, Path, SingleValued};
pub use related_set::RelatedSet;

pub(crate) use load::{all_with_related, push_select, RelatedLoads};
pub(crate) use select_related::{read_joined, JoinNode};
