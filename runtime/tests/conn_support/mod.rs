//! The servers the connection tests use, each named by an environment
//! variable: the primary (`POOKIE_TEST_POSTGRES_URL`), its streaming replica
//! (`POOKIE_TEST_REPLICA_URL`) and PgBouncer in transaction mode in front of it
//! (`POOKIE_TEST_PGBOUNCER_URL`). `.ci/run` sets them all up. A test whose
//! server is not named is skipped with a notice on the terminal; in CI (`CI`
//! set) it fails instead.

#![allow(dead_code)]

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use pookie::Db;

pub const POSTGRES_URL_VAR: &str = "POOKIE_TEST_POSTGRES_URL";
pub const REPLICA_URL_VAR: &str = "POOKIE_TEST_REPLICA_URL";
pub const PGBOUNCER_URL_VAR: &str = "POOKIE_TEST_PGBOUNCER_URL";

/// The URL in `var`, or `None` with a notice (once per variable and test
/// binary) when it is unset; a panic in CI, where every test must run.
pub fn server_url(var: &'static str, what: &str, example: &str) -> Option<String> {
    if let Ok(url) = std::env::var(var) {
        return Some(url);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{var} is not set: CI must run the {what} tests (see .ci/run)");
    }
    static NOTICES: [Once; 3] = [Once::new(), Once::new(), Once::new()];
    let slot = match var {
        POSTGRES_URL_VAR => 0,
        REPLICA_URL_VAR => 1,
        _ => 2,
    };
    NOTICES[slot].call_once(|| {
        // Written to the terminal directly: the test harness captures eprintln!.
        let _ = writeln!(
            std::io::stderr(),
            "note: {what} tests skipped: {var} is not set (e.g. {var}={example}; .ci/run sets it up)"
        );
    });
    None
}

pub fn primary_url() -> Option<String> {
    server_url(
        POSTGRES_URL_VAR,
        "PostgreSQL",
        "postgresql://postgres@127.0.0.1:5432/test",
    )
}

pub fn replica_url() -> Option<String> {
    server_url(
        REPLICA_URL_VAR,
        "read-replica",
        "postgresql://postgres@127.0.0.1:5433/test",
    )
}

pub fn pgbouncer_url() -> Option<String> {
    server_url(
        PGBOUNCER_URL_VAR,
        "PgBouncer",
        "postgresql://postgres@127.0.0.1:6433/test?pgbouncer=true",
    )
}

/// `url` with `extra` (`key=value&…`) added to its query.
pub fn with_params(url: &str, extra: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{extra}")
}

/// A name no other test (of this or another process) uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A table of its own on the primary, dropped when the guard is.
pub struct Table {
    pub name: String,
    admin: Db,
}

impl Table {
    pub fn create(admin: &Db, columns: &str) -> Table {
        let name = unique_name("pookie_conn");
        admin
            .execute(&format!("CREATE TABLE {name} ({columns})"), &[])
            .unwrap_or_else(|error| panic!("cannot create {name}: {error}"));
        Table {
            name,
            admin: admin.clone(),
        }
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        let _ = self
            .admin
            .execute(&format!("DROP TABLE IF EXISTS {}", self.name), &[]);
    }
}
