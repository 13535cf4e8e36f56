//! The awaited API (`AsyncDb`) on SQLite and PostgreSQL: everything a
//! synchronous program does, awaited on a multi-thread tokio runtime; many
//! tasks on few connections; futures dropped at many points never leaving a
//! transaction open or a connection in use.

#[allow(unused_macros)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use pookie::{AsyncDb, AsyncInsert, AsyncModel, Count, Error, Paginator, Sum};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, post, tag, Author, NewAuthor, NewPost, NewTag, Post, Tag};

/// A database of the test's own, with the pool size `pool` (SQLite: a file
/// in a temporary folder, so that several connections see one database).
struct AsyncTestDb {
    adb: AsyncDb,
    /// A second, independent handle on the same database: what another
    /// process would see.
    observer: Observer,
    _postgres: Option<support::TestDb>,
    _folder: Option<tempfile::TempDir>,
}

/// A synchronous handle used from async test code. The synchronous API must
/// not run on the executor's threads (PostgreSQL's client starts a runtime of
/// its own): `see` runs it where blocking is allowed.
#[derive(Clone)]
struct Observer(pookie::Db);

impl Observer {
    fn see<T>(&self, read: impl FnOnce(&pookie::Db) -> T) -> T {
        tokio::task::block_in_place(|| read(&self.0))
    }
}

fn sqlite_file(pool: u32) -> AsyncTestDb {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!(
        "sqlite:///{}?pool_max_size={pool}",
        folder.path().join("test.sqlite3").display()
    );
    let db = pookie::Db::connect(&url).unwrap_or_else(|error| panic!("{url}: {error}"));
    AsyncTestDb {
        adb: AsyncDb::from_db(db),
        observer: Observer(pookie::Db::connect(&url).expect("a second handle")),
        _postgres: None,
        _folder: Some(folder),
    }
}

