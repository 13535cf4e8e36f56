//! Validation: `full_clean` checks a model instance (or an insert form) before
//! it is written: every field's built-in checks, then the model's own
//! [`Hooks::clean`](crate::Hooks::clean), then uniqueness against the database.
//! `save` and `create` run it first and write nothing when it fails.
//!
//! Nullability and `choices` need no check at run time: a field that is not
//! `null = true` has a non-`Option` Rust type, and a `choices` field has the
//! generated enum as its type.
//!
//! The check functions below are what generated code calls; they are public so
//! that users can call them from their own `clean`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Model, ModelMeta};
use crate::value::Param;

/// One failed check: the field it concerns (`None` for a check of the whole
/// model, such as a `clean` rule or a `unique_together` set) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field name as written in the schema, or `None` for the whole model.
    pub field: Option<Cow<'static, str>>,
    /// What is wrong, as a sentence without a final period.
    pub message: String,
}

/// Every check that failed for one instance: PookieDB's `ValidationError`.
/// Inside [`Error::Validation`].
///
/// ```
/// use pookie::ValidationError;
/// let error = ValidationError::for_field("end", "must be after start");
/// assert_eq!(error.field(), Some("end"));
/// assert_eq!(error.to_string(), "validation failed: end: must be after start");
/// let error: pookie::Error = error.into();
/// assert!(error.validation().is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationError {
    model: Option<&'static str>,
    errors: Vec<FieldError>,
}

impl ValidationError {
    /// No error yet; add some with [`add`](Self::add).
    pub fn empty() -> Self {
        ValidationError::default()
    }

    /// An error about the whole model, for a `clean` rule that concerns several fields.
    pub fn new(message: impl Into<String>) -> Self {
        let mut error = ValidationError::empty();
        error.add(None::<&'static str>, message);
        error
    }

    /// An error about one field.
    pub fn for_field(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        let mut error = ValidationError::empty();
        error.add(Some(field), message);
        error
    }

    /// Adds an error (`field` `None` for the whole model).
    pub fn add<F: Into<Cow<'static, str>>>(
        &mut self,
        field: Option<F>,
        message: impl Into<String>,
    ) {
        self.errors.push(FieldError {
            field: field.map(Into::into),
            message: message.into(),
        });
    }

    /// The same error with one more field error.
    pub fn and(mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        self.add(Some(field), message);
        self
    }

    /// The failing field when every error concerns the same single field
    /// (PookieDB's `.field`); `None` when several fields or the whole model failed.
    pub fn field(&self) -> Option<&str> {
        let first = self.errors.first()?.field.as_deref()?;
        self.errors
            .iter()
            .all(|e| e.field.as_deref() == Some(first))
            .then_some(first)
    }

