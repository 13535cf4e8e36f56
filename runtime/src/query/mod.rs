//! Typed queries: column handles, conditions, and the lazy [`QuerySet`].

mod column;
mod compile;
mod condition;
mod queryset;

pub use column::{Assignment, Column, FieldType, OrderBy, TextType};
pub use condition::Q;
pub use queryset::QuerySet;