fn postgres(pool: u32) -> Option<AsyncTestDb> {
    let test_db = support::postgres()?;
    let separator = if test_db.url().contains('?') {
        '&'
    } else {
        '?'
    };
    let url = format!("{}{separator}pool_max_size={pool}", test_db.url());
    let db = pookie::Db::connect(&url).unwrap_or_else(|error| panic!("{error}"));
    Some(AsyncTestDb {
        adb: AsyncDb::from_db(db),
        observer: Observer(pookie::Db::connect(&url).expect("a second handle")),
        _postgres: Some(test_db),
        _folder: None,
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Defines each test as `<name>::sqlite` and `<name>::postgres`: an async
/// body with `$adb: pookie::AsyncDb` (pool of 4) and `$observer` (an
/// [`Observer`]) on the same database, run on a multi-thread runtime.
macro_rules! on_both_backends_async {
    ($(async fn $name:ident($adb:ident, $observer:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[allow(unused_variables)]
            async fn run($adb: AsyncDb, $observer: Observer) -> pookie::Result<()> {
                $body
                #[allow(unreachable_code)]
                Ok(())
            }

            fn check(test_db: AsyncTestDb) {
                let outcome = runtime().block_on(run(test_db.adb.clone(), test_db.observer.clone()));
                if let Err(error) = outcome {
                    panic!("{error}");
                }
            }

            #[test]
            fn sqlite() {
                check(sqlite_file(4));
            }

            #[test]
            fn postgres() {
                if let Some(test_db) = super::postgres(4) {
                    check(test_db);
                }
            }
        }
    )*};
}

async fn create_blog(adb: &AsyncDb) -> pookie::Result<(Author, Author)> {
    adb.run(blog::create_tables).await?;
    let grace = NewAuthor::new()
        .name("Grace")
        .email("grace@blog.ug")
        .asave(adb)
        .await?;
    let bob = NewAuthor::new()
        .name("Bob")
        .email("bob@blog.ug")
        .asave(adb)
        .await?;
    let rust = NewTag::new().name("Rust").slug("rust").asave(adb).await?;
    for (author, slug, views) in [
        (&grace, "intro", 100),
        (&grace, "typed", 30),
        (&bob, "first", 5),
    ] {
        let post = Post::objects()
            .acreate(
                adb,
                NewPost::new()
                    .title(format!("Post {slug}"))
                    .slug(slug)
                    .body("text")
                    .author(author)
                    .view_count(views)
                    .published(views > 10),
            )
            .await?;
        if author.id == grace.id {
            let tag = rust.clone();
            post.awith(adb, move |post, db| post.tags().add(db, &[&tag]))
                .await?;
        }
    }
    Ok((grace, bob))
}

on_both_backends_async! {
    async fn reads_and_writes(adb, observer) {
        let (grace, _bob) = create_blog(&adb).await?;
        let published = Post::objects()
            .filter(post::published.eq(true))
            .order_by([post::view_count.desc()])
            .aall(&adb)
            .await?;
        assert_eq!(published.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(), ["intro", "typed"]);
        assert_eq!(Post::objects().acount(&adb).await?, 3);
        assert!(Post::objects().filter(post::slug.eq("first")).aexists(&adb).await?);
        let first = Post::objects().order_by([post::slug.asc()]).afirst(&adb).await?;
        assert_eq!(first.map(|p| p.slug), Some("first".to_owned()));
        let last = Post::objects().order_by([post::slug.asc()]).alast(&adb).await?;
        assert_eq!(last.map(|p| p.slug), Some("typed".to_owned()));

        let mut intro = Post::objects().aget(&adb, post::slug.eq("intro")).await?;
        assert_eq!(intro.author_id, grace.id);
        intro.view_count += 1;
        intro.asave(&adb).await?;
        let mut reread = Post::objects().aget(&adb, post::slug.eq("intro")).await?;
        assert_eq!(reread.view_count, 101);
        // Saving checks the instance first, its own row excepted; a row that
        // is gone is an error, not an insert.
        let before = reread.updated_at;
        reread.asave(&adb).await?;
        assert!(reread.updated_at >= before);
        let mut clash = reread.clone();
        clash.slug = "typed".to_owned();
        let refused = clash.asave(&adb).await;
        assert!(matches!(&refused, Err(Error::Validation(_))), "{refused:?}");
        let mut gone = reread.clone();
        gone.id = 999_999;
        gone.slug = "nowhere".to_owned();
        let missing_row = gone.asave(&adb).await;
        assert!(matches!(&missing_row, Err(Error::DoesNotExist { .. })), "{missing_row:?}");
        observer.see(|db| db.execute("UPDATE posts SET view_count = 7 WHERE slug = 'intro'", &[]))?;
        reread.arefresh_from_db(&adb).await?;
        assert_eq!(reread.view_count, 7);

        // Checked before the INSERT, as by full_clean: a taken unique value,
        // a malformed address; nothing is written.
        let taken = NewAuthor::new().name("Again").email("grace@blog.ug").asave(&adb).await;
        assert!(matches!(&taken, Err(Error::Validation(e)) if e.field() == Some("email")), "{taken:?}");
        let malformed = NewAuthor::new().name("X").email("not an address").asave(&adb).await;
        assert!(matches!(&malformed, Err(Error::Validation(_))), "{malformed:?}");
        // What only the database sees: a post of an author that does not exist.
        let orphan = Post::objects()
            .acreate(&adb, NewPost::new().title("t").slug("orphan").body("b").author_id(999_999))
            .await;
        assert!(matches!(&orphan, Err(Error::Integrity { .. })), "{orphan:?}");
        assert_eq!(Author::objects().acount(&adb).await?, 2);

        let missing = Post::objects().aget(&adb, post::slug.eq("nope")).await;
        assert!(matches!(missing, Err(Error::DoesNotExist { .. })), "{missing:?}");
        assert!(Post::objects().aget_or_none(&adb, post::slug.eq("nope")).await?.is_none());

        let changed = Post::objects()
            .filter(post::published.eq(false))
            .aupdate(&adb, [post::published.set(true)])
            .await?;
        assert_eq!(changed, 1);

        let tags = Tag::objects()
            .abulk_create(
                &adb,
                vec![
                    NewTag::new().name("Go").slug("go"),
                    NewTag::new().name("Zig").slug("zig"),
                ],
                100,
            )
            .await?;
        assert_eq!(tags.len(), 2);
        let (go, created) = Tag::objects()
            .aget_or_create(&adb, tag::slug.eq("go"), NewTag::new().name("Go").slug("go"))
            .await?;
        assert!(!created);
        assert_eq!(go.id, tags[0].id);
        let (zig, created) = Tag::objects()
            .aupdate_or_create(&adb, tag::slug.eq("zig"), NewTag::new().name("Ziglang").slug("zig"))
            .await?;
        assert!(!created);
        assert_eq!(zig.name, "Ziglang");
        zig.adelete(&adb).await?;
        assert_eq!(Tag::objects().filter(tag::slug.eq("go")).adelete(&adb).await?, 1);
        assert_eq!(Tag::objects().acount(&adb).await?, 1);
        // Deleting an author deletes its posts (CASCADE), awaited too.
        grace.adelete(&adb).await?;
        assert_eq!(Post::objects().acount(&adb).await?, 1);
    }

    async fn relations_aggregates_raw_and_pages(adb, observer) {
        let (grace, bob) = create_blog(&adb).await?;
        let joined = Post::objects()
            .order_by([post::slug.asc()])
            .select_related(post::author)
            .aall(&adb)
            .await?;
        let authors: Vec<String> = joined
            .iter()
            .map(|post| observer.see(|db| Ok(post.author(db)?.name.clone())))
            .collect::<pookie::Result<_>>()?;
        assert_eq!(authors, ["Bob", "Grace", "Grace"]);

        let authors = Author::objects()
            .order_by([author::name.asc()])
            .prefetch_related(author::posts.then(post::tags))
            .aall(&adb)
            .await?;
        let counts: Vec<usize> = authors
            .iter()
            .map(|a| a.posts().loaded().unwrap_or_default().len())
            .collect();
        assert_eq!(counts, [1, 2]);

        let grace_posts = grace.awith(&adb, |grace, db| grace.posts().count(db)).await?;
        assert_eq!(grace_posts, 2);
        let intro = Post::objects().aget(&adb, post::slug.eq("intro")).await?;
        let author = intro
            .awith(&adb, |post, db| Ok(post.author(db)?.into_owned()))
            .await?;
        assert_eq!(author.id, grace.id);
        let tags = intro.awith(&adb, |post, db| post.tags().all(db)).await?;
        assert_eq!(tags.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>(), ["rust"]);

        let (posts, views) = Post::objects()
            .aaggregate(&adb, (Count(post::id), Sum(post::view_count)))
            .await?;
        assert_eq!((posts, views), (3, Some(135)));
        let slugs = Post::objects()
            .filter(post::author_id.eq(bob.id))
            .values_list(post::slug)
            .aall(&adb)
            .await?;
        assert_eq!(slugs, ["first"]);

        let page = Paginator::new(Post::objects().order_by([post::slug.asc()]), 2)?
            .apage(&adb, 2)
            .await?;
        assert_eq!(page.object_list.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(), ["typed"]);

        let updated = adb
            .execute("UPDATE posts SET view_count = view_count + $1", vec![1.into()])
            .await?;
        assert_eq!(updated, 3);
        let rows = adb
            .fetch_all("SELECT slug FROM posts WHERE view_count > $1 ORDER BY slug", vec![10.into()])
            .await?;
        let slugs: Vec<String> = rows.iter().map(|row| row.get("slug")).collect::<pookie::Result<_>>()?;
        assert_eq!(slugs, ["intro", "typed"]);
        let total = adb
            .fetch_one("SELECT SUM(view_count) AS total FROM posts", vec![])
            .await?
            .expect("one row");
        assert_eq!(total.get::<i64>("total")?, 138);
    }

    async fn transactions_and_savepoints(adb, observer) {
        adb.run(blog::create_tables).await?;
        let kept = adb
            .transaction(|tx| async move {
                let ann = NewAuthor::new().name("Ann").email("ann@x.ug").asave(&tx).await?;
                // An inner failure undoes only the inner block.
                let inner: pookie::Result<()> = tx
                    .transaction(|inner| async move {
                        NewAuthor::new().name("Ben").email("ben@x.ug").asave(&inner).await?;
                        Err(Error::custom("not Ben"))
                    })
                    .await;
                assert!(inner.is_err());
                // Uncommitted: another connection does not see Ann yet.
                Ok(ann)
            })
            .await?;
        let names: Vec<String> = Author::objects().aall(&adb).await?.into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["Ann"]);
        assert_eq!(observer.see(|db| Author::objects().count(db))?, 1);

        let failed: pookie::Result<()> = adb
            .transaction(|tx| async move {
                NewAuthor::new().name("Cy").email("cy@x.ug").asave(&tx).await?;
                Author::objects().filter(author::id.eq(kept.id)).adelete(&tx).await?;
                Err(Error::custom("changed my mind"))
            })
            .await;
        assert!(failed.is_err());
        let names: Vec<String> = Author::objects().aall(&adb).await?.into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["Ann"]);

        // A panic inside the work rolls back; the task reports the panic.
        let panicking = adb.clone();
        let joined = tokio::spawn(async move {
            panicking
                .transaction(|tx| async move {
                    NewAuthor::new().name("Dee").email("dee@x.ug").asave(&tx).await?;
                    panic!("boom");
                    #[allow(unreachable_code)]
                    Ok(())
                })
                .await
        })
        .await;
        assert!(joined.is_err_and(|error| error.is_panic()));
        wait_until_idle(&adb).await;
        assert_eq!(observer.see(|db| Author::objects().count(db))?, 1);

        // A violated constraint inside the transaction is the work's error.
        let duplicate = adb
            .transaction(|tx| async move {
                NewAuthor::new().name("Ann 2").email("ann@x.ug").asave(&tx).await
            })
            .await;
        assert!(duplicate.is_err());
        assert_eq!(Author::objects().acount(&adb).await?, 1);
    }

    async fn streaming(adb, observer) {
        adb.run(blog::create_tables).await?;
        let forms: Vec<_> = (0..1_000)
            .map(|i| NewTag::new().name(format!("tag {i:04}")).slug(format!("t{i}")))
            .collect();
        Tag::objects().abulk_create(&adb, forms, 500).await?;
        let mut stream = Tag::objects().order_by([tag::name.asc()]).astream(&adb);
        let mut seen = 0;
        while let Some(tag) = stream.next().await {
            assert_eq!(tag?.name, format!("tag {seen:04}"));
            seen += 1;
        }
        assert_eq!(seen, 1_000);

        // Dropped after a few rows: the read stops, its connection comes back.
        for _ in 0..8 {
            let mut stream = adb.stream(Tag::objects());
            let first = stream.next().await.expect("a row")?;
            assert!(first.name.starts_with("tag "));
            drop(stream);
        }
        wait_until_idle(&adb).await;
        assert_eq!(Tag::objects().acount(&adb).await?, 1_000);

        // An error while reading is the stream's last item.
        let broken = adb.stream(Tag::objects().using("no_such_database"));
        let items: Vec<_> = broken.collect().await;
        assert!(matches!(items.last(), Some(Err(_))), "{items:?}");
    }
}

/// Waits until every connection of the pool is free again (operations that
/// outlive a dropped future finish on their blocking threads).
async fn wait_until_idle(adb: &AsyncDb) {
    for _ in 0..500 {
        if format!("{adb:?}").contains("free_connections: 4") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the pool's connections did not all come back: {adb:?}");
}

on_both_backends_async! {
    async fn many_tasks_on_few_connections(adb, observer) {
        adb.run(blog::create_tables).await?;
        let author = NewAuthor::new().name("Ann").email("ann@x.ug").asave(&adb).await?;
        let mut tasks: tokio::task::JoinSet<pookie::Result<()>> = tokio::task::JoinSet::new();
        for task in 0..64 {
            let adb = adb.clone();
            let author = author.clone();
            tasks.spawn(async move {
                for i in 0..10 {
                    let slug = format!("p{task}-{i}");
                    let post = Post::objects()
                        .acreate(&adb, NewPost::new().title("t").slug(slug.as_str()).body("b").author(&author))
                        .await?;
                    let read = Post::objects().aget(&adb, post::id.eq(post.id)).await?;
                    assert_eq!(read.slug, slug);
                    if i % 3 == 0 {
                        adb.transaction(|tx| async move {
                            Post::objects()
                                .filter(post::id.eq(post.id))
                                .aupdate(&tx, [post::view_count.set(i)])
                                .await
                        })
                        .await?;
                    }
                }
                pookie::Result::Ok(())
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.expect("the task did not panic")?;
        }
        assert_eq!(Post::objects().acount(&adb).await?, 640);
        let updated = Post::objects().filter(post::view_count.eq(9)).acount(&adb).await?;
        assert_eq!(updated, 64);
        wait_until_idle(&adb).await;
    }

    async fn cancelled_transactions_leave_nothing_behind(adb, observer) {
        adb.run(blog::create_tables).await?;
        let mut committed = 0;
        // Cancel a transaction after every number of polls, from none to past
        // its end: between statements, during one, before COMMIT.
        for steps in 0..40 {
            let work = adb.transaction(move |tx| async move {
                for i in 0..3 {
                    NewTag::new()
                        .name(format!("cancel {steps} {i}"))
                        .slug(format!("c{steps}-{i}"))
                        .asave(&tx)
                        .await?;
                    tokio::task::yield_now().await;
                }
                pookie::Result::Ok(())
            });
            if poll_times(work, steps).await.is_some() {
                committed += 1;
            }
            wait_until_idle(&adb).await;
            // Every transaction committed whole or not at all.
            let rows = observer.see(|db| Tag::objects()
                .filter(tag::slug.startswith(format!("c{steps}-")))
                .count(db))?;
            assert!(rows == 0 || rows == 3, "{rows} rows of transaction {steps}");
            // No connection was left inside a transaction: a write through
            // each of them is seen at once by another connection.
            let probes: Vec<_> = (0..4)
                .map(|k| {
                    let adb = adb.clone();
                    tokio::spawn(async move {
                        adb.execute(
                            "INSERT INTO tags (name, slug) VALUES ($1, $1)",
                            vec![format!("probe {steps} {k}").into()],
                        )
                        .await
                    })
                })
                .collect();
            for probe in probes {
                probe.await.expect("no panic")?;
            }
            let probes = observer.see(|db| Tag::objects()
                .filter(tag::slug.startswith(format!("probe {steps} ")))
                .count(db))?;
            assert_eq!(probes, 4);
        }
        assert!(committed > 0, "no transaction ran to its end");
        assert!(committed < 40, "no transaction was cancelled");
    }

    async fn cancelled_operations_finish_cleanly(adb, observer) {
        adb.run(blog::create_tables).await?;
        // A dropped `run` future: the operation it started still runs whole.
        for attempt in 0..20 {
            let adb2 = adb.clone();
            let insert = async move {
                adb2.run(move |db| {
                    db.transaction(|tx| {
                        for i in 0..5 {
                            tx.execute(
                                "INSERT INTO tags (name, slug) VALUES ($1, $1)",
                                &[format!("run {attempt} {i}").into()],
                            )?;
                        }
                        Ok(())
                    })
                })
                .await
            };
            let _ = tokio::time::timeout(Duration::from_micros(attempt * 50), insert).await;
            wait_until_idle(&adb).await;
            let rows = observer.see(|db| Tag::objects()
                .filter(tag::slug.startswith(format!("run {attempt} ")))
                .count(db))?;
            assert!(rows == 0 || rows == 5, "{rows} rows of attempt {attempt}");
        }
        // Reads dropped mid-flight (on PostgreSQL, on the async driver): the
        // next reads on those connections get their own answers.
        let expected = observer.see(|db| Tag::objects().count(db))?;
        for attempt in 0..40 {
            let query = Tag::objects().order_by([tag::slug.asc()]);
            let _ = tokio::time::timeout(Duration::from_micros(attempt * 25), query.aall(&adb)).await;
            let probes = [
                Tag::objects().acount(&adb).await?,
                Tag::objects().aall(&adb).await?.len() as u64,
                u64::from(Tag::objects().aexists(&adb).await?),
            ];
            assert_eq!(probes, [expected, expected, u64::from(expected > 0)]);
        }
        // Every connection works afterwards, outside any transaction.
        let before = observer.see(|db| Tag::objects().count(db))?;
        let tasks: Vec<_> = (0..8)
            .map(|k| {
                let adb = adb.clone();
                tokio::spawn(async move {
                    NewTag::new().name(format!("after {k}")).slug(format!("after-{k}")).asave(&adb).await
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("no panic")?;
        }
        assert_eq!(observer.see(|db| Tag::objects().count(db))?, before + 8);
    }
}

/// Polls `future` `times` times (yielding to the runtime in between), then
/// drops it unless it finished; its output if it did.
async fn poll_times<F: std::future::Future>(future: F, times: usize) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    for _ in 0..times {
        if let std::task::Poll::Ready(output) = futures_util::poll!(future.as_mut()) {
            return Some(output);
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    None
}

#[test]
fn a_pool_that_stays_busy_is_an_error_after_the_checkout_timeout() {
    runtime().block_on(async {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let url = format!(
            "sqlite:///{}?pool_max_size=1&pool_timeout=1",
            folder.path().join("busy.sqlite3").display()
        );
        let adb = AsyncDb::connect(&url).await.expect("connects");
        let (release, held) = hold_a_transaction(&adb, None).await;
        let error = adb
            .fetch_one("SELECT 1 AS one", vec![])
            .await
            .expect_err("no free connection");
        assert!(
            error
                .to_string()
                .contains("no connection to the database was free"),
            "{error}"
        );
        release.notify_one();
        held.await.expect("no panic").expect("commits");
        adb.fetch_one("SELECT 1 AS one", vec![])
            .await
            .expect("a free connection again");
    });
}

/// Opens a transaction on `adb` in a task of its own (inserting the tag
/// `slug` in it, when given) and returns once it is open; it commits when the
/// returned `Notify` is notified, and the task then ends.
async fn hold_a_transaction(
    adb: &AsyncDb,
    slug: Option<&'static str>,
) -> (
    Arc<tokio::sync::Notify>,
    tokio::task::JoinHandle<pookie::Result<()>>,
) {
    let holder = adb.clone();
    let (started, wait) = tokio::sync::oneshot::channel::<()>();
    let release = Arc::new(tokio::sync::Notify::new());
    let released = Arc::clone(&release);
    let held = tokio::spawn(async move {
        holder
            .transaction(|tx| async move {
                if let Some(slug) = slug {
                    NewTag::new().name(slug).slug(slug).asave(&tx).await?;
                }
                let _ = started.send(());
                released.notified().await;
                Ok(())
            })
            .await
    });
    wait.await.expect("the transaction started");
    (release, held)
}

/// On PostgreSQL, reads outside transactions run on the async driver: they
/// need no blocking thread, nor one of the slots the blocking work shares.
#[test]
fn postgres_reads_outside_transactions_need_no_blocking_slot() {
    let Some(test_db) = postgres(1) else {
        return;
    };
    let adb = test_db.adb.clone();
    runtime().block_on(async move {
        adb.run(blog::create_tables).await.expect("tables");
        NewTag::new()
            .name("Rust")
            .slug("rust")
            .asave(&adb)
            .await
            .expect("a tag");
        let (release, held) = hold_a_transaction(&adb, Some("go")).await;
        // The one slot is the transaction's; these reads do not wait for it,
        // and do not see its uncommitted row.
        assert_eq!(Tag::objects().acount(&adb).await.expect("a count"), 1);
        let rust = Tag::objects()
            .aget(&adb, tag::slug.eq("rust"))
            .await
            .expect("a row");
        assert_eq!(rust.name, "Rust");
        assert!(!Tag::objects()
            .filter(tag::slug.eq("go"))
            .aexists(&adb)
            .await
            .expect("a probe"));
        assert_eq!(
            Tag::objects()
                .afirst(&adb)
                .await
                .expect("a row")
                .map(|t| t.slug),
            Some("rust".to_owned())
        );
        release.notify_one();
        held.await.expect("no panic").expect("commits");
        assert_eq!(Tag::objects().acount(&adb).await.expect("a count"), 2);
    });
}

/// The async driver opens its connections with the database's TLS settings:
/// `require` encrypts, `disable` does not (from the server's own view, read
/// through the async driver).
#[test]
fn postgres_reads_on_the_async_driver_use_the_tls_settings() {
    // PgBouncer offers no TLS to its clients: this is about the server's.
    if std::env::var_os(support::THROUGH_PGBOUNCER_VAR).is_some() {
        return;
    }
    let Some(test_db) = support::postgres() else {
        return;
    };
    let with = |setting: &str| {
        let separator = if test_db.url().contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{separator}{setting}", test_db.url())
    };
    runtime().block_on(async {
        let ssl_of = |adb: AsyncDb| async move {
            let row = adb
                .fetch_one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    vec![],
                )
                .await
                .expect("a read")
                .expect("a row");
            row.get::<bool>("ssl").expect("a boolean")
        };
        let plain = AsyncDb::connect(&with("sslmode=disable"))
            .await
            .expect("connects");
        assert!(!ssl_of(plain).await);
        let server_has_tls = AsyncDb::connect(&with("sslmode=disable"))
            .await
            .expect("connects")
            .fetch_one("SHOW ssl", vec![])
            .await
            .expect("a setting")
            .and_then(|row| row.get::<String>("ssl").ok())
            .is_some_and(|ssl| ssl == "on");
        assert!(
            server_has_tls || !support::in_ci(),
            "CI's server has TLS on (.ci/run)"
        );
        if server_has_tls {
            let encrypted = AsyncDb::connect(&with("sslmode=require"))
                .await
                .expect("connects");
            assert!(ssl_of(encrypted).await);
        }
    });
}

/// Closing a PostgreSQL connection blocks; the last handle dropped on the
/// executor must not close them there (the driver would panic).
#[test]
fn the_last_handle_can_be_dropped_inside_the_runtime() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let url = test_db.url().to_owned();
    runtime().block_on(async move {
        let adb = AsyncDb::connect(&url).await.expect("connects");
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let adb = adb.clone();
                tokio::spawn(async move { adb.fetch_one("SELECT 1 AS one", vec![]).await })
            })
            .collect();
        for task in tasks {
            task.await.expect("no panic").expect("a row");
        }
        drop(adb);
        // Connecting, then dropping the future as it finishes.
        let connecting = AsyncDb::connect(&url);
        let _ = tokio::time::timeout(Duration::from_millis(1), connecting).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    });
}

#[test]
fn a_wrong_url_is_an_error_not_a_panic() {
    runtime().block_on(async {
        let error =
            AsyncDb::connect("postgresql://nobody:secret-word@127.0.0.1:1/none?connect_timeout=1")
                .await
                .expect_err("nothing listens there");
        let text = format!("{error} {error:?}");
        assert!(!text.contains("secret-word"), "{text}");
        assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    });
}
