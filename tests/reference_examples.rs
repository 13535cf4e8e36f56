//! The examples of the PookieDB reference's QuerySet, Lookup, Q, Aggregates,
//! Pagination and Raw SQL sections, written with Pookie, on both backends.

#[macro_use]
mod support;

use pookie::{Avg, Count, Db, Error, Max, Min, Paginator, Sum, F};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, post, Author, NewAuthor, NewPost, Post};

/// `Post(title=…, slug=…, body=…, author=…)`: a complete form, named by the
/// form's type written without parameters.
fn post(slug: &str, author: &Author) -> NewPost {
    NewPost::new()
        .title(format!("Title {slug}"))
        .slug(slug)
        .body("text")
        .author(author)
}

fn seed(db: &Db) -> pookie::Result<(Author, Author)> {
    blog::create_tables(db)?;
    // `a = Author(name=…, email=…); a.save()`
    let grace = NewAuthor::new()
        .name("Grace Mutiibwa")
        .email("grace@example.com")
        .bio("Writes about ORMs")
        .save(db)?;
    let alice = NewAuthor::new()
        .name("Alice")
        .email("alice@admin.example.com")
        .save(db)?;
    for (slug, views, published, by) in [
        ("intro", 10, true, &grace),
        ("deep-dive", 20, true, &grace),
        ("draft-post", 5, false, &grace),
        ("hello", 40, true, &alice),
    ] {
        post(slug, by)
            .view_count(views)
            .published(published)
            .save(db)?;
    }
    Ok((grace, alice))
}

fn slugs(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.slug.as_str()).collect()
}

