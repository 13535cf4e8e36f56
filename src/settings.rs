//! `pookie.toml`: the settings every database command of the CLI shares.
//!
//! ```toml
//! schemas = ["schemas/*.pookie"]        # files or globs, one build
//! migrations = "migrations"             # the migrations folder
//! [databases.default]
//! url = "sqlite:///app.sqlite3"
//! [databases.analytics]
//! url = "postgresql://app@db.internal/analytics"
//! ```
//!
//! The file is found in the current directory or its parents (`-s FILE` names
//! another). Paths in it — schema globs, the migrations folder, the file of a
//! relative `sqlite:///` URL — are relative to the folder that holds it, so a
//! command gives the same result from any subfolder of the project.
//! `DATABASE_URL` overrides the default database's URL, `--database URL`
//! overrides both, `--db ALIAS` picks another database.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings file's name.
pub const FILE_NAME: &str = "pookie.toml";

/// The alias of the database commands use unless `--db` says otherwise.
pub const DEFAULT_ALIAS: &str = "default";

/// The command-line flags that choose settings, shared by every database command.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `-s/--settings FILE`.
    pub settings: Option<PathBuf>,
    /// `--database URL`.
    pub database: Option<String>,
    /// `--db ALIAS`.
    pub alias: Option<String>,
    /// `-d/--migrations-dir DIR`.
    pub migrations_dir: Option<PathBuf>,
}

/// The settings a command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The settings file, when one was found.
    pub file: Option<PathBuf>,
    /// The schema files, globs expanded, sorted.
    pub schemas: Vec<PathBuf>,
    /// The migrations folder.
    pub migrations: PathBuf,
    /// The database alias in use.
    pub alias: String,
    databases: BTreeMap<String, String>,
    url_override: Option<String>,
    /// A `schemas` pattern that matches no file: an error for the commands
    /// that read the schema ([`Settings::schema_files`]), not for `inspectdb`,
    /// which writes the first schema file of a project.
    schemas_error: Option<SettingsError>,
}

/// A missing or broken setting: names the file, the key and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingsError {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    schemas: Vec<String>,
    migrations: Option<String>,
    #[serde(default)]
    databases: BTreeMap<String, RawDatabase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: String,
}

