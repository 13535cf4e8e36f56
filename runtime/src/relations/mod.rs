//! Relations between models: their static description, typed handles, the
//! rows loaded with an instance, and what reads and changes them.

mod access;
mod delete;
mod handles;
mod join_table;
mod loaded;
mod many;
mod meta;
mod related_set;

pub use access::{fetch_related, fetch_related_optional, fetch_reverse_one};
pub use delete::Blocker;
pub(crate) use delete::{delete_checked, describe as describe_blockers};
pub use handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
pub use join_table::create_join_table;
pub use loaded::{Loaded, LoadedValue};
pub use many::ManyRelated;
pub use meta::{OnDelete, RelationKind, RelationMeta, Through};
pub use related_set::RelatedSet;
