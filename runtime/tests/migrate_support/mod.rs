//! Test databases for the migration tests, and migrations built by hand.
//!
//! SQLite databases are files in a directory of their own (so that several
//! connections, and several `Db`s, see one database); PostgreSQL ones are a
//! schema of their own on the server `POOKIE_TEST_POSTGRES_URL` names,
//! dropped afterwards.

#![allow(dead_code)]

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use pookie::migrate::{Down, Migration, Plan, Script, Step};
use pookie::{Db, Dialect};

/// The environment variable naming the PostgreSQL server the tests use.
pub const POSTGRES_URL_VAR: &str = "POOKIE_TEST_POSTGRES_URL";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A database for one test, removed when dropped.
pub struct TestDb {
    pub db: Db,
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(PathBuf),
    Schema { admin_url: String, schema: String },
}

impl TestDb {
    /// The URL the database was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Another `Db` (its own pool) on the same database.
    pub fn connect_again(&self) -> Db {
        Db::connect(&self.url).unwrap_or_else(|error| panic!("{}: {error}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Directory(path) => {
                let _ = std::fs::remove_dir_all(path);
            }
            Cleanup::Schema { admin_url, schema } => {
                if let Ok(admin) = Db::connect(admin_url) {
                    let _ =
                        admin.execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"), &[]);
                }
            }
        }
    }
}

/// A fresh SQLite database in a file.
pub fn sqlite() -> TestDb {
    let directory = std::env::temp_dir().join(format!(
        "pookie_migrate_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("a temporary directory");
    let url = format!("sqlite:///{}", directory.join("test.sqlite3").display());
    TestDb {
        db: Db::connect(&url).unwrap_or_else(|error| panic!("{url}: {error}")),
        url,
        cleanup: Cleanup::Directory(directory),
    }
}

/// A fresh schema on the test PostgreSQL server, or `None` (with a notice)
/// when no server is configured; in CI a missing server fails.
pub fn postgres() -> Option<TestDb> {
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        if std::env::var_os("CI").is_some() {
            panic!("{POSTGRES_URL_VAR} is not set: CI must run the PostgreSQL tests");
        }
        static NOTICE: Once = Once::new();
        NOTICE.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "note: PostgreSQL tests skipped: {POSTGRES_URL_VAR} is not set \
                 (e.g. {POSTGRES_URL_VAR}=postgresql://postgres@127.0.0.1:5432/test)"
            );
        });
        return None;
    };
    let schema = format!(
        "pookie_migrate_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin =
        Db::connect(&admin_url).unwrap_or_else(|error| panic!("{POSTGRES_URL_VAR}: {error}"));
    admin
        .execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"), &[])
        .and_then(|_| admin.execute(&format!("CREATE SCHEMA \"{schema}\""), &[]))
        .unwrap_or_else(|error| panic!("cannot create the test schema {schema}: {error}"));
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-csearch_path%3D{schema}");
    Some(TestDb {
        db: Db::connect(&url).unwrap_or_else(|error| panic!("{url}: {error}")),
        url,
        cleanup: Cleanup::Schema { admin_url, schema },
    })
}

/// Defines each test twice, as `<name>::sqlite` and `<name>::postgres`, with
/// `$test: &TestDb` bound to a fresh database of that backend.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($(fn $name:ident($test:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run($test: &$crate::migrate_support::TestDb) -> pookie::Result<()> {
                $body
                #[allow(unreachable_code)]
                Ok(())
            }

            #[test]
            fn sqlite() {
                let test_db = $crate::migrate_support::sqlite();
                if let Err(error) = run(&test_db) {
                    panic!("{error}");
                }
            }

            #[test]
            fn postgres() {
                let Some(test_db) = $crate::migrate_support::postgres() else { return };
                if let Err(error) = run(&test_db) {
                    panic!("{error}");
                }
            }
        }
    )*};
}

/// One SQL statement.
pub fn sql(statement: &str) -> Step {
    Step::Sql(Cow::Owned(statement.to_owned()))
}

/// A batch of statements written by a person.
pub fn script(statements: &str) -> Step {
    Step::Script(Cow::Owned(statements.to_owned()))
}

/// A registered Rust function.
pub fn rust(name: &str) -> Step {
    Step::Rust(Cow::Owned(name.to_owned()))
}

/// Steps as a script.
pub fn steps(steps: Vec<Step>) -> Script {
    Script {
        steps: Cow::Owned(steps),
        rebuilds_tables: false,
    }
}

/// A migration with the same steps on both backends; `down: None` makes it
/// irreversible.
pub fn migration(name: &str, up: Vec<Step>, down: Option<Vec<Step>>) -> Migration {
    let plan = Plan {
        up: steps(up),
        down: match down {
            Some(down) => Down::Script(steps(down)),
            None => Down::Irreversible(Cow::Borrowed("RunSQL without backward SQL")),
        },
    };
    Migration {
        name: Cow::Owned(name.to_owned()),
        checksum: Cow::Owned(checksum(name)),
        replaces: Cow::Borrowed(&[]),
        creates_tables: Cow::Borrowed(&[]),
        sqlite: plan.clone(),
        postgres: plan,
    }
}

/// The migration creating `table (id INTEGER PRIMARY KEY, name TEXT)`.
pub fn create_table(name: &str, table: &str) -> Migration {
    let mut m = migration(
        name,
        vec![sql(&format!(
            "CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)"
        ))],
        Some(vec![sql(&format!("DROP TABLE {table}"))]),
    );
    m.creates_tables = Cow::Owned(vec![Cow::Owned(table.to_owned())]);
    m
}

/// A stand-in checksum, different for each name.
pub fn checksum(name: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}").repeat(4)
}

/// True when `table` exists.
pub fn table_exists(db: &Db, table: &str) -> bool {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?"
        }
        Dialect::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    count(db, sql, table) > 0
}

fn count(db: &Db, sql: &str, param: &str) -> i64 {
    db.fetch_one(sql, &[param.into()])
        .expect("a count")
        .and_then(|row| row.value("n").and_then(pookie::Value::as_i64))
        .expect("a number")
}

/// The names in the history table, sorted.
pub fn history(db: &Db) -> Vec<String> {
    if !table_exists(db, "pookie_migrations") {
        return Vec::new();
    }
    let mut names: Vec<String> = db
        .fetch_all("SELECT name FROM pookie_migrations", &[])
        .expect("the history")
        .iter()
        .map(|row| {
            row.value("name")
                .and_then(pookie::Value::as_str)
                .unwrap()
                .to_owned()
        })
        .collect();
    names.sort();
    names
}

/// `SELECT COUNT(*)` of a table.
pub fn rows(db: &Db, table: &str) -> i64 {
    db.fetch_one(&format!("SELECT COUNT(*) AS n FROM {table}"), &[])
        .expect("a count")
        .and_then(|row| row.value("n").and_then(pookie::Value::as_i64))
        .expect("a number")
}
