//! Test databases: every test gets its own SQLite database in memory and its
//! own PostgreSQL schema, so tests run in parallel and leave nothing behind.

#![allow(dead_code)]

pub mod migrations;
pub mod user_crate;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use pookie::Db;

/// The environment variable naming the PostgreSQL server the tests use.
pub const POSTGRES_URL_VAR: &str = "POOKIE_TEST_POSTGRES_URL";

/// When set (to anything), [`postgres`] gives each test a database of its own
/// reached through the PgBouncer (transaction pooling mode) that
/// `POOKIE_TEST_PGBOUNCER_URL` names, instead of a schema reached directly:
/// `.ci/run` runs the query, relation and transaction tests once more so.
/// (A schema cannot isolate tests behind PgBouncer, which does not pass the
/// start-up `options` that set `search_path`.)
pub const THROUGH_PGBOUNCER_VAR: &str = "POOKIE_TEST_THROUGH_PGBOUNCER";

/// The environment variable naming the PgBouncer in front of the test server.
pub const PGBOUNCER_URL_VAR: &str = "POOKIE_TEST_PGBOUNCER_URL";

/// A database for one test; a PostgreSQL one drops its schema when dropped.
pub struct TestDb {
    pub db: Db,
    url: String,
    postgres_cleanup: Option<(String, String)>,
    /// Behind PgBouncer: the test's own database, dropped with the admin URL.
    database_cleanup: Option<(String, String)>,
}

impl TestDb {
    /// The URL this test database was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The PostgreSQL schema of this test, if it is one.
    /// The database of this test, when it has one of its own (through
    /// PgBouncer); `None` when it is a schema of the server's `test` database.
    pub fn database(&self) -> Option<&str> {
        self.database_cleanup
            .as_ref()
            .map(|(_, name)| name.as_str())
    }

    pub fn schema(&self) -> Option<&str> {
        match (&self.postgres_cleanup, &self.database_cleanup) {
            (Some((_, schema)), _) => Some(schema.as_str()),
            (None, Some(_)) => Some("public"),
            (None, None) => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, database)) = self.database_cleanup.take() {
            if let Ok(admin) = Db::connect(&admin_url) {
                let _ = admin.execute(
                    &format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"),
                    &[],
                );
            }
        }
        if let Some((admin_url, schema)) = self.postgres_cleanup.take() {
            // Best effort: a failed cleanup must not hide the test's own result.
            if let Ok(admin) = Db::connect(&admin_url) {
                let _ = admin.execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"), &[]);
            }
        }
    }
}

/// A fresh in-memory SQLite database.
pub fn sqlite() -> TestDb {
    let url = "sqlite://:memory:".to_owned();
    TestDb {
        db: Db::connect(&url).expect("in-memory SQLite"),
        url,
        postgres_cleanup: None,
        database_cleanup: None,
    }
}

/// Whether this is a CI run (`CI` set): there every test must run, and what a
/// test needs being missing is a failure, not a skip.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Says on the terminal, once per test binary (`notice` is the group's own
/// `Once`), that a group of tests was skipped: `message` says which, why, and
/// what to set to run them.
pub fn skipped(notice: &Once, message: &str) {
    notice.call_once(|| {
        // Written to the terminal directly: the test harness captures eprintln!.
        let _ = writeln!(std::io::stderr(), "note: {message}");
    });
}

