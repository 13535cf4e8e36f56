//! Many rows by key and writes that return rows: `in_bulk`, `bulk_update`,
//! `update_returning`, `delete_returning`, and `explain`, on both backends.

#[macro_use]
mod support;

use pookie::{capture_queries, Db, Error, F};

pub mod blog {
    pookie::include_models!("blog");
}

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

use blog::{post, Author, NewAuthor, NewPost, Post};
use kitchen_sink::{census, Census, Country, NewCensus, NewCountry};

/// Grace: a (10 views, published), b (20, published), c (30, draft); Bob: d (40, published).
fn seed(db: &Db) -> pookie::Result<Vec<Author>> {
    blog::create_tables(db)?;
    let grace =
        Author::objects().create(db, NewAuthor::new().name("Grace").email("g@example.com"))?;
    let bob = Author::objects().create(db, NewAuthor::new().name("Bob").email("b@example.com"))?;
    for (slug, views, published, by) in [
        ("a", 10, true, &grace),
        ("b", 20, true, &grace),
        ("c", 30, false, &grace),
        ("d", 40, true, &bob),
    ] {
        Post::objects().create(
            db,
            NewPost::new()
                .title(format!("Post {slug}"))
                .slug(slug)
                .body("text")
                .author_id(by.id)
                .view_count(views)
                .published(published),
        )?;
    }
    Ok(vec![grace, bob])
}

/// `(slug, view_count)` of `posts`, by slug.
fn views(posts: &[Post]) -> Vec<(String, i32)> {
    let mut views: Vec<(String, i32)> = posts
        .iter()
        .map(|post| (post.slug.clone(), post.view_count))
        .collect();
    views.sort();
    views
}

fn stored_views(db: &Db) -> pookie::Result<Vec<(String, i32)>> {
    Ok(views(&Post::objects().all(db)?))
}

