//! The migrations folder: `migrations/0001_initial/migration.pookie`,
//! `migrations/0002_add_post_view_count/…`, read into the ordered list of
//! migrations with the state each one leaves, and written one migration at a
//! time (the operations text and the four `.sql` review files).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use pookie_grammar::ir::{EnumDef, Model};
use pookie_grammar::migration::{
    parse_migration, parse_replaces, print_migration, Backend, MigrationText, State,
};
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

/// A migration folder found on disk, before it is replayed.
struct Found {
    number: u32,
    name: String,
    folder: PathBuf,
    path: PathBuf,
    text: String,
    /// The migrations it replaces (a squashed migration), read first.
    replaces: Vec<String>,
    /// The last number it covers: its own, or the last replaced one's.
    last: u32,
}

impl Found {
    fn read(number: u32, name: String, folder: PathBuf) -> Result<Found, FolderError> {
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
            Err(error) => return Err(fail(&path, format!("cannot read the migration: {error}"))),
        };
        let source = Source {
            path: path.clone(),
            text: normalize(&text),
        };
        let replaces = parse_replaces(&source).map_err(|diagnostics| {
            fail(
                &path,
                format!("migration `{name}` does not parse:\n{diagnostics}"),
            )
        })?;
        Ok(Found {
            number,
            name,
            folder,
            path,
            text,
            replaces,
            last: number,
        })
    }

    fn is_squash(&self) -> bool {
        !self.replaces.is_empty()
    }
}

impl Folder {
    /// Reads and replays the migrations of `dir`. A folder that does not exist
    /// has no migrations yet. Files and hidden entries beside the migration
    /// folders are ignored.
    ///
    /// # Layouts accepted
    ///
    /// Every migration folder is named `NNNN_snake_name`. A plain migration's
    /// number is its own: no two plain migrations share one. A squashed
    /// migration (its text starts with `Replaces(migrations = [...])`) covers
    /// the numbers of the migrations it replaces:
    ///
    /// - it replaces plain migrations with consecutive numbers, in order
    ///   (`0001_a`, `0002_b`, `0003_c`), never another squashed migration;
    /// - its own number is the first replaced one's (`pookie squashmigrations`
    ///   names it `0001_squashed_0003_c`);
    /// - the migrations it replaces are either all in the folder (the layout
    ///   right after squashing: every database can still catch up through
    ///   them) or none of them (the originals deleted once every database has
    ///   applied the squash); no other plain migration has a number it covers,
    ///   and no two squashed migrations cover the same number;
    /// - with the originals there, the squashed migration must leave the state
    ///   they leave.
    ///
    /// The numbers that plain migrations have and squashed migrations cover
    /// run 1, 2, 3… without gaps.
    ///
    /// # Order and replay
    ///
    /// [`migrations`](Self::migrations) lists the plain migrations by number,
    /// each squashed migration right after the last number it covers (after
    /// its originals when they are there). The state is replayed through the
    /// originals when they are there: the squashed migration is then checked
    /// against the state before its first original, not replayed on top of
    /// them; when they are gone it stands in for them and the migrations after
    /// it follow it.
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
        let mut found: Vec<Found> = Vec::new();
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
            found.push(Found::read(number, name, path)?);
        }
        found.sort_by(|a, b| (a.number, &a.name).cmp(&(b.number, &b.name)));
        check_layout(dir, &mut found)?;
        found.sort_by_key(|m| (m.last, m.is_squash()));
        replay(dir, found)
    }

    /// The state after the last migration (empty without migrations).
    pub fn state(&self) -> State {
        self.migrations
            .last()
            .map(|m| m.state.clone())
            .unwrap_or_default()
    }

    /// The state before migration `index` (0-based in [`migrations`](Self::migrations)):
    /// for a squashed migration whose originals are in the folder, the state
    /// before the first of them.
    pub fn state_before(&self, index: usize) -> State {
        let migration = &self.migrations[index];
        if let Some(first) = migration.parsed.replaces.first() {
            if let Some(original) = self.migrations.iter().position(|m| m.name == *first) {
                return self.state_before(original);
            }
        }
        match index.checked_sub(1) {
            Some(previous) => self.migrations[previous].state.clone(),
            None => State::default(),
        }
    }

    /// True when migration `index` is replaced by a squashed migration of the
    /// folder (its original is still there).
    pub fn is_replaced(&self, index: usize) -> bool {
        let name = &self.migrations[index].name;
        self.migrations
            .iter()
            .any(|m| m.parsed.replaces.contains(name))
    }

    /// The number the next migration takes: after the last number a migration
    /// has or a squashed migration covers.
    pub fn next_number(&self) -> u32 {
        self.migrations
            .iter()
            .map(MigrationFile::last_number)
            .max()
            .map_or(1, |last| last + 1)
    }
}

impl MigrationFile {
    /// The last number it covers: its own, or for a squashed migration the
    /// number of the last migration it replaces.
    pub fn last_number(&self) -> u32 {
        self.parsed
            .replaces
            .last()
            .and_then(|last| split_name(last))
            .map_or(self.number, |(number, _)| number)
    }
}

