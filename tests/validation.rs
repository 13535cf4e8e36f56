//! `full_clean` on instances and insert forms, every built-in validator with a
//! passing and a failing value, the model's own `clean`, uniqueness against the
//! database, and `save`/`create` writing nothing when validation fails.

#[macro_use]
mod support;

use pookie::rust_decimal::Decimal;
use pookie::{Db, Error, Hooks, ValidationError};

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

use kitchen_sink::*;

impl Hooks for Profile {
    fn clean(&self) -> pookie::Result<()> {
        if let (Some(starts), Some(ends)) = (self.starts, self.ends) {
            if ends < starts {
                return Err(ValidationError::for_field("ends", "must not be before starts").into());
            }
        }
        if self.team == "nobody" && self.number.is_some() {
            return Err(ValidationError::new("a player without a team has no number").into());
        }
        Ok(())
    }
}

/// A form that passes every check.
fn valid() -> NewProfile<String, String, String, i16, Vec<String>> {
    NewProfile::new()
        .username("grace_1")
        .email("grace@example.com")
        .handle("grace-m")
        .age(30i16)
        .tags(vec!["x".to_owned()])
}

/// The validation error of `result`, or a panic naming what came instead.
fn invalid<T: std::fmt::Debug>(result: pookie::Result<T>) -> ValidationError {
    match result {
        Err(Error::Validation(error)) => error,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Asserts that `form` fails on `field` only, with a message containing `part`,
/// both through `full_clean` and through `create` (which writes nothing).
fn fails<F>(db: &Db, form: F, field: &str, part: &str) -> pookie::Result<()>
where
    F: pookie::Insert<Model = Profile> + Clone + FullClean,
{
    let error = invalid(form.full_clean_form(db));
    assert_eq!(error.field(), Some(field), "{error}");
    assert!(error.to_string().contains(part), "{part:?} not in {error}");
    let before = Profile::objects().count(db)?;
    let error = invalid(Profile::objects().create(db, form));
    assert_eq!(error.field(), Some(field), "{error}");
    assert_eq!(Profile::objects().count(db)?, before, "nothing was written");
    Ok(())
}

/// `full_clean` of the complete form type.
trait FullClean {
    fn full_clean_form(&self, db: &Db) -> pookie::Result<()>;
}

impl FullClean for NewProfile<String, String, String, i16, Vec<String>> {
    fn full_clean_form(&self, db: &Db) -> pookie::Result<()> {
        self.full_clean(db)
    }
}

on_both_backends! {
    fn a_valid_form_passes_and_is_created(db) {
        kitchen_sink::create_tables(db)?;
        valid().full_clean(db)?;
        let profile = Profile::objects().create(db, valid())?;
        profile.full_clean(db)?;
        assert_eq!(Profile::get(db, profile.id)?, profile);
    }

    fn max_length_and_min_length(db) {
        kitchen_sink::create_tables(db)?;
        fails(db, valid().username("abcdefghijklm"), "username", "at most 12 characters (it has 13)")?;
        fails(db, valid().username("ab"), "username", "at least 3 characters (it has 2)")?;
        fails(db, valid().bio("x".repeat(51)), "bio", "at most 50 characters")?;
        // Characters, not bytes: fifty two-byte letters fit `max_length = 50`.
        Profile::objects().create(db, valid().username("ab").bio("é".repeat(50)).username("abc"))?;
    }

    fn email_url_and_slug(db) {
        kitchen_sink::create_tables(db)?;
        fails(db, valid().email("grace@localhost"), "email", "valid email address")?;
        fails(db, valid().website("ftp://example.com"), "website", "http:// or https://")?;
        fails(db, valid().handle("not a slug!"), "handle", "valid slug")?;
        Profile::objects().create(
            db,
            valid().email("g.m+tag@mail.example.org").website("https://example.com/x").handle("A-b_9"),
        )?;
    }

    fn blank_is_refused_unless_allowed(db) {
        kitchen_sink::create_tables(db)?;
        fails(db, valid().handle(""), "handle", "cannot be blank")?;
        fails(db, valid().tags(Vec::<String>::new()), "tags", "cannot be blank")?;
        // `blank = true`: an empty bio and website pass, and skip their format checks.
        Profile::objects().create(db, valid().bio("").website(""))?;
    }

    fn min_and_max_value_on_integers_floats_and_decimals(db) {
        kitchen_sink::create_tables(db)?;
        fails(db, valid().age(12i16), "age", "greater than or equal to 13")?;
        fails(db, valid().age(131i16), "age", "less than or equal to 130")?;
        fails(db, valid().score(1.01), "score", "less than or equal to 1")?;
        fails(db, valid().score(f64::NAN), "score", "greater than or equal to 0")?;
        fails(db, valid().balance(Decimal::new(-1, 2)), "balance", "greater than or equal to 0")?;
        fails(db, valid().balance(Decimal::new(100051, 2)), "balance", "less than or equal to 1000.5")?;
        Profile::objects().create(db, valid().age(13i16).score(1.0).balance(Decimal::new(10005, 1)))?;
    }

    fn decimal_digits_and_places_are_checked_alike_on_both_backends(db) {
        kitchen_sink::create_tables(db)?;
        let dec = |text: &str| -> Decimal { text.parse().unwrap() };
        // PostgreSQL would round the first and refuse the second; SQLite
        // would store both unchanged: full_clean refuses both everywhere.
        fails(db, valid().balance(dec("1.234")), "balance", "no more than 2 decimal places")?;
        fails(db, valid().balance(dec("123456789012.5")), "balance", "no more than 10 digits in total")?;
        let kept = Profile::objects().create(db, valid().balance(dec("999.990")))?;
        assert_eq!(Profile::get(db, kept.id)?.balance, dec("999.99"));
    }

    fn regex(db) {
        kitchen_sink::create_tables(db)?;
        fails(db, valid().username("Grace"), "username", "matching `^[a-z][a-z0-9_]*$`")?;
        Profile::objects().create(db, valid().username("g_race9"))?;
    }

    fn every_failing_field_is_reported_together(db) {
        kitchen_sink::create_tables(db)?;
        let error = invalid(valid().username("X").email("nope").age(7i16).full_clean(db));
        let fields: Vec<&str> = error.errors().iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(fields, ["username", "username", "email", "age"]);
        assert_eq!(error.field(), None, "several fields failed");
        assert_eq!(error.model(), Some("Profile"));
        assert_eq!(
            error.to_string(),
            "validation failed for Profile: username: ensure this value has at least 3 characters (it has 1); \
             username: enter a value matching `^[a-z][a-z0-9_]*$`; email: enter a valid email address; \
             age: ensure this value is greater than or equal to 13"
        );
        assert_eq!(error.messages_for("email").collect::<Vec<_>>(), ["enter a valid email address"]);
    }

    fn the_models_own_clean_runs_after_the_field_checks(db) {
        kitchen_sink::create_tables(db)?;
        let day = |d| pookie::chrono::NaiveDate::from_ymd_opt(2024, 5, d).unwrap();
        fails(db, valid().starts(day(2)).ends(day(1)), "ends", "must not be before starts")?;
        let error = invalid(valid().team("nobody").number(3).full_clean(db));
        assert_eq!(error.field(), None);
        assert!(error.to_string().contains("a player without a team has no number"));
        // Field errors and clean's errors come together.
        let error = invalid(valid().age(1i16).starts(day(2)).ends(day(1)).full_clean(db));
        assert!(error.has_field("age") && error.has_field("ends"), "{error}");
        Profile::objects().create(db, valid().starts(day(1)).ends(day(2)))?;
    }

    fn uniqueness_is_checked_against_the_database(db) {
        kitchen_sink::create_tables(db)?;
        let mut grace = Profile::objects().create(db, valid().team("red").number(7))?;
        let error = invalid(valid().username("other").full_clean(db));
        assert_eq!(error.field(), Some("email"));
        assert_eq!(error.to_string(), "validation failed for Profile: email: Profile with this Email already exists");
        let same_team = valid().username("other").email("other@example.com").team("red").number(7);
        let error = invalid(Profile::objects().create(db, same_team));
        assert_eq!(error.field(), None, "unique_together concerns the model");
        assert!(error.to_string().contains("Profile with this Team and Number already exists"), "{error}");
        // NULLs never clash; another number does not either.
        Profile::objects().create(db, valid().username("third").email("c@example.com").team("red"))?;
        Profile::objects().create(db, valid().username("fourth").email("d@example.com").team("red").number(8))?;
        // An instance is not a duplicate of its own row.
        grace.full_clean(db)?;
        grace.validate_unique(db)?;
        grace.age = 31;
        grace.save(db)?;
        assert_eq!(Profile::objects().count(db)?, 3);
    }

    fn save_writes_nothing_when_validation_fails(db) {
        kitchen_sink::create_tables(db)?;
        let mut grace = Profile::objects().create(db, valid())?;
        Profile::objects().create(db, valid().username("bob").email("bob@example.com"))?;
        grace.age = 200;
        grace.email = "bob@example.com".into();
        let error = invalid(grace.save(db));
        assert!(error.has_field("age") && error.has_field("email"), "{error}");
        let stored = Profile::get(db, grace.id)?;
        assert_eq!((stored.age, stored.email.as_str()), (30, "grace@example.com"));
    }

    fn a_json_value_that_cannot_be_serialized_is_a_validation_error(db) {
        kitchen_sink::create_tables(db)?;
        // The Settings type always serializes; a serde_json map key that is not
        // a string is the classic failure, checked through the helper directly.
        let mut errors = ValidationError::empty();
        let mut bad = std::collections::BTreeMap::new();
        bad.insert(vec![1u8], 1);
        pookie::validation::json(&mut errors, "settings", &bad);
        assert_eq!(errors.field(), Some("settings"));
        let mut ok = ValidationError::empty();
        pookie::validation::json(&mut ok, "settings", &support::Settings { theme: "x".into(), font_size: 1, tags: vec![] });
        assert!(ok.is_empty());
    }
}
