//! The query API end to end, through the code generated from `schemas/`, on
//! SQLite and on PostgreSQL.

#[macro_use]
mod support;

use pookie::{Db, Error};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, post, Author, NewAuthor, NewPost, Post};

fn author(db: &Db, name: &str, email: &str) -> pookie::Result<Author> {
    Author::objects().create(db, NewAuthor::new().name(name).email(email))
}

fn post(db: &Db, author: &Author, slug: &str, views: i32, published: bool) -> pookie::Result<Post> {
    Post::objects().create(
        db,
        NewPost::new()
            .title(format!("Post {slug}"))
            .slug(slug)
            .body("text")
            .author_id(author.id)
            .view_count(views)
            .published(published),
    )
}

/// Grace (3 posts: a 10 views, b 20, c 30 unpublished) and Bob (1 post: d 40).
fn seed(db: &Db) -> pookie::Result<(Author, Author)> {
    blog::create_tables(db)?;
    let grace = author(db, "Grace Mutiibwa", "grace@example.com")?;
    let bob = author(db, "Bob", "bob@example.com")?;
    post(db, &grace, "a", 10, true)?;
    post(db, &grace, "b", 20, true)?;
    post(db, &grace, "c", 30, false)?;
    post(db, &bob, "d", 40, true)?;
    Ok((grace, bob))
}

fn slugs(posts: Vec<Post>) -> Vec<String> {
    posts.into_iter().map(|p| p.slug).collect()
}

