//! `show_migrations`: each migration with whether and when it was applied.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::history::{self, HistoryEntry};
use super::plan::unknown_rows;
use super::Migrations;
use crate::error::Result;
use crate::Db;

/// Where the database stands against a list of migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Every migration of the list, in order.
    pub migrations: Vec<MigrationStatus>,
    /// Applied migrations the list does not hold (and no squashed migration
    /// of the list replaces), oldest first: `migrate` refuses to run while
    /// there are any.
    pub unknown: Vec<HistoryEntry>,
}

/// One migration of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Its name.
    pub name: String,
    /// When it was applied, or `None` when it is pending. A squashed
    /// migration counts as applied when every migration it replaces is (at
    /// the latest of their times), and a replaced migration when its squashed
    /// migration is.
    pub applied_at: Option<DateTime<Utc>>,
    /// The checksum recorded when it was applied, when it differs from the
    /// migration's own: its text was edited after it was applied, and
    /// `migrate` refuses to run until that is undone.
    pub changed_checksum: Option<String>,
}

impl Status {
    /// The names of the migrations not applied yet, in order.
    pub fn pending(&self) -> Vec<&str> {
        self.migrations
            .iter()
            .filter(|m| m.applied_at.is_none())
            .map(|m| m.name.as_str())
            .collect()
    }

    /// True when every migration is applied, none was edited, and the
    /// database applied none the list lacks.
    pub fn is_up_to_date(&self) -> bool {
        self.unknown.is_empty()
            && self
                .migrations
                .iter()
                .all(|m| m.applied_at.is_some() && m.changed_checksum.is_none())
    }
}

/// Reads the history and sets it against `migrations`; changes nothing
/// (a database without the history table has applied nothing).
pub fn show_migrations(db: &Db, migrations: &Migrations) -> Result<Status> {
    let history = history::read(db)?;
    let rows: HashMap<&str, &HistoryEntry> =
        history.iter().map(|row| (row.name.as_str(), row)).collect();
    let squashed_by: HashMap<&str, &str> = migrations
        .list
        .iter()
        .flat_map(|m| {
            m.replaces
                .iter()
                .map(move |r| (r.as_ref(), m.name.as_ref()))
        })
        .collect();
    let statuses = migrations
        .list
        .iter()
        .map(|migration| {
            let own = rows.get(migration.name.as_ref());
            let by_replaced = || {
                let times: Option<Vec<DateTime<Utc>>> = migration
                    .replaces
                    .iter()
                    .map(|r| rows.get(r.as_ref()).map(|row| row.applied_at))
                    .collect();
                times.and_then(|times| times.into_iter().max())
            };
            let by_squash = || {
                squashed_by
                    .get(migration.name.as_ref())
                    .and_then(|squash| rows.get(squash))
                    .map(|row| row.applied_at)
            };
            MigrationStatus {
                name: migration.name.to_string(),
                applied_at: own
                    .map(|row| row.applied_at)
                    .or_else(by_replaced)
                    .or_else(by_squash),
                changed_checksum: own
                    .filter(|row| row.checksum != migration.checksum.as_ref())
                    .map(|row| row.checksum.clone()),
            }
        })
        .collect();
    Ok(Status {
        migrations: statuses,
        unknown: unknown_rows(&migrations.list, &history)
            .into_iter()
            .cloned()
            .collect(),
    })
}