/// A fresh schema on the test PostgreSQL server, or `None` (with a notice on
/// the terminal) when no server is configured. In CI a missing server fails.
pub fn postgres() -> Option<TestDb> {
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        if in_ci() {
            panic!("{POSTGRES_URL_VAR} is not set: CI must run the PostgreSQL tests (see .ci/run)");
        }
        static NOTICE: Once = Once::new();
        skipped(
            &NOTICE,
            &format!(
                "PostgreSQL tests skipped: {POSTGRES_URL_VAR} is not set \
                 (e.g. {POSTGRES_URL_VAR}=postgresql://postgres@127.0.0.1:5432/test)"
            ),
        );
        return None;
    };
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let schema = format!(
        "pookie_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    if std::env::var_os(THROUGH_PGBOUNCER_VAR).is_some() {
        return Some(through_pgbouncer(admin_url, schema));
    }
    let admin =
        Db::connect(&admin_url).unwrap_or_else(|error| panic!("{POSTGRES_URL_VAR}: {error}"));
    admin
        .execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"), &[])
        .and_then(|_| admin.execute(&format!("CREATE SCHEMA \"{schema}\""), &[]))
        .unwrap_or_else(|error| panic!("cannot create the test schema {schema}: {error}"));
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-csearch_path%3D{schema}");
    let db = Db::connect(&url).unwrap_or_else(|error| panic!("{url}: {error}"));
    Some(TestDb {
        db,
        url,
        postgres_cleanup: Some((admin_url, schema)),
        database_cleanup: None,
    })
}

/// A fresh database named `name` on the test server, reached through PgBouncer.
fn through_pgbouncer(admin_url: String, name: String) -> TestDb {
    let bouncer = std::env::var(PGBOUNCER_URL_VAR).unwrap_or_else(|_| {
        panic!("{THROUGH_PGBOUNCER_VAR} is set but {PGBOUNCER_URL_VAR} is not: name the PgBouncer to test through")
    });
    let admin =
        Db::connect(&admin_url).unwrap_or_else(|error| panic!("{POSTGRES_URL_VAR}: {error}"));
    admin
        .execute(&format!("CREATE DATABASE \"{name}\""), &[])
        .unwrap_or_else(|error| panic!("cannot create the test database {name}: {error}"));
    // The PgBouncer URL with the test's database in place of its own.
    let (base, query) = bouncer.split_once('?').unwrap_or((&bouncer, ""));
    let (server, _) = base
        .rsplit_once('/')
        .expect("a PgBouncer URL names a database");
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let url = format!("{server}/{name}{query}");
    let db = Db::connect(&url).unwrap_or_else(|error| panic!("{url}: {error}"));
    TestDb {
        db,
        url,
        postgres_cleanup: None,
        database_cleanup: Some((admin_url, name)),
    }
}

/// Defines each test four times, as `<name>::sqlite` and `<name>::postgres`,
/// with `$db: &pookie::Db` bound to a fresh database of that backend, and as
/// `<name>::sqlite_awaited` and `<name>::postgres_awaited`, the same body run
/// through the awaited API ([`awaited`]).
macro_rules! on_both_backends {
    ($(fn $name:ident($db:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run($db: &pookie::Db) -> pookie::Result<()> {
                $body
                #[allow(unreachable_code)]
                Ok(())
            }

            #[test]
            fn sqlite() {
                let test_db = $crate::support::sqlite();
                if let Err(error) = run(&test_db.db) {
                    panic!("{error}");
                }
            }

            #[test]
            fn postgres() {
                let Some(test_db) = $crate::support::postgres() else { return };
                if let Err(error) = run(&test_db.db) {
                    panic!("{error}");
                }
            }

            #[test]
            fn sqlite_awaited() {
                let test_db = $crate::support::sqlite();
                $crate::support::awaited(&test_db.db, run);
            }

            #[test]
            fn postgres_awaited() {
                let Some(test_db) = $crate::support::postgres() else { return };
                $crate::support::awaited(&test_db.db, run);
            }
        }
    )*};
}

/// Runs a test body through the awaited API: `AsyncDb::run` on a tokio
/// runtime, which runs it on one of tokio's blocking threads.
pub fn awaited(db: &Db, body: fn(&Db) -> pookie::Result<()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let adb = pookie::AsyncDb::from_db(db.clone());
    if let Err(error) = runtime.block_on(adb.run(body)) {
        panic!("{error}");
    }
}

/// The user type of the `JSONField(schema = "crate::support::Settings")`
/// fields of `schemas/kitchen_sink.pookie`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    pub theme: String,
    pub font_size: u8,
    pub tags: Vec<String>,
}