    /// Every error, fields in declaration order, then `clean`'s, then uniqueness.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The messages about `field`.
    pub fn messages_for<'e>(&'e self, field: &'e str) -> impl Iterator<Item = &'e str> + 'e {
        self.errors
            .iter()
            .filter(move |e| e.field.as_deref() == Some(field))
            .map(|e| e.message.as_str())
    }

    /// Whether `field` has an error.
    pub fn has_field(&self, field: &str) -> bool {
        self.messages_for(field).next().is_some()
    }

    /// True when no check failed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` when nothing failed, else this error, naming the model `M`.
    pub(crate) fn into_result<M: Model>(mut self) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        self.model = Some(M::META.name);
        Err(Error::Validation(self))
    }

    /// The model whose instance failed, when known.
    pub fn model(&self) -> Option<&'static str> {
        self.model
    }

    fn extend(&mut self, other: ValidationError) {
        self.errors.extend(other.errors);
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.model {
            Some(model) => write!(f, "validation failed for {model}: ")?,
            None => f.write_str("validation failed: ")?,
        }
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match &error.field {
                Some(field) => write!(f, "{field}: {}", error.message)?,
                None => f.write_str(&error.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Validation(error)
    }
}

/// A set of columns whose values must be unique together (`unique = true`,
/// `unique_together`, a unique `Index`), with the statements that look for
/// another row holding the same values. Computed at build time.
#[derive(Debug)]
pub struct UniqueSet {
    /// The field names, as written in the schema.
    pub fields: &'static [&'static str],
    /// `SELECT 1 … WHERE <each column> = ? LIMIT 1`, per dialect.
    pub exists: [&'static str; 2],
    /// The same, excluding the row with the instance's primary key (last parameter), per dialect.
    pub exists_other: [&'static str; 2],
}

/// The checks of a model, generated from its schema. [`Model`] requires it.
pub trait Validate {
    /// The unique sets of the model.
    const UNIQUE: &'static [UniqueSet];
    /// Runs every field's built-in checks, adding what fails to `errors`.
    fn clean_fields(&self, errors: &mut ValidationError);
    /// Appends the values of the unique set `set`, in the order of its fields.
    fn push_unique_params<'a>(&'a self, set: usize, out: &mut Vec<Param<'a>>);
}

/// Runs every check of `object`: the fields' checks, the model's `clean`, then
/// uniqueness against its database (skipping sets with a field already in
/// error). `adding` is true for an instance not yet in the database; otherwise
/// its own row does not count as a duplicate.
pub fn full_clean<M: Model>(object: &M, db: &Db, adding: bool) -> Result<()> {
    let mut errors = ValidationError::empty();
    object.clean_fields(&mut errors);
    match (M::hooks().clean)(object) {
        Ok(()) => {}
        Err(Error::Validation(more)) => errors.extend(more),
        Err(other) => return Err(other),
    }
    check_unique(object, db, adding, &mut errors)?;
    errors.into_result::<M>()
}

/// Checks the unique sets of `object` against its database only (PookieDB's
/// `validate_unique`).
pub fn validate_unique<M: Model>(object: &M, db: &Db, adding: bool) -> Result<()> {
    let mut errors = ValidationError::empty();
    check_unique(object, db, adding, &mut errors)?;
    if errors.is_empty() {
        Ok(())
    } else {
        errors.model = Some(M::META.name);
        Err(Error::Validation(errors))
    }
}

fn check_unique<M: Model>(
    object: &M,
    db: &Db,
    adding: bool,
    errors: &mut ValidationError,
) -> Result<()> {
    if M::UNIQUE.is_empty() {
        return Ok(());
    }
    let mut connection = db.connection(M::META.db_alias)?;
    for lookup in unique_lookups(object, connection.dialect(), adding) {
        if lookup.is_settled(errors) {
            continue;
        }
        if connection
            .query_first(lookup.sql, &lookup.params, |_| Ok(()))?
            .is_some()
        {
            lookup.taken(errors);
        }
    }
    Ok(())
}

/// One unique set of an instance to look for in the database.
pub(crate) struct UniqueLookup<'a, M> {
    set: usize,
    /// `SELECT 1 … LIMIT 1`: a row means the values are taken.
    pub(crate) sql: &'static str,
    pub(crate) params: Vec<Param<'a>>,
    model: std::marker::PhantomData<fn() -> M>,
}

impl<M: Model> UniqueLookup<'_, M> {
    /// True when a field of the set is in error already: no need to look.
    pub(crate) fn is_settled(&self, errors: &ValidationError) -> bool {
        M::UNIQUE[self.set]
            .fields
            .iter()
            .any(|field| errors.has_field(field))
    }

    /// Records that another row holds the set's values.
    pub(crate) fn taken(&self, errors: &mut ValidationError) {
        let fields = M::UNIQUE[self.set].fields;
        let message = unique_message(&M::META, fields);
        match fields {
            [field] => errors.add(Some(*field), message),
            _ => errors.add(None::<&'static str>, message),
        }
    }
}

/// The unique sets of `object` to look up, in order; a set holding a NULL
/// is left out (SQL's UNIQUE lets any number of rows hold NULL). Unless
/// `adding`, its own row does not count.
pub(crate) fn unique_lookups<M: Model>(
    object: &M,
    dialect: crate::Dialect,
    adding: bool,
) -> Vec<UniqueLookup<'_, M>> {
    let mut lookups = Vec::new();
    for (index, set) in M::UNIQUE.iter().enumerate() {
        let mut params = Vec::new();
        object.push_unique_params(index, &mut params);
        if params.contains(&Param::Null) {
            continue;
        }
        let sql = if adding {
            set.exists[dialect.index()]
        } else {
            object.push_pk_params(&mut params);
            set.exists_other[dialect.index()]
        };
        lookups.push(UniqueLookup {
            set: index,
            sql,
            params,
            model: std::marker::PhantomData,
        });
    }
    lookups
}

