//! Relations between models: their static description, typed handles, the
//! rows loaded with an instance, and what reads and changes them.

mod handles;
mod join_table;
mod loaded;
mod meta;

pub use handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
pub use join_table::create_join_table;
pub use loaded::{Loaded, LoadedValue};
pub use meta::{OnDelete, RelationKind, RelationMeta, Through};

mod tmp_stub;
pub use tmp_stub::*;
