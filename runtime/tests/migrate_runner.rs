//! The migration runner on real SQLite and PostgreSQL databases.

#[macro_use]
mod migrate_support;

use std::borrow::Cow;

use migrate_support::*;
use pookie::migrate::{self, Direction, Event, MigrateOptions, Migration, Migrations, Target};
use pookie::{Db, Error};

fn three() -> Vec<Migration> {
    vec![
        create_table("0001_author", "author"),
        create_table("0002_book", "book"),
        create_table("0003_shelf", "shelf"),
    ]
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| n.to_string()).collect()
}

fn to(target: &str) -> MigrateOptions {
    MigrateOptions {
        target: Target::Name(target.to_owned()),
        ..MigrateOptions::default()
    }
}

fn migration_error(outcome: pookie::Result<impl std::fmt::Debug>) -> (Option<String>, String) {
    match outcome {
        Err(error @ Error::Migration { .. }) => {
            (error.migration_name().map(str::to_owned), error.to_string())
        }
        other => panic!("expected a migration error, got {other:?}"),
    }
}

fn backfill_slugs(db: &Db) -> pookie::Result<()> {
    db.execute("UPDATE post SET slug = LOWER(title)", &[])?;
    Ok(())
}

fn clear_slugs(db: &Db) -> pookie::Result<()> {
    db.execute("UPDATE post SET slug = NULL", &[])?;
    Ok(())
}

fn refuse(_db: &Db) -> pookie::Result<()> {
    Err(Error::custom("the backfill found a title it cannot slug"))
}