/// PookieDB's message for a taken unique set, in verbose names:
/// `Blog post with this Title and Author already exists`.
fn unique_message(meta: &ModelMeta, fields: &[&str]) -> String {
    let labels: Vec<String> = fields
        .iter()
        .map(|field| capitalize_first(meta.verbose_name_of(field)))
        .collect();
    format!(
        "{} with this {} already exists",
        capitalize_first(meta.verbose_name),
        labels.join(" and ")
    )
}

/// `text` with its first character in upper case (PookieDB's `capfirst`).
fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Adds `message` about `field` to `errors`.
fn fail(errors: &mut ValidationError, field: &'static str, message: String) {
    errors.add(Some(field), message);
}

/// `blank = false`: the value must not be empty.
pub fn not_blank(errors: &mut ValidationError, field: &'static str, is_empty: bool) {
    if is_empty {
        fail(errors, field, "this field cannot be blank".into());
    }
}

/// At most `max` characters.
pub fn max_length(errors: &mut ValidationError, field: &'static str, value: &str, max: usize) {
    let length = value.chars().count();
    if length > max {
        fail(
            errors,
            field,
            format!("ensure this value has at most {max} characters (it has {length})"),
        );
    }
}

/// At least `min` characters.
pub fn min_length(errors: &mut ValidationError, field: &'static str, value: &str, min: usize) {
    let length = value.chars().count();
    if length < min {
        fail(
            errors,
            field,
            format!("ensure this value has at least {min} characters (it has {length})"),
        );
    }
}

/// Whether `value` looks like `user@domain.tld`: one `@`, a non-empty user part,
/// a domain of at least two non-empty dot-separated labels, no whitespace.
///
/// ```
/// use pookie::validation::is_email;
/// assert!(is_email("grace@example.com"));
/// assert!(!is_email("grace@localhost"));
/// assert!(!is_email("not an email"));
/// ```
pub fn is_email(value: &str) -> bool {
    let Some((user, domain)) = value.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// EmailField: `user@domain.tld`.
pub fn email(errors: &mut ValidationError, field: &'static str, value: &str) {
    if !is_email(value) {
        fail(errors, field, "enter a valid email address".into());
    }
}

/// URLField: starts with `http://` or `https://`, followed by a host.
pub fn url(errors: &mut ValidationError, field: &'static str, value: &str) {
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"));
    let valid = rest.is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && !value.chars().any(char::is_whitespace)
    });
    if !valid {
        fail(
            errors,
            field,
            "enter a valid URL starting with http:// or https://".into(),
        );
    }
}

/// SlugField: only letters, digits, `-` and `_` (ASCII).
pub fn slug(errors: &mut ValidationError, field: &'static str, value: &str) {
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        fail(
            errors,
            field,
            "enter a valid slug: letters, digits, underscores or hyphens".into(),
        );
    }
}

/// A bound of `min_value` / `max_value`, as written in the schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// An integer bound.
    Int(i64),
    /// A decimal bound.
    Float(f64),
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Int(v) => write!(f, "{v}"),
            Limit::Float(v) => write!(f, "{v}"),
        }
    }
}

/// A number that can be compared with a [`Limit`].
pub trait Bounded {
    /// How `self` compares with `limit`; `None` when they cannot be compared (NaN).
    fn compare(&self, limit: Limit) -> Option<Ordering>;
}

macro_rules! bounded_int {
    ($($ty:ty),*) => {$(
        impl Bounded for $ty {
            fn compare(&self, limit: Limit) -> Option<Ordering> {
                match limit {
                    Limit::Int(limit) => Some(i64::from(*self).cmp(&limit)),
                    Limit::Float(limit) => (*self as f64).partial_cmp(&limit),
                }
            }
        }
    )*};
}

bounded_int!(i16, i32, i64);

