//! Throw-away databases for the inspectdb tests: a temporary SQLite file, or a
//! fresh PostgreSQL database dropped afterwards, loaded from SQL text.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name() -> String {
    format!(
        "pookie_inspect_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A SQLite file in the temporary directory, removed when dropped.
pub struct SqliteFile {
    pub path: PathBuf,
}

impl SqliteFile {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let _ = std::fs::remove_file(&path);
        SqliteFile { path }
    }

    pub fn url(&self) -> String {
        format!("sqlite:///{}", self.path.display())
    }

    pub fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        rusqlite::Connection::open(&self.path)?.execute_batch(sql)
    }
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A fresh PostgreSQL database, dropped (WITH (FORCE)) when dropped.
pub struct PostgresDb {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PostgresDb {
    /// `None` (with a notice) when no server is configured; in CI that fails.
    pub fn new() -> Option<Self> {
        let test_db = crate::support::postgres()?;
        drop(test_db);
        let admin_url = std::env::var(crate::support::POSTGRES_URL_VAR).expect("checked above");
        let name = unique_name();
        let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).expect("connect");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin_url.as_str(), String::new()),
        };
        let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
        let url = format!("{base}/{name}{query}");
        Some(PostgresDb {
            admin_url,
            name,
            url,
        })
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test database")
    }

    /// Runs a psql script: meta-commands (`\c …`) and statements that create or
    /// drop whole databases are left out, everything else runs as given.
    pub fn run_script(&self, sql: &str) -> Result<(), postgres::Error> {
        let mut kept = String::with_capacity(sql.len());
        for line in sql.lines() {
            let trimmed = line.trim_start().to_ascii_uppercase();
            if line.trim_start().starts_with('\\')
                || trimmed.starts_with("CREATE DATABASE")
                || trimmed.starts_with("DROP DATABASE")
            {
                continue;
            }
            kept.push_str(line);
            kept.push('\n');
        }
        self.client().batch_execute(&kept)
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}
