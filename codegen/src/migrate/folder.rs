//! The migrations folder: `migrations/0001_initial/migration.pookie`,
//! `migrations/0002_add_post_view_count/…`, read into the ordered list of
//! migrations with the state each one leaves, and written one migration at a
//! time (the operations text and the four `.sql` review files).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use pookie_grammar::migration::{parse_migration, print_migration, Backend, MigrationText, State};
use pookie_grammar::Source;
use sha2::{Digest, Sha256};

use super::naming::validate_name;
use super::{Rendered, RenderedScript, RenderedStep};

/// The operations file of a migration folder.
pub const MIGRATION_FILE: &str = "migration.pookie";

/// A migrations folder, read and replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// Its migrations, in the order of their numbers (1, 2, 3…).
    pub migrations: Vec<MigrationFile>,
}

/// One migration of a [`Folder`].
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationFile {
    /// The folder name: `0002_add_post_view_count`.
    pub name: String,
    /// Its number: 2.
    pub number: u32,
    /// Its `migration.pookie`.
    pub path: PathBuf,
    /// The text of `migration.pookie`, as read.
    pub text: String,
    /// [`checksum`] of the text.
    pub checksum: String,
    /// The parsed operations.
    pub parsed: MigrationText,
    /// The state after this migration (and every one before it).
    pub state: State,
}

/// Something wrong with a migrations folder: the path, what is wrong, and how
/// to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderError {
    /// The folder or file concerned.
    pub path: PathBuf,
    /// What is wrong and the fix.
    pub message: String,
}

impl fmt::Display for FolderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for FolderError {}

fn fail(path: &Path, message: impl Into<String>) -> FolderError {
    FolderError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// The text a checksum is computed on: a leading byte-order mark dropped,
/// CRLF and CR turned into LF.
pub fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The checksum of a migration's operations text: lowercase hex SHA-256 of
/// the [`normalize`]d text.
///
/// ```
/// use pookie_codegen::migrate::folder::checksum;
/// assert_eq!(checksum("a\r\nb"), checksum("\u{feff}a\nb"));
/// assert_eq!(checksum("").len(), 64);
/// ```
pub fn checksum(text: &str) -> String {
    let digest = Sha256::digest(normalize(text).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Splits a folder name `NNNN_snake_name` into its number and name.
fn split_name(name: &str) -> Option<(u32, &str)> {
    let (digits, rest) = name.split_once('_')?;
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    validate_name(rest).ok()?;
    Some((digits.parse().ok()?, rest))
}

impl Folder {
    /// Reads and replays the migrations of `dir`. A folder that does not exist
    /// has no migrations yet. Files and hidden entries beside the migration
    /// folders are ignored.
    pub fn read(dir: &Path) -> Result<Folder, FolderError> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Folder {
                    dir: dir.to_owned(),
                    migrations: Vec::new(),
                })
            }
            Err(error) => {
                return Err(fail(
                    dir,
                    format!("cannot read the migrations folder: {error}"),
                ))
            }
        };
        let mut found: Vec<(u32, String, PathBuf)> = Vec::new();
        for entry in entries {
            let entry =
                entry.map_err(|e| fail(dir, format!("cannot read the migrations folder: {e}")))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !path.is_dir() {
                continue;
            }
            let Some((number, _)) = split_name(&name) else {
                return Err(fail(
                    &path,
                    format!(
                        "`{name}` is not a migration folder name: name it `NNNN_snake_name` \
                         (4 or more digits, `_`, lowercase words joined by `_`, e.g. \
                         `0002_add_post_slug`), or move it out of the migrations folder"
                    ),
                ));
            };
            found.push((number, name, path));
        }
        found.sort();
        for pair in found.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(fail(
                    dir,
                    format!(
                        "`{}` and `{}` have the same number: two migrations were made side by \
                         side (on two branches?). Keep one, delete the other and run \
                         `pookie makemigrations` again, or renumber it after the last one",
                        pair[0].1, pair[1].1
                    ),
                ));
            }
        }
        for (expected, (number, name, path)) in (1u32..).zip(&found) {
            if *number != expected {
                return Err(fail(
                    path,
                    format!(
                        "`{name}` is migration {number}, but there is no migration {expected:04} \
                         before it: migrations are numbered 0001, 0002, … without gaps; restore \
                         the missing migration or renumber `{name}` to {expected:04}"
                    ),
                ));
            }
        }
        let mut state = State::default();
        let mut migrations = Vec::with_capacity(found.len());
        for (number, name, folder) in found {
            let path = folder.join(MIGRATION_FILE);
            let text = match fs::read_to_string(&path) {
                Ok(text) => text,
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    return Err(fail(
                        &folder,
                        format!(
                            "migration `{name}` has no `{MIGRATION_FILE}`: restore it, or delete \
                             the folder if it is not a migration"
                        ),
                    ))
                }
                Err(error) => {
                    return Err(fail(&path, format!("cannot read the migration: {error}")))
                }
            };
            let source = Source {
                path: path.clone(),
                text: normalize(&text),
            };
            let parsed = parse_migration(&source, &state).map_err(|diagnostics| {
                fail(
                    &path,
                    format!("migration `{name}` does not parse:\n{diagnostics}"),
                )
            })?;
            for operation in &parsed.operations {
                state.apply(operation).map_err(|error| {
                    fail(
                        &path,
                        format!(
                            "migration `{name}` does not apply to the state the migrations \
                             before it leave: {error}; fix the operation `{}` (or the migration \
                             before it that it does not fit)",
                            operation.describe()
                        ),
                    )
                })?;
            }
            migrations.push(MigrationFile {
                checksum: checksum(&text),
                name,
                number,
                path,
                text,
                parsed,
                state: state.clone(),
            });
        }
        Ok(Folder {
            dir: dir.to_owned(),
            migrations,
        })
    }

    /// The state after the last migration (empty without migrations).
    pub fn state(&self) -> State {
        self.migrations
            .last()
            .map(|m| m.state.clone())
            .unwrap_or_default()
    }

    /// The state before migration `index` (0-based in [`migrations`](Self::migrations)).
    pub fn state_before(&self, index: usize) -> State {
        match index.checked_sub(1) {
            Some(previous) => self.migrations[previous].state.clone(),
            None => State::default(),
        }
    }

    /// The number the next migration takes.
    pub fn next_number(&self) -> u32 {
        self.migrations.last().map_or(1, |m| m.number + 1)
    }
}

