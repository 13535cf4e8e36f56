//! Data migrations: a Rust function between two schema migrations, embedded in
//! the program (`tests/data_migrations/migrations`, compiled in by `build.rs`),
//! applied and rolled back on SQLite and PostgreSQL.
//!
//! 0001 creates `articles`, 0002 adds a nullable `slug`, 0003 runs
//! `backfill_slugs` (and `undo_backfill_slugs` backwards), 0004 makes `slug`
//! required and unique, 0005 is raw SQL (an expression index). The functions
//! use raw SQL: a migration step sees the tables as they are at that
//! migration, not as today's models describe them.

#[macro_use]
#[allow(unused_macros)]
mod support;

use pookie::migrate::{self, MigrateOptions, Migrations, Target};
use pookie::{Db, Error};

fn embedded() -> Migrations {
    Migrations::embedded(include!(concat!(
        env!("OUT_DIR"),
        "/articles/pookie_migrations.rs"
    )))
}

fn backfill_slugs(db: &Db) -> pookie::Result<()> {
    for row in db.fetch_all("SELECT id, title FROM articles WHERE slug IS NULL", &[])? {
        let id = row.values()[0].as_i64().expect("an integer id");
        let title = row.values()[1].as_str().expect("a title");
        let slug = format!("{}-{id}", pookie::utils::slugify(title));
        db.execute(
            "UPDATE articles SET slug = $1 WHERE id = $2",
            &[slug.as_str().into(), id.into()],
        )?;
    }
    Ok(())
}

fn undo_backfill_slugs(db: &Db) -> pookie::Result<()> {
    db.execute("UPDATE articles SET slug = NULL", &[])?;
    Ok(())
}

fn failing_backfill(db: &Db) -> pookie::Result<()> {
    backfill_slugs(db)?;
    Err(Error::Custom {
        message: "the backfill found a title it cannot slugify".into(),
    })
}

fn with_functions() -> Migrations {
    embedded()
        .function("backfill_slugs", backfill_slugs)
        .function("undo_backfill_slugs", undo_backfill_slugs)
}

fn slugs(db: &Db) -> Vec<Option<String>> {
    db.fetch_all("SELECT slug FROM articles ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| row.values()[0].as_str().map(str::to_owned))
        .collect()
}

fn applied(db: &Db) -> Vec<String> {
    migrate::show_migrations(db, &with_functions())
        .unwrap()
        .migrations
        .into_iter()
        .filter(|m| m.applied_at.is_some())
        .map(|m| m.name)
        .collect()
}

fn index_exists(db: &Db, name: &str) -> bool {
    let sql = match db.dialect() {
        pookie::Dialect::Sqlite => "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = $1",
        pookie::Dialect::Postgres => {
            "SELECT 1 FROM pg_indexes WHERE indexname = $1 AND schemaname = current_schema()"
        }
    };
    db.fetch_one(sql, &[name.into()]).unwrap().is_some()
}

fn to(name: &str) -> MigrateOptions {
    MigrateOptions {
        target: Target::Name(name.into()),
        ..MigrateOptions::default()
    }
}

fn insert_articles(db: &Db) {
    db.execute(
        "INSERT INTO articles (title) VALUES ('Hello, World'), ('Ünïcode & more'), ('Hello, World')",
        &[],
    )
    .unwrap();
}

on_both_backends! {
    fn a_backfill_runs_between_two_schema_migrations_and_back(db) {
        migrate::migrate_with(db, &with_functions(), &to("0002_add_article_slug"), &mut |_| {})?;
        insert_articles(db);
        assert_eq!(slugs(db), vec![None, None, None]);

        let done = migrate::migrate(db, &with_functions())?;
        assert_eq!(
            done,
            vec![
                "0003_backfill_slugs",
                "0004_article_slug_required",
                "0005_index_lower_titles"
            ]
        );
        assert!(index_exists(db, "articles_title_lower_idx"));
        assert_eq!(
            slugs(db),
            vec![
                Some("hello-world-1".into()),
                Some("ünïcode-more-2".into()),
                Some("hello-world-3".into())
            ]
        );
        // 0004 made the slug required and unique.
        assert!(db.execute("INSERT INTO articles (title) VALUES ('no slug')", &[]).is_err());

        let undone = migrate::rollback(db, &with_functions(), 3, &mut |_| {})?;
        assert_eq!(
            undone,
            vec![
                "0005_index_lower_titles",
                "0004_article_slug_required",
                "0003_backfill_slugs"
            ]
        );
        assert!(!index_exists(db, "articles_title_lower_idx"));
        assert_eq!(slugs(db), vec![None, None, None]);
        assert_eq!(applied(db), vec!["0001_initial", "0002_add_article_slug"]);

        migrate::migrate(db, &with_functions())?;
        assert_eq!(slugs(db).iter().flatten().count(), 3);
        migrate::migrate_with(db, &with_functions(), &MigrateOptions { target: Target::Zero, ..MigrateOptions::default() }, &mut |_| {})?;
        assert!(applied(db).is_empty());
    }

    fn a_failing_function_rolls_back_its_whole_migration(db) {
        let failing = embedded()
            .function("backfill_slugs", failing_backfill)
            .function("undo_backfill_slugs", undo_backfill_slugs);
        migrate::migrate_with(db, &failing, &to("0002_add_article_slug"), &mut |_| {})?;
        insert_articles(db);
        let error = migrate::migrate(db, &failing).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("0003_backfill_slugs"), "{message}");
        assert!(message.contains("cannot slugify"), "{message}");
        // The slugs the function wrote before failing are gone with the migration.
        assert_eq!(slugs(db), vec![None, None, None]);
        assert_eq!(applied(db), vec!["0001_initial", "0002_add_article_slug"]);
    }

    fn a_function_missing_from_the_registry_stops_before_anything_runs(db) {
        let error = migrate::migrate(db, &embedded()).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("backfill_slugs"), "{message}");
        assert!(message.contains("include_migrations!"), "{message}");
        // Not even 0001 ran.
        assert!(db.fetch_all("SELECT 1 FROM articles", &[]).is_err());
    }
}

#[test]
fn embedded_migrations_match_the_folder() {
    let migrations = embedded();
    let names: Vec<&str> = migrations.list.iter().map(|m| m.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "0001_initial",
            "0002_add_article_slug",
            "0003_backfill_slugs",
            "0004_article_slug_required",
            "0005_index_lower_titles"
        ]
    );
}