impl Bounded for f64 {
    fn compare(&self, limit: Limit) -> Option<Ordering> {
        match limit {
            Limit::Int(limit) => self.partial_cmp(&(limit as f64)),
            Limit::Float(limit) => self.partial_cmp(&limit),
        }
    }
}

macro_rules! bounded_decimal {
    ($($ty:ty),*) => {$(
        impl Bounded for $ty {
            fn compare(&self, limit: Limit) -> Option<Ordering> {
                // The bound's shortest text is the number as written in the schema.
                let limit: $ty = limit.to_string().parse().ok()?;
                self.partial_cmp(&limit)
            }
        }
    )*};
}

bounded_decimal!(rust_decimal::Decimal, bigdecimal::BigDecimal);

/// A decimal whose digits [`decimal_digits`] counts.
pub trait DecimalDigits {
    /// The digits of the unscaled integer (no sign) and the scale: `-12.50`
    /// is `("1250", 2)`; a negative scale multiplies by a power of ten.
    fn unscaled(&self) -> (String, i64);
}

impl DecimalDigits for rust_decimal::Decimal {
    fn unscaled(&self) -> (String, i64) {
        (
            self.mantissa().unsigned_abs().to_string(),
            i64::from(self.scale()),
        )
    }
}

impl DecimalDigits for bigdecimal::BigDecimal {
    fn unscaled(&self) -> (String, i64) {
        let (integer, scale) = self.as_bigint_and_exponent();
        let digits = integer.to_string();
        (digits.trim_start_matches('-').to_owned(), scale)
    }
}

/// DecimalField: at most `max_digits` digits in all, at most `decimal_places`
/// of them after the point (PookieDB's `DecimalValidator`). Trailing zeros
/// after the point do not count (`1.230` fits two places), so every value
/// that passes is stored exactly by both backends: PostgreSQL would round
/// extra places and refuse extra whole digits, SQLite would keep them.
///
/// ```
/// use pookie::validation::decimal_digits;
/// use pookie::ValidationError;
/// let check = |text: &str| {
///     let mut errors = ValidationError::empty();
///     let value: pookie::rust_decimal::Decimal = text.parse().unwrap();
///     decimal_digits(&mut errors, "price", &value, 10, 2);
///     if errors.is_empty() { String::new() } else { errors.to_string() }
/// };
/// assert_eq!(check("12345678.90"), "");
/// assert_eq!(check("1.230"), "");
/// assert!(check("1.234").contains("no more than 2 decimal places"));
/// assert!(check("123456789012.5").contains("no more than 10 digits in total"));
/// assert!(check("123456789.5").contains("no more than 8 digits before the decimal point"));
/// ```
pub fn decimal_digits<V: DecimalDigits + ?Sized>(
    errors: &mut ValidationError,
    field: &'static str,
    value: &V,
    max_digits: u32,
    decimal_places: u32,
) {
    let (mut digits, mut scale) = value.unscaled();
    while scale > 0 && digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
        scale -= 1;
    }
    if digits.chars().all(|digit| digit == '0') {
        // Zero fits every precision, `DecimalField(max_digits = 2, decimal_places = 2)` too.
        return;
    }
    let count = digits.len() as i64;
    // PookieDB's counting: a negative scale adds whole digits; a scale
    // beyond the digits adds leading zeros after the point.
    let (total, decimals) = if scale <= 0 {
        (count - scale, 0)
    } else if scale > count {
        (scale, scale)
    } else {
        (count, scale)
    };
    let whole = total - decimals;
    let (max_digits, decimal_places) = (i64::from(max_digits), i64::from(decimal_places));
    let message = if total > max_digits {
        format!("ensure that there are no more than {max_digits} digits in total")
    } else if decimals > decimal_places {
        format!("ensure that there are no more than {decimal_places} decimal places")
    } else if whole > max_digits - decimal_places {
        format!(
            "ensure that there are no more than {} digits before the decimal point",
            max_digits - decimal_places
        )
    } else {
        return;
    };
    fail(errors, field, message);
}

/// `min_value`: at least `min`.
pub fn min_value<V: Bounded + ?Sized>(
    errors: &mut ValidationError,
    field: &'static str,
    value: &V,
    min: Limit,
) {
    if !matches!(
        value.compare(min),
        Some(Ordering::Greater | Ordering::Equal)
    ) {
        fail(
            errors,
            field,
            format!("ensure this value is greater than or equal to {min}"),
        );
    }
}

