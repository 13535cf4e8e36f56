//! Drift, on SQLite and PostgreSQL: the tables code generation creates for
//! `schemas/` match the state of those schemas; each change made by hand
//! (a column added, dropped or retyped, a table dropped or created…) is then
//! reported on one line naming the table and the column. Also: `pookie
//! inspectdb` takes its database from the settings, as the other commands do.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[allow(dead_code)]
#[path = "inspectdb/databases.rs"]
mod databases;
#[allow(dead_code)]
#[path = "inspectdb/round_trip.rs"]
pub mod round_trip;

use std::path::Path;
use std::process::Command;

use databases::{PostgresDb, SqliteFile};
use pookie_grammar::migration::State;

/// The state of every schema of `schemas/`: the `default` and `analytics`
/// models, which `round_trip::create_every_table` puts in one database.
fn repository_state() -> State {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .expect("schemas")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
        .collect();
    files.sort();
    let schema = pookie_grammar::load_files(&files).unwrap_or_else(|errors| panic!("{errors}"));
    let mut state = State::from_schema(&schema, "default");
    state
        .models
        .extend(State::from_schema(&schema, "analytics").models);
    state
}

/// The drift of `db` from `state`, one line per difference.
fn drift(db: &pookie::Db, state: &State) -> Vec<String> {
    pookie_inspect::drift(db, state)
        .unwrap_or_else(|e| panic!("drift: {e}"))
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn execute(db: &pookie::Db, statements: &[&str]) {
    for sql in statements {
        db.execute(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[test]
fn sqlite_drift_is_reported_table_by_table_and_column_by_column() {
    let file = SqliteFile::new();
    round_trip::create_every_table(&file.url());
    let db = pookie_inspect::connect(&file.url()).expect("connect");
    let state = repository_state();
    // The history table is never drift.
    execute(
        &db,
        &["CREATE TABLE pookie_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"],
    );
    assert_eq!(drift(&db, &state), Vec::<String>::new(), "no drift yet");

    execute(
        &db,
        &[
            "ALTER TABLE authors ADD COLUMN nickname VARCHAR(30)",
            "ALTER TABLE posts DROP COLUMN view_count",
            // SQLite has no ALTER COLUMN: a retyped column is dropped and added again.
            "ALTER TABLE authors DROP COLUMN bio",
            "ALTER TABLE authors ADD COLUMN bio INTEGER",
            "DROP TABLE user_profiles",
            "CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT)",
        ],
    );
    assert_eq!(
        drift(&db, &state),
        [
            "table `authors`: column `bio` is INTEGER in the database, TEXT in the migrations",
            "table `authors`: column `nickname` is in the database but not in the migrations",
            "table `posts`: column `view_count` is missing",
            "table `scratch` is in the database but not in the migrations",
            "table `user_profiles` is missing",
        ]
    );
}

#[test]
fn postgres_drift_is_reported_table_by_table_and_column_by_column() {
    let Some(database) = PostgresDb::new() else {
        return;
    };
    round_trip::create_every_table(&database.url);
    let db = pookie_inspect::connect(&database.url).expect("connect");
    let state = repository_state();
    execute(
        &db,
        &["CREATE TABLE pookie_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ)"],
    );
    assert_eq!(drift(&db, &state), Vec::<String>::new(), "no drift yet");

    execute(
        &db,
        &[
            "ALTER TABLE authors ADD COLUMN nickname VARCHAR(30)",
            "ALTER TABLE authors ALTER COLUMN name TYPE VARCHAR(200)",
            "ALTER TABLE authors ALTER COLUMN is_active SET DEFAULT false",
            "ALTER TABLE posts DROP COLUMN view_count",
            "ALTER TABLE posts ALTER COLUMN body DROP NOT NULL",
            "ALTER TABLE stamps DROP CONSTRAINT stamps_passport_id_fkey",
            "ALTER TABLE stamps ADD FOREIGN KEY (passport_id) REFERENCES passports ON DELETE CASCADE",
            "DROP INDEX passports_number_hash",
            "CREATE INDEX passports_number_hash ON passports (number)",
            "DROP TABLE user_profiles",
            "CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT)",
        ],
    );
    assert_eq!(
        drift(&db, &state),
        [
            "table `authors`: column `is_active` has default false in the database, default true in the migrations",
            "table `authors`: column `name` is VARCHAR(200) in the database, VARCHAR(100) in the migrations",
            "table `authors`: column `nickname` is in the database but not in the migrations",
            "table `passports`: index `passports_number_hash` is on (`number`) in the database, on (`number`) USING hash in the migrations",
            "table `posts`: column `body` is NULL in the database, NOT NULL in the migrations",
            "table `posts`: column `view_count` is missing",
            "table `scratch` is in the database but not in the migrations",
            "table `stamps`: column `passport_id` references `passports` ON DELETE CASCADE in the database, `passports` ON DELETE CASCADE ON UPDATE CASCADE in the migrations",
            "table `user_profiles` is missing",
        ]
    );
}

/// Drift compares the connection's current schema, where migrations create
/// their tables: a schema of its own per test, here.
#[test]
fn postgres_drift_reads_the_current_schema() {
    let Some(test) = support::postgres() else {
        return;
    };
    let state = repository_state();
    let differences = drift(&test.db, &state);
    // An empty schema: every table is missing, none is unexpected.
    assert_eq!(
        differences.len(),
        round_trip::tables(&state.to_schema()).len()
    );
    assert!(
        differences.iter().all(|line| line.ends_with("is missing")),
        "{differences:#?}"
    );
}

#[test]
fn connecting_to_a_missing_sqlite_file_is_an_error_not_a_new_database() {
    let file = SqliteFile::new();
    let error = pookie_inspect::connect(&file.url()).unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    assert!(!file.path.exists(), "no database was created");
    let error = pookie_inspect::connect("sqlite://:memory:").unwrap_err();
    assert!(error.to_string().contains("in-memory"), "{error}");
}

/// Runs `pookie inspectdb` in `dir` with `args`, without DATABASE_URL.
fn inspectdb_in(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_pookie"))
        .arg("inspectdb")
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run pookie");
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).expect("UTF-8 output"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn inspectdb_takes_its_database_from_the_settings() {
    let dir = std::env::temp_dir().join(format!("pookie_drift_settings_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("pookie.toml"),
        "[databases.default]\nurl = \"sqlite:///app.db\"\n\n[databases.other]\nurl = \"sqlite:///other.db\"\n",
    )
    .unwrap();
    rusqlite::Connection::open(dir.join("app.db"))
        .and_then(|c| c.execute_batch("CREATE TABLE alpha (id INTEGER PRIMARY KEY)"))
        .unwrap();
    rusqlite::Connection::open(dir.join("other.db"))
        .and_then(|c| c.execute_batch("CREATE TABLE beta (id INTEGER PRIMARY KEY)"))
        .unwrap();

    // From a subfolder: the settings are found upward, their paths are theirs.
    let default = inspectdb_in(&dir.join("sub"), &[]).unwrap();
    assert!(default.contains("model Alpha {"), "{default}");
    let other = inspectdb_in(&dir, &["--db", "other"]).unwrap();
    assert!(other.contains("model Beta {"), "{other}");
    let url = format!("sqlite:///{}", dir.join("other.db").display());
    let given = inspectdb_in(&dir, &["--database", &url]).unwrap();
    assert!(given.contains("model Beta {"), "{given}");

    let unknown = inspectdb_in(&dir, &["--db", "nope"]).unwrap_err();
    assert!(unknown.contains("no database `nope`"), "{unknown}");
    let elsewhere = std::env::temp_dir().join(format!("pookie_drift_none_{}", std::process::id()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    if !elsewhere
        .ancestors()
        .any(|d| d.join("pookie.toml").is_file())
    {
        let none = inspectdb_in(&elsewhere, &[]).unwrap_err();
        assert!(none.contains("--database URL"), "{none}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}
