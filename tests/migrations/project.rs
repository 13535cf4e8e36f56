//! A scratch project for CLI tests: a folder with `pookie.toml`, a schema
//! file and a migrations folder, on an SQLite file or a PostgreSQL schema of
//! its own; removed when dropped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use pookie::Db;

use crate::support::{self, TestDb};

pub struct Project {
    pub dir: PathBuf,
    url: String,
    _postgres: Option<TestDb>,
    /// The PostgreSQL schema of the project this one is a [`sibling`](Project::sibling) of.
    shared_schema: Option<String>,
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
            shared_schema: None,
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

    /// The PostgreSQL schema of a PostgreSQL project (what `inspectdb
    /// --schema` needs), `None` on SQLite.
    pub fn postgres_schema(&self) -> Option<&str> {
        self._postgres.as_ref().and_then(TestDb::schema)
    }

    /// Whether the project is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self._postgres.is_some()
    }

    /// A second project (its own folder) on the same database.
    pub fn sibling(&self) -> Project {
        let dir = scratch_dir();
        let mut project = Project::new(self.url.clone(), None, dir);
        project.shared_schema = self.postgres_schema().map(str::to_owned);
        project
    }

    /// `pookie inspectdb` arguments that read the project's database (on
    /// PostgreSQL, its own schema rather than `public`).
    pub fn inspectdb_args<'a>(&'a self, output: &'a str) -> Vec<&'a str> {
        let mut args = vec!["inspectdb", "--output", output];
        if let Some(schema) = self.postgres_schema().or(self.shared_schema.as_deref()) {
            args.extend(["--schema", schema]);
        }
        args
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

    /// `pookie` with `args`, in the project folder on the project's
    /// database, not started yet (to start several at once).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pookie"));
        command.args(args).current_dir(&self.dir);
        command.env("DATABASE_URL", &self.url);
        command
    }

    fn run(&self, args: &[&str], with_url: bool) -> Run {
        let mut command = self.command(args);
        if !with_url {
            command.env_remove("DATABASE_URL");
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
