//! The rest of the QuerySet API: expressions, functions, grouping, set
//! operations, subqueries, regular expressions, streaming, keyset pages and
//! concurrent get_or_create, on both backends.

#[macro_use]
mod support;

use pookie::{
    Abs, Case, Cast, Coalesce, Concat, Count, CountAll, CountDistinct, Db, Error, Length, Lower,
    Now, Sum, Upper, F,
};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, post, Author, NewAuthor, NewPost, Post};

/// Grace: a (10 views), b (20), c (30, unpublished); Élodie: d (40); Bob: none.
fn seed(db: &Db) -> pookie::Result<Vec<Author>> {
    blog::create_tables(db)?;
    let mut authors = Vec::new();
    for (name, email, bio) in [
        ("Grace", "grace@example.com", Some("ORMs")),
        ("Élodie", "elodie@example.com", None),
        ("Bob", "bob@example.com", None),
    ] {
        let mut form = NewAuthor::new().name(name).email(email);
        if let Some(bio) = bio {
            form = form.bio(bio);
        }
        authors.push(Author::objects().create(db, form)?);
    }
    for (slug, views, published, by) in [
        ("a", 10, true, 0),
        ("b", 20, true, 0),
        ("c", 30, false, 0),
        ("d", 40, true, 1),
    ] {
        Post::objects().create(
            db,
            NewPost::new()
                .title(format!("Post {slug}"))
                .slug(slug)
                .body("text")
                .author_id(authors[by].id)
                .view_count(views)
                .published(published),
        )?;
    }
    Ok(authors)
}

fn slugs_of(query: pookie::QuerySet<Post>, db: &Db) -> pookie::Result<Vec<String>> {
    query.values_list(post::slug).all(db)
}

