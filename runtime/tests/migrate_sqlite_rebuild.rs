//! SQLite table rebuilds: foreign keys off around the migration's
//! transaction, `PRAGMA foreign_key_check` before it commits.

#[macro_use]
mod migrate_support;

use migrate_support::*;
use pookie::migrate::{Migration, Migrations};
use pookie::{Db, Error};

fn schema() -> Migration {
    migration(
        "0001_initial",
        vec![
            sql("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT)"),
            sql("CREATE TABLE book (id INTEGER PRIMARY KEY, \
                 author_id INTEGER NOT NULL REFERENCES author (id) ON DELETE CASCADE, title TEXT)"),
        ],
        Some(vec![sql("DROP TABLE book"), sql("DROP TABLE author")]),
    )
}

/// Rebuilds `author` with `name` NOT NULL, Django's way, copying the authors
/// `filter` selects.
fn rebuild_author(filter: &str, rebuilds_tables: bool) -> Migration {
    let mut m = migration(
        "0002_author_name_not_null",
        vec![
            sql("CREATE TABLE new__author (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '')"),
            sql(&format!(
                "INSERT INTO new__author (id, name) SELECT id, COALESCE(name, '') FROM author {filter}"
            )),
            sql("DROP TABLE author"),
            sql("ALTER TABLE new__author RENAME TO author"),
        ],
        Some(vec![]),
    );
    m.sqlite.up.rebuilds_tables = rebuilds_tables;
    m
}

fn seeded() -> pookie::Result<(TestDb, Migrations)> {
    let test = sqlite();
    let initial = Migrations::new(vec![schema()]);
    pookie::migrate(&test.db, &initial)?;
    test.db.execute(
        "INSERT INTO author (id, name) VALUES (1, 'Ann'), (2, NULL)",
        &[],
    )?;
    test.db.execute(
        "INSERT INTO book (id, author_id, title) VALUES (1, 1, 'One'), (2, 2, 'Two'), (3, 2, 'Three')",
        &[],
    )?;
    Ok((test, initial))
}

/// Foreign keys are enforced on every connection of the pool afterwards:
/// deleting an author cascades to its books.
fn assert_cascades(db: &Db) -> pookie::Result<()> {
    let before = rows(db, "book");
    db.transaction(|tx| {
        tx.execute("DELETE FROM author WHERE id = 1", &[])?;
        assert_eq!(
            rows(tx, "book"),
            before - 1,
            "ON DELETE CASCADE still works"
        );
        Err::<(), _>(Error::custom("undo"))
    })
    .unwrap_err();
    let enabled = db.fetch_one("PRAGMA foreign_keys", &[])?.unwrap();
    assert_eq!(enabled.values()[0], pookie::Value::Int(1));
    Ok(())
}

#[test]
fn a_rebuild_keeps_the_children_of_the_rebuilt_table() -> pookie::Result<()> {
    let (test, _) = seeded()?;
    let db = &test.db;
    pookie::migrate(
        db,
        &Migrations::new(vec![schema(), rebuild_author("", true)]),
    )?;
    assert_eq!(
        rows(db, "book"),
        3,
        "dropping the old table cascaded to no book"
    );
    let names = db.fetch_all("SELECT name FROM author ORDER BY id", &[])?;
    assert_eq!(
        names[1].value("name"),
        Some(&pookie::Value::Text(String::new()))
    );
    assert_cascades(db)
}

#[test]
fn without_the_flag_the_drop_cascades() -> pookie::Result<()> {
    // What the flag prevents: with foreign keys on, DROP TABLE deletes the
    // rows first, and the cascade takes the books with them.
    let (test, _) = seeded()?;
    pookie::migrate(
        &test.db,
        &Migrations::new(vec![schema(), rebuild_author("", false)]),
    )?;
    assert_eq!(rows(&test.db, "book"), 0);
    Ok(())
}

#[test]
fn a_foreign_key_violation_fails_the_rebuild() -> pookie::Result<()> {
    let (test, _) = seeded()?;
    let db = &test.db;
    let outcome = pookie::migrate(
        db,
        &Migrations::new(vec![schema(), rebuild_author("WHERE id = 1", true)]),
    );
    let error = outcome.unwrap_err();
    assert!(matches!(error, Error::Migration { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("0002_author_name_not_null"), "{message}");
    assert!(message.contains("foreign-key check"), "{message}");
    assert!(
        message.contains("book row 2 (references author)"),
        "{message}"
    );
    assert!(
        message.contains("book row 3 (references author)"),
        "{message}"
    );
    // Rolled back: the old table, its rows and the history are as they were.
    assert_eq!(history(db), ["0001_initial"]);
    assert_eq!(rows(db, "author"), 2);
    assert_eq!(rows(db, "book"), 3);
    assert!(!table_exists(db, "new__author"));
    let nullable = db.execute("INSERT INTO author (id, name) VALUES (3, NULL)", &[])?;
    assert_eq!(nullable, 1, "still the old table");
    assert_cascades(db)
}

#[test]
fn a_failing_rebuild_turns_foreign_keys_back_on() -> pookie::Result<()> {
    let (test, _) = seeded()?;
    let db = &test.db;
    let mut broken = rebuild_author("", true);
    broken
        .sqlite
        .up
        .steps
        .to_mut()
        .push(sql("SELECT * FROM no_such_table"));
    let error = pookie::migrate(db, &Migrations::new(vec![schema(), broken])).unwrap_err();
    assert!(error.to_string().contains("no_such_table"), "{error}");
    assert_eq!(rows(db, "book"), 3);
    assert_cascades(db)
}

#[test]
fn rolling_back_a_rebuild_uses_the_pragmas_too() -> pookie::Result<()> {
    let (test, _) = seeded()?;
    let db = &test.db;
    let mut rebuild = rebuild_author("", true);
    let undo = vec![
        sql("CREATE TABLE new__author (id INTEGER PRIMARY KEY, name TEXT)"),
        sql("INSERT INTO new__author (id, name) SELECT id, name FROM author"),
        sql("DROP TABLE author"),
        sql("ALTER TABLE new__author RENAME TO author"),
    ];
    rebuild.sqlite.down = pookie::migrate::Down::Script(pookie::migrate::Script {
        steps: undo.into(),
        rebuilds_tables: true,
    });
    let migrations = Migrations::new(vec![schema(), rebuild]);
    pookie::migrate(db, &migrations)?;
    pookie::migrate::rollback(db, &migrations, 1, &mut |_| {})?;
    assert_eq!(rows(db, "book"), 3);
    assert_eq!(history(db), ["0001_initial"]);
    assert_cascades(db)
}
