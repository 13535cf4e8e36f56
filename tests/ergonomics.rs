//! Everyday forms a Django user reaches for (issue 19), on both backends:
//! inserting by instance, the complete form's short name, exact decimal
//! aggregates, `nth`, an optional reverse one-to-one, the Django shape of
//! `update_or_create`, array setters, counting statements, and instances
//! that remember the database they came from.

#[macro_use]
mod support;

use pookie::rust_decimal::Decimal;
use pookie::{assert_num_queries, capture_queries, Avg, Db, Model, Sum};

pub mod blog {
    pookie::include_models!("blog");
}

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

pub mod lookups {
    pookie::include_models!("lookups");
}

use blog::{author, post, Author, NewAuthor, NewPost, NewUserProfile, Post};
use kitchen_sink::{ticket, NewTicket, Ticket};
use lookups::{event, Event, NewEvent};

/// A helper returning a complete form: `NewPost` written without parameters.
fn post_form(slug: &str, author: &Author, views: i32) -> NewPost {
    NewPost::new()
        .title(format!("About {slug}"))
        .slug(slug)
        .body("text")
        .author(author)
        .view_count(views)
}

fn decimal(text: &str) -> Decimal {
    text.parse().expect("a decimal literal")
}

on_both_backends! {
    fn an_insert_form_saves_itself(db) {
        blog::create_tables(db)?;
        let grace = NewAuthor::new().name("Grace").email("grace@example.com").save(db)?;
        assert!(grace.id > 0);
        assert_eq!(Author::get(db, grace.id)?, grace);
        // A helper can name the complete form, and `save` and `create` agree.
        let saved = post_form("one", &grace, 3).save(db)?;
        let created = Post::objects().create(db, post_form("two", &grace, 4))?;
        assert_eq!((saved.view_count, created.view_count), (3, 4));
        assert_eq!(grace.posts().count(db)?, 2);
        // Saving checks the instance first, as create does.
        let invalid = NewAuthor::new().name("").email("not an email").save(db).unwrap_err();
        assert!(invalid.to_string().contains("email"), "{invalid}");
    }

    fn decimal_sum_and_avg_are_exact(db) {
        kitchen_sink::create_tables(db)?;
        for (code, seat, price) in [("A1", 1, "0.10"), ("A2", 2, "0.20"), ("A3", 3, "0.20")] {
            NewTicket::new().code(code).seat(seat).row("A").price(decimal(price)).save(db)?;
        }
        let (sum, avg) = Ticket::objects().aggregate(db, (Sum(ticket::price), Avg(ticket::price)))?;
        // With floats 0.1 + 0.2 + 0.2 is 0.5000000000000001.
        assert_eq!(sum, Some(decimal("0.50")));
        let avg = avg.expect("three rows");
        assert_eq!(avg.round_dp(10), decimal("0.1666666667"), "{avg}");
        assert_eq!(avg.round_dp(16), decimal("0.1666666666666667"), "{avg}");
        let (whole, mean) = Ticket::objects()
            .filter(ticket::code.ne("A1"))
            .aggregate(db, (Sum(ticket::price), Avg(ticket::price)))?;
        assert_eq!((whole, mean), (Some(decimal("0.4")), Some(decimal("0.2"))));
        let (none, no_mean) = Ticket::objects()
            .filter(ticket::seat.gt(100))
            .aggregate(db, (Sum(ticket::price), Avg(ticket::price)))?;
        assert_eq!((none, no_mean), (None, None));
        // Grouped, too.
        let by_row: Vec<(String, Option<Decimal>)> = Ticket::objects()
            .values((ticket::row, Sum(ticket::price)))
            .all(db)?;
        assert_eq!(by_row, [("A".to_owned(), Some(decimal("0.5")))]);
    }

    fn nth_indexes_a_query_set(db) {
        blog::create_tables(db)?;
        let grace = NewAuthor::new().name("Grace").email("g@example.com").save(db)?;
        for (slug, views) in [("a", 1), ("b", 2), ("c", 3)] {
            post_form(slug, &grace, views).save(db)?;
        }
        let by_views = Post::objects().order_by([post::view_count.asc()]);
        assert_eq!(by_views.nth(db, 0)?.map(|p| p.slug), Some("a".to_owned()));
        assert_eq!(by_views.nth(db, 2)?.map(|p| p.slug), Some("c".to_owned()));
        assert_eq!(by_views.nth(db, 3)?, None);
        // Within a slice, as Python's `qs[1:][1]`.
        assert_eq!(by_views.clone().slice(1..).nth(db, 1)?.map(|p| p.slug), Some("c".to_owned()));
        assert_eq!(by_views.clone().slice(..2).nth(db, 2)?, None);
        // Without an ordering, by primary key.
        assert_eq!(Post::objects().order_by([]).nth(db, 1)?.map(|p| p.slug), Some("b".to_owned()));
    }

    fn a_reverse_one_to_one_may_be_absent(db) {
        blog::create_tables(db)?;
        let grace = NewAuthor::new().name("Grace").email("g@example.com").save(db)?;
        let alan = NewAuthor::new().name("Alan").email("a@example.com").save(db)?;
        NewUserProfile::new().author(&grace).avatar("https://example.com/g.png").save(db)?;
        let profile = grace.user_profile_or_none(db)?.expect("Grace has a profile");
        assert_eq!(profile.avatar.as_deref(), Some("https://example.com/g.png"));
        assert!(alan.user_profile_or_none(db)?.is_none());
        assert!(alan.user_profile(db).unwrap_err().is_does_not_exist());
        // Loaded with select_related, the absence answers without a query.
        let loaded = Author::objects()
            .select_related(author::user_profile)
            .get(db, author::id.eq(alan.id))?;
        assert_num_queries(0, || loaded.user_profile_or_none(db))?;
    }

    fn update_or_create_takes_a_lookup_and_defaults(db) {
        blog::create_tables(db)?;
        let defaults = |name: &str| NewAuthor::new().name(name).email("grace@example.com").bio("first");
        let (grace, created) = Author::objects().update_or_create(db, author::email.eq("grace@example.com"), defaults("Grace"))?;
        assert!(created);
        assert_eq!(grace.name, "Grace");
        let (updated, created) = Author::objects().update_or_create(
            db,
            author::email.eq("grace@example.com"),
            NewAuthor::new().name("Grace Hopper").email("grace@example.com"),
        )?;
        assert!(!created);
        assert_eq!(updated.id, grace.id);
        assert_eq!(updated.name, "Grace Hopper");
        // Only the fields the defaults set are written: `bio` keeps its value.
        assert_eq!(updated.bio.as_deref(), Some("first"));
        assert_eq!(updated.joined, grace.joined, "the creation time stays");
        assert_eq!(Author::objects().count(db)?, 1);
        assert_eq!(Author::get(db, grace.id)?, updated);
    }

    fn array_setters_take_arrays_slices_vectors_and_iterators(db) {
        lookups::create_tables(db)?;
        let from_array = NewEvent::new().name("a").tags(["rust", "orm"]).save(db)?;
        let slice: &[&str] = &["sql"];
        let from_slice = NewEvent::new().name("b").tags(slice).scores([1, 2]).save(db)?;
        let names = vec!["x".to_owned(), "y".to_owned()];
        let from_strings = NewEvent::new().name("c").tags(names.as_slice()).scores(vec![3]).save(db)?;
        let from_iterator = NewEvent::new().name("d").tags("p q".split(' ')).save(db)?;
        let upper = NewEvent::new().name("e").tags(names.iter().map(|n| n.to_uppercase())).save(db)?;
        assert_eq!(upper.tags, ["X", "Y"]);
        assert_eq!(from_array.tags, ["rust", "orm"]);
        assert_eq!((from_slice.tags.as_slice(), from_slice.scores.as_deref()), (&["sql".to_owned()][..], Some(&[1_i64, 2][..])));
        assert_eq!(from_strings.tags, ["x", "y"]);
        assert_eq!(from_iterator.tags, ["p", "q"]);
        let found = Event::objects().filter(event::tags.contains(["rust"])).all(db)?;
        assert_eq!(found, [from_array]);
    }

    fn statements_are_captured(db) {
        blog::create_tables(db)?;
        let grace = NewAuthor::new().name("Grace").email("g@example.com").save(db)?;
        let (count, queries) = capture_queries(|| Author::objects().filter(author::name.eq("Grace")).count(db));
        assert_eq!(count?, 1);
        assert_eq!(queries.len(), 1);
        assert!(queries[0].starts_with("SELECT COUNT(*)"), "{queries}");
        // Two uniqueness checks and the INSERT, then the SELECT.
        let posts = assert_num_queries(4, || -> pookie::Result<Vec<Post>> {
            post_form("p", &grace, 1).save(db)?;
            grace.posts().all(db)
        })?;
        assert_eq!(posts.len(), 1);
        let (_, none) = capture_queries(|| grace.name.len());
        assert!(none.is_empty());
        // A failed assertion lists the statements.
        let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| assert_num_queries(0, || Author::objects().count(db))))
            .expect_err("one statement ran, not none");
        let message = failure.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("expected 0 statement(s), 1 ran") && message.contains("1. SELECT COUNT(*)"), "{message}");
    }
}

