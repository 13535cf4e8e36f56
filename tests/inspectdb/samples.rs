//! The third-party sample databases: where they are and how to load them.

use std::path::PathBuf;

use crate::databases::{PostgresDb, SqliteFile};

/// The sample databases folder, next to the repository.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sampledbs")
}

pub fn read(relative: &str) -> String {
    let path = root().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.trim_start_matches('\u{feff}').to_string()
}

/// Every Diesel edge case that has a schema for `backend` (`sqlite` or `postgres`).
pub fn edge_cases(backend: &str) -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = std::fs::read_dir(root().join("edge-cases-diesel"))
        .expect("edge-cases-diesel")
        .filter_map(|entry| {
            let path = entry.ok()?.path().join(backend).join("schema.sql");
            let name = path
                .parent()?
                .parent()?
                .file_name()?
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((name, text))
        })
        .collect();
    cases.sort();
    cases
}

/// Chinook in a new SQLite file.
pub fn chinook_sqlite() -> SqliteFile {
    let file = SqliteFile::new();
    file.execute_batch(&read("chinook/Chinook_Sqlite.sql"))
        .expect("load Chinook");
    file
}

/// Northwind in a new SQLite file: its tables, views and data, then its updates.
pub fn northwind_sqlite() -> SqliteFile {
    let file = SqliteFile::new();
    file.execute_batch(&read("northwind-sqlite/create.sql"))
        .and_then(|()| file.execute_batch(&read("northwind-sqlite/update.sql")))
        .expect("load Northwind");
    file
}

/// Chinook in a new PostgreSQL database, or `None` when no server is configured.
pub fn chinook_postgres() -> Option<PostgresDb> {
    let db = PostgresDb::new()?;
    db.run_script(&read("chinook/Chinook_PostgreSql.sql"))
        .expect("load Chinook");
    Some(db)
}

/// Northwind in a new PostgreSQL database, or `None` when no server is configured.
pub fn northwind_postgres() -> Option<PostgresDb> {
    let db = PostgresDb::new()?;
    db.run_script(&read("northwind-postgres/northwind.sql"))
        .expect("load Northwind");
    Some(db)
}
