//! Relations between models: their static description, typed handles, the
//! rows loaded with an instance, and what reads and changes them.

mod filters;
mod handles;
mod join_table;
mod load;
mod loaded;
mod meta;
mod path;
mod prefetch;
mod select_related;

pub use handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
pub use join_table::create_join_table;
pub use loaded::{Loaded, LoadedValue};
pub use meta::{OnDelete, RelationKind, RelationMeta, Through};
pub use path::{Cardinality, Many, One, Path, SingleValued};

pub(crate) use load::{all_with_related, push_select, RelatedLoads};
pub(crate) use select_related::{read_joined, JoinNode};

mod tmp_stub;
pub use tmp_stub::*;