on_both_backends! {
    fn f_expressions_compare_columns_and_compute(db) {
        seed(db)?;
        let by_slug = Post::objects().order_by([post::slug.asc()]);
        // Views are 10 × id: a 10, b 20, c 30, d 40.
        let doubled = by_slug.clone().filter(F(post::view_count).gt(F(post::id) * 5)).values_list(post::slug).all(db)?;
        assert_eq!(doubled, ["a", "b", "c", "d"]);
        let some = by_slug.clone().filter((F(post::view_count) - F(post::id) * 9).gt(2)).values_list(post::slug).all(db)?;
        assert_eq!(some, ["c", "d"]);
        Post::objects().update(db, [post::view_count.set_expr(F(post::view_count) * 2 - 1)])?;
        assert_eq!(by_slug.values_list(post::view_count).all(db)?, [19, 39, 59, 79]);
    }

    fn database_functions_in_annotations_filters_and_updates(db) {
        seed(db)?;
        let by_name = Author::objects().order_by([author::name.asc()]);
        let rows = by_name.clone().values_list((Upper(author::name), Lower(author::name), Length(author::name))).all(db)?;
        assert_eq!(rows[2], ("ÉLODIE".to_owned(), "élodie".to_owned(), 6));
        let bios = by_name.clone().values_list(Coalesce(author::bio, "none")).all(db)?;
        assert_eq!(bios, ["none", "ORMs", "none"]);
        let labels = by_name.clone().values_list(Concat([F(author::name), pookie::value("<".to_owned()), F(author::email)])).all(db)?;
        assert_eq!(labels[0], "Bob<bob@example.com");
        assert_eq!(Author::objects().filter(Lower(author::name).eq("élodie")).count(db)?, 1);
        // Like `ne` on a column, `ne` on an expression keeps the rows where it is NULL.
        assert_eq!(Author::objects().filter(Upper(author::bio).ne("ORMS")).count(db)?, 2);
        let popularity = Case::<_, String>::when(post::view_count.gte(30), "hot")
            .and_when(post::view_count.gte(20), "warm")
            .otherwise("cold");
        let labelled = Post::objects().order_by([post::slug.asc()]).values_list((post::slug, popularity)).all(db)?;
        let labels: Vec<&str> = labelled.iter().map(|(_, label)| label.as_str()).collect();
        assert_eq!(labels, ["cold", "warm", "hot", "hot"]);
        let casts = Post::objects().order_by([post::slug.asc()]).values_list((Cast::<f64, _>(post::view_count), Abs(F(post::view_count) - 25))).first(db)?;
        assert_eq!(casts, Some((10.0, 15)));
        let before = pookie::chrono::Utc::now() - pookie::chrono::Duration::seconds(5);
        // SQLite's clock reads milliseconds: let one pass since the rows were written.
        std::thread::sleep(std::time::Duration::from_millis(3));
        assert_eq!(Post::objects().filter(F(post::created_at).lte(Now())).count(db)?, 4);
        Post::objects().update(db, [post::updated_at.set_expr(Now()), post::title.set_expr(Upper(post::title))])?;
        let first = Post::objects().get(db, post::slug.eq("a"))?;
        assert_eq!(first.title, "POST A");
        assert!(first.updated_at >= before);
    }

    fn annotate_groups_with_having_and_counts_distinct(db) {
        seed(db)?;
        let per_author = Post::objects()
            .values_list((post::author_id, Count(post::id), Sum(post::view_count)))
            .having(CountAll().gt(1))
            .all(db)?;
        assert_eq!(per_author.len(), 1);
        assert_eq!((per_author[0].1, per_author[0].2), (3, Some(60)));
        let ordered = Post::objects()
            .values_list((post::author_id, Count(post::id)))
            .order_by([Count(post::id).desc()])
            .all(db)?;
        assert_eq!(ordered.iter().map(|row| row.1).collect::<Vec<_>>(), [3, 1]);
        let (authors, published) = Post::objects().aggregate(db, (CountDistinct(post::author_id), CountDistinct(post::published)))?;
        assert_eq!((authors, published), (2, 2));
        let distinct_authors = Post::objects().order_by([]).values_list(post::author_id).distinct().all(db)?;
        assert_eq!(distinct_authors.len(), 2);
        assert_eq!(Post::objects().slice(..2).aggregate(db, Count(post::id))?, 2);
    }

    fn set_operations_take_ordering_count_and_slicing(db) {
        seed(db)?;
        let low = Post::objects().filter(post::view_count.lte(20));
        let unpublished = Post::objects().filter(post::published.eq(false));
        let high = Post::objects().filter(post::view_count.gte(20));
        let union = low.clone().union(high.clone()).order_by([post::slug.desc()]);
        assert_eq!(slugs_of(union.clone(), db)?, ["d", "c", "b", "a"]);
        assert_eq!(union.count(db)?, 4);
        assert_eq!(slugs_of(union.clone().slice(1..3), db)?, ["c", "b"]);
        assert_eq!(low.clone().union_all(high.clone()).count(db)?, 5);
        let both = low.clone().intersection(high.clone()).order_by([post::slug.asc()]);
        assert_eq!(slugs_of(both, db)?, ["b"]);
        let only_low = low.clone().difference(high.clone()).order_by([post::slug.asc()]);
        assert_eq!(slugs_of(only_low, db)?, ["a"]);
        let three = low.union(high).union(unpublished).filter(post::published.eq(true)).order_by([post::slug.asc()]);
        assert_eq!(slugs_of(three.clone(), db)?, ["a", "b", "d"]);
        assert_eq!(three.first(db)?.map(|p| p.slug).as_deref(), Some("a"));
    }

    fn subquery_regex_and_queryset_shortcuts(db) {
        let authors = seed(db)?;
        let active = Author::objects().filter(author::bio.isnull(false)).values_list(author::id);
        assert_eq!(Post::objects().filter(post::author_id.in_query(active.clone())).count(db)?, 3);
        assert_eq!(Post::objects().exclude(post::author_id.in_query(active)).count(db)?, 1);
        let names = |q| Author::objects().filter(q).order_by([author::name.asc()]).values_list(author::name).all(db);
        assert_eq!(names(author::name.regex("^[GB]"))?, ["Bob", "Grace"]);
        assert_eq!(names(author::name.regex("^g"))?, Vec::<String>::new());
        assert_eq!(names(author::name.iregex("^g|^b"))?, ["Bob", "Grace"]);
        assert_eq!(names(author::email.regex(r"^[a-z]+@example\.com$"))?, ["Bob", "Grace", "Élodie"]);
        assert_eq!(Author::objects().get_or_none(db, author::name.eq("Nobody"))?, None);
        assert!(Author::objects().get_or_none(db, author::name.eq("Bob"))?.is_some());
        match Author::objects().get(db, author::name.eq("Nobody")) {
            Err(Error::DoesNotExist { model, filter, .. }) => {
                assert_eq!(model, "Author");
                assert!(filter.reveal().contains("Nobody"));
            }
            other => panic!("{other:?}"),
        }
        match Post::objects().get(db, post::author_id.eq(authors[0].id)) {
            Err(Error::MultipleObjectsReturned { model, count }) => assert_eq!((model, count), ("Post", 3)),
            other => panic!("{other:?}"),
        }
        assert_eq!(Post::objects().earliest(db, post::view_count.asc())?.slug, "a");
        assert_eq!(Post::objects().latest(db, post::view_count.asc())?.slug, "d");
        assert!(Post::objects().filter(post::view_count.gt(99)).latest(db, post::id.asc()).unwrap_err().is_does_not_exist());
        let mut shuffled = slugs_of(Post::objects().order_by_random(), db)?;
        shuffled.sort();
        assert_eq!(shuffled, ["a", "b", "c", "d"]);
        let last = Post::objects().order_by([post::slug.asc()]).last(db)?.unwrap();
        assert_eq!(last.slug, "d");
        assert_eq!(Post::objects().order_by([]).values_list(post::author_id).distinct().all(db)?.len(), 2);
        assert_eq!(Post::objects().values_list(post::author_id).distinct().all(db)?.len(), 2);
    }

    fn streaming_and_keyset_pages(db) {
        let authors = seed(db)?;
        let forms = (0..250).map(|i| NewPost::new().title("t").slug(format!("bulk-{i}")).body("b").author_id(authors[2].id));
        Post::objects().bulk_create(db, forms, 0)?;
        let mut streamed = 0;
        Post::objects().for_each(db, |post| {
            assert!(!post.slug.is_empty());
            streamed += 1;
            Ok(true)
        })?;
        assert_eq!(streamed, 254);
        let mut stopped = 0;
        Post::objects().for_each(db, |_| {
            stopped += 1;
            Ok(stopped < 10)
        })?;
        assert_eq!(stopped, 10);
        let mut cursor = None;
        let mut seen = Vec::new();
        loop {
            let page = Post::objects().keyset_page(db, post::id, cursor, 100)?;
            seen.extend(page.object_list.iter().map(|p| p.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 254);
        assert!(seen.windows(2).all(|pair| pair[0] < pair[1]));
    }

    fn bulk_create_splits_batches_at_the_parameter_limit(db) {
        blog::create_tables(db)?;
        // 8 columns per row: 5000 rows need 40000 parameters, more than SQLite allows in one statement.
        let forms = (0..5000).map(|i| NewAuthor::new().name(format!("u{i}")).email(format!("u{i}@ex.com")));
        let created = Author::objects().bulk_create(db, forms, 10_000)?;
        assert_eq!(created.len(), 5000);
        assert!(created.windows(2).all(|pair| pair[0].id < pair[1].id));
        let stored = Author::get(db, created[4321].id)?;
        assert_eq!(stored.email, "u4321@ex.com");
        // Every returned object is exactly the row stored under its key.
        let all = Author::objects().order_by([author::id.asc()]).all(db)?;
        assert_eq!(all, created);
    }

    fn get_or_create_settles_races(db) {
        blog::create_tables(db)?;
        let results: Vec<pookie::Result<(Author, bool)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        Author::objects().get_or_create(
                            db,
                            author::email.eq("race@example.com"),
                            NewAuthor::new().name("Racer").email("race@example.com"),
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|handle| handle.join().expect("no panic")).collect()
        });
        let mut created = 0;
        let mut ids = Vec::new();
        for result in results {
            let (author, was_created) = result?;
            created += usize::from(was_created);
            ids.push(author.id);
        }
        assert_eq!(created, 1);
        ids.dedup();
        assert_eq!(ids.len(), 1);
        assert_eq!(Author::objects().filter(author::email.eq("race@example.com")).count(db)?, 1);
        let results: Vec<pookie::Result<(Author, bool)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|i| {
                    scope.spawn(move || {
                        Author::objects().update_or_create_with(
                            db,
                            author::email.eq("upsert@example.com"),
                            NewAuthor::new().name("First").email("upsert@example.com"),
                            [author::name.set(format!("Update {i}"))],
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|handle| handle.join().expect("no panic")).collect()
        });
        assert_eq!(results.into_iter().filter(|r| matches!(r, Ok((_, true)))).count(), 1);
        assert_eq!(Author::objects().filter(author::email.eq("upsert@example.com")).count(db)?, 1);
    }
}
