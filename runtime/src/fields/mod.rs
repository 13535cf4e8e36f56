//! Field types beyond integers, floats, booleans, text, bytes and timestamps:
//! dates and times, UUIDs, exact decimals, JSON and arrays. Each module holds a
//! type's parameter and read conversions for both backends; `choice` holds
//! what the generated `choices` enums share.

pub(crate) mod array;
pub(crate) mod bind;
pub(crate) mod choice;
pub(crate) mod decimal_aggregates;
pub(crate) mod json;
pub(crate) mod numeric;
pub(crate) mod scalars;

pub use array::ArrayElement;
pub use choice::{Choice, InvalidChoice};
pub use json::{json_param, Json};