on_both_backends! {
    fn create_fills_keys_and_defaults(db) {
        blog::create_tables(db)?;
        let before = pookie::chrono::Utc::now();
        let grace = author(db, "Grace", "grace@example.com")?;
        assert!(grace.id > 0);
        assert!(grace.is_active, "BooleanField(default = true)");
        assert_eq!(grace.bio, None);
        assert!(grace.joined >= before - pookie::chrono::Duration::seconds(1));
        let fetched = Author::get(db, grace.id)?;
        assert_eq!(fetched.name, "Grace");
        assert_eq!(fetched.is_active, grace.is_active);
        // Timestamps keep microseconds on both backends.
        assert_eq!(fetched.joined.timestamp_micros(), grace.joined.timestamp_micros());
        let second = author(db, "Bob", "bob@example.com")?;
        assert!(second.id > grace.id);
    }

    fn filters_combine_with_and(db) {
        let (grace, _) = seed(db)?;
        let found = Post::objects()
            .filter(post::author_id.eq(grace.id))
            .filter(post::published.eq(true))
            .order_by([post::slug.asc()])
            .all(db)?;
        assert_eq!(slugs(found), ["a", "b"]);
    }

    fn comparison_lookups(db) {
        seed(db)?;
        let by_views = |q| -> pookie::Result<Vec<String>> {
            Ok(slugs(Post::objects().filter(q).order_by([post::slug.asc()]).all(db)?))
        };
        assert_eq!(by_views(post::view_count.gt(20))?, ["c", "d"]);
        assert_eq!(by_views(post::view_count.gte(20))?, ["b", "c", "d"]);
        assert_eq!(by_views(post::view_count.lt(20))?, ["a"]);
        assert_eq!(by_views(post::view_count.lte(20))?, ["a", "b"]);
        assert_eq!(by_views(post::view_count.ne(20))?, ["a", "c", "d"]);
        assert_eq!(by_views(post::view_count.is_in([10, 40, 99]))?, ["a", "d"]);
        assert_eq!(by_views(post::view_count.is_in(Vec::<i32>::new()))?, Vec::<String>::new());
    }

    fn q_objects_or_and_not(db) {
        seed(db)?;
        let q = (post::slug.eq("a") | post::slug.eq("d")) & !post::view_count.gt(30);
        assert_eq!(slugs(Post::objects().filter(q).all(db)?), ["a"]);
        let excluded = Post::objects().exclude(post::slug.eq("a") | post::published.eq(false));
        assert_eq!(slugs(excluded.order_by([post::slug.asc()]).all(db)?), ["b", "d"]);
    }

    fn text_lookups_escape_wildcards(db) {
        blog::create_tables(db)?;
        for (name, email) in [("50% off", "a@x.io"), ("5000 off", "b@x.io"), ("snake_case", "c@x.io"), ("snakeXcase", "d@x.io"), ("Élodie", "e@x.io"), ("star*t", "f@x.io")] {
            author(db, name, email)?;
        }
        let names = |q| -> pookie::Result<Vec<String>> {
            let mut names: Vec<String> = Author::objects().filter(q).all(db)?.into_iter().map(|a| a.name).collect();
            names.sort();
            Ok(names)
        };
        assert_eq!(names(author::name.contains("50%"))?, ["50% off"]);
        assert_eq!(names(author::name.contains("_"))?, ["snake_case"]);
        assert_eq!(names(author::name.contains("*"))?, ["star*t"]);
        assert_eq!(names(author::name.contains("OFF"))?, Vec::<String>::new());
        assert_eq!(names(author::name.icontains("OFF"))?, ["50% off", "5000 off"]);
        assert_eq!(names(author::name.icontains("élo"))?, ["Élodie"]);
        assert_eq!(names(author::name.icontains("ÉLO"))?, ["Élodie"]);
        assert_eq!(names(author::name.startswith("snake"))?, ["snakeXcase", "snake_case"]);
        assert_eq!(names(author::name.istartswith("SNAKE_"))?, ["snake_case"]);
        assert_eq!(names(author::name.endswith("off"))?, ["50% off", "5000 off"]);
        assert_eq!(names(author::name.iendswith("CASE"))?, ["snakeXcase", "snake_case"]);
        assert_eq!(names(author::name.iexact("élodie"))?, ["Élodie"]);
        assert_eq!(names(author::email.eq("c@x.io"))?, ["snake_case"]);
    }

    fn isnull_and_nullable_exclude(db) {
        blog::create_tables(db)?;
        Author::objects().create(db, NewAuthor::new().name("With bio").email("a@x.io").bio("hello"))?;
        author(db, "No bio", "b@x.io")?;
        let with_null = Author::objects().filter(author::bio.isnull(true)).all(db)?;
        assert_eq!(with_null.len(), 1);
        assert_eq!(with_null[0].name, "No bio");
        assert_eq!(Author::objects().filter(author::bio.isnull(false)).count(db)?, 1);
        // Excluding bio = "hello" keeps the author whose bio is NULL, as in Django.
        let others = Author::objects().exclude(author::bio.eq("hello")).all(db)?;
        assert_eq!(others.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["No bio"]);
    }

    fn default_ordering_and_order_by(db) {
        seed(db)?;
        // meta ordering of Post is ["-created_at"]; posts were created a, b, c, d.
        let newest_first = slugs(Post::objects().all(db)?);
        assert_eq!(newest_first.first().map(String::as_str), Some("d"));
        let by_views = slugs(Post::objects().order_by([post::published.desc(), post::view_count.asc()]).all(db)?);
        assert_eq!(by_views, ["a", "b", "d", "c"]);
        let unordered = Post::objects().order_by([]).all(db)?;
        assert_eq!(unordered.len(), 4);
    }

    fn limit_offset_first_count_exists(db) {
        seed(db)?;
        let ordered = Post::objects().order_by([post::view_count.asc()]);
        assert_eq!(slugs(ordered.clone().limit(2).all(db)?), ["a", "b"]);
        assert_eq!(slugs(ordered.clone().offset(1).limit(2).all(db)?), ["b", "c"]);
        assert_eq!(slugs(ordered.clone().offset(3).all(db)?), ["d"]);
        assert_eq!(ordered.clone().offset(1).limit(2).count(db)?, 2);
        assert_eq!(ordered.clone().offset(3).count(db)?, 1);
        assert_eq!(ordered.first(db)?.map(|p| p.slug), Some("a".to_owned()));
        assert_eq!(Post::objects().count(db)?, 4);
        assert!(Post::objects().filter(post::slug.eq("d")).exists(db)?);
        assert!(!Post::objects().filter(post::slug.eq("zzz")).exists(db)?);
        assert_eq!(Post::objects().filter(post::slug.eq("zzz")).first(db)?, None);
    }

    fn get_reports_none_and_several(db) {
        seed(db)?;
        let b = Post::objects().get(db, post::slug.eq("b"))?;
        assert_eq!(b.view_count, 20);
        match Post::objects().get(db, post::slug.eq("nope")) {
            Err(error @ Error::DoesNotExist { .. }) => {
                // The message names the model and the column, never the value
                // (a token or an email would land in logs); the value is
                // there for debugging, behind `reveal()`.
                assert_eq!(error.to_string(), "Post matching query does not exist (searched by slug)");
                assert!(!format!("{error:?}").contains("nope"), "{error:?}");
                let Error::DoesNotExist { model, filter, .. } = &error else { unreachable!() };
                assert_eq!(*model, "Post");
                assert!(filter.reveal().contains("slug") && filter.reveal().contains("nope"), "{}", filter.reveal());
                let missing = Post::get(db, 424242).unwrap_err();
                assert_eq!(missing.to_string(), "Post matching query does not exist (searched by id)");
                assert!(!format!("{missing:?}").contains("424242"));
            }
            other => panic!("expected DoesNotExist, got {other:?}"),
        }
        match Post::objects().get(db, post::published.eq(true)) {
            Err(Error::MultipleObjectsReturned { model: "Post", count: 3 }) => {}
            other => panic!("expected MultipleObjectsReturned with 3, got {other:?}"),
        }
        assert!(Author::get(db, 999_999).unwrap_err().is_does_not_exist());
    }

    fn save_updates_the_row_and_auto_now(db) {
        let (grace, _) = seed(db)?;
        let mut a = Post::objects().get(db, post::slug.eq("a"))?;
        let stamp = a.updated_at;
        a.title = "Renamed".into();
        a.view_count += 5;
        std::thread::sleep(std::time::Duration::from_millis(2));
        a.save(db)?;
        let fetched = Post::get(db, a.id)?;
        assert_eq!(fetched.title, "Renamed");
        assert_eq!(fetched.view_count, 15);
        assert!(fetched.updated_at > stamp, "auto_now field moves on save");
        assert_eq!(fetched.created_at, a.created_at, "auto_now_add field stays");
        assert_eq!(fetched.author_id, grace.id);
    }

    fn saving_a_deleted_row_is_an_error(db) {
        let (grace, _) = seed(db)?;
        let mut copy = grace.clone();
        grace.delete(db)?;
        assert!(copy.save(db).unwrap_err().is_does_not_exist());
    }

    fn queryset_update_and_delete_return_counts(db) {
        let (grace, _) = seed(db)?;
        let changed = Post::objects()
            .filter(post::author_id.eq(grace.id))
            .update(db, [post::published.set(true), post::view_count.set(7)])?;
        assert_eq!(changed, 3);
        assert_eq!(Post::objects().filter(post::view_count.eq(7)).count(db)?, 3);
        let sliced = Post::objects().order_by([post::slug.asc()]).limit(1).update(db, [post::title.set("first")])?;
        assert_eq!(sliced, 1);
        assert_eq!(Post::objects().get(db, post::slug.eq("a"))?.title, "first");
        assert_eq!(Post::objects().filter(post::slug.is_in(["a", "b"])).delete(db)?, 2);
        assert_eq!(Post::objects().count(db)?, 2);
        assert_eq!(Post::objects().filter(post::slug.eq("none")).delete(db)?, 0);
    }

    fn deleting_a_parent_cascades(db) {
        let (grace, bob) = seed(db)?;
        grace.delete(db)?;
        assert_eq!(Post::objects().count(db)?, 1);
        assert_eq!(Post::objects().all(db)?[0].author_id, bob.id);
    }

    fn constraint_violations_are_refused_before_or_at_the_database(db) {
        let (grace, _) = seed(db)?;
        // Uniqueness is checked by full_clean before the insert…
        let duplicate = author(db, "Other Grace", "grace@example.com");
        let field = duplicate.as_ref().err().and_then(Error::validation).and_then(|e| e.field());
        assert_eq!(field, Some("email"), "{duplicate:?}");
        // …and what validation does not check, the database refuses.
        let orphan = Post::objects().create(
            db,
            NewPost::new().title("x").slug("orphan").body("x").author_id(grace.id + 1000),
        );
        assert!(matches!(orphan, Err(Error::Integrity { .. })), "{orphan:?}");
        // unique_together (author, slug) and UNIQUE slug both refuse a second "a".
        assert!(matches!(post(db, &grace, "a", 0, true), Err(Error::Validation(_))));
        assert_eq!(Author::objects().count(db)?, 2, "nothing was written");
    }

    fn hostile_strings_are_plain_data(db) {
        blog::create_tables(db)?;
        let hostile = "Robert'); DROP TABLE authors; -- \"x\" \\ %_*?[";
        let created = author(db, hostile, "bobby@tables.io")?;
        let fetched = Author::objects().get(db, author::name.eq(hostile))?;
        assert_eq!(fetched, created);
        assert_eq!(Author::objects().filter(author::name.contains("'); DROP")).count(db)?, 1);
        assert_eq!(Author::objects().count(db)?, 1);
    }

    fn create_table_is_idempotent_and_drop_removes(db) {
        blog::create_tables(db)?;
        blog::create_tables(db)?;
        author(db, "Grace", "g@x.io")?;
        Post::drop_table(db)?;
        Author::drop_table(db)?;
        assert!(Author::objects().count(db).is_err(), "the table is gone");
        Author::create_table(db)?;
        assert_eq!(Author::objects().count(db)?, 0);
    }

    fn raw_execute_binds_parameters(db) {
        blog::create_tables(db)?;
        let grace = author(db, "Grace", "g@x.io")?;
        let sql = match db.dialect() {
            pookie::Dialect::Sqlite => "UPDATE authors SET name = ? WHERE id = ?",
            pookie::Dialect::Postgres => "UPDATE authors SET name = $1 WHERE id = $2",
        };
        assert_eq!(db.execute(sql, &["Grace H.".into(), grace.id.into()])?, 1);
        assert_eq!(Author::get(db, grace.id)?.name, "Grace H.");
    }
}

#[test]
fn an_unknown_alias_is_a_clear_error() {
    let db = Db::builder()
        .database("analytics", "sqlite://:memory:")
        .connect()
        .unwrap();
    let error = Author::objects().count(&db).unwrap_err().to_string();
    assert!(
        error.contains("`default`") && error.contains("analytics"),
        "{error}"
    );
}

#[test]
fn using_picks_a_named_database() {
    let db = Db::builder()
        .database("default", "sqlite://:memory:")
        .database("archive", "sqlite://:memory:")
        .connect()
        .unwrap();
    blog::create_tables(&db).unwrap();
    author(&db, "Grace", "g@x.io").unwrap();
    let archive = Author::objects().using("archive");
    assert!(archive.count(&db).is_err(), "no table in the archive yet");
    assert_eq!(Author::objects().count(&db).unwrap(), 1);
}