on_both_backends! {
    fn creating_and_retrieving(db) {
        blog::create_tables(db)?;
        // Bulk create: one INSERT per batch.
        let forms = (0..100).map(|i| NewAuthor::new().name(format!("User{i}")).email(format!("u{i}@ex.com")));
        let created = Author::objects().bulk_create(db, forms, 50)?;
        assert_eq!(created.len(), 100);
        assert_eq!(Author::objects().count(db)?, 100);
        let first = Author::objects().order_by([author::id.asc()]).first(db)?.unwrap();
        let last = Author::objects().order_by([author::id.asc()]).last(db)?.unwrap();
        assert_eq!((first.name.as_str(), last.name.as_str()), ("User0", "User99"));
        assert_eq!(Author::get(db, first.id)?.email, "u0@ex.com");
        assert!(Author::objects().get(db, author::email.eq("nobody@ex.com")).unwrap_err().is_does_not_exist());

        let (grace, created) = Author::objects().get_or_create(
            db,
            author::email.eq("grace@example.com"),
            NewAuthor::new().name("Grace").email("grace@example.com"),
        )?;
        assert!(created);
        let (again, created) = Author::objects().get_or_create(
            db,
            author::email.eq("grace@example.com"),
            NewAuthor::new().name("Grace").email("grace@example.com"),
        )?;
        assert!(!created);
        assert_eq!(again.id, grace.id);
        // `update_or_create(email=…, defaults={…})`
        let (updated, created) = Author::objects().update_or_create(
            db,
            author::email.eq("grace@example.com"),
            NewAuthor::new().name("Grace Updated").email("grace@example.com"),
        )?;
        assert!(!created);
        assert_eq!((updated.id, updated.name.as_str()), (grace.id, "Grace Updated"));
    }

    fn filtering_ordering_and_slicing(db) {
        let (grace, _) = seed(db)?;
        assert_eq!(Author::objects().filter(author::name.eq("Alice")).count(db)?, 1);
        let published = Post::objects()
            .filter(post::published.eq(true))
            .filter(post::author_id.eq(grace.id))
            .order_by([post::slug.asc()])
            .all(db)?;
        assert_eq!(slugs(&published), ["deep-dive", "intro"]);
        assert_eq!(Post::objects().exclude(post::published.eq(false)).count(db)?, 3);
        let mine = Post::objects()
            .filter(post::author_id.eq(grace.id))
            .exclude(post::slug.eq("draft-post"))
            .count(db)?;
        assert_eq!(mine, 2);
        let names = Author::objects().order_by([author::name.desc()]).values_list(author::name).all(db)?;
        assert_eq!(names, ["Grace Mutiibwa", "Alice"]);
        let by_id = Post::objects().order_by([post::id.asc()]);
        assert_eq!(slugs(&by_id.clone().slice(..2).all(db)?), ["intro", "deep-dive"]);
        assert_eq!(slugs(&by_id.clone().slice(2..4).all(db)?), ["draft-post", "hello"]);
        assert_eq!(slugs(&by_id.clone().offset(1).limit(2).all(db)?), ["deep-dive", "draft-post"]);
        assert_eq!(by_id.clone().slice(0..1).first(db)?.unwrap().slug, "intro");
        // `qs[2]`, and `qs[10]` past the end.
        assert_eq!(by_id.nth(db, 2)?.unwrap().slug, "draft-post");
        assert!(by_id.nth(db, 10)?.is_none());
        assert_eq!(Post::objects().count(db)?, 4);
        assert!(Post::objects().filter(post::author_id.eq(grace.id)).exists(db)?);
    }

    fn projection_updating_and_deleting(db) {
        let (grace, _) = seed(db)?;
        let rows = Author::objects()
            .order_by([author::name.asc()])
            .values((author::name, author::email))
            .all(db)?;
        assert_eq!(rows[0], ("Alice".to_owned(), "alice@admin.example.com".to_owned()));
        let ids: Vec<i32> = Author::objects().order_by([author::id.asc()]).values_list(author::id).all(db)?;
        assert_eq!(ids, [grace.id, grace.id + 1]);

        let mut grace = grace;
        grace.name = "Grace P. Mutiibwa".into();
        grace.bio = Some("changed in memory only".into());
        grace.save_update_fields(db, author::name)?;
        let mut stale = Author::get(db, grace.id)?;
        assert_eq!(stale.name, "Grace P. Mutiibwa");
        assert_eq!(stale.bio.as_deref(), Some("Writes about ORMs"), "unlisted fields are not written");
        Author::objects().filter(author::id.eq(grace.id)).update(db, [author::name.set("Renamed")])?;
        stale.refresh_from_db(db)?;
        assert_eq!(stale.name, "Renamed");

        let changed = Post::objects().filter(post::author_id.eq(grace.id)).update(db, [post::published.set(true)])?;
        assert_eq!(changed, 3);
        let bumped = Post::objects().filter(post::slug.eq("intro")).update(db, [post::view_count.set_expr(F(post::view_count) + 1)])?;
        assert_eq!(bumped, 1);
        assert_eq!(Post::objects().get(db, post::slug.eq("intro"))?.view_count, 11);
        Post::objects().filter(post::slug.eq("hello")).update(db, [post::published.set(false)])?;
        assert_eq!(Post::objects().filter(post::published.eq(false)).delete(db)?, 1);
        assert_eq!(Post::objects().count(db)?, 3);
    }

    fn lookup_types(db) {
        seed(db)?;
        let names = |q| -> pookie::Result<Vec<String>> {
            Author::objects().filter(q).order_by([author::name.asc()]).values_list(author::name).all(db)
        };
        assert_eq!(names(author::name.eq("Alice"))?, ["Alice"]);
        assert_eq!(names(author::name.iexact("alice"))?, ["Alice"]);
        assert_eq!(names(author::name.contains("Mut"))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::name.icontains("mut"))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::name.startswith("Gr"))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::name.istartswith("gr"))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::name.endswith("wa"))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::name.iendswith("WA"))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::bio.isnull(true))?, ["Alice"]);
        assert_eq!(names(author::bio.isnull(false))?, ["Grace Mutiibwa"]);
        assert_eq!(names(author::name.ne("Alice"))?, ["Grace Mutiibwa"]);
        let views = |q| -> pookie::Result<Vec<i32>> {
            Post::objects().filter(q).order_by([post::view_count.asc()]).values_list(post::view_count).all(db)
        };
        assert_eq!(views(post::view_count.gt(20))?, [40]);
        assert_eq!(views(post::view_count.gte(20))?, [20, 40]);
        assert_eq!(views(post::view_count.lt(10))?, [5]);
        assert_eq!(views(post::view_count.lte(10))?, [5, 10]);
        assert_eq!(views(post::id.is_in([1, 2, 3]))?, [5, 10, 20]);
        assert_eq!(views(post::view_count.range(10, 20))?, [10, 20]);
    }

    fn q_objects(db) {
        seed(db)?;
        let count = |q| Author::objects().filter(q).count(db);
        assert_eq!(count(author::name.eq("Alice") | author::name.eq("Bob"))?, 1);
        assert_eq!(count(author::name.eq("Alice") & author::email.endswith("example.com"))?, 1);
        assert_eq!(count(author::name.eq("Alice") & author::email.endswith("@example.com"))?, 0);
        assert_eq!(count(!author::name.eq("Alice"))?, 1);
        let nested = (author::name.eq("Alice") | author::name.eq("Grace Mutiibwa")) & !author::email.icontains("admin");
        assert_eq!(count(nested)?, 1);
        let kept = Post::objects().exclude(post::published.eq(false) | post::view_count.gt(30)).count(db)?;
        assert_eq!(kept, 2);
    }

    fn aggregates(db) {
        seed(db)?;
        let (total, avg, max, min, count) = Post::objects()
            .filter(post::published.eq(true))
            .aggregate(db, (
                Sum(post::view_count),
                Avg(post::view_count),
                Max(post::view_count),
                Min(post::view_count),
                Count(post::id),
            ))?;
        assert_eq!((total, max, min, count), (Some(70), Some(40), Some(10), 3));
        assert!((avg.unwrap() - 70.0 / 3.0).abs() < 1e-9);
        assert_eq!(Post::objects().filter(post::published.eq(true)).count(db)?, count as u64);
        let (none_sum, none_max) = Post::objects()
            .filter(post::view_count.gt(1000))
            .aggregate(db, (Sum(post::view_count), Max(post::view_count)))?;
        assert_eq!((none_sum, none_max), (None, None));
    }

    fn pagination(db) {
        let (grace, _) = seed(db)?;
        for i in 0..21 {
            post(&format!("extra-{i}"), &grace).published(true).save(db)?;
        }
        let qs = Post::objects().filter(post::published.eq(true)).order_by([post::created_at.desc(), post::id.desc()]);
        let paginator = Paginator::new(qs, 20)?;
        let page1 = paginator.page(db, 1)?;
        assert_eq!(page1.object_list.len(), 20);
        assert_eq!(paginator.count(db)?, 24);
        assert_eq!(paginator.num_pages(db)?, 2);
        assert!(page1.has_next());
        assert!(!page1.has_previous());
        assert_eq!(page1.next_page_number()?, 2);
        assert!(matches!(page1.previous_page_number(), Err(Error::Usage { .. })));
        let mut seen = 0;
        for number in paginator.page_range(db)? {
            seen += paginator.page(db, number)?.object_list.len();
        }
        assert_eq!(seen, 24);
        assert!(paginator.page(db, 3).is_err());
    }

    fn raw_sql(db) {
        seed(db)?;
        let found = Author::objects().raw(
            db,
            "SELECT *, 1 AS extra FROM authors WHERE LOWER(name) LIKE $1",
            &["%grace%".into()],
        )?;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "Grace Mutiibwa");
        let reordered = Author::objects().raw(db, "SELECT email, name, id, joined, is_active, website, bio FROM authors WHERE id = $1 OR id = $1", &[found[0].id.into()])?;
        assert_eq!(reordered, found);
        // `connection.cursor().execute(…)`: the same `$1` placeholders, rows by column name.
        let row = db
            .fetch_one("SELECT COUNT(*) AS cnt FROM posts WHERE view_count > $1", &[10.into()])?
            .expect("COUNT returns a row");
        assert_eq!(row.get::<i64>("cnt")?, 2);
        assert_eq!(db.execute("UPDATE posts SET view_count = view_count + $1 WHERE slug = $2", &[1.into(), "intro".into()])?, 1);
    }
}
