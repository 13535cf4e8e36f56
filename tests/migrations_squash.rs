//! `pookie squashmigrations` through the command line, on SQLite and
//! PostgreSQL: a database that applied the originals and a fresh one both
//! keep working with the squash beside the originals, with later migrations,
//! and after the originals are deleted.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[path = "migrations/project.rs"]
mod project;

use pookie::Db;
use project::{Project, Run};

const V1: &str = r#"
model Author {
    name = CharField(max_length = 100)
    meta { db_table = "authors" }
}
"#;

/// A field added to Author, a model that will be deleted.
const V2: &str = r#"
model Author {
    name = CharField(max_length = 100)
    bio  = TextField(null = true)
    meta { db_table = "authors" }
}

model Scratch {
    note = TextField()
}
"#;

/// Scratch deleted, Post and Tag added.
const V3: &str = r#"
model Author {
    name = CharField(max_length = 100)
    bio  = TextField(null = true)
    meta { db_table = "authors" }
}

model Tag {
    label = CharField(max_length = 30)
}

model Post {
    title  = CharField(max_length = 100)
    author = ForeignKey(Author, on_delete = CASCADE)
    tags   = ManyToManyField(Tag)
    meta { db_table = "posts" }
}
"#;

/// After the squash: one more field.
const V4: &str = r#"
model Author {
    name = CharField(max_length = 100)
    bio  = TextField(null = true)
    meta { db_table = "authors" }
}

model Tag {
    label = CharField(max_length = 30)
}

model Post {
    title      = CharField(max_length = 100)
    author     = ForeignKey(Author, on_delete = CASCADE)
    tags       = ManyToManyField(Tag)
    view_count = IntegerField(default = 0)
    meta { db_table = "posts" }
}
"#;

const SQUASH: &str = "0001_squashed_0003_third";

/// `pookie` on another database than the project's.
fn on(project: &Project, url: &str, args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--database", url]);
    project.pookie(&all)
}

/// `pookie` on the project's database (`None`) or another one.
fn on_either(project: &Project, url: Option<&str>, args: &[&str]) -> Run {
    match url {
        Some(url) => on(project, url, args),
        None => project.pookie(args),
    }
}

fn history(db: &Db) -> Vec<String> {
    db.fetch_all("SELECT name FROM pookie_migrations ORDER BY name", &[])
        .unwrap()
        .iter()
        .map(|row| row.values()[0].as_str().unwrap().to_owned())
        .collect()
}

fn authors(db: &Db) -> Vec<String> {
    db.fetch_all("SELECT name FROM authors ORDER BY name", &[])
        .unwrap()
        .iter()
        .map(|row| row.values()[0].as_str().unwrap().to_owned())
        .collect()
}