/// Two databases of one backend, `default` and `audit`, each with the blog tables.
fn remembers_its_database(default_url: &str, audit_url: &str) -> pookie::Result<()> {
    let db = Db::builder()
        .database("default", default_url)
        .database("audit", audit_url)
        .connect()?;
    let audit = db.using("audit")?;
    blog::create_tables(&db)?;
    blog::create_tables(&audit)?;

    // Created through `.using("audit")`: it belongs there.
    let mut grace = Author::objects()
        .using("audit")
        .create(&db, NewAuthor::new().name("Grace").email("g@example.com"))?;
    assert_eq!(grace.db_alias(), "audit");
    assert_eq!(Author::objects().count(&db)?, 0);

    // Read through `.using("audit")`, saved with the plain handle: back to audit.
    let mut read = Author::objects()
        .using("audit")
        .get(&db, author::id.eq(grace.id))?;
    assert_eq!(read.db_alias(), "audit");
    read.name = "Grace Hopper".into();
    read.save(&db)?;
    assert_eq!(
        Author::objects()
            .using("audit")
            .get(&db, author::id.eq(grace.id))?
            .name,
        "Grace Hopper"
    );
    assert_eq!(Author::objects().count(&db)?, 0, "nothing went to default");

    // Refreshed from audit, and still remembering it afterwards.
    grace.refresh_from_db(&db)?;
    assert_eq!(grace.name, "Grace Hopper");
    assert_eq!(grace.db_alias(), "audit");

    // Relations read and write on audit too.
    let post = Post::objects()
        .using("audit")
        .create(&db, post_form("hello", &grace, 1))?;
    assert_eq!(post.author(&db)?.name, "Grace Hopper");
    assert_eq!(grace.posts().count(&db)?, 1);
    assert!(grace.user_profile_or_none(&db)?.is_none());
    let bulk = Author::objects().using("audit").bulk_create(
        &db,
        [NewAuthor::new().name("Bulk").email("b@example.com")],
        0,
    )?;
    assert_eq!(bulk[0].db_alias(), "audit");
    bulk[0].delete(&db)?;
    let streamed: Vec<Author> = Author::objects()
        .using("audit")
        .iterator(&db)?
        .collect::<pookie::Result<_>>()?;
    assert_eq!(streamed[0].db_alias(), "audit");

    // An explicit override: the same row copied by hand to default, then moved there.
    let copy = NewAuthor::new()
        .name("Grace Hopper")
        .email("g@example.com")
        .save(&db)?;
    assert_eq!(copy.db_alias(), "default");
    let mut moved = read.clone();
    moved.set_db_alias("default");
    moved.name = "Moved".into();
    // The copy on default has its own key; make the moved instance point at it.
    moved.id = copy.id;
    moved.save(&db)?;
    assert_eq!(Author::get(&db, copy.id)?.name, "Moved");
    assert_eq!(
        Author::objects()
            .using("audit")
            .get(&db, author::id.eq(grace.id))?
            .name,
        "Grace Hopper"
    );

    // Deleted from audit.
    post.delete(&db)?;
    read.delete(&db)?;
    assert_eq!(Author::objects().using("audit").count(&db)?, 0);
    assert_eq!(Author::objects().count(&db)?, 1);
    Ok(())
}

#[test]
fn instances_remember_their_database_on_sqlite() {
    remembers_its_database("sqlite://:memory:", "sqlite://:memory:").unwrap();
}

#[test]
fn instances_remember_their_database_on_postgres() {
    let (Some(default), Some(audit)) = (support::postgres(), support::postgres()) else {
        return;
    };
    remembers_its_database(default.url(), audit.url()).unwrap();
}