on_both_backends! {
    fn update_returning_gives_the_rows_as_updated(db) {
        let authors = seed(db)?;
        let (updated, queries) = capture_queries(|| {
            Post::objects()
                .filter(post::author_id.eq(authors[0].id) & post::published.eq(true))
                .update_returning(db, [post::view_count.set_expr(F(post::view_count) + 1)])
        });
        let updated = updated?;
        assert_eq!(queries.len(), 1, "{queries}");
        assert!(queries[0].contains("RETURNING"), "{queries}");
        assert_eq!(views(&updated), [("a".into(), 11), ("b".into(), 21)]);
        assert!(updated.iter().all(|post| post.author_id == authors[0].id && post.published));
        assert_eq!(
            stored_views(db)?,
            [("a".into(), 11), ("b".into(), 21), ("c".into(), 30), ("d".into(), 40)]
        );
        let none = Post::objects().update_returning(db, [])?;
        assert!(none.is_empty());
    }

    fn delete_returning_gives_the_rows_as_they_were(db) {
        seed(db)?;
        let deleted = Post::objects().filter(post::view_count.gte(30)).delete_returning(db)?;
        assert_eq!(views(&deleted), [("c".into(), 30), ("d".into(), 40)]);
        assert_eq!(deleted.iter().filter(|post| !post.published).count(), 1);
        assert_eq!(stored_views(db)?, [("a".into(), 10), ("b".into(), 20)]);
        // Nothing matches: nothing comes back.
        let again = Post::objects().filter(post::slug.eq("zz")).delete_returning(db)?;
        assert!(again.is_empty());
    }

    fn in_bulk_keys_rows_by_a_unique_column(db) {
        seed(db)?;
        let all = Post::objects().all(db)?;
        let ids: Vec<i32> = all.iter().map(|post| post.id).collect();
        let by_id = Post::objects().in_bulk(db, post::id, ids.iter().copied().chain([-1]))?;
        assert_eq!(by_id.len(), 4);
        for post in &all {
            assert_eq!(by_id[&post.id].slug, post.slug);
        }
        let by_slug = Post::objects()
            .filter(post::published.eq(true))
            .in_bulk(db, post::slug, ["a", "c", "d"])?;
        let mut slugs: Vec<&String> = by_slug.keys().collect();
        slugs.sort();
        assert_eq!(slugs, ["a", "d"], "the query set's filter applies");
        assert_eq!(by_slug["d"].view_count, 40);

        let (empty, queries) = capture_queries(|| Post::objects().in_bulk(db, post::id, Vec::<i32>::new()));
        assert!(empty?.is_empty());
        assert!(queries.is_empty(), "no keys, no statement: {queries}");

        let error = Post::objects().in_bulk(db, post::title, ["Post a"]).unwrap_err();
        assert!(matches!(error, Error::Usage { .. }), "{error:?}");
        assert!(error.to_string().contains("`title` of `Post` is not unique"), "{error}");
    }

    fn in_bulk_splits_long_key_lists(db) {
        seed(db)?;
        let max = db.dialect().max_parameters();
        let keys: Vec<i32> = (0..max as i32 + 10).collect();
        let (found, queries) = capture_queries(|| Post::objects().in_bulk(db, post::id, keys));
        assert_eq!(found?.len(), 4);
        assert_eq!(queries.len(), 3, "chunks of half the parameter limit");
    }

    fn bulk_update_writes_many_rows_in_one_statement(db) {
        seed(db)?;
        let mut posts = Post::objects().order_by([post::slug.asc()]).all(db)?;
        for (n, post) in posts.iter_mut().enumerate() {
            post.view_count = 100 + n as i32;
            post.title = format!("Title {n}");
            post.body = "not written".into();
        }
        let (matched, queries) =
            capture_queries(|| Post::objects().bulk_update(db, &posts, (post::view_count, post::title), 0));
        assert_eq!(matched?, 4);
        assert_eq!(queries.len(), 1, "{queries}");
        let stored = Post::objects().order_by([post::slug.asc()]).all(db)?;
        let written: Vec<(i32, &str, &str)> = stored
            .iter()
            .map(|post| (post.view_count, post.title.as_str(), post.body.as_str()))
            .collect();
        assert_eq!(written, [
            (100, "Title 0", "text"),
            (101, "Title 1", "text"),
            (102, "Title 2", "text"),
            (103, "Title 3", "text"),
        ]);

        // The query set's filter applies; several batches share a transaction.
        for post in &mut posts {
            post.view_count = 7;
        }
        let (matched, queries) = capture_queries(|| {
            Post::objects()
                .filter(post::published.eq(true))
                .bulk_update(db, &posts, post::view_count, 2)
        });
        assert_eq!(matched?, 3);
        let updates = queries.iter().filter(|sql| sql.starts_with("UPDATE")).count();
        assert_eq!(updates, 2, "{queries}");
        assert_eq!(
            stored_views(db)?,
            [("a".into(), 7), ("b".into(), 7), ("c".into(), 102), ("d".into(), 7)]
        );

        let error = Post::objects().bulk_update(db, &posts, post::id, 0).unwrap_err();
        assert!(error.to_string().contains("cannot change `id`"), "{error}");
        assert_eq!(Post::objects().bulk_update(db, &[], post::title, 0)?, 0);
    }

    fn bulk_update_with_a_composite_key(db) {
        kitchen_sink::create_tables(db)?;
        Country::objects().create(db, NewCountry::new().code("UG").name("Uganda"))?;
        let mut rows = Vec::new();
        for year in [2000, 2010, 2020] {
            rows.push(Census::objects().create(
                db,
                NewCensus::new().country_id("UG").year(year).population(1),
            )?);
        }
        for row in &mut rows {
            row.population = i64::from(row.year) * 3;
            row.note = format!("counted in {}", row.year);
        }
        assert_eq!(Census::objects().bulk_update(db, &rows[..2], (census::population, census::note), 0)?, 2);
        let stored: Vec<(i16, i64, String)> = Census::objects()
            .order_by([census::year.asc()])
            .all(db)?
            .into_iter()
            .map(|row| (row.year, row.population, row.note))
            .collect();
        assert_eq!(stored, [
            (2000, 6000, "counted in 2000".to_owned()),
            (2010, 6030, "counted in 2010".to_owned()),
            (2020, 1, String::new()),
        ]);
    }

    fn explain_shows_the_plan_of_the_query(db) {
        seed(db)?;
        let by_slug = Post::objects().filter(post::slug.eq("a"));
        let plan = by_slug.explain(db)?;
        let everything = Post::objects().select_related(post::author).explain(db)?;
        match db.dialect() {
            pookie::Dialect::Sqlite => {
                assert!(plan.contains("SEARCH") && plan.contains("INDEX"), "{plan}");
                assert!(everything.contains("SCAN"), "{everything}");
                let error = by_slug.explain_analyze(db).unwrap_err();
                assert!(matches!(error, Error::Usage { .. }), "{error:?}");
            }
            pookie::Dialect::Postgres => {
                assert!(plan.contains("Scan") && plan.contains(" on posts"), "{plan}");
                assert!(everything.contains("Join"), "{everything}");
                let analyzed = by_slug.explain_analyze(db)?;
                assert!(analyzed.contains("actual time"), "{analyzed}");
            }
        }
        // The rows are untouched.
        assert_eq!(stored_views(db)?.len(), 4);
    }
}
