//! Connections, pools, transactions, several databases and raw SQL, on
//! SQLite and PostgreSQL.

#[macro_use]
mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pookie::{ConnectOptions, Db, Dialect, Error, Value};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, Author, NewAuthor, NewPost, NewTag, Post, Tag};

fn new_author(db: &Db, name: &str) -> pookie::Result<Author> {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    Author::objects().create(db, NewAuthor::new().name(name).email(email))
}

fn names(db: &Db) -> pookie::Result<Vec<String>> {
    let mut names: Vec<String> = Author::objects()
        .all(db)?
        .into_iter()
        .map(|a| a.name)
        .collect();
    names.sort();
    Ok(names)
}

on_both_backends! {
    fn transactions_commit_on_ok(db) {
        blog::create_tables(db)?;
        let id = db.transaction(|tx| {
            let grace = new_author(tx, "Grace")?;
            new_author(tx, "Bob")?;
            Ok(grace.id)
        })?;
        assert_eq!(names(db)?, ["Bob", "Grace"]);
        assert_eq!(Author::get(db, id)?.name, "Grace");
    }

    fn transactions_roll_back_on_err(db) {
        blog::create_tables(db)?;
        new_author(db, "Before")?;
        let failed: pookie::Result<()> = db.transaction(|tx| {
            new_author(tx, "Grace")?;
            Author::objects().filter(author::name.eq("Before")).update(tx, [author::name.set("Changed")])?;
            Err(Error::custom("abandon"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "abandon");
        assert_eq!(names(db)?, ["Before"]);
    }

    fn a_failing_statement_rolls_the_transaction_back(db) {
        blog::create_tables(db)?;
        let failed = db.transaction(|tx| {
            let grace = new_author(tx, "Grace")?;
            // No such author: the foreign key refuses the row.
            let orphan = NewPost::new().title("Orphan").slug("orphan").body("…").author_id(grace.id + 1000);
            Post::objects().create(tx, orphan)
        });
        assert!(matches!(failed, Err(Error::Integrity { .. })), "{failed:?}");
        assert!(names(db)?.is_empty());
        let duplicate = db.transaction(|tx| {
            new_author(tx, "Grace")?;
            new_author(tx, "Grace") // the same email again
        });
        assert!(matches!(duplicate, Err(Error::Validation(_))), "{duplicate:?}");
        assert!(names(db)?.is_empty());
    }

    fn transactions_roll_back_on_panic(db) {
        blog::create_tables(db)?;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = db.transaction(|tx| -> pookie::Result<()> {
                new_author(tx, "Grace")?;
                panic!("boom");
            });
        }));
        assert!(outcome.is_err(), "the panic goes on after the rollback");
        assert!(names(db)?.is_empty());
        new_author(db, "After")?;
        assert_eq!(names(db)?, ["After"], "the pool still works");
    }

    fn nested_transactions_are_savepoints(db) {
        blog::create_tables(db)?;
        db.transaction(|tx| {
            new_author(tx, "Outer")?;
            let inner: pookie::Result<()> = tx.transaction(|inner| {
                new_author(inner, "Inner")?;
                Err(Error::custom("inner fails"))
            });
            assert!(inner.is_err());
            tx.transaction(|kept| {
                new_author(kept, "Kept")?;
                kept.transaction(|deepest| new_author(deepest, "Deepest").map(drop))
            })?;
            Ok(())
        })?;
        assert_eq!(names(db)?, ["Deepest", "Kept", "Outer"]);
    }

    fn a_handle_outside_its_transaction_is_refused(db) {
        blog::create_tables(db)?;
        let leaked = Arc::new(Mutex::new(None));
        db.transaction(|tx| {
            *leaked.lock().unwrap() = Some(tx.clone());
            Ok(())
        })?;
        let handle = leaked.lock().unwrap().take().unwrap();
        let error = Author::objects().count(&handle).unwrap_err();
        assert!(error.to_string().contains("transaction has ended"), "{error}");
    }

    fn raw_sql_fetches_rows_by_name(db) {
        blog::create_tables(db)?;
        new_author(db, "Grace")?;
        new_author(db, "Bob")?;
        // One placeholder style, `$1`, on both backends.
        let sql = "SELECT name, is_active, id FROM authors WHERE name <> $1 ORDER BY name";
        let rows = db.fetch_all(sql, &["Nobody".into()])?;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].columns(), ["name", "is_active", "id"]);
        assert_eq!(rows[0].get::<String>("name")?, "Bob");
        assert!(rows[1].get::<bool>("is_active")?);
        assert_eq!(rows[0].value("name").and_then(Value::as_str), Some("Bob"));
        assert!(rows[0].value("missing").is_none());
        let count = db.fetch_one("SELECT COUNT(*) AS cnt FROM authors", &[])?.unwrap();
        assert_eq!(count.get::<i64>("cnt")?, 2);
        let none = db.fetch_one("SELECT id FROM authors WHERE id = $1", &[(-1i32).into()])?;
        assert!(none.is_none());
        let null = db.fetch_one("SELECT bio FROM authors", &[])?.unwrap();
        assert_eq!(null.value("bio"), Some(&Value::Null));
        assert_eq!(null.get::<Option<String>>("bio")?, None);
        // A missing column and a value of another type are clear errors.
        let missing = count.get::<i64>("count").unwrap_err().to_string();
        assert!(missing.contains("count") && missing.contains("no such column") && missing.contains("`cnt`"), "{missing}");
        let wrong = rows[0].get::<i64>("name").unwrap_err().to_string();
        assert!(wrong.contains("name") && wrong.contains("expected an integer") && wrong.contains("\"Bob\""), "{wrong}");
        let null_error = null.get::<String>("bio").unwrap_err().to_string();
        assert!(null_error.contains("found NULL"), "{null_error}");
        // Placeholders may repeat and come in any order; `$` inside quotes is text.
        let swapped = db.fetch_one("SELECT CAST($2 AS BIGINT) AS b, CAST($1 AS TEXT) AS a, '$1' AS text", &["first".into(), 2i64.into()])?.unwrap();
        assert_eq!(swapped.get::<i64>("b")?, 2);
        assert_eq!(swapped.get::<String>("a")?, "first");
        assert_eq!(swapped.get::<String>("text")?, "$1");
        assert_eq!(db.execute("UPDATE authors SET bio = $1 WHERE name = $2", &["Hi".into(), "Bob".into()])?, 1);
    }

    fn many_threads_share_one_pool(db) {
        // An in-memory SQLite database has one connection; the file-backed
        // variant below exercises a real SQLite pool.
        blog::create_tables(db)?;
        hammer(db, 8, 250)?;
    }
}