/// `max_value`: at most `max`.
pub fn max_value<V: Bounded + ?Sized>(
    errors: &mut ValidationError,
    field: &'static str,
    value: &V,
    max: Limit,
) {
    if !matches!(value.compare(max), Some(Ordering::Less | Ordering::Equal)) {
        fail(
            errors,
            field,
            format!("ensure this value is less than or equal to {max}"),
        );
    }
}

/// `regex`: the value contains a match of `pattern` (anchor it with `^…$` to
/// match the whole value). Each pattern is compiled once per process; the
/// schema compiler has already checked that it compiles.
pub fn regex(
    errors: &mut ValidationError,
    field: &'static str,
    value: &str,
    pattern: &'static str,
) {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, regex::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let matched = match cache.get(pattern) {
        Some(regex) => regex.is_match(value),
        None => match regex::Regex::new(pattern) {
            Ok(regex) => {
                let matched = regex.is_match(value);
                cache.insert(pattern, regex);
                matched
            }
            Err(error) => {
                fail(
                    errors,
                    field,
                    format!("the pattern `{pattern}` is invalid: {error}"),
                );
                return;
            }
        },
    };
    if !matched {
        fail(errors, field, format!("enter a value matching `{pattern}`"));
    }
}

/// JSONField of a user type: the value can be written as JSON.
pub fn json<T: serde::Serialize + ?Sized>(
    errors: &mut ValidationError,
    field: &'static str,
    value: &T,
) {
    if let Err(error) = serde_json::to_string(value) {
        fail(
            errors,
            field,
            format!("the value cannot be written as JSON: {error}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_count_like_pookiedb() {
        let check = |text: &str, max_digits, places| {
            let mut errors = ValidationError::empty();
            let big: bigdecimal::BigDecimal = text.parse().unwrap();
            decimal_digits(&mut errors, "d", &big, max_digits, places);
            let mut small_errors = ValidationError::empty();
            if let Ok(small) = text.parse::<rust_decimal::Decimal>() {
                decimal_digits(&mut small_errors, "d", &small, max_digits, places);
                assert_eq!(errors.to_string(), small_errors.to_string(), "{text}");
            }
            if errors.is_empty() {
                String::new()
            } else {
                errors.to_string()
            }
        };
        assert_eq!(check("0", 1, 0), "");
        assert_eq!(check("0.00", 2, 2), "");
        assert_eq!(check("-99.99", 4, 2), "");
        assert_eq!(check("1E+3", 4, 0), "");
        assert!(check("1E+4", 4, 0).contains("4 digits in total"));
        assert!(check("0.001", 3, 2).contains("2 decimal places"));
        assert!(check("100.5", 4, 2).contains("2 digits before the decimal point"));
        assert!(check("12345678901234567890123456789012345678901", 40, 0).contains("40 digits"));
    }

    #[test]
    fn email_addresses() {
        for good in ["a@b.co", "first.last+tag@mail.example.org", "ünï@cödé.de"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a@b.", "a@.b", "a b@c.d", "a@b@c.d",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn limits_compare_across_number_types() {
        assert_eq!(5i16.compare(Limit::Int(5)), Some(Ordering::Equal));
        assert_eq!(0.5f64.compare(Limit::Int(1)), Some(Ordering::Less));
        assert_eq!(f64::NAN.compare(Limit::Int(1)), None);
        let price: rust_decimal::Decimal = "0.10".parse().unwrap();
        assert_eq!(price.compare(Limit::Float(0.1)), Some(Ordering::Equal));
    }

    #[test]
    fn first_letters_are_capitalized() {
        assert_eq!(capitalize_first("blog post"), "Blog post");
        assert_eq!(capitalize_first("équipe"), "Équipe");
        assert_eq!(capitalize_first(""), "");
    }

    #[test]
    fn the_single_failing_field_is_named() {
        let error = ValidationError::for_field("a", "x").and("a", "y");
        assert_eq!(error.field(), Some("a"));
        assert_eq!(error.and("b", "z").field(), None);
        assert_eq!(ValidationError::new("x").field(), None);
    }
}