/// Writes a new migration folder `dir/<folder_name>/` with `migration.pookie`
/// (the printed `text`) and, for each backend given, `<backend>.up.sql` and
/// `<backend>.down.sql` for review. The folder is written under a hidden name
/// and renamed at the end, so a failure leaves no half-written migration.
/// Returns the new folder.
pub fn write_migration(
    dir: &Path,
    folder_name: &str,
    text: &MigrationText,
    rendered: &[(Backend, Rendered)],
) -> Result<PathBuf, FolderError> {
    if split_name(folder_name).is_none() {
        return Err(fail(
            &dir.join(folder_name),
            "a migration folder is named `NNNN_snake_name` (e.g. `0002_add_post_slug`)",
        ));
    }
    let target = dir.join(folder_name);
    if target.exists() {
        return Err(fail(
            &target,
            "the migration already exists: remove it or give another name",
        ));
    }
    let io_fail = |path: &Path, error: io::Error| fail(path, format!("cannot write: {error}"));
    fs::create_dir_all(dir).map_err(|e| io_fail(dir, e))?;
    let temp = dir.join(format!(".{folder_name}.tmp"));
    if temp.exists() {
        fs::remove_dir_all(&temp).map_err(|e| io_fail(&temp, e))?;
    }
    fs::create_dir(&temp).map_err(|e| io_fail(&temp, e))?;
    let mut files = vec![(MIGRATION_FILE.to_owned(), print_migration(text))];
    for (backend, rendered) in rendered {
        let name = backend.name();
        files.push((
            format!("{name}.up.sql"),
            sql_file(folder_name, *backend, "up", Ok(&rendered.up)),
        ));
        files.push((
            format!("{name}.down.sql"),
            sql_file(folder_name, *backend, "down", rendered.down.as_ref()),
        ));
    }
    for (name, content) in files {
        let path = temp.join(name);
        fs::write(&path, content).map_err(|e| io_fail(&path, e))?;
    }
    fs::rename(&temp, &target).map_err(|e| io_fail(&target, e))?;
    Ok(target)
}

/// A review file: a header, then each step followed by `;` and a blank line
/// (a Rust step as a comment), or why the migration cannot be undone.
pub fn sql_file(
    migration: &str,
    backend: Backend,
    direction: &str,
    script: Result<&RenderedScript, &String>,
) -> String {
    let backend_name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let mut out = format!(
        "-- {migration}, {direction}, on {backend_name}. For review: `pookie migrate` runs the SQL \
         it renders from migration.pookie, not this file.\n"
    );
    match script {
        Err(why) => {
            out.push_str("--\n-- Irreversible: ");
            out.push_str(&why.replace('\n', " "));
            out.push('\n');
        }
        Ok(script) => {
            if script.rebuilds_tables {
                out.push_str(
                    "-- Rebuilds tables: runs with foreign keys off, checked before commit.\n",
                );
            }
            out.push('\n');
            for step in &script.steps {
                match step {
                    RenderedStep::Sql(sql) | RenderedStep::Script(sql) => {
                        let sql = sql.trim_end();
                        out.push_str(sql);
                        if !sql.ends_with(';') {
                            out.push(';');
                        }
                        out.push_str("\n\n");
                    }
                    RenderedStep::Rust(name) => {
                        out.push_str("-- RunRust: ");
                        out.push_str(name);
                        out.push_str("\n\n");
                    }
                }
            }
        }
    }
    out
}