/// Eight threads, each creating tags and authors, reading, updating and
/// deleting; the row counts at the end are exactly what was left.
fn hammer(db: &Db, threads: usize, rounds: usize) -> pookie::Result<()> {
    let failures = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for thread in 0..threads {
            let db = db.clone();
            let failures = &failures;
            scope.spawn(move || {
                for round in 0..rounds {
                    let outcome = (|| -> pookie::Result<()> {
                        let name = format!("t{thread}-r{round}");
                        let tag =
                            Tag::objects().create(&db, NewTag::new().name(&name).slug(&name))?;
                        let author = new_author(&db, &name)?;
                        assert_eq!(Tag::get(&db, tag.id)?.name, name);
                        Author::objects()
                            .filter(author::id.eq(author.id))
                            .update(&db, [author::bio.set("busy")])?;
                        if round % 2 == 1 {
                            tag.delete(&db)?;
                        }
                        if round % 10 == 0 {
                            db.transaction(|tx| {
                                new_author(tx, &format!("tx-{name}"))?;
                                Author::objects().count(tx).map(drop)
                            })?;
                        }
                        Ok(())
                    })();
                    if let Err(error) = outcome {
                        eprintln!("thread {thread}, round {round}: {error}");
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(
        failures.load(Ordering::Relaxed),
        0,
        "every operation succeeded"
    );
    let per_thread_tx = rounds.div_ceil(10);
    assert_eq!(
        Author::objects().count(db)? as usize,
        threads * (rounds + per_thread_tx)
    );
    assert_eq!(
        Tag::objects().count(db)? as usize,
        threads * rounds.div_ceil(2)
    );
    assert_eq!(
        Author::objects().filter(author::bio.eq("busy")).count(db)? as usize,
        threads * rounds
    );
    Ok(())
}

/// A temporary SQLite file, removed with its WAL files when dropped.
struct TempSqlite(PathBuf);

impl TempSqlite {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let file = format!(
            "pookie-{name}-{}-{}.db",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        TempSqlite(std::env::temp_dir().join(file))
    }

    fn url(&self) -> String {
        format!("sqlite:///{}", self.0.display())
    }
}

impl Drop for TempSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

#[test]
fn a_sqlite_file_takes_mixed_load_from_eight_threads_without_locking_errors() {
    let file = TempSqlite::new("concurrency");
    let db = Db::connect(&file.url()).unwrap();
    blog::create_tables(&db).unwrap();
    hammer(&db, 8, 250).unwrap();
}

#[test]
fn one_program_moves_rows_between_sqlite_and_postgres() {
    let Some(warehouse) = support::postgres() else {
        return;
    };
    let file = TempSqlite::new("multi");
    // The PostgreSQL test database is reached by the URL of its own schema.
    let db = Db::builder()
        .database("default", &file.url())
        .database_with("warehouse", warehouse_options(&warehouse))
        .connect()
        .unwrap();
    let warehouse_db = db.using("warehouse").unwrap();
    assert_eq!(db.dialect(), Dialect::Sqlite);
    assert_eq!(warehouse_db.dialect(), Dialect::Postgres);
    blog::create_tables(&db).unwrap();
    blog::create_tables(&warehouse_db).unwrap();
    for name in ["Ada", "Grace", "Linus"] {
        new_author(&db, name).unwrap();
    }
    let moved = Author::objects().all(&db).unwrap();
    warehouse_db
        .transaction(|tx| {
            for author in &moved {
                let copy = NewAuthor::new().name(&author.name).email(&author.email);
                Author::objects().create(tx, copy.bio("moved from SQLite"))?;
            }
            Ok(())
        })
        .unwrap();
    let deleted = Author::objects().delete(&db).unwrap();
    assert_eq!(deleted, 3);
    assert_eq!(names(&warehouse_db).unwrap(), ["Ada", "Grace", "Linus"]);
    assert_eq!(
        Author::objects()
            .using("warehouse")
            .filter(author::bio.isnull(false))
            .count(&db)
            .unwrap(),
        3
    );
    assert_eq!(Author::objects().count(&db).unwrap(), 0);
    let raw = db
        .on("warehouse")
        .fetch_one("SELECT COUNT(*) AS n FROM authors", &[])
        .unwrap()
        .unwrap();
    assert_eq!(raw.get::<i64>("n").unwrap(), 3);
}

/// The test schema's URL as keyword-form options, to exercise that form too.
fn warehouse_options(test_db: &support::TestDb) -> ConnectOptions {
    let schema = test_db
        .schema()
        .expect("a PostgreSQL test database has a schema");
    ConnectOptions::postgres()
        .name(test_db.database().unwrap_or("test"))
        .host("127.0.0.1")
        .port(5432)
        .user("postgres")
        .options(&format!("-c search_path={schema}"))
        .max_size(4)
}

#[test]
fn a_file_backed_sqlite_pool_survives_eight_threads_of_transactions() {
    let file = TempSqlite::new("transactions");
    let db = Db::connect(&format!("{}?pool_max_size=8", file.url())).unwrap();
    blog::create_tables(&db).unwrap();
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let db = db.clone();
            scope.spawn(move || {
                for round in 0..25 {
                    db.transaction(|tx| {
                        let name = format!("w{thread}-{round}");
                        Tag::objects().create(tx, NewTag::new().name(&name).slug(&name))?;
                        Tag::objects().count(tx).map(drop)
                    })
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(Tag::objects().count(&db).unwrap(), 200);
}

#[test]
fn postgres_connections_ended_by_the_server_are_replaced() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let application = format!("pookie_reconnect_{}", std::process::id());
    let url = format!("{}&application_name={application}", test_db.url());
    let db = Db::connect(&url).unwrap();
    blog::create_tables(&db).unwrap();
    new_author(&db, "Before").unwrap();
    // Open several pooled connections, then have the server end all of them.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let db = db.clone();
            scope.spawn(move || Author::objects().count(&db).unwrap());
        }
    });
    let admin = Db::connect(&std::env::var(support::POSTGRES_URL_VAR).unwrap()).unwrap();
    let ended = admin
        .fetch_all(
            "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1",
            &[application.as_str().into()],
        )
        .unwrap();
    assert!(!ended.is_empty(), "the test's connections were found");
    // Every query after the restart works: each lost connection is replaced once.
    for round in 0..6 {
        assert_eq!(Author::objects().count(&db).unwrap(), 1 + round);
        new_author(&db, &format!("After {round}")).unwrap();
    }
}

#[test]
fn connection_errors_say_what_is_wrong_and_hide_passwords() {
    let cases = [
        (
            "postgresql://postgres:hunter2@127.0.0.1:1/test",
            "cannot connect to PostgreSQL at `postgresql://postgres:***@127.0.0.1:1/test`",
        ),
        (
            "postgresql://postgres@no-such-host.invalid/test",
            "no-such-host.invalid",
        ),
        (
            "mysql://root:hunter2@localhost/db",
            "unsupported database `mysql`",
        ),
        (
            "sqlite:////no/such/directory/x.db",
            "cannot open the SQLite database `/no/such/directory/x.db`",
        ),
    ];
    for (url, expected) in cases {
        let error = Db::connect(url).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, Error::Connection { .. }),
            "{url}: {error:?}"
        );
        assert!(message.contains(expected), "{url}: {message}");
        assert!(!message.contains("hunter2"), "{url}: {message}");
    }
    if let Ok(url) = std::env::var(support::POSTGRES_URL_VAR) {
        let missing = Db::connect(&url.replace("/test", "/pookie_no_such_database")).unwrap_err();
        assert!(missing.to_string().contains("does not exist"), "{missing}");
        let options = ConnectOptions::postgres()
            .name("test")
            .host("127.0.0.1")
            .user("pookie_no_such_role")
            .password("hunter2");
        let refused = Db::connect_with(options).unwrap_err().to_string();
        assert!(
            refused.contains("pookie_no_such_role") && !refused.contains("hunter2"),
            "{refused}"
        );
    }
}

#[test]
fn db_is_shareable() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Db>();
}
