//! Values on their way into the database: [`Param`], the one parameter type
//! both drivers bind without copying, and the conversions into it.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// A value bound to a statement parameter.
///
/// Generated code binds a model's fields as borrowed `Param`s (no copy); query
/// sets keep owned ones (`Param<'static>`) in their filters.
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    /// SQL NULL.
    Null,
    /// A boolean (0/1 on SQLite).
    Bool(bool),
    /// A 16-bit integer.
    I16(i16),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A double-precision float.
    F64(f64),
    /// Text.
    Text(Cow<'a, str>),
    /// Bytes.
    Bytes(Cow<'a, [u8]>),
    /// A point in time (fixed-width ISO-8601 text on SQLite, so that it sorts).
    DateTime(DateTime<Utc>),
    /// A calendar date (`YYYY-MM-DD` text on SQLite).
    Date(NaiveDate),
    /// A time of day (`HH:MM:SS.ffffff` text on SQLite).
    Time(NaiveTime),
    /// A UUID (lowercase hyphenated text on SQLite).
    Uuid(uuid::Uuid),
    /// An exact decimal, as plain decimal text (`-12.50`): TEXT on SQLite,
    /// NUMERIC on PostgreSQL.
    Decimal(Cow<'a, str>),
    /// A JSON document, as its serialized text: TEXT on SQLite, JSONB (or JSON)
    /// on PostgreSQL.
    Json(Cow<'a, str>),
    /// A list of values: JSON text on SQLite, a native array on PostgreSQL.
    Array(Vec<Param<'a>>),
    /// A value that could not be turned into a parameter; binding it fails with
    /// this message (a JSON value whose `Serialize` failed, for instance).
    Invalid(String),
}

impl Param<'_> {
    /// A `Param` borrowing from this one (no copy of text or bytes).
    pub fn reborrow(&self) -> Param<'_> {
        match self {
            Param::Null => Param::Null,
            Param::Bool(v) => Param::Bool(*v),
            Param::I16(v) => Param::I16(*v),
            Param::I32(v) => Param::I32(*v),
            Param::I64(v) => Param::I64(*v),
            Param::F64(v) => Param::F64(*v),
            Param::Text(v) => Param::Text(Cow::Borrowed(v)),
            Param::Bytes(v) => Param::Bytes(Cow::Borrowed(v)),
            Param::DateTime(v) => Param::DateTime(*v),
            Param::Date(v) => Param::Date(*v),
            Param::Time(v) => Param::Time(*v),
            Param::Uuid(v) => Param::Uuid(*v),
            Param::Decimal(v) => Param::Decimal(Cow::Borrowed(v)),
            Param::Json(v) => Param::Json(Cow::Borrowed(v)),
            Param::Array(v) => Param::Array(v.iter().map(Param::reborrow).collect()),
            Param::Invalid(v) => Param::Invalid(v.clone()),
        }
    }

    /// The parameter with every borrowed text or byte string copied.
    pub fn into_owned(self) -> Param<'static> {
        match self {
            Param::Null => Param::Null,
            Param::Bool(v) => Param::Bool(v),
            Param::I16(v) => Param::I16(v),
            Param::I32(v) => Param::I32(v),
            Param::I64(v) => Param::I64(v),
            Param::F64(v) => Param::F64(v),
            Param::Text(v) => Param::Text(Cow::Owned(v.into_owned())),
            Param::Bytes(v) => Param::Bytes(Cow::Owned(v.into_owned())),
            Param::DateTime(v) => Param::DateTime(v),
            Param::Date(v) => Param::Date(v),
            Param::Time(v) => Param::Time(v),
            Param::Uuid(v) => Param::Uuid(v),
            Param::Decimal(v) => Param::Decimal(Cow::Owned(v.into_owned())),
            Param::Json(v) => Param::Json(Cow::Owned(v.into_owned())),
            Param::Array(v) => Param::Array(v.into_iter().map(Param::into_owned).collect()),
            Param::Invalid(v) => Param::Invalid(v),
        }
    }
}

impl std::fmt::Display for Param<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Param::Null => f.write_str("NULL"),
            Param::Bool(v) => write!(f, "{v}"),
            Param::I16(v) => write!(f, "{v}"),
            Param::I32(v) => write!(f, "{v}"),
            Param::I64(v) => write!(f, "{v}"),
            Param::F64(v) => write!(f, "{v}"),
            Param::Text(v) => write!(f, "{v:?}"),
            Param::Bytes(v) => write!(f, "<{} bytes>", v.len()),
            Param::DateTime(v) => write!(f, "{}", v.to_rfc3339()),
            Param::Date(v) => write!(f, "{v}"),
            Param::Time(v) => write!(f, "{v}"),
            Param::Uuid(v) => write!(f, "{v}"),
            Param::Decimal(v) => f.write_str(v),
            Param::Json(v) => f.write_str(v),
            Param::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Param::Invalid(message) => write!(f, "<invalid: {message}>"),
        }
    }
}

/// Formats a timestamp as SQLite stores it: ISO-8601 in UTC with exactly six
/// fractional digits, so that text order is time order (for the years 0000 to
/// 9999; see [`crate::fields`]).
pub(crate) fn sqlite_timestamp(value: &DateTime<Utc>) -> String {
    value.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Borrows a Rust value as a [`Param`].
pub trait ToParam {
    /// The parameter, borrowing text and bytes from `self`.
    fn to_param(&self) -> Param<'_>;
}

macro_rules! to_param_by_value {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl ToParam for $ty {
            #[inline]
            fn to_param(&self) -> Param<'_> {
                Param::$variant(*self)
            }
        }
        impl From<$ty> for Param<'static> {
            #[inline]
            fn from(value: $ty) -> Self {
                Param::$variant(value)
            }
        }
    )*};
}

