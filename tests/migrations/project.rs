//! A scratch project for CLI tests: a folder with `pookie.toml`, a schema
//! file and a migrations folder, on an SQLite file or a PostgreSQL schema of
//! its own; removed when dropped.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use pookie::Db;

use crate::support::{self, TestDb};

pub struct Project {
    pub dir: PathBuf,
    url: String,
    _postgres: Option<TestDb>,
}

/// What a `pookie` run printed, and how it ended.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The standard output of a run that must succeed.
    pub fn success(self) -> String {
        assert_eq!(
            self.code,
            Some(0),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.stdout
    }
}

fn scratch_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "pookie-project-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    dir
}

impl Project {
    fn new(url: String, postgres: Option<TestDb>, dir: PathBuf) -> Project {
        std::fs::write(
            dir.join("pookie.toml"),
            "schemas = [\"schemas/*.pookie\"]\nmigrations = \"migrations\"\n\n\
             [databases.default]\nurl = \"sqlite:///app.sqlite3\"\n",
        )
        .unwrap();
        Project {
            dir,
            url,
            _postgres: postgres,
        }
    }

    /// A project on an SQLite file in its folder.
    pub fn sqlite() -> Project {
        let dir = scratch_dir();
        let url = format!("sqlite:///{}", dir.join("app.sqlite3").display());
        Project::new(url, None, dir)
    }

    /// A project on a PostgreSQL schema of its own, or `None` without a server.
    pub fn postgres() -> Option<Project> {
        let test_db = support::postgres()?;
        let url = test_db.url().to_owned();
        Some(Project::new(url, Some(test_db), scratch_dir()))
    }

    pub fn write_schema(&self, text: &str) {
        std::fs::write(self.dir.join("schemas/app.pookie"), text).unwrap();
    }

    /// The project's database URL.
    #[allow(dead_code)]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A connection to the project's database.
    pub fn db(&self) -> Db {
        Db::connect(&self.url).unwrap()
    }

    /// Runs `pookie` in the project folder on the project's database.
    pub fn pookie(&self, args: &[&str]) -> Run {
        self.run(args, true)
    }

    /// Runs `pookie` in the project folder with no DATABASE_URL.
    pub fn pookie_without_env(&self, args: &[&str]) -> Run {
        self.run(args, false)
    }

    fn run(&self, args: &[&str], with_url: bool) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pookie"));
        command.args(args).current_dir(&self.dir);
        command.env_remove("DATABASE_URL");
        if with_url {
            command.env("DATABASE_URL", &self.url);
        }
        let output = command.output().expect("the pookie binary runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
