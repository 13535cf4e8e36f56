//! Typed queries: column handles, conditions, expressions, and the lazy [`QuerySet`].

mod annotate;
mod array;
mod bulk;
mod column;
pub(crate) mod compile;
mod condition;
mod cte;
mod date;
mod date_functions;
mod deferred;
mod explain;
mod expr;
mod functions;
mod iterator;
mod json;
mod paginator;
mod partial;
mod projection;
mod queryset;
mod returning;
mod search;
pub(crate) mod select;
mod subquery;
mod tree;
mod upsert;
mod window;
mod write;

pub use annotate::Annotated;
pub use array::ArrayLength;
pub use column::{Assignment, Column, FieldType, OrderBy, TextColumn, TextType};
pub(crate) use column::{OrderKey, RelatedOrder};
pub(crate) use condition::SemiJoin;
pub use condition::Q;
pub use cte::{Cte, CteJoin, CteValues};
pub use date::{DateLookup, DateType, TimestampType};
pub use date_functions::{
    DateExpr, ExtractDay, ExtractHour, ExtractMinute, ExtractMonth, ExtractWeekDay, ExtractYear,
    TimestampExpr, TruncDate,
};
pub use deferred::Partial;
#[doc(hidden)]
pub use deferred::{loaded_index, no_placeholder};
pub use expr::{value, Arithmetic, Expr, IntoExpr, Numeric, SqlExprHandle, F};
pub use functions::{
    Abs, AsExpr, Avg, Case, Cast, CastTarget, Coalesce, Concat, Count, CountAll, CountDistinct,
    Length, Lower, Max, Min, Now, Sum, SumType, TextExpr, Upper,
};
pub use iterator::ModelIter;
pub use json::{JsonOrdered, JsonPath, JsonScalar};
pub use paginator::{KeysetPage, Page, Paginator};
pub use partial::{Columns, PartialIter, PartialQuerySet};
pub(crate) use projection::column_names;
pub use projection::{Projection, SqlExprBox, ValuesQuery};
pub use queryset::QuerySet;
pub use search::{SearchHeadline, SearchIndex, SearchQuery, SearchRank};
pub use subquery::{Correlation, Exists, OuterRef, Subquery};
pub use tree::Tree;
pub use upsert::{ConflictKey, OnConflict, UniqueKey};
pub use window::{
    CumeDist, DenseRank, FirstValue, FrameBound, Lag, LastValue, Lead, Ntile, PercentRank, Rank,
    RowNumber, Window, WindowExpr, WindowFunction, WindowFunctionOf,
};

// The query internals that relations build their queries with.
pub(crate) use compile::{binds_keys_as_array, SqlBuilder};
pub(crate) use condition::{CmpOp, ColumnRef, Cond};
pub(crate) use expr::{AggFunc, SqlExpr};
pub(crate) use select::Source;
pub(crate) use select::{Select, SelectList, Values};
pub(crate) use write::pk_cond;
