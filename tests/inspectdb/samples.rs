//! The third-party sample databases: where they are and how to load them.
//!
//! They are not ours to ship, so the repository does not hold them: they are
//! read from the folder `POOKIE_SAMPLEDBS` names, by default
//! `../shared/sampledbs` beside the repository. Without that folder the tests
//! that need it are skipped with a notice on the terminal; in CI (`CI` set)
//! that fails instead, as a missing PostgreSQL server does.

use std::path::{Path, PathBuf};
use std::sync::Once;

use crate::databases::{PostgresDb, SqliteFile};
use crate::support::{in_ci, skipped};

/// The environment variable naming the sample databases folder.
pub const SAMPLEDBS_VAR: &str = "POOKIE_SAMPLEDBS";

/// Where the folder is when the variable is not set, from the repository root.
const DEFAULT: &str = "../shared/sampledbs";

/// The folders of it the tests read.
const FOLDERS: [&str; 4] = [
    "chinook",
    "northwind-sqlite",
    "northwind-postgres",
    "edge-cases-diesel",
];

/// The folders the tests read, as a message names them.
fn folders() -> String {
    FOLDERS.join("/, ") + "/"
}

/// The sample databases folder, found.
pub struct Samples {
    root: PathBuf,
}

/// The sample databases, or `None` (with a notice on the terminal) when their
/// folder is not there. In CI a missing folder fails; a folder without the
/// databases the tests read fails everywhere, naming what it lacks.
pub fn find() -> Option<Samples> {
    let root = location();
    if !root.is_dir() {
        let why = match std::env::var_os(SAMPLEDBS_VAR) {
            Some(_) => format!(
                "{SAMPLEDBS_VAR} names {}, which is not a folder",
                root.display()
            ),
            None => format!(
                "{SAMPLEDBS_VAR} is not set and there is no {} (its default)",
                root.display()
            ),
        };
        if in_ci() {
            panic!(
                "the sample databases are missing: {why}. CI must run the inspectdb tests \
                 against them: set {SAMPLEDBS_VAR} to the folder holding {} (see .ci/run)",
                folders()
            );
        }
        static NOTICE: Once = Once::new();
        skipped(
            &NOTICE,
            &format!(
                "sample-database tests skipped (inspectdb on Chinook, Northwind and Diesel's \
                 edge cases): {why}; set {SAMPLEDBS_VAR} to the folder holding {}",
                folders()
            ),
        );
        return None;
    }
    let missing: Vec<&str> = FOLDERS
        .into_iter()
        .filter(|folder| !root.join(folder).is_dir())
        .collect();
    assert!(
        missing.is_empty(),
        "the sample databases folder {} has no {}: point {SAMPLEDBS_VAR} at the folder \
         holding {}",
        root.display(),
        missing.join("/, ") + "/",
        folders()
    );
    Some(Samples { root })
}

/// The folder `POOKIE_SAMPLEDBS` names, or the default; a relative path is
/// taken from the repository root.
fn location() -> PathBuf {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::env::var_os(SAMPLEDBS_VAR) {
        Some(folder) if !folder.is_empty() => repository.join(folder),
        _ => repository.join(DEFAULT),
    }
}

impl Samples {
    /// The text of a file of the folder, without a leading byte-order mark.
    pub fn read(&self, relative: &str) -> String {
        let path = self.root.join(relative);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        text.trim_start_matches('\u{feff}').to_string()
    }

    /// Every Diesel edge case that has a schema for `backend` (`sqlite` or `postgres`).
    pub fn edge_cases(&self, backend: &str) -> Vec<(String, String)> {
        let folder = self.root.join("edge-cases-diesel");
        let mut cases: Vec<(String, String)> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()))
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
    pub fn chinook_sqlite(&self) -> SqliteFile {
        let file = SqliteFile::new();
        file.execute_batch(&self.read("chinook/Chinook_Sqlite.sql"))
            .expect("load Chinook");
        file
    }

    /// Northwind in a new SQLite file: its tables, views and data, then its updates.
    pub fn northwind_sqlite(&self) -> SqliteFile {
        let file = SqliteFile::new();
        file.execute_batch(&self.read("northwind-sqlite/create.sql"))
            .and_then(|()| file.execute_batch(&self.read("northwind-sqlite/update.sql")))
            .expect("load Northwind");
        file
    }

    /// Chinook in a new PostgreSQL database, or `None` when no server is configured.
    pub fn chinook_postgres(&self) -> Option<PostgresDb> {
        let db = PostgresDb::new()?;
        db.run_script(&self.read("chinook/Chinook_PostgreSql.sql"))
            .expect("load Chinook");
        Some(db)
    }

    /// Northwind in a new PostgreSQL database, or `None` when no server is configured.
    pub fn northwind_postgres(&self) -> Option<PostgresDb> {
        let db = PostgresDb::new()?;
        db.run_script(&self.read("northwind-postgres/northwind.sql"))
            .expect("load Northwind");
        Some(db)
    }
}
