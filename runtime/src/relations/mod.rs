//! Relations between models: their static description, typed handles, the
//! rows loaded with an instance, and what reads and changes them.

mod handles;
mod loaded;
mod meta;

pub use handles::{ForeignKey, ManyToMany, Reverse, ReverseOne};
pub use loaded::{Loaded, LoadedValue};
pub use meta::{OnDelete, RelationKind, RelationMeta, Through};
