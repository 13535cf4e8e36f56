//! Pookie: a schema-first ORM. Models are described in `.pookie` files, turned
//! into plain Rust at build time by `pookie-codegen`, and run on SQLite or
//! PostgreSQL by this crate.
//!
//! ```text
//! // schemas/blog.pookie
//! model Author {
//!     name  = CharField(max_length = 100)
//!     email = EmailField(unique = true)
//! }
//! ```
//!
//! ```ignore
//! // build.rs
//! fn main() -> Result<(), pookie_codegen::Error> {
//!     pookie_codegen::compile(&["schemas/blog.pookie"])
//! }
//! ```
//!
//! ```ignore
//! // src/main.rs
//! mod blog {
//!     pookie::include_models!("blog");
//! }
//! use blog::{author, Author, NewAuthor};
//!
//! let db = pookie::Db::connect("sqlite:///blog.sqlite3")?;
//! blog::create_tables(&db)?;
//! let grace = Author::objects().create(&db, NewAuthor::new().name("Grace").email("grace@example.com"))?;
//! let found = Author::objects().filter(author::name.icontains("grace")).all(&db)?;
//! ```
//!
//! Every value reaches the database as a bound parameter and every identifier
//! is quoted; the SQL that does not depend on the query (select lists, insert,
//! update and delete by primary key, create table) is computed at build time.
#![warn(missing_docs)]

#[cfg(feature = "async")]
mod async_db;
mod capture;
mod db;
pub mod dynamic;
mod error;
mod fields;
mod hooks;
pub mod migrate;
mod model;
pub mod ops;
mod query;
mod raw;
pub mod registry;
pub mod relations;
mod row;
pub mod utils;
pub mod validation;
mod value;

#[cfg(feature = "async")]
pub use async_db::{AsyncDb, AsyncInsert, AsyncModel, ModelStream};
pub use capture::{assert_num_queries, capture_queries, CapturedQueries};
pub use db::{ConnectOptions, Db, DbBuilder, FromValue, On, RawRow, ReplicaPolicy, SslMode, Value};
pub use error::{Error, Result};
pub use fields::{json_param, ArrayElement, Choice, InvalidChoice, Json};
#[doc(hidden)]
pub use hooks::select as __hooks;
pub use hooks::{HookFns, Hooks};
pub use migrate::migrate;
pub use model::{FieldMeta, Insert, Model, ModelMeta, ModelSql, OrderTerm, Unset};
pub use pookie_dialect::{Dialect, SqlType};
pub use query::ModelIter;
pub use query::{
    value, Abs, Arithmetic, AsExpr, Assignment, Avg, Case, Cast, CastTarget, Coalesce, Column,
    Concat, Count, CountAll, CountDistinct, DateLookup, DateType, Expr, FieldType, IntoExpr,
    KeysetPage, Length, Lower, Max, Min, Now, Numeric, OrderBy, Page, Paginator, Projection,
    QuerySet, Sum, TextType, TimestampType, Upper, ValuesQuery, F, Q,
};
pub use query::{
    Annotated, CumeDist, DenseRank, FirstValue, FrameBound, Lag, LastValue, Lead, Ntile,
    PercentRank, Rank, RowNumber, Window, WindowExpr, WindowFunction, WindowFunctionOf,
};
pub use query::{ArrayLength, JsonOrdered, JsonPath, JsonScalar, TextColumn};
pub use query::{
    Columns, ConflictKey, OnConflict, Partial, PartialIter, PartialQuerySet, UniqueKey,
};
pub use query::{Correlation, Cte, CteJoin, CteValues, Exists, OuterRef, Subquery, Tree};
pub use query::{
    DateExpr, ExtractDay, ExtractHour, ExtractMinute, ExtractMonth, ExtractWeekDay, ExtractYear,
    TimestampExpr, TruncDate,
};
pub use query::{SearchHeadline, SearchIndex, SearchQuery, SearchRank};
#[doc(hidden)]
pub use query::{SqlExprBox, SqlExprHandle, SumType, TextExpr};
pub use relations::{
    Cardinality, ForeignKey, Loaded, Many, ManyRelated, ManyToMany, OnDelete, One, Path,
    RelatedSet, RelationKind, RelationMeta, Reverse, ReverseOne, SingleValued, Through,
};
pub use row::{FromSql, Row};
pub use validation::{FieldError, Validate, ValidationError};
pub use value::{IntoArray, IntoField, Param, ToParam};

/// The `bigdecimal` crate (`DecimalField` of more than 28 digits).
pub use bigdecimal;
/// The `chrono` crate, re-exported so that generated code and users name the same version.
pub use chrono;
/// The `rust_decimal` crate (`DecimalField` of at most 28 digits).
pub use rust_decimal;
/// The `serde` crate, for the user types of `JSONField(schema = …)`.
pub use serde;
/// The `serde_json` crate (`JSONField`).
pub use serde_json;
/// The `uuid` crate (`UUIDField`), re-exported for the same reason.
pub use uuid;

/// What generated code needs and users do not.
#[doc(hidden)]
pub mod __private {
    pub use crate::fields::choice::{choice_from_postgres, choice_from_sqlite};
    pub use crate::query::{loaded_index, no_placeholder};
    pub use postgres::Row as PgRow;
    pub use rusqlite::types::ValueRef as SqliteValueRef;
}

/// Includes the Rust module that `pookie-codegen` generated for one schema file.
///
/// `pookie::include_models!("blog")` includes `$OUT_DIR/blog.rs`, the models of
/// `schemas/blog.pookie`. Include each schema file in a module of its own:
///
/// ```ignore
/// pub mod blog {
///     pookie::include_models!("blog");
/// }
/// ```
#[macro_export]
macro_rules! include_models {
    ($module:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $module, ".rs"));
    };
}

/// The migrations `pookie-codegen` embedded in the program at build time, as
/// a [`migrate::Migrations`].
///
/// `pookie::include_migrations!()` includes `$OUT_DIR/pookie_migrations.rs`
/// (written by the build script); `pookie::include_migrations!(backfill_slugs,
/// clear_slugs)` also registers those functions, by their names, for the
/// `RunRust` steps that name them (register a function whose name differs
/// from its step's with [`migrate::Migrations::function`]).
///
/// ```ignore
/// fn backfill_slugs(db: &pookie::Db) -> pookie::Result<()> {
///     db.execute("UPDATE post SET slug = lower(title)", &[])?;
///     Ok(())
/// }
///
/// let db = pookie::Db::connect("sqlite:///blog.sqlite3")?;
/// let applied = pookie::migrate(&db, &pookie::include_migrations!(backfill_slugs))?;
/// ```
///
/// Without functions the expansion is a constant expression:
/// `static MIGRATIONS: pookie::migrate::Migrations = pookie::include_migrations!();`.
#[macro_export]
macro_rules! include_migrations {
    () => {
        $crate::migrate::Migrations::embedded(include!(concat!(
            env!("OUT_DIR"),
            "/pookie_migrations.rs"
        )))
    };
    ($($function:ident),+ $(,)?) => {
        $crate::include_migrations!()$(.function(stringify!($function), $function))+
    };
}
