//! Hostile text on both backends: quotes, backslashes, every wildcard of LIKE
//! and GLOB, NUL, emoji, combining and right-to-left marks, SQL fragments and
//! 1 MB strings are stored, read back, and matched by every text lookup exactly
//! — the rows a lookup returns are the rows a plain Rust comparison selects, so
//! both backends return the same rows.
//!
//! PostgreSQL cannot hold NUL in text: storing or searching for one is a clear
//! error naming the problem. Case folding: SQLite folds with Rust's
//! `str::to_lowercase`, PostgreSQL with the database collation's `lower()`, one
//! character at a time; they agree on every value here, and differ on a few
//! characters whose lowercase is longer than the character (Turkish dotted `İ`
//! becomes `i̇`, two characters, in Rust), which this test leaves out of the
//! case-insensitive comparisons.

#[macro_use]
mod support;

use pookie::{Db, Error};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, Author, NewAuthor};

/// One megabyte of text that is not a run of one character, so that a match
/// has to compare it all.
fn megabyte(seed: &str) -> String {
    let mut text = String::with_capacity(1 << 20);
    while text.len() < (1 << 20) - 16 {
        text.push_str(seed);
        text.push_str(&text.len().to_string());
    }
    text
}

fn hostile_values(with_nul: bool) -> Vec<String> {
    let mut values: Vec<String> = [
        "plain",
        "O'Brien",
        "say \"hi\"",
        "back\\slash",
        "\\",
        "\\%",
        "100%",
        "%",
        "_",
        "a_b",
        "*",
        "a*b?c",
        "[",
        "[abc]",
        "[!a]",
        "\\_",
        "🦀 crab",
        "👩‍👩‍👧 family",
        "e\u{301}cole",
        "école",
        "\u{202e}txt.exe",
        "abc\u{200f}def",
        "'; DROP TABLE authors; --",
        "\" OR 1=1 --",
        "Robert'); DELETE FROM authors WHERE ('1'='1",
        "ÉCOLE",
        "",
        " ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if with_nul {
        values.extend(
            ["\0", "a\0b", "a\0", "\0b", "x\0x\0x", "a"]
                .iter()
                .map(|s| s.to_string()),
        );
    }
    values
}

/// Lookup patterns: every stored value, pieces of them, and values that only
/// a truncating or wildcard-interpreting matcher would find.
fn patterns(values: &[String], with_nul: bool) -> Vec<String> {
    let mut patterns: Vec<String> = values.to_vec();
    for value in values {
        let chars: Vec<char> = value.chars().collect();
        if chars.len() > 2 {
            patterns.push(chars[1..].iter().collect());
            patterns.push(chars[..chars.len() - 1].iter().collect());
        }
    }
    for extra in [
        "%%", "_b", "a%", "*b", "?", "[a", "'", "\"", "\u{301}", "É", "ab",
    ] {
        patterns.push(extra.to_string());
    }
    if with_nul {
        for extra in ["\0x", "\0", "b\0", "\0\0"] {
            patterns.push(extra.to_string());
        }
    }
    patterns.sort();
    patterns.dedup();
    patterns
}

type Lookup = (
    &'static str,
    fn(String) -> pookie::Q<Author>,
    fn(&str, &str) -> bool,
);

fn lookups() -> Vec<Lookup> {
    fn lower(s: &str) -> String {
        s.to_lowercase()
    }
    vec![
        ("exact", |p| author::bio.eq(p), |v, p| v == p),
        (
            "iexact",
            |p| author::bio.iexact(p),
            |v, p| lower(v) == lower(p),
        ),
        (
            "contains",
            |p| author::bio.contains(p),
            |v, p| v.contains(p),
        ),
        (
            "icontains",
            |p| author::bio.icontains(p),
            |v, p| lower(v).contains(&lower(p)),
        ),
        (
            "startswith",
            |p| author::bio.startswith(p),
            |v, p| v.starts_with(p),
        ),
        (
            "istartswith",
            |p| author::bio.istartswith(p),
            |v, p| lower(v).starts_with(&lower(p)),
        ),
        (
            "endswith",
            |p| author::bio.endswith(p),
            |v, p| v.ends_with(p),
        ),
        (
            "iendswith",
            |p| author::bio.iendswith(p),
            |v, p| lower(v).ends_with(&lower(p)),
        ),
    ]
}

fn store(db: &Db, values: &[String]) -> pookie::Result<Vec<i32>> {
    blog::create_tables(db)?;
    let mut ids = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let created = Author::objects().create(
            db,
            NewAuthor::new()
                .name(format!("author {index}"))
                .email(format!("a{index}@example.com"))
                .bio(Some(value.clone())),
        )?;
        ids.push(created.id);
    }
    // And one author without a bio: no text lookup matches NULL.
    Author::objects().create(
        db,
        NewAuthor::new().name("nobody").email("nobody@example.com"),
    )?;
    Ok(ids)
}

