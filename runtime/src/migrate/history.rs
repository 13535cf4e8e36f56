//! The history table, `pookie_migrations`: one row per applied migration,
//! with the same columns on both backends.

use chrono::{DateTime, Utc};
use pookie_dialect::Dialect;

use crate::db::DEFAULT_ALIAS;
use crate::value::Param;
use crate::{Db, Result};

/// The name of the history table.
pub const HISTORY_TABLE: &str = "pookie_migrations";

/// One row of the history table: a migration the database has applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The migration's name (`0002_add_post_view_count`).
    pub name: String,
    /// The checksum of its operations text when it was applied.
    pub checksum: String,
    /// When it was applied (committed).
    pub applied_at: DateTime<Utc>,
    /// How long its steps took, in milliseconds (0 when it was recorded
    /// without running: faked, or a squashed migration whose replaced
    /// migrations were all applied).
    pub duration_ms: i64,
}

/// Creates the history table when it does not exist.
pub(crate) fn ensure_table(db: &Db) -> Result<()> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "CREATE TABLE IF NOT EXISTS pookie_migrations (\
             name TEXT NOT NULL PRIMARY KEY, \
             checksum TEXT NOT NULL, \
             applied_at TEXT NOT NULL, \
             duration_ms INTEGER NOT NULL)"
        }
        Dialect::Postgres => {
            "CREATE TABLE IF NOT EXISTS pookie_migrations (\
             name TEXT NOT NULL PRIMARY KEY, \
             checksum TEXT NOT NULL, \
             applied_at TIMESTAMPTZ NOT NULL, \
             duration_ms BIGINT NOT NULL)"
        }
    };
    db.connection(DEFAULT_ALIAS)?.batch_execute(sql)
}

/// Every row, oldest first; none when the table does not exist yet.
pub(crate) fn read(db: &Db) -> Result<Vec<HistoryEntry>> {
    if !table_exists(db, HISTORY_TABLE)? {
        return Ok(Vec::new());
    }
    db.connection(DEFAULT_ALIAS)?.query_map(
        "SELECT name, checksum, applied_at, duration_ms FROM pookie_migrations \
         ORDER BY applied_at, name",
        &[],
        |row| {
            Ok(HistoryEntry {
                name: row.get(0)?,
                checksum: row.get(1)?,
                applied_at: row.get(2)?,
                duration_ms: row.get(3)?,
            })
        },
    )
}

/// The names among `names` that have a row.
pub(crate) fn recorded(db: &Db, names: &[&str]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let sql = match db.dialect() {
        Dialect::Sqlite => "SELECT name FROM pookie_migrations WHERE name = ?",
        Dialect::Postgres => "SELECT name FROM pookie_migrations WHERE name = $1",
    };
    let mut connection = db.connection(DEFAULT_ALIAS)?;
    for name in names {
        if let Some(name) = connection.query_first(sql, &[Param::from(*name)], |row| row.get(0))? {
            found.push(name);
        }
    }
    Ok(found)
}

/// Records `name` as applied now.
pub(crate) fn insert(db: &Db, name: &str, checksum: &str, duration_ms: i64) -> Result<()> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "INSERT INTO pookie_migrations (name, checksum, applied_at, duration_ms) \
             VALUES (?, ?, ?, ?)"
        }
        Dialect::Postgres => {
            "INSERT INTO pookie_migrations (name, checksum, applied_at, duration_ms) \
             VALUES ($1, $2, $3, $4)"
        }
    };
    db.execute(
        sql,
        &[
            Param::from(name),
            Param::from(checksum),
            Param::DateTime(Utc::now()),
            Param::I64(duration_ms),
        ],
    )?;
    Ok(())
}

/// Deletes the rows of `names`.
pub(crate) fn delete(db: &Db, names: &[&str]) -> Result<()> {
    let sql = match db.dialect() {
        Dialect::Sqlite => "DELETE FROM pookie_migrations WHERE name = ?",
        Dialect::Postgres => "DELETE FROM pookie_migrations WHERE name = $1",
    };
    for name in names {
        db.execute(sql, &[Param::from(*name)])?;
    }
    Ok(())
}

/// True when the table `name` exists (in the schemas PostgreSQL's
/// `search_path` names; in the main database on SQLite, whose table names
/// ignore case).
pub(crate) fn table_exists(db: &Db, name: &str) -> Result<bool> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE"
        }
        Dialect::Postgres => "SELECT COUNT(*) FROM (SELECT to_regclass(quote_ident($1)) AS t) found WHERE t IS NOT NULL",
    };
    let count = db
        .connection(DEFAULT_ALIAS)?
        .query_first(sql, &[Param::from(name)], |row| row.get::<i64>(0))?;
    Ok(count.unwrap_or(0) > 0)
}