/// Checks the numbering (see [`Folder::read`]) and sets each squashed
/// migration's last covered number. `found` is sorted by number.
fn check_layout(dir: &Path, found: &mut [Found]) -> Result<(), FolderError> {
    let plain: Vec<(u32, &str)> = found
        .iter()
        .filter(|m| !m.is_squash())
        .map(|m| (m.number, m.name.as_str()))
        .collect();
    for pair in plain.windows(2) {
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
    let squashes: Vec<&str> = found
        .iter()
        .filter(|m| m.is_squash())
        .map(|m| m.name.as_str())
        .collect();
    let mut lasts = Vec::new();
    // Every number covered, with the migration covering it (for messages).
    let mut covered: Vec<(u32, String)> = plain
        .iter()
        .map(|(n, name)| (*n, name.to_string()))
        .collect();
    for squash in found.iter().filter(|m| m.is_squash()) {
        let name = &squash.name;
        let mut numbers = Vec::new();
        for replaced in &squash.replaces {
            let Some((number, _)) = split_name(replaced) else {
                return Err(fail(
                    &squash.path,
                    format!(
                        "the squashed migration `{name}` replaces `{replaced}`, which is not a \
                         migration folder name (`NNNN_snake_name`): name the migrations it \
                         replaces by their folder names"
                    ),
                ));
            };
            if squashes.contains(&replaced.as_str()) {
                return Err(fail(
                    &squash.path,
                    format!(
                        "the squashed migration `{name}` replaces `{replaced}`, which is itself \
                         squashed: squashing squashed migrations is not supported; replace \
                         plain migrations only"
                    ),
                ));
            }
            numbers.push(number);
        }
        let first = numbers[0];
        if numbers
            .iter()
            .zip(first..)
            .any(|(n, expected)| *n != expected)
        {
            return Err(fail(
                &squash.path,
                format!(
                    "the squashed migration `{name}` replaces {}: a squashed migration replaces \
                     migrations with consecutive numbers, in order; fix its `Replaces` line",
                    squash.replaces.join(", ")
                ),
            ));
        }
        if squash.number != first {
            return Err(fail(
                &squash.path,
                format!(
                    "the squashed migration `{name}` replaces migrations from {first:04}, so it \
                     takes number {first:04}: rename its folder `{first:04}_…`"
                ),
            ));
        }
        let last = *numbers.last().unwrap_or(&first);
        let present: Vec<&str> = squash
            .replaces
            .iter()
            .filter(|r| plain.iter().any(|(_, p)| p == r))
            .map(String::as_str)
            .collect();
        if !present.is_empty() && present.len() < squash.replaces.len() {
            let missing: Vec<&str> = squash
                .replaces
                .iter()
                .map(String::as_str)
                .filter(|r| !present.contains(r))
                .collect();
            return Err(fail(
                &squash.path,
                format!(
                    "the squashed migration `{name}` replaces {}, but only {} of them are in the \
                     folder: keep all of them (until every database has applied `{name}`) or \
                     delete all of them; restore {}",
                    squash.replaces.join(", "),
                    present.join(", "),
                    missing.join(", ")
                ),
            ));
        }
        for (number, other) in &covered {
            if (first..=last).contains(number) && !squash.replaces.contains(other) {
                return Err(fail(
                    &squash.path,
                    format!(
                        "`{other}` has number {number:04}, which the squashed migration `{name}` \
                         covers (it replaces {}): renumber `{other}` after {last:04}",
                        squash.replaces.join(", ")
                    ),
                ));
            }
        }
        covered.extend((first..=last).map(|n| (n, name.clone())));
        lasts.push(last);
    }
    for (squash, last) in found.iter_mut().filter(|m| m.is_squash()).zip(lasts) {
        squash.last = last;
    }
    let numbers: std::collections::BTreeSet<u32> = covered.iter().map(|(n, _)| *n).collect();
    for (expected, number) in (1u32..).zip(&numbers) {
        if *number != expected {
            let (_, name) = covered
                .iter()
                .rfind(|(n, _)| n == number)
                .expect("the number comes from `covered`");
            let path = found
                .iter()
                .find(|m| m.name == *name)
                .map_or(dir, |m| m.folder.as_path());
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
    Ok(())
}

/// Parses and replays the migrations in their order (see [`Folder::read`]).
fn replay(dir: &Path, found: Vec<Found>) -> Result<Folder, FolderError> {
    let mut state = State::default();
    let mut migrations: Vec<MigrationFile> = Vec::with_capacity(found.len());
    // The state before each migration, by name, for squashed migrations
    // checked against their originals.
    let mut before_each: Vec<(String, State)> = Vec::new();
    for found in found {
        let Found {
            number,
            name,
            path,
            text,
            replaces,
            ..
        } = found;
        let originals = replaces
            .first()
            .and_then(|first| before_each.iter().find(|(n, _)| n == first))
            .map(|(_, before)| before.clone());
        let before = originals.clone().unwrap_or_else(|| state.clone());
        let source = Source {
            path: path.clone(),
            text: normalize(&text),
        };
        let parsed = parse_migration(&source, &before).map_err(|diagnostics| {
            fail(
                &path,
                format!("migration `{name}` does not parse:\n{diagnostics}"),
            )
        })?;
        let mut after = before.clone();
        for operation in &parsed.operations {
            after.apply(operation).map_err(|error| {
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
        if originals.is_some() && !same_state(&after, &state) {
            return Err(fail(
                &path,
                format!(
                    "the squashed migration `{name}` does not leave the schema that the \
                     migrations it replaces ({}) leave: its operations must do what theirs do \
                     together; fix them, or delete `{name}` and run `pookie squashmigrations` \
                     again",
                    replaces.join(", ")
                ),
            ));
        }
        if originals.is_none() {
            before_each.push((name.clone(), before));
            state = after;
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

/// True for the same models and enums, whatever order they were created in (a
/// squashed migration may create them in another order than its originals).
pub fn same_state(a: &State, b: &State) -> bool {
    fn sorted(state: &State) -> (Vec<&Model>, Vec<&EnumDef>) {
        let mut models: Vec<&Model> = state.models.iter().collect();
        models.sort_by(|x, y| x.name.cmp(&y.name));
        let mut enums: Vec<&EnumDef> = state.enums.iter().collect();
        enums.sort_by(|x, y| x.name.cmp(&y.name));
        (models, enums)
    }
    sorted(a) == sorted(b)
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
