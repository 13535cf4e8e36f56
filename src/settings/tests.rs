use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// A scratch folder removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pookie-settings-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn no_overrides() -> Overrides {
    Overrides::default()
}

#[test]
fn reads_the_file_of_a_parent_folder_relative_to_itself() {
    let scratch = Scratch::new();
    scratch.write(
        "pookie.toml",
        "schemas = [\"schemas/*.pookie\"]\nmigrations = \"db/migrations\"\n\
         [databases.default]\nurl = \"sqlite:///app.sqlite3\"\n\
         [databases.analytics]\nurl = \"postgresql://app@db.internal/analytics\"\n",
    );
    scratch.write("schemas/b.pookie", "");
    scratch.write("schemas/a.pookie", "");
    scratch.write("src/deep/x.txt", "");
    let settings = Settings::load(&scratch.0.join("src/deep"), &no_overrides()).unwrap();
    assert_eq!(settings.file, Some(scratch.0.join("pookie.toml")));
    assert_eq!(
        settings.schemas,
        vec![
            scratch.0.join("schemas/a.pookie"),
            scratch.0.join("schemas/b.pookie")
        ]
    );
    assert_eq!(settings.migrations, scratch.0.join("db/migrations"));
    assert_eq!(
        settings.database_url().unwrap(),
        format!("sqlite:///{}", scratch.0.join("app.sqlite3").display())
    );
    let analytics = Settings::load(
        &scratch.0,
        &Overrides {
            alias: Some("analytics".into()),
            ..no_overrides()
        },
    )
    .unwrap();
    assert_eq!(
        analytics.database_url().unwrap(),
        "postgresql://app@db.internal/analytics"
    );
}

#[test]
fn flags_override_the_file() {
    let scratch = Scratch::new();
    scratch.write(
        "pookie.toml",
        "[databases.default]\nurl = \"sqlite:///app.sqlite3\"\n",
    );
    let settings = Settings::load(
        &scratch.0,
        &Overrides {
            database: Some("sqlite:///other.db".into()),
            migrations_dir: Some("elsewhere".into()),
            ..no_overrides()
        },
    )
    .unwrap();
    assert_eq!(settings.database_url().unwrap(), "sqlite:///other.db");
    assert_eq!(settings.migrations, scratch.0.join("elsewhere"));
}

#[test]
fn an_unknown_alias_names_the_file_and_the_known_ones() {
    let scratch = Scratch::new();
    scratch.write(
        "pookie.toml",
        "[databases.default]\nurl = \"sqlite:///app.sqlite3\"\n",
    );
    let error = Settings::load(
        &scratch.0,
        &Overrides {
            alias: Some("reports".into()),
            ..no_overrides()
        },
    )
    .unwrap_err();
    assert!(error.0.contains("no database `reports`"), "{error}");
    assert!(error.0.contains("pookie.toml"), "{error}");
    assert!(error.0.contains("`default`"), "{error}");
}

#[test]
fn a_broken_file_names_the_key() {
    let scratch = Scratch::new();
    scratch.write("pookie.toml", "schemas = \"schemas/*.pookie\"\n");
    let error = Settings::load(&scratch.0, &no_overrides()).unwrap_err();
    assert!(error.0.contains("pookie.toml"), "{error}");
    assert!(error.0.contains("schemas"), "{error}");

    scratch.write("pookie.toml", "[databases.default]\nurll = \"x\"\n");
    let error = Settings::load(&scratch.0, &no_overrides()).unwrap_err();
    assert!(error.0.contains("urll"), "{error}");
}

#[test]
fn a_glob_matching_nothing_is_an_error_for_commands_that_read_the_schema() {
    let scratch = Scratch::new();
    scratch.write("pookie.toml", "schemas = [\"schema/*.pookie\"]\n");
    // Loading succeeds: `inspectdb` writes the first schema file of a project.
    let settings = Settings::load(&scratch.0, &no_overrides()).unwrap();
    let error = settings.schema_files().unwrap_err();
    assert!(error.0.contains("matches no file"), "{error}");
}

#[test]
fn no_database_says_the_three_fixes() {
    let scratch = Scratch::new();
    scratch.write("pookie.toml", "schemas = []\n");
    let settings = Settings::load(&scratch.0, &no_overrides()).unwrap();
    if std::env::var_os("DATABASE_URL").is_none() {
        let error = settings.database_url().unwrap_err();
        assert!(error.0.contains("[databases.default]"), "{error}");
        assert!(error.0.contains("DATABASE_URL"), "{error}");
        assert!(error.0.contains("--database"), "{error}");
    }
}
