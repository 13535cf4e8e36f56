//! Typed queries: column handles, conditions, and the lazy [`QuerySet`].

mod column;
mod compile;
mod condition;
mod date;
mod queryset;

pub use column::{Assignment, Column, FieldType, OrderBy, TextType};
pub use condition::Q;
pub use date::{DateLookup, DateType, TimestampType};
pub use queryset::QuerySet;