/// Stores `values`, reads them back, runs every lookup with every pattern and
/// compares the rows with Rust's own comparison; returns the names of the
/// authors each (pattern, lookup) found, for comparing backends.
fn check_every_lookup(
    db: &Db,
    values: &[String],
    patterns: &[String],
) -> pookie::Result<Vec<Vec<String>>> {
    let ids = store(db, values)?;
    for (id, value) in ids.iter().zip(values) {
        let back = Author::get(db, *id)?;
        assert!(
            back.bio.as_deref() == Some(value.as_str()),
            "value {id} read back changed"
        );
    }
    let mut all = Vec::new();
    for pattern in patterns {
        for (name, lookup, reference) in lookups() {
            let mut found: Vec<(i32, String)> = Author::objects()
                .filter(lookup(pattern.clone()))
                .values_list((author::id, author::name))
                .all(db)?;
            found.sort();
            let expected: Vec<i32> = ids
                .iter()
                .zip(values)
                .filter(|(_, value)| reference(value, pattern))
                .map(|(id, _)| *id)
                .collect();
            let found_ids: Vec<i32> = found.iter().map(|(id, _)| *id).collect();
            assert!(
                found_ids == expected,
                "{name}({}) matched {found_ids:?}, expected {expected:?}",
                shorten(pattern)
            );
            all.push(found.into_iter().map(|(_, name)| name).collect());
        }
    }
    Ok(all)
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    format!(
        "{short:?}{}",
        if short.len() < text.len() { "…" } else { "" }
    )
}

#[test]
fn hostile_values_round_trip_and_match_exactly_on_sqlite() {
    let test_db = support::sqlite();
    let values = hostile_values(true);
    if let Err(error) = check_every_lookup(&test_db.db, &values, &patterns(&values, true)) {
        panic!("{error}");
    }
}

/// PostgreSQL (which cannot hold NUL) against the NUL-free values: every lookup
/// exact, and the same rows as SQLite for every pattern.
#[test]
fn hostile_values_match_exactly_and_alike_on_postgres() {
    let Some(postgres) = support::postgres() else {
        return;
    };
    let sqlite = support::sqlite();
    let values = hostile_values(false);
    let patterns = patterns(&values, false);
    let on_postgres =
        check_every_lookup(&postgres.db, &values, &patterns).unwrap_or_else(|e| panic!("{e}"));
    let on_sqlite =
        check_every_lookup(&sqlite.db, &values, &patterns).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        on_sqlite == on_postgres,
        "the backends returned different rows"
    );
}

on_both_backends! {
    fn megabyte_values_round_trip_and_match(db) {
        let big = megabyte("ab*%_[");
        let values = vec![big.clone(), format!("{big}!"), big[1..].to_string(), "ab".to_string()];
        let mut patterns = values.clone();
        patterns.push(big[..big.len() - 1].to_string());
        check_every_lookup(db, &values, &patterns)?;
    }

    fn nul_in_a_pattern_never_widens_the_filter(db) {
        blog::create_tables(db)?;
        Author::objects().create(db, NewAuthor::new().name("x").email("x@example.com").bio(Some("x".to_string())))?;
        for (name, lookup, _) in lookups() {
            for pattern in ["\0", "\0x", "x\0"] {
                match Author::objects().filter(lookup(pattern.to_string())).count(db) {
                    Ok(count) => assert_eq!(count, 0, "{name}({pattern:?}) matched a row without NUL"),
                    Err(error) => {
                        // PostgreSQL cannot compare text with NUL: a clear error.
                        assert!(db.dialect() == pookie::Dialect::Postgres, "{error}");
                        assert_nul_error(&error);
                    }
                }
            }
        }
    }

    fn storing_nul_is_a_clear_error_on_postgres(db) {
        blog::create_tables(db)?;
        let result = Author::objects().create(
            db,
            NewAuthor::new().name("n").email("n@example.com").bio(Some("a\0b".to_string())),
        );
        match result {
            Ok(author) => {
                assert!(db.dialect() == pookie::Dialect::Sqlite);
                assert_eq!(Author::get(db, author.id)?.bio.as_deref(), Some("a\0b"));
            }
            Err(error) => assert_nul_error(&error),
        }
    }

    fn long_patterns_work(db) {
        blog::create_tables(db)?;
        let long = "*?[".repeat(20_000);
        let text = format!("start{long}end");
        Author::objects().create(db, NewAuthor::new().name("l").email("l@example.com").bio(Some(text.clone())))?;
        let wide = "x".repeat(60_000);
        for (name, lookup, reference) in lookups() {
            for pattern in [long.clone(), text.clone(), wide.clone(), format!("start{long}")] {
                let count = Author::objects().filter(lookup(pattern.clone())).count(db)?;
                assert_eq!(count == 1, reference(&text, &pattern), "{name}");
            }
        }
    }
}

fn assert_nul_error(error: &Error) {
    let message = error.to_string();
    assert!(
        message.contains("NUL") && !message.starts_with("database error"),
        "not a clear error: {message}"
    );
}