impl Settings {
    /// Finds and reads the settings for a command run in `cwd`.
    pub fn load(cwd: &Path, overrides: &Overrides) -> Result<Settings, SettingsError> {
        let file = match &overrides.settings {
            Some(file) => {
                let file = cwd.join(file);
                if !file.is_file() {
                    return Err(SettingsError(format!(
                        "the settings file `{}` does not exist: check the path given to --settings",
                        file.display()
                    )));
                }
                Some(file)
            }
            None => find(cwd),
        };
        let (root, raw) = match &file {
            Some(file) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| SettingsError(format!("cannot read `{}`: {e}", file.display())))?;
                let raw: RawSettings = toml::from_str(&text).map_err(|e| {
                    SettingsError(format!(
                        "`{}` is not valid settings: {}\n  = help: the keys are `schemas`, `migrations` and `[databases.<alias>] url`",
                        file.display(),
                        e.to_string().trim_end()
                    ))
                })?;
                let root = file.parent().unwrap_or(cwd).to_path_buf();
                (root, raw)
            }
            None => (
                cwd.to_path_buf(),
                RawSettings {
                    schemas: Vec::new(),
                    migrations: None,
                    databases: BTreeMap::new(),
                },
            ),
        };
        let (schemas, schemas_error) = match expand_schemas(&root, file.as_deref(), &raw.schemas) {
            Ok(schemas) => (schemas, None),
            Err(error) => (Vec::new(), Some(error)),
        };
        let migrations = match &overrides.migrations_dir {
            Some(dir) => cwd.join(dir),
            None => root.join(raw.migrations.as_deref().unwrap_or("migrations")),
        };
        let databases = raw
            .databases
            .into_iter()
            .map(|(alias, db)| (alias, relative_sqlite_url(&root, &db.url)))
            .collect();
        let alias = overrides
            .alias
            .clone()
            .unwrap_or_else(|| DEFAULT_ALIAS.to_owned());
        let url_override = overrides.database.clone().or_else(|| {
            (alias == DEFAULT_ALIAS)
                .then(|| std::env::var("DATABASE_URL").ok())
                .flatten()
                .filter(|url| !url.is_empty())
        });
        let settings = Settings {
            file,
            schemas,
            migrations,
            alias,
            databases,
            url_override,
            schemas_error,
        };
        if overrides.database.is_none() {
            // An unknown alias is an error even when DATABASE_URL is set.
            settings.check_alias()?;
        }
        Ok(settings)
    }

    fn check_alias(&self) -> Result<(), SettingsError> {
        if self.alias == DEFAULT_ALIAS || self.databases.contains_key(&self.alias) {
            return Ok(());
        }
        let known: Vec<&str> = self.databases.keys().map(String::as_str).collect();
        Err(SettingsError(format!(
            "no database `{}` in {}: {}",
            self.alias,
            self.describe_file(),
            if known.is_empty() {
                format!("add a `[databases.{}]` table with a `url`", self.alias)
            } else {
                format!(
                    "the databases are {}; add a `[databases.{}]` table or pick one of them with --db",
                    known.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                    self.alias
                )
            }
        )))
    }

    fn describe_file(&self) -> String {
        match &self.file {
            Some(file) => format!("`{}`", file.display()),
            None => format!("the settings (no {FILE_NAME} in this folder or above)"),
        }
    }

    /// The URL of the database in use.
    pub fn database_url(&self) -> Result<String, SettingsError> {
        if let Some(url) = &self.url_override {
            return Ok(url.clone());
        }
        if let Some(url) = self.databases.get(&self.alias) {
            return Ok(url.clone());
        }
        Err(SettingsError(match &self.file {
            Some(file) => format!(
                "`{}` names no database `{}`: add\n\n    [databases.{}]\n    url = \"sqlite:///app.sqlite3\"\n\n  or set DATABASE_URL, or pass --database URL",
                file.display(),
                self.alias,
                self.alias
            ),
            None => format!(
                "no database to use: there is no {FILE_NAME} in this folder or above; \
                 write one (`[databases.default] url = \"sqlite:///app.sqlite3\"`), \
                 set DATABASE_URL, or pass --database URL"
            ),
        }))
    }

    /// The schema files; an error when there are none.
    pub fn schema_files(&self) -> Result<&[PathBuf], SettingsError> {
        if let Some(error) = &self.schemas_error {
            return Err(error.clone());
        }
        if self.schemas.is_empty() {
            return Err(SettingsError(match &self.file {
                Some(file) => format!(
                    "`{}` names no schema files: add `schemas = [\"schemas/*.pookie\"]`",
                    file.display()
                ),
                None => format!(
                    "no schema files: there is no {FILE_NAME} in this folder or above; \
                     write one with `schemas = [\"schemas/*.pookie\"]`"
                ),
            }));
        }
        Ok(&self.schemas)
    }
}

/// The nearest `pookie.toml` in `dir` or its parents.
fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

fn expand_schemas(
    root: &Path,
    file: Option<&Path>,
    patterns: &[String],
) -> Result<Vec<PathBuf>, SettingsError> {
    let where_ = || {
        file.map(|f| format!("`{}`", f.display()))
            .unwrap_or_else(|| "the settings".to_owned())
    };
    let mut files = Vec::new();
    for pattern in patterns {
        let full = root.join(pattern);
        let full = full.to_string_lossy();
        let paths = glob::glob(&full).map_err(|e| {
            SettingsError(format!(
                "`schemas` in {} holds a bad pattern `{pattern}`: {e}",
                where_()
            ))
        })?;
        let before = files.len();
        for path in paths {
            let path = path.map_err(|e| SettingsError(format!("cannot read {e}")))?;
            files.push(path);
        }
        if files.len() == before {
            return Err(SettingsError(format!(
                "`schemas` in {} names `{pattern}`, which matches no file (paths are relative to {})",
                where_(),
                root.display()
            )));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// `sqlite:///app.db` in a settings file means `app.db` beside the file.
fn relative_sqlite_url(root: &Path, url: &str) -> String {
    for scheme in ["sqlite:///", "sqlite3:///"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            if rest.starts_with('/') || rest.starts_with(':') || rest.is_empty() {
                return url.to_owned();
            }
            let absolute = root.join(rest);
            return format!("sqlite:///{}", absolute.display());
        }
    }
    url.to_owned()
}

#[cfg(test)]
mod tests;