to_param_by_value!(
    bool => Bool,
    i16 => I16,
    i32 => I32,
    i64 => I64,
    f64 => F64,
    DateTime<Utc> => DateTime,
    NaiveDate => Date,
    NaiveTime => Time,
    uuid::Uuid => Uuid,
);

impl ToParam for String {
    #[inline]
    fn to_param(&self) -> Param<'_> {
        Param::Text(Cow::Borrowed(self))
    }
}

impl ToParam for str {
    #[inline]
    fn to_param(&self) -> Param<'_> {
        Param::Text(Cow::Borrowed(self))
    }
}

impl ToParam for Vec<u8> {
    #[inline]
    fn to_param(&self) -> Param<'_> {
        Param::Bytes(Cow::Borrowed(self))
    }
}

impl<T: ToParam> ToParam for Option<T> {
    #[inline]
    fn to_param(&self) -> Param<'_> {
        match self {
            Some(value) => value.to_param(),
            None => Param::Null,
        }
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    #[inline]
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}

impl From<String> for Param<'static> {
    fn from(value: String) -> Self {
        Param::Text(Cow::Owned(value))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Param::Text(Cow::Borrowed(value))
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(value: &'a [u8]) -> Self {
        Param::Bytes(Cow::Borrowed(value))
    }
}

impl From<Vec<u8>> for Param<'static> {
    fn from(value: Vec<u8>) -> Self {
        Param::Bytes(Cow::Owned(value))
    }
}

impl<T: Into<Param<'static>>> From<Option<T>> for Param<'static> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => value.into(),
            None => Param::Null,
        }
    }
}

/// Converts what a user passes (`"Grace"`, `42`, `None`) into a field's type.
///
/// It lets setters and lookups accept `&str` for a `String` field and a bare
/// value for an `Option` field, while a value of the wrong type stays a compile
/// error.
///
/// ```
/// use pookie::IntoField;
/// let name: String = "Grace".into_field();
/// let bio: Option<String> = "Writes ORMs".into_field();
/// let none: Option<String> = None.into_field();
/// assert_eq!((name.as_str(), bio.as_deref(), none), ("Grace", Some("Writes ORMs"), None));
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be used as a value of type `{T}`",
    label = "expected a value of type `{T}` here"
)]
pub trait IntoField<T> {
    /// The value as the field's type.
    fn into_field(self) -> T;
}

impl<T> IntoField<T> for T {
    #[inline]
    fn into_field(self) -> T {
        self
    }
}

impl<T> IntoField<Option<T>> for T {
    #[inline]
    fn into_field(self) -> Option<T> {
        Some(self)
    }
}

impl IntoField<String> for &str {
    #[inline]
    fn into_field(self) -> String {
        self.to_owned()
    }
}

impl IntoField<String> for &String {
    #[inline]
    fn into_field(self) -> String {
        self.clone()
    }
}

impl IntoField<String> for &&str {
    #[inline]
    fn into_field(self) -> String {
        (*self).to_owned()
    }
}

/// What the insert-form setter of an `ArrayField` takes: anything that
/// iterates over values of the element type, or over what converts into
/// them (`["rust", "orm"]`, `&tags[..]`, `names.iter().map(String::as_str)`).
///
/// ```
/// use pookie::IntoArray;
/// let tags: Vec<String> = ["rust", "orm"].into_array();
/// let upper: Vec<String> = tags.iter().map(|t| t.to_uppercase()).into_array();
/// let scores: Vec<i64> = (1..=3).into_array();
/// assert_eq!((tags.len(), upper[1].as_str(), scores), (2, "ORM", vec![1, 2, 3]));
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be used as a list of `{E}`",
    label = "expected an array, slice, vector or iterator of `{E}` (or of what converts into it)"
)]
pub trait IntoArray<E> {
    /// The values, as the field's vector.
    fn into_array(self) -> Vec<E>;
}

impl<E, I> IntoArray<E> for I
where
    I: IntoIterator,
    I::Item: IntoField<E>,
{
    #[inline]
    fn into_array(self) -> Vec<E> {
        self.into_iter().map(IntoField::into_field).collect()
    }
}

impl IntoField<Option<String>> for &str {
    #[inline]
    fn into_field(self) -> Option<String> {
        Some(self.to_owned())
    }
}

// An ArrayField (and a BinaryField) takes arrays and slices of its element
// as well as a vector, and a text array takes them of `&str` too, as its
// lookups do: `.tags(["rust", "orm"])`. A nullable one takes the same, as
// `Some`. (A `Vec<&str>` is not taken, so that `vec!["a".into()]` still infers.)
macro_rules! into_array {
    ($($source:ty => $target:ty, |$value:ident| $convert:expr, [$($generics:tt)*];)*) => {$(
        impl<$($generics)*> IntoField<Vec<$target>> for $source {
            #[inline]
            fn into_field(self) -> Vec<$target> {
                let $value = self;
                $convert
            }
        }
        impl<$($generics)*> IntoField<Option<Vec<$target>>> for $source {
            #[inline]
            fn into_field(self) -> Option<Vec<$target>> {
                let $value = self;
                Some($convert)
            }
        }
    )*};
}

into_array! {
    [T; N] => T, |value| value.into(), [T, const N: usize];
    &[T] => T, |value| value.to_vec(), [T: Clone];
    [&str; N] => String, |value| value.iter().map(|s| (*s).to_owned()).collect(), [const N: usize];
    &[&str] => String, |value| value.iter().map(|s| (*s).to_owned()).collect(), [];
}