fn squash_cycle(project: &Project, fresh_url: &str) {
    let old = project.db();
    for (schema, name) in [(V1, "first"), (V2, "second"), (V3, "third")] {
        project.write_schema(schema);
        project
            .pookie(&["makemigrations", "--no-input", "--name", name])
            .success();
        project.pookie(&["migrate"]).success();
        if name == "first" {
            old.execute("INSERT INTO authors (name) VALUES ('Grace')", &[])
                .unwrap();
        }
    }

    // Squash: the field joins its CreateModel, Scratch disappears.
    let out = project
        .pookie(&["squashmigrations", "0001", "0003_third", "--no-input"])
        .success();
    assert!(
        out.contains(&format!("Will squash 3 migration(s) into {SQUASH}")),
        "{out}"
    );
    assert!(
        out.contains("once every database has applied it")
            || out.contains("Once every database has applied it"),
        "{out}"
    );
    assert!(
        out.contains("delete the originals (0001_first, 0002_second, 0003_third)"),
        "{out}"
    );
    let dir = project.dir.join("migrations").join(SQUASH);
    let text = std::fs::read_to_string(dir.join("migration.pookie")).unwrap();
    assert!(
        text.contains("Replaces(migrations = [\"0001_first\", \"0002_second\", \"0003_third\"])"),
        "{text}"
    );
    assert!(!text.contains("Scratch"), "{text}");
    assert!(!text.contains("AddField"), "{text}");
    for file in [
        "sqlite.up.sql",
        "sqlite.down.sql",
        "postgres.up.sql",
        "postgres.down.sql",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let out = project.pookie(&["makemigrations", "--check"]).success();
    assert_eq!(out, "No changes detected\n");

    // The database that applied the originals records the squash, runs nothing.
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(out, "Already up to date. No migrations to apply.\n");
    assert!(
        history(&old).contains(&SQUASH.to_owned()),
        "{:?}",
        history(&old)
    );
    assert_eq!(authors(&old), ["Grace"]);
    let run = project.pookie(&["showmigrations"]);
    let out = run.success();
    assert!(out.contains(SQUASH) && !out.contains('○'), "{out}");

    // A fresh database runs the squash's own operations.
    let out = on(project, fresh_url, &["migrate"]).success();
    assert_eq!(
        out,
        format!("✓ Applied: {SQUASH}\nDone. 1 migration(s) applied.\n")
    );
    let fresh = Db::connect(fresh_url).unwrap();
    assert_eq!(history(&fresh), [SQUASH]);
    fresh
        .execute("INSERT INTO authors (name, bio) VALUES ('Ada', 'b')", &[])
        .unwrap();
    fresh
        .execute("INSERT INTO posts (title, author_id) VALUES ('Hi', 1)", &[])
        .unwrap();
    let out = on(project, fresh_url, &["showmigrations"]).success();
    assert!(out.contains(SQUASH) && !out.contains('○'), "{out}");

    // A later migration applies on both.
    project.write_schema(V4);
    let out = project
        .pookie(&["makemigrations", "--no-input", "--name", "views"])
        .success();
    assert!(out.contains("0004_views"), "{out}");
    for url in [None, Some(fresh_url)] {
        assert_eq!(
            on_either(project, url, &["migrate"]).success(),
            "✓ Applied: 0004_views\nDone. 1 migration(s) applied.\n"
        );
    }

    // The originals deleted: the squash stands in for them.
    for name in ["0001_first", "0002_second", "0003_third"] {
        std::fs::remove_dir_all(project.dir.join("migrations").join(name)).unwrap();
    }
    let out = project.pookie(&["makemigrations", "--check"]).success();
    assert_eq!(out, "No changes detected\n");
    for url in [None, Some(fresh_url)] {
        let out = on_either(project, url, &["migrate"]).success();
        assert_eq!(out, "Already up to date. No migrations to apply.\n");
        let run = on_either(project, url, &["showmigrations"]);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        let out = run.success();
        assert!(
            out.contains(SQUASH) && out.contains("0004_views") && !out.contains('○'),
            "{out}"
        );
        let out = on_either(project, url, &["rollback"]).success();
        assert_eq!(
            out,
            "↩ Rolled back: 0004_views\nDone. 1 migration(s) rolled back.\n"
        );
        let out = on_either(project, url, &["migrate"]).success();
        assert_eq!(
            out,
            "✓ Applied: 0004_views\nDone. 1 migration(s) applied.\n"
        );
    }
    assert_eq!(authors(&old), ["Grace"]);
    // All the way down and up again through the squash.
    let out = project.pookie(&["rollback", "--steps", "2"]).success();
    assert_eq!(
        out,
        format!("↩ Rolled back: 0004_views\n↩ Rolled back: {SQUASH}\nDone. 2 migration(s) rolled back.\n")
    );
    assert!(history(&old).is_empty(), "{:?}", history(&old));
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(
        out,
        format!("✓ Applied: {SQUASH}\n✓ Applied: 0004_views\nDone. 2 migration(s) applied.\n")
    );
    // A next migration follows the squash's number range.
    let out = project
        .pookie(&["makemigrations", "--empty", "--name", "noop"])
        .success();
    assert!(out.contains("0005_noop"), "{out}");
}

#[test]
fn squashing_on_sqlite() {
    let project = Project::sqlite();
    let fresh = format!("sqlite:///{}", project.dir.join("fresh.sqlite3").display());
    squash_cycle(&project, &fresh);
}

#[test]
fn squashing_on_postgres() {
    let Some(project) = Project::postgres() else {
        return;
    };
    let Some(fresh) = support::postgres() else {
        return;
    };
    squash_cycle(&project, fresh.url());
}

#[test]
fn bad_ranges_get_a_clear_message() {
    let project = Project::sqlite();
    project.write_schema(V1);
    project.pookie(&["makemigrations", "--no-input"]).success();
    project.write_schema(V2);
    project
        .pookie(&["makemigrations", "--no-input", "--name", "second"])
        .success();
    let Run { code, stderr, .. } =
        project.pookie(&["squashmigrations", "0002", "0001", "--no-input"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("0002_second comes after 0001_initial"),
        "{stderr}"
    );
    let Run { code, stderr, .. } = project.pookie(&["squashmigrations", "1", "9", "--no-input"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no migration named `9`"), "{stderr}");
    let Run { code, stderr, .. } = project.pookie(&["squashmigrations", "2", "2", "--no-input"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("nothing to squash"), "{stderr}");
    project
        .pookie(&["squashmigrations", "1", "2", "--no-input", "--name", "all"])
        .success();
    let Run { code, stderr, .. } = project.pookie(&[
        "squashmigrations",
        "0001_initial",
        "0002_second",
        "--no-input",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("already replaced by a squashed migration"),
        "{stderr}"
    );
}

/// A database that applied only the first of the squashed migrations runs
/// the rest of the originals, then records the squash.
#[test]
fn a_partly_applied_range_catches_up_through_the_originals() {
    let project = Project::sqlite();
    project.write_schema(V1);
    project.pookie(&["makemigrations", "--no-input"]).success();
    project.pookie(&["migrate"]).success();
    project.write_schema(V2);
    project
        .pookie(&["makemigrations", "--no-input", "--name", "second"])
        .success();
    project
        .pookie(&["squashmigrations", "1", "2", "--no-input"])
        .success();
    let squash = "0001_squashed_0002_second";
    let Run { code, stderr, .. } = project.pookie(&["migrate", "0001"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("could mean any of 0001_initial, 0001_squashed_0002_second"),
        "{stderr}"
    );
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(
        out,
        "✓ Applied: 0002_second\nDone. 1 migration(s) applied.\n"
    );
    let db = project.db();
    assert_eq!(history(&db), ["0001_initial", squash, "0002_second"]);
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(out, "Already up to date. No migrations to apply.\n");
    let out = project
        .pookie(&["sqlmigrate", squash, "--backend", "postgres"])
        .success();
    assert!(out.contains("CREATE TABLE \"authors\""), "{out}");
}
