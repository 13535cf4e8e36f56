//! `only` / `defer`: partially loaded rows, on both backends.

#[macro_use]
mod support;

use pookie::{Db, Error, Value};

pub mod blog {
    pookie::include_models!("blog");
}

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

use blog::{author, post, tag, Author, NewAuthor, NewPost, NewTag, Post, Tag};

thread_local! {
    static SAVED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Hooks that see fields a partial save did not load.
impl pookie::Hooks for Tag {
    fn pre_save(&mut self, _db: &Db) -> pookie::Result<()> {
        self.slug = self.slug.to_lowercase();
        Ok(())
    }

    fn post_save(&self, _db: &Db, _created: bool) -> pookie::Result<()> {
        SAVED.with(|saved| {
            saved
                .borrow_mut()
                .push(format!("{} {}", self.name, self.slug))
        });
        Ok(())
    }
}

fn seed(db: &Db) -> pookie::Result<Author> {
    blog::create_tables(db)?;
    let grace = Author::objects().create(db, NewAuthor::new().name("Grace").email("g@x.io"))?;
    for (slug, views) in [("a", 5), ("b", 50), ("c", 500)] {
        Post::objects().create(
            db,
            NewPost::new()
                .title(format!("Post {slug}"))
                .slug(slug)
                .body(format!("body of {slug}"))
                .author_id(grace.id)
                .view_count(views)
                .published(true),
        )?;
    }
    Ok(grace)
}

/// The columns of the post `slug`, read with raw SQL.
fn raw_post(db: &Db, slug: &str) -> pookie::Result<(String, String, i64)> {
    let row = db
        .fetch_one(
            &format!("SELECT title, body, view_count FROM posts WHERE slug = '{slug}'"),
            &[],
        )?
        .expect("the post exists");
    let text = |name: &str| row.value(name).and_then(Value::as_str).unwrap().to_owned();
    let views = row.value("view_count").and_then(Value::as_i64).unwrap();
    Ok((text("title"), text("body"), views))
}

fn is_not_loaded(error: &Error, field: &str) -> bool {
    matches!(error, Error::Usage { .. })
        && error
            .to_string()
            .contains(&format!("`Post.{field}` was not loaded"))
}

on_both_backends! {
    fn only_loads_the_listed_columns_and_the_primary_key(db) {
        seed(db)?;
        let query = Post::objects().only((post::title, post::view_count));
        assert_eq!(query.loaded_columns(), ["id", "title", "view_count"]);
        let posts = query.order_by([post::slug.asc()]).all(db)?;
        assert_eq!(posts.len(), 3);
        assert_eq!(posts[0].get(post::title)?, "Post a");
        assert_eq!(*posts[2].get(post::view_count)?, 500);
        assert!(*posts[0].get(post::id)? > 0);
        assert!(posts[0].is_loaded(post::title));
        assert!(!posts[0].is_loaded(post::body));
        let error = posts[0].get(post::body).unwrap_err();
        assert!(is_not_loaded(&error, "body"), "{error}");
        // A foreign key is named by its field, not its column.
        let error = posts[0].get(post::author_id).unwrap_err();
        assert!(is_not_loaded(&error, "author"), "{error}");
    }

    fn defer_loads_every_column_but_the_listed_ones(db) {
        seed(db)?;
        let query = Post::objects().defer((post::body, post::slug));
        assert_eq!(
            query.loaded_columns(),
            ["id", "title", "author_id", "published", "view_count", "created_at", "updated_at"]
        );
        let post = query.get(db, post::slug.eq("b"))?;
        assert_eq!(post.get(post::title)?, "Post b");
        assert!(*post.get(post::published)?);
        assert!(is_not_loaded(&post.get(post::body).unwrap_err(), "body"));
        // Deferring the primary key leaves it loaded; `defer` after `only` narrows it.
        let narrowed = Post::objects().defer(post::id).only((post::title, post::body)).defer(post::body);
        assert_eq!(narrowed.loaded_columns(), ["id", "title"]);
    }

    fn load_completes_a_partial_instance(db) {
        seed(db)?;
        let mut partial = Post::objects().only(post::title).get(db, post::slug.eq("a"))?;
        partial.set(post::title, "Changed in memory")?;
        let whole: Post = partial.load(db)?;
        assert_eq!(whole.body, "body of a");
        assert_eq!(whole.view_count, 5);
        assert_eq!(whole.title, "Changed in memory", "loaded fields keep their changes");
        // An incomplete instance cannot become a model without loading.
        let partial = Post::objects().only(post::title).first(db)?.expect("a post");
        let error = partial.into_model().unwrap_err();
        assert!(error.to_string().contains("slug"), "{error}");
        let mut complete = Post::objects().defer(post::body).first(db)?.expect("a post");
        complete.set(post::body, "given")?;
        assert_eq!(complete.into_model()?.body, "given");
    }

    fn save_writes_only_the_loaded_columns(db) {
        seed(db)?;
        let mut partial = Post::objects().only((post::title, post::view_count)).get(db, post::slug.eq("b"))?;
        // Another writer changes a column this instance did not load.
        Post::objects().filter(post::slug.eq("b")).update(db, [post::body.set("written elsewhere")])?;
        *partial.get_mut(post::view_count)? += 1;
        partial.set(post::title, "Renamed")?;
        partial.save(db)?;
        assert_eq!(raw_post(db, "b")?, ("Renamed".to_owned(), "written elsewhere".to_owned(), 51));
        // The instance still holds its loaded fields only.
        assert_eq!(partial.get(post::title)?, "Renamed");
        assert!(partial.get(post::body).is_err());
        // Setting a field that was not loaded makes it saved too.
        partial.set(post::body, "set later")?;
        partial.save(db)?;
        assert_eq!(raw_post(db, "b")?.1, "set later");
        assert_eq!(raw_post(db, "a")?, ("Post a".to_owned(), "body of a".to_owned(), 5));
    }

    fn save_validates_the_whole_row_not_the_placeholders(db) {
        seed(db)?;
        // `body` is not loaded: its placeholder is empty, which validation
        // would refuse; save checks the row as the database holds it.
        let mut partial = Post::objects().only(post::title).get(db, post::slug.eq("c"))?;
        partial.set(post::title, "x".repeat(201))?;
        let error = partial.save(db).unwrap_err();
        let validation = error.validation().expect("a validation error");
        assert!(validation.has_field("title"), "{validation}");
        assert!(!validation.has_field("body"), "{validation}");
        assert_eq!(raw_post(db, "c")?.0, "Post c", "nothing was written");
        assert_eq!(partial.get(post::title)?.len(), 201, "the instance keeps its change");
        partial.set(post::title, "Fine")?;
        partial.save(db)?;
        assert_eq!(raw_post(db, "c")?, ("Fine".to_owned(), "body of c".to_owned(), 500));
    }

    fn saving_a_deleted_row_is_does_not_exist(db) {
        seed(db)?;
        let mut partial = Post::objects().only(post::title).get(db, post::slug.eq("a"))?;
        Post::objects().filter(post::slug.eq("a")).delete(db)?;
        assert!(matches!(partial.save(db), Err(Error::DoesNotExist { model: "Post", .. })));
        assert!(matches!(partial.load(db), Err(Error::DoesNotExist { .. })));
    }

    fn partial_query_sets_filter_order_and_slice(db) {
        let grace = seed(db)?;
        let query = Post::objects()
            .only(post::slug)
            .filter(post::view_count.gt(10))
            .exclude(post::slug.eq("zzz"))
            .order_by([post::view_count.desc()]);
        let slugs = |posts: Vec<pookie::Partial<Post>>| -> pookie::Result<Vec<String>> {
            posts.iter().map(|p| p.get(post::slug).cloned()).collect()
        };
        assert_eq!(slugs(query.all(db)?)?, ["c", "b"]);
        assert_eq!(slugs(query.clone().slice(1..).all(db)?)?, ["b"]);
        assert_eq!(slugs(Post::objects().only(post::slug).order_by([post::slug.asc()]).slice(..2).all(db)?)?, ["a", "b"]);
        assert_eq!(query.count(db)?, 2);
        assert!(query.exists(db)?);
        assert_eq!(query.first(db)?.expect("a row").get(post::slug)?, "c");
        assert_eq!(query.last(db)?.expect("a row").get(post::slug)?, "b");
        assert!(Post::objects().only(post::slug).filter(post::view_count.gt(1000)).first(db)?.is_none());
        let error = query.get(db, post::author_id.eq(grace.id)).unwrap_err();
        assert!(matches!(error, Error::MultipleObjectsReturned { count: 2, .. }), "{error}");
        let error = query.get(db, post::slug.eq("a")).unwrap_err();
        assert!(matches!(error, Error::DoesNotExist { .. }), "{error}");
        // Back to whole rows.
        assert_eq!(query.all_columns().all(db)?[0].body, "body of c");
        let authors = Author::objects().only(author::name).filter(author::email.eq("g@x.io")).all(db)?;
        assert_eq!(authors[0].get(author::name)?, "Grace");
    }

    fn iterator_streams_partial_rows(db) {
        seed(db)?;
        let mut titles = Vec::new();
        for partial in Post::objects().defer(post::body).order_by([post::slug.asc()]).iterator(db)? {
            let partial = partial?;
            assert!(partial.get(post::body).is_err());
            titles.push(partial.get(post::title)?.clone());
        }
        assert_eq!(titles, ["Post a", "Post b", "Post c"]);
    }

    fn save_runs_the_hooks_on_the_whole_row(db) {
        blog::create_tables(db)?;
        Tag::objects().create(db, NewTag::new().name("Rust").slug("rust"))?;
        SAVED.with(|saved| saved.borrow_mut().clear());
        let mut partial = Tag::objects().only(tag::name).get(db, tag::slug.eq("rust"))?;
        partial.set(tag::name, "Rust lang")?;
        partial.save(db)?;
        // post_save saw the real slug, not a placeholder.
        assert_eq!(SAVED.with(|saved| saved.take()), ["Rust lang rust"]);
        let mut partial = Tag::objects().only(tag::slug).get(db, tag::slug.eq("rust"))?;
        partial.set(tag::slug, "RUST-LANG")?;
        partial.save(db)?;
        assert_eq!(partial.get(tag::slug)?, "rust-lang", "pre_save's change is kept");
        let tag = Tag::objects().get(db, tag::slug.eq("rust-lang"))?;
        assert_eq!(tag.name, "Rust lang");
    }

    fn every_field_type_reads_partially_and_loads_back(db) {
        use kitchen_sink::{sample, NewSample, Sample, Status};
        kitchen_sink::create_tables(db)?;
        let date = pookie::chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let created = Sample::objects().create(
            db,
            NewSample::new()
                .small(1)
                .integer(2)
                .big(3)
                .float(4.5)
                .price("12.34".parse::<pookie::rust_decimal::Decimal>().unwrap())
                .huge("1.5".parse::<pookie::bigdecimal::BigDecimal>().unwrap())
                .flag(true)
                .name("n")
                .code("c")
                .body("b")
                .email("")
                .site("")
                .slug("")
                .token(pookie::uuid::Uuid::max())
                .day(date)
                .time(pookie::chrono::NaiveTime::from_hms_opt(12, 30, 0).unwrap())
                .moment("2024-02-29T12:30:00Z".parse::<pookie::chrono::DateTime<pookie::chrono::Utc>>().unwrap())
                .doc(pookie::serde_json::json!({"a": 1}))
                .settings(support::Settings { theme: "dark".into(), font_size: 12, tags: vec!["x".into()] })
                .numbers(vec![1, 2])
                .labels(["l"])
                .days(vec![date])
                .amounts(vec!["0.5".parse::<pookie::bigdecimal::BigDecimal>().unwrap()])
                .bytes(vec![0, 255])
                .status(Status::Archived),
        )?;
        let partial = Sample::objects().only(sample::name).get(db, sample::id.eq(created.id))?;
        // A non-null JSON field with a schema type has no placeholder: it is always loaded.
        assert_eq!(partial.get(sample::settings)?.theme, "dark");
        assert!(partial.get(sample::status).is_err(), "the enum's placeholder is never read");
        assert!(partial.get(sample::doc).is_ok(), "a non-null JSON field is always loaded");
        assert!(partial.get(sample::numbers).is_err());
        assert_eq!(partial.load(db)?, created);
        let every = Sample::objects().defer(sample::status).get(db, sample::id.eq(created.id))?;
        assert_eq!(*every.get(sample::price)?, created.price);
        let mut every = every;
        every.set(sample::status, Status::Archived)?;
        assert_eq!(every.into_model()?, created);
    }
}
