//! Upserts (`INSERT … ON CONFLICT`): one row and many, do nothing or update
//! chosen columns, composite keys, misuse, and concurrent writers, on both
//! backends.

#[macro_use]
mod support;

use pookie::{capture_queries, Db, Error, OnConflict, UniqueKey};

pub mod blog {
    pookie::include_models!("blog");
}

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

use blog::{tag, NewTag, Tag};
use kitchen_sink::{census, Census, Country, NewCensus, NewCountry};

fn tag_form(slug: &str, name: &str) -> NewTag {
    NewTag::new().slug(slug).name(name)
}

/// `(slug, name)` of every stored tag, by slug.
fn stored(db: &Db) -> pookie::Result<Vec<(String, String)>> {
    let mut tags: Vec<(String, String)> = Tag::objects()
        .all(db)?
        .into_iter()
        .map(|tag| (tag.slug, tag.name))
        .collect();
    tags.sort();
    Ok(tags)
}

on_both_backends! {
    fn upsert_inserts_then_updates_the_named_columns(db) {
        blog::create_tables(db)?;
        let on_slug = OnConflict::on(tag::unique::slug).update(tag::name);
        let (created, queries) =
            capture_queries(|| Tag::objects().upsert(db, tag_form("rust", "Rust"), &on_slug));
        let created = created?;
        assert_eq!(queries.len(), 1, "{queries}");
        assert!(queries[0].contains("ON CONFLICT"), "{queries}");
        assert_eq!((created.slug.as_str(), created.name.as_str()), ("rust", "Rust"));

        let updated = Tag::objects().upsert(db, tag_form("rust", "Rust lang"), &on_slug)?;
        assert_eq!(updated.id, created.id, "the same row");
        assert_eq!(updated.name, "Rust lang", "as stored after the update");
        assert_eq!(stored(db)?, [("rust".into(), "Rust lang".into())]);
    }

    // peewee: for name in ('charlie', 'mickey', 'huey'):
    //     db.execute_sql('REPLACE INTO person (name) VALUES (?)', (name,))
    // and InsertQuery.upsert() / on_conflict('REPLACE'): run twice, each name is
    // stored once, and a replaced row takes the proposed values.
    fn peewee_replace_into_by_a_unique_name(db) {
        blog::create_tables(db)?;
        let replace = OnConflict::on(tag::unique::name).update_all();
        for round in ["first", "second"] {
            for name in ["charlie", "mickey", "huey"] {
                let slug = format!("{name}-{round}");
                Tag::objects().upsert(db, tag_form(&slug, name), &replace)?;
            }
        }
        let mut people: Vec<(String, String)> = Tag::objects()
            .values_list((tag::name, tag::slug))
            .all(db)?;
        people.sort();
        assert_eq!(
            people,
            [
                ("charlie".to_owned(), "charlie-second".to_owned()),
                ("huey".to_owned(), "huey-second".to_owned()),
                ("mickey".to_owned(), "mickey-second".to_owned()),
            ]
        );
    }

    fn do_nothing_keeps_the_stored_row_and_gives_it_back(db) {
        blog::create_tables(db)?;
        let first = Tag::objects().create(db, tag_form("go", "Go"))?;
        let keep = OnConflict::on(tag::unique::slug).do_nothing();
        let (kept, queries) =
            capture_queries(|| Tag::objects().upsert(db, tag_form("go", "Golang"), &keep));
        let kept = kept?;
        assert_eq!((kept.id, kept.name.as_str()), (first.id, "Go"));
        let statements: Vec<&String> = queries
            .iter()
            .filter(|sql| sql.starts_with("INSERT") || sql.starts_with("SELECT"))
            .collect();
        assert_eq!(statements.len(), 2, "the insert, then the read of the kept row: {queries}");
        let fresh = Tag::objects().upsert(db, tag_form("sql", "SQL"), &keep)?;
        assert_eq!(fresh.name, "SQL");
        assert_eq!(stored(db)?, [("go".into(), "Go".into()), ("sql".into(), "SQL".into())]);
    }

    fn bulk_upsert_gives_one_stored_row_per_form_in_order(db) {
        blog::create_tables(db)?;
        let rust = Tag::objects().create(db, tag_form("rust", "Rust"))?;
        let forms = [
            tag_form("go", "Go"),
            tag_form("rust", "Rust 2024"),
            tag_form("sql", "SQL"),
            tag_form("go", "Go 1.23"),
        ];
        let rows = Tag::objects().bulk_upsert(db, forms, &OnConflict::on(tag::unique::slug).update_all(), 0)?;
        let got: Vec<(&str, &str)> = rows.iter().map(|t| (t.slug.as_str(), t.name.as_str())).collect();
        assert_eq!(got, [("go", "Go 1.23"), ("rust", "Rust 2024"), ("sql", "SQL"), ("go", "Go 1.23")]);
        assert_eq!(rows[1].id, rust.id);
        assert_eq!(rows[0].id, rows[3].id, "one key, one row");
        assert_eq!(
            stored(db)?,
            [
                ("go".into(), "Go 1.23".into()),
                ("rust".into(), "Rust 2024".into()),
                ("sql".into(), "SQL".into()),
            ]
        );

        // Batches of two, doing nothing on conflicts: the stored rows come back.
        let forms = ["a", "go", "b", "rust", "c"].map(|slug| tag_form(slug, &format!("new {slug}")));
        let (rows, queries) = capture_queries(|| {
            Tag::objects().bulk_upsert(db, forms, &OnConflict::on(tag::unique::slug).do_nothing(), 2)
        });
        let names: Vec<String> = rows?.into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["new a", "Go 1.23", "new b", "Rust 2024", "new c"]);
        let inserts = queries.iter().filter(|sql| sql.starts_with("INSERT")).count();
        assert_eq!(inserts, 3, "{queries}");
        assert_eq!(Tag::objects().count(db)?, 6);
        assert!(Tag::objects().bulk_upsert(db, Vec::<NewTag>::new(), &OnConflict::on(tag::unique::slug).do_nothing(), 0)?.is_empty());
    }

    fn a_composite_key_conflicts_on_every_column(db) {
        kitchen_sink::create_tables(db)?;
        Country::objects().create(db, NewCountry::new().code("KE").name("Kenya"))?;
        Census::objects().create(db, NewCensus::new().country_id("KE").year(2010).population(1))?;
        let forms = [2010, 2020].map(|year| {
            NewCensus::new().country_id("KE").year(year).population(i64::from(year)).note("revised")
        });
        let on_key = OnConflict::on(census::unique::country_and_year).update_all();
        let rows = Census::objects().bulk_upsert(db, forms, &on_key, 0)?;
        let got: Vec<(i16, i64, &str)> = rows.iter().map(|c| (c.year, c.population, c.note.as_str())).collect();
        assert_eq!(got, [(2010, 2010, "revised"), (2020, 2020, "revised")]);
        let again = Census::objects().upsert(
            db,
            NewCensus::new().country_id("KE").year(2020).population(5),
            &OnConflict::on_pk().update(census::population),
        )?;
        assert_eq!((again.population, again.note.as_str()), (5, "revised"));
        assert_eq!(Census::objects().count(db)?, 2);
    }

    fn misuse_is_a_clear_error(db) {
        blog::create_tables(db)?;
        let error = Tag::objects()
            .upsert(db, tag_form("x", "X"), &OnConflict::on(tag::unique::slug).update(tag::id))
            .unwrap_err();
        assert!(matches!(error, Error::Usage { .. }), "{error:?}");
        assert!(error.to_string().contains("cannot update `id`"), "{error}");
        // A key written by hand that the database does not know as unique
        // (the schema's keys are in `tag::unique`; a key outside it does not
        // compile: tests/compile-fail/upsert_on_a_column_that_is_not_unique.rs).
        let not_unique = UniqueKey::new(&["name", "slug"]);
        let error = Tag::objects()
            .upsert(db, tag_form("x", "X"), &OnConflict::on(not_unique).do_nothing())
            .unwrap_err();
        assert!(!matches!(error, Error::Usage { .. }), "{error:?}");
        assert!(error.to_string().to_lowercase().contains("conflict"), "{error}");
        assert_eq!(Tag::objects().count(db)?, 0);
    }

    fn concurrent_upserts_of_the_same_keys_all_succeed(db) {
        blog::create_tables(db)?;
        let slugs = ["a", "b", "c", "d", "e"];
        let on_slug = OnConflict::on(tag::unique::slug).update(tag::name);
        let results: Vec<pookie::Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|writer| {
                    let on_slug = &on_slug;
                    scope.spawn(move || {
                        for round in 0..10 {
                            for slug in slugs {
                                let name = format!("{slug} {writer} {round}");
                                let row = Tag::objects().upsert(db, tag_form(slug, &name), on_slug)?;
                                assert_eq!(row.slug, slug);
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().map(|handle| handle.join().expect("no panic")).collect()
        });
        for result in results {
            result?;
        }
        let tags = stored(db)?;
        assert_eq!(tags.len(), slugs.len());
        for (slug, name) in tags {
            assert!(name.starts_with(&format!("{slug} ")), "{slug}: {name}");
        }
    }
}
