//! Several `pookie migrate` processes started at once on one database (an
//! SQLite file; a PostgreSQL schema), as when several instances of a program
//! start together: every migration is applied exactly once, by one of them,
//! and every process succeeds. Also: an applied migration is identified by the
//! checksum of its text, so converting its line endings changes nothing,
//! while editing it is refused, naming it.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[path = "migrations/project.rs"]
mod project;

use std::process::Stdio;

use project::Project;

const V1: &str = "model Author {\n    name = CharField(max_length = 100)\n    meta { db_table = \"authors\" }\n}\n";

const V2: &str = "model Author {\n    name = CharField(max_length = 100)\n    \
    karma = IntegerField(default = 0)\n    meta { db_table = \"authors\" }\n}\n\n\
    model Book {\n    title  = CharField(max_length = 100)\n    \
    author = ForeignKey(Author, on_delete = CASCADE)\n    meta { db_table = \"books\" }\n}\n";

/// A data migration written by hand: two rows in, and out again on rollback.
const SEED: &str = "//! Seed two authors\n\n\
    RunSQL(forward = \"INSERT INTO authors (name, karma) VALUES ('Ada', 1), ('Grace', 2)\", \
    backward = \"DELETE FROM authors WHERE name IN ('Ada', 'Grace')\")\n";

const RUNNERS: usize = 4;

/// 0001 and 0002 from the schema, 0003 written by hand, review files refreshed.
fn three_pending(project: &Project) {
    project.write_schema(V1);
    project.pookie(&["makemigrations", "--no-input"]).success();
    project.write_schema(V2);
    project
        .pookie(&["makemigrations", "--no-input", "--name", "books"])
        .success();
    let dir = project.dir.join("migrations/0003_seed_authors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("migration.pookie"), SEED).unwrap();
    let out = project.pookie(&["makemigrations"]).success();
    assert!(out.contains("Refreshed"), "{out}");
    assert!(out.ends_with("No changes detected\n"), "{out}");
    let review = std::fs::read_to_string(dir.join("postgres.up.sql")).unwrap();
    assert!(review.contains("INSERT INTO authors"), "{review}");
}

fn count(project: &Project, sql: &str) -> i64 {
    project.db().fetch_all(sql, &[]).unwrap()[0].values()[0]
        .as_i64()
        .unwrap()
}

/// What keeps the runners waiting until all of them are started: the
/// PostgreSQL advisory lock the runner takes, or SQLite's write lock.
enum Gate {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl Gate {
    fn close(project: &Project) -> Gate {
        if project.is_postgres() {
            let url = std::env::var(support::POSTGRES_URL_VAR).unwrap();
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            // The runner's key: the bytes of "pookiemg".
            client
                .batch_execute("SELECT pg_advisory_lock(8101816761783250279)")
                .unwrap();
            Gate::Postgres(client)
        } else {
            let connection = rusqlite::Connection::open(project.dir.join("app.sqlite3")).unwrap();
            connection.execute_batch("BEGIN IMMEDIATE").unwrap();
            Gate::Sqlite(connection)
        }
    }

    fn open(self) {
        match self {
            Gate::Postgres(mut client) => client
                .batch_execute("SELECT pg_advisory_unlock(8101816761783250279)")
                .unwrap(),
            Gate::Sqlite(connection) => connection.execute_batch("COMMIT").unwrap(),
        }
    }
}

/// Starts [`RUNNERS`] `pookie migrate` processes at once, held until all are
/// running; their outputs.
fn race(project: &Project, args: &[&str]) -> Vec<String> {
    let gate = Gate::close(project);
    let mut children: Vec<_> = (0..RUNNERS)
        .map(|_| {
            project
                .command(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the pookie binary starts")
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(400));
    for child in &mut children {
        let status = child.try_wait().unwrap();
        if status.is_some() {
            let output = child.stderr.take().map(std::io::read_to_string);
            panic!("a runner did not wait for the lock: {status:?} {output:?}");
        }
    }
    gate.open();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success(),
                "a runner failed:\nstdout:\n{stdout}\nstderr:\n{stderr}"
            );
            stdout
        })
        .collect()
}

/// How many of `outputs` say `line`.
fn said(outputs: &[String], line: &str) -> usize {
    outputs
        .iter()
        .map(|out| out.lines().filter(|l| *l == line).count())
        .sum()
}

fn concurrent_runners(project: &Project) {
    three_pending(project);
    let names = ["0001_initial", "0002_books", "0003_seed_authors"];
    // A few rounds: the interleaving differs from one to the next.
    for round in 0..3 {
        let outputs = race(project, &["migrate"]);
        for name in names {
            assert_eq!(
                said(&outputs, &format!("✓ Applied: {name}")),
                1,
                "round {round}: {name} applied once: {outputs:#?}"
            );
        }
        assert_eq!(
            count(
                project,
                "SELECT COUNT(DISTINCT name) + 100 * COUNT(*) FROM pookie_migrations"
            ),
            303,
            "round {round}: three history rows, one per migration"
        );
        assert_eq!(
            count(project, "SELECT COUNT(*) FROM authors"),
            2,
            "round {round}: {outputs:#?}"
        );
        // Unapplying races too: each migration undone once, the rows gone.
        let outputs = race(project, &["migrate", "zero"]);
        for name in names {
            assert_eq!(
                said(&outputs, &format!("↩ Unapplied: {name}")),
                1,
                "round {round}: {name} unapplied once: {outputs:#?}"
            );
        }
        assert_eq!(count(project, "SELECT COUNT(*) FROM pookie_migrations"), 0);
    }
}

#[test]
fn four_runners_at_once_on_sqlite() {
    concurrent_runners(&Project::sqlite());
}

#[test]
fn four_runners_at_once_on_postgres() {
    if let Some(project) = Project::postgres() {
        concurrent_runners(&project);
    }
}

/// CRLF line endings do not change an applied migration's checksum; an edit does.
fn line_endings_and_edits(project: &Project) {
    three_pending(project);
    project.pookie(&["migrate"]).success();
    let file = project.dir.join("migrations/0002_books/migration.pookie");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains('\r'));
    std::fs::write(&file, text.replace('\n', "\r\n")).unwrap();
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(out, "Already up to date. No migrations to apply.\n");
    let out = project.pookie(&["migrate", "--check"]).success();
    assert!(out.starts_with("No drift"), "{out}");

    // A byte-order mark is not an edit either.
    std::fs::write(&file, format!("\u{feff}{text}")).unwrap();
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(out, "Already up to date. No migrations to apply.\n");

    let edited = text.replace("IntegerField(default = 0)", "IntegerField(default = 5)");
    assert_ne!(edited, text, "the edit changes the text:\n{text}");
    std::fs::write(&file, edited).unwrap();
    let run = project.pookie(&["migrate"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("0002_books"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // Nothing ran.
    assert_eq!(count(project, "SELECT COUNT(*) FROM pookie_migrations"), 3);
}

#[test]
fn crlf_is_not_an_edit_but_an_edit_is_refused_on_sqlite() {
    line_endings_and_edits(&Project::sqlite());
}

#[test]
fn crlf_is_not_an_edit_but_an_edit_is_refused_on_postgres() {
    if let Some(project) = Project::postgres() {
        line_endings_and_edits(&project);
    }
}