on_both_backends! {
    fn apply_show_and_rollback(test) {
        let db = &test.db;
        let migrations = Migrations::new(three());
        let status = migrate::show_migrations(db, &migrations)?;
        assert_eq!(status.pending(), ["0001_author", "0002_book", "0003_shelf"]);
        assert!(!table_exists(db, "pookie_migrations"), "show changes nothing");

        let mut events = Vec::new();
        let done = migrate::migrate_with(db, &migrations, &MigrateOptions::default(), &mut |event| {
            events.push(format!("{event:?}"));
        })?;
        assert_eq!(done.len(), 3);
        assert!(done.iter().all(|(_, direction)| *direction == Direction::Forwards));
        assert_eq!(events[0], "Applying(\"0001_author\")");
        assert_eq!(events[1], "Applied { name: \"0001_author\", faked: false }");
        assert_eq!(history(db), names(&["0001_author", "0002_book", "0003_shelf"]));
        assert!(table_exists(db, "shelf"));

        let status = migrate::show_migrations(db, &migrations)?;
        assert!(status.is_up_to_date(), "{status:?}");
        assert!(status.migrations.iter().all(|m| m.applied_at.is_some()));
        assert!(pookie::migrate(db, &migrations)?.is_empty());

        let undone = migrate::rollback(db, &migrations, 2, &mut |_| {})?;
        assert_eq!(undone, ["0003_shelf", "0002_book"]);
        assert!(!table_exists(db, "shelf") && !table_exists(db, "book"));
        assert!(table_exists(db, "author"));
        let status = migrate::show_migrations(db, &migrations)?;
        assert_eq!(status.pending(), ["0002_book", "0003_shelf"]);

        assert_eq!(pookie::migrate(db, &migrations)?, ["0002_book", "0003_shelf"]);
        assert_eq!(history(db).len(), 3);
        // More steps than applied migrations undoes them all.
        assert_eq!(migrate::rollback(db, &migrations, 10, &mut |_| {})?.len(), 3);
        assert!(history(db).is_empty() && !table_exists(db, "author"));
    }

    fn targets_forwards_backwards_and_zero(test) {
        let db = &test.db;
        let migrations = Migrations::new(three());
        assert_eq!(
            migrate::plan(db, &migrations, &Target::Name("0002_book".into()))?,
            [("0001_author".to_owned(), Direction::Forwards), ("0002_book".to_owned(), Direction::Forwards)]
        );
        // A target may give the start of a name only.
        let done = migrate::migrate_with(db, &migrations, &to("0002"), &mut |_| {})?;
        assert_eq!(done.len(), 2);
        assert_eq!(history(db), names(&["0001_author", "0002_book"]));
        assert!(!table_exists(db, "shelf"));

        let done = migrate::migrate_with(db, &migrations, &MigrateOptions::default(), &mut |_| {})?;
        assert_eq!(done, [("0003_shelf".to_owned(), Direction::Forwards)]);

        // A target before the applied ones migrates backwards, newest first.
        let backwards = migrate::plan(db, &migrations, &Target::Name("0001_author".into()))?;
        assert_eq!(
            backwards,
            [("0003_shelf".to_owned(), Direction::Backwards), ("0002_book".to_owned(), Direction::Backwards)]
        );
        let mut events = Vec::new();
        let done = migrate::migrate_with(db, &migrations, &to("0001_author"), &mut |event| {
            events.push(format!("{event:?}"));
        })?;
        assert_eq!(done, backwards);
        assert_eq!(
            events,
            [
                "RollingBack(\"0003_shelf\")",
                "RolledBack(\"0003_shelf\")",
                "RollingBack(\"0002_book\")",
                "RolledBack(\"0002_book\")"
            ]
        );
        assert_eq!(history(db), names(&["0001_author"]));
        assert!(table_exists(db, "author") && !table_exists(db, "book"));

        let zero = MigrateOptions { target: Target::Zero, ..MigrateOptions::default() };
        let done = migrate::migrate_with(db, &migrations, &zero, &mut |_| {})?;
        assert_eq!(done, [("0001_author".to_owned(), Direction::Backwards)]);
        assert!(history(db).is_empty() && !table_exists(db, "author"));

        let (_, message) = migration_error(migrate::migrate_with(db, &migrations, &to("0009_nope"), &mut |_| {}));
        assert!(message.contains("no migration named `0009_nope`"), "{message}");
        let (_, message) = migration_error(migrate::migrate_with(db, &migrations, &to("000"), &mut |_| {}));
        assert!(message.contains("`000` could mean any of 0001_author, 0002_book, 0003_shelf"), "{message}");
        assert_eq!(Target::from("zero"), Target::Zero);

        let duplicated = Migrations::new(vec![create_table("0001_author", "author"), create_table("0001_author", "writer")]);
        let (_, message) = migration_error(pookie::migrate(db, &duplicated));
        assert!(message.contains("two migrations are named 0001_author"), "{message}");
    }

    fn a_failing_statement_leaves_schema_and_history_unchanged(test) {
        let db = &test.db;
        let mut list = three();
        list[1] = migration(
            "0002_book",
            vec![
                sql("CREATE TABLE book (id INTEGER PRIMARY KEY)"),
                sql("INSERT INTO author (id, name) VALUES (1, 'Ann')"),
                sql("INSERT INTO no_such_table (id) VALUES (1)"),
                sql("CREATE TABLE later (id INTEGER)"),
            ],
            Some(vec![sql("DROP TABLE book")]),
        );
        let migrations = Migrations::new(list);
        let (name, message) = migration_error(pookie::migrate(db, &migrations));
        assert_eq!(name.as_deref(), Some("0002_book"));
        assert!(message.contains("0002_book"), "{message}");
        assert!(message.contains("step 3 of 4"), "{message}");
        assert!(message.contains("INSERT INTO no_such_table (id) VALUES (1)"), "{message}");
        assert!(message.contains("no_such_table"), "{message}");
        // The migration before it stays applied; nothing of the failing one was kept.
        assert_eq!(history(db), names(&["0001_author"]));
        assert!(table_exists(db, "author"));
        assert!(!table_exists(db, "book") && !table_exists(db, "later") && !table_exists(db, "shelf"));
        assert_eq!(rows(db, "author"), 0);
    }

    fn an_edited_applied_migration_is_refused(test) {
        let db = &test.db;
        let mut list = three();
        list.truncate(2);
        pookie::migrate(db, &Migrations::new(list.clone()))?;
        let mut edited = three();
        edited[0].checksum = Cow::Owned(checksum("edited"));
        let migrations = Migrations::new(edited);
        let (name, message) = migration_error(pookie::migrate(db, &migrations));
        assert_eq!(name, None);
        assert!(message.contains("migration 0001_author was applied with checksum"), "{message}");
        assert!(message.contains("an applied migration must not be edited"), "{message}");
        assert!(!table_exists(db, "shelf"), "nothing ran");
        let status = migrate::show_migrations(db, &migrations)?;
        assert_eq!(status.migrations[0].changed_checksum.as_deref(), Some(checksum("0001_author").as_str()));
        assert!(status.migrations[1].changed_checksum.is_none());
        assert!(!status.is_up_to_date());
    }

    fn applied_migrations_missing_from_the_list_are_reported(test) {
        let db = &test.db;
        pookie::migrate(db, &Migrations::new(three()))?;
        let shorter = Migrations::new(three()[..1].to_vec());
        let (_, message) = migration_error(pookie::migrate(db, &shorter));
        assert!(message.contains("0002_book, 0003_shelf"), "{message}");
        let status = migrate::show_migrations(db, &shorter)?;
        let unknown: Vec<&str> = status.unknown.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(unknown, ["0002_book", "0003_shelf"]);
    }

    fn a_rust_function_backfills_forwards_and_backwards(test) {
        let db = &test.db;
        let list = vec![
            migration(
                "0001_post",
                vec![sql("CREATE TABLE post (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")],
                Some(vec![sql("DROP TABLE post")]),
            ),
            migration(
                "0002_post_slug",
                vec![sql("ALTER TABLE post ADD COLUMN slug TEXT"), rust("backfill_slugs")],
                Some(vec![rust("clear_slugs")]),
            ),
        ];
        let migrations = Migrations::new(list)
            .function("backfill_slugs", backfill_slugs)
            .function("clear_slugs", clear_slugs);
        migrate::migrate_with(db, &migrations, &to("0001_post"), &mut |_| {})?;
        db.execute("INSERT INTO post (id, title) VALUES (1, 'Hello World'), (2, 'Rust')", &[])?;
        pookie::migrate(db, &migrations)?;
        let slugs: Vec<String> = db
            .fetch_all("SELECT slug FROM post ORDER BY id", &[])?
            .iter()
            .map(|row| row.value("slug").and_then(pookie::Value::as_str).unwrap_or("NULL").to_owned())
            .collect();
        assert_eq!(slugs, ["hello world", "rust"]);
        migrate::rollback(db, &migrations, 1, &mut |_| {})?;
        let cleared = db.fetch_one("SELECT COUNT(*) AS n FROM post WHERE slug IS NULL", &[])?.unwrap();
        assert_eq!(cleared.value("n").and_then(pookie::Value::as_i64), Some(2));
        assert_eq!(history(db), names(&["0001_post"]));
    }

    fn a_failing_function_rolls_back_its_migration(test) {
        let db = &test.db;
        let list = vec![
            create_table("0001_author", "author"),
            migration(
                "0002_refuse",
                vec![sql("CREATE TABLE book (id INTEGER)"), rust("refuse")],
                Some(vec![sql("DROP TABLE book")]),
            ),
        ];
        let migrations = Migrations::new(list).function("refuse", refuse);
        let (name, message) = migration_error(pookie::migrate(db, &migrations));
        assert_eq!(name.as_deref(), Some("0002_refuse"));
        assert!(message.contains("function `refuse`"), "{message}");
        assert!(message.contains("cannot slug"), "{message}");
        assert!(!table_exists(db, "book"));
        assert_eq!(history(db), names(&["0001_author"]));
    }

    fn a_missing_function_stops_before_anything_runs(test) {
        let db = &test.db;
        let list = vec![
            create_table("0001_author", "author"),
            migration("0002_backfill", vec![rust("backfill_authors")], Some(vec![])),
        ];
        let (_, message) = migration_error(pookie::migrate(db, &Migrations::new(list)));
        assert!(message.contains("`backfill_authors` (0002_backfill forwards)"), "{message}");
        assert!(message.contains(".function(\"backfill_authors\", backfill_authors)"), "{message}");
        assert!(!table_exists(db, "author"));
        assert!(history(db).is_empty());
    }

    fn an_irreversible_rollback_is_refused_before_anything_runs(test) {
        let db = &test.db;
        let list = vec![
            create_table("0001_author", "author"),
            migration("0002_seed", vec![sql("INSERT INTO author (id, name) VALUES (1, 'Ann')")], None),
            create_table("0003_book", "book"),
        ];
        let migrations = Migrations::new(list);
        pookie::migrate(db, &migrations)?;
        let (name, message) = migration_error(migrate::rollback(db, &migrations, 2, &mut |_| {}));
        assert_eq!(name.as_deref(), Some("0002_seed"));
        assert!(message.contains("migration 0002_seed cannot be undone on") && message.contains("(RunSQL without backward SQL)"), "{message}");
        assert!(table_exists(db, "book"), "0003 was not undone");
        assert_eq!(history(db).len(), 3);
        // Faking the rollback is allowed: it only forgets the migrations.
        let fake = MigrateOptions { target: Target::Name("0001_author".into()), fake: true, ..MigrateOptions::default() };
        migrate::migrate_with(db, &migrations, &fake, &mut |_| {})?;
        assert_eq!(history(db), names(&["0001_author"]));
        assert!(table_exists(db, "book"));
    }

    fn fake_and_fake_initial(test) {
        let db = &test.db;
        let migrations = Migrations::new(three());
        let fake = MigrateOptions { target: Target::Name("0001_author".into()), fake: true, ..MigrateOptions::default() };
        let mut events = Vec::new();
        migrate::migrate_with(db, &migrations, &fake, &mut |event| events.push(format!("{event:?}")))?;
        assert_eq!(events.last().unwrap(), "Applied { name: \"0001_author\", faked: true }");
        assert_eq!(history(db), names(&["0001_author"]));
        assert!(!table_exists(db, "author"));
        let zero = MigrateOptions { target: Target::Zero, fake: true, ..MigrateOptions::default() };
        migrate::migrate_with(db, &migrations, &zero, &mut |_| {})?;
        assert!(history(db).is_empty());

        // A database made before the migrations: its tables exist already.
        db.execute("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT)", &[])?;
        let initial = MigrateOptions { fake_initial: true, ..MigrateOptions::default() };
        let mut events = Vec::new();
        migrate::migrate_with(db, &migrations, &initial, &mut |event| {
            if let Event::Applied { name, faked } = event {
                events.push((name.to_owned(), faked));
            }
        })?;
        assert_eq!(
            events,
            [("0001_author".to_owned(), true), ("0002_book".to_owned(), false), ("0003_shelf".to_owned(), false)]
        );
        assert!(table_exists(db, "book"));

        // Some of a migration's tables, not all: an error naming them.
        let mut both = create_table("0004_pair", "pair_a");
        both.sqlite.up.steps.to_mut().push(sql("CREATE TABLE pair_b (id INTEGER)"));
        both.postgres = both.sqlite.clone();
        both.creates_tables = Cow::Owned(vec!["pair_a".into(), "pair_b".into()]);
        db.execute("CREATE TABLE pair_a (id INTEGER)", &[])?;
        let mut list = three();
        list.push(both);
        let (name, message) = migration_error(migrate::migrate_with(db, &Migrations::new(list), &initial, &mut |_| {}));
        assert_eq!(name.as_deref(), Some("0004_pair"));
        assert!(message.contains("of which pair_a exist and pair_b do not"), "{message}");
        assert!(!table_exists(db, "pair_b"));
    }

    fn squashed_migrations(test) {
        let db = &test.db;
        let originals = vec![create_table("0001_author", "author"), create_table("0002_book", "book")];
        let mut squash = migration(
            "0001_squashed_0002",
            vec![
                sql("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT)"),
                sql("CREATE TABLE book (id INTEGER PRIMARY KEY, name TEXT)"),
            ],
            Some(vec![sql("DROP TABLE book"), sql("DROP TABLE author")]),
        );
        squash.replaces = Cow::Owned(vec!["0001_author".into(), "0002_book".into()]);
        let shelf = create_table("0003_shelf", "shelf");

        // A database that applied the originals: the squash counts as applied
        // and is recorded, nothing runs.
        pookie::migrate(db, &Migrations::new(originals.clone()))?;
        let squashed_only = Migrations::new(vec![squash.clone(), shelf.clone()]);
        assert_eq!(migrate::show_migrations(db, &squashed_only)?.pending(), ["0003_shelf"]);
        let mut events = Vec::new();
        let done = migrate::migrate_with(db, &squashed_only, &MigrateOptions::default(), &mut |event| {
            events.push(format!("{event:?}"));
        })?;
        assert_eq!(done, [("0003_shelf".to_owned(), Direction::Forwards)]);
        assert_eq!(events[0], "Recorded(\"0001_squashed_0002\")");
        assert_eq!(history(db), names(&["0001_author", "0001_squashed_0002", "0002_book", "0003_shelf"]));
        // Undoing the squash forgets the migrations it replaces too.
        migrate::migrate_with(db, &squashed_only, &MigrateOptions { target: Target::Zero, ..MigrateOptions::default() }, &mut |_| {})?;
        assert!(history(db).is_empty());
        assert!(!table_exists(db, "author") && !table_exists(db, "book"));

        // A fresh database with both the originals and the squash: the squash runs.
        let all = Migrations::new(vec![originals[0].clone(), squash.clone(), originals[1].clone(), shelf.clone()]);
        assert_eq!(pookie::migrate(db, &all)?, ["0001_squashed_0002", "0003_shelf"]);
        assert_eq!(history(db), names(&["0001_squashed_0002", "0003_shelf"]));
        assert!(migrate::show_migrations(db, &all)?.is_up_to_date());
        migrate::migrate_with(db, &all, &MigrateOptions { target: Target::Zero, ..MigrateOptions::default() }, &mut |_| {})?;

        // Part of the originals applied: the rest run, then the squash is recorded.
        pookie::migrate(db, &Migrations::new(originals[..1].to_vec()))?;
        assert_eq!(pookie::migrate(db, &all)?, ["0002_book", "0003_shelf"]);
        assert_eq!(history(db), names(&["0001_author", "0001_squashed_0002", "0002_book", "0003_shelf"]));

        // Part applied and the rest gone from the list: refused.
        migrate::migrate_with(db, &all, &MigrateOptions { target: Target::Zero, ..MigrateOptions::default() }, &mut |_| {})?;
        pookie::migrate(db, &Migrations::new(originals[..1].to_vec()))?;
        let (_, message) = migration_error(pookie::migrate(db, &squashed_only));
        assert!(message.contains("0002_book (not applied) are no longer among the migrations"), "{message}");
    }
}
