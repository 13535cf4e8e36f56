//! The Django cycle through the `pookie` command line, on SQLite and
//! PostgreSQL, in a scratch project with its own `pookie.toml`: makemigrations,
//! migrate, edit the schema, makemigrations, migrate, showmigrations,
//! rollback, migrate again — with the rows checked at every step.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[path = "migrations/project.rs"]
mod project;

use pookie::Db;
use project::{Project, Run};

/// The first version of the schema.
const V1: &str = r#"
model Author {
    name  = CharField(max_length = 100)
    email = EmailField(unique = true)
    meta { db_table = "authors" }
}

model Post {
    title  = CharField(max_length = 100)
    author = ForeignKey(Author, on_delete = CASCADE, related_name = "posts")
    meta { db_table = "posts" }
}

model Comment {
    post = ForeignKey(Post, on_delete = CASCADE)
    body = TextField()
}

model Legacy {
    note = TextField(null = true)
}
"#;

/// The second: a field with a default, a renamed field, a longer max_length,
/// an index, a many-to-many, a renamed model, a removed model.
const V2: &str = r#"
model Writer {
    name  = CharField(max_length = 100)
    email = EmailField(unique = true)
    meta { db_table = "authors"  renamed_from = "Author" }
}

model Tag {
    label = CharField(max_length = 30, unique = true)
}

model Post {
    headline   = CharField(max_length = 150, renamed_from = "title")
    author     = ForeignKey(Writer, on_delete = CASCADE, related_name = "posts")
    view_count = IntegerField(default = 0)
    tags       = ManyToManyField(Tag, related_name = "posts")
    meta {
        db_table = "posts"
        indexes  = [Index(fields = ["view_count"], name = "posts_views_idx")]
    }
}

model Comment {
    post = ForeignKey(Post, on_delete = CASCADE)
    body = TextField()
}
"#;

fn fill(db: &Db) {
    db.execute(
        "INSERT INTO authors (name, email) VALUES ('Grace', 'grace@blog.ug'), ('Bob', 'bob@blog.ug')",
        &[],
    )
    .unwrap();
    db.execute(
        "INSERT INTO posts (title, author_id) VALUES ('Hello', 1), ('Again', 1), ('Bob says', 2)",
        &[],
    )
    .unwrap();
    db.execute(
        "INSERT INTO comments (post_id, body) VALUES (1, 'first'), (1, 'second'), (3, 'third')",
        &[],
    )
    .unwrap();
}

/// The rows every version keeps: (author, post title or headline, comments).
fn kept_rows(db: &Db, title_column: &str) -> Vec<(String, String, i64)> {
    let sql = format!(
        "SELECT a.name, p.{title_column}, (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) \
         FROM posts p JOIN authors a ON a.id = p.author_id ORDER BY p.id"
    );
    db.fetch_all(&sql, &[])
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.values()[0].as_str().unwrap().to_owned(),
                row.values()[1].as_str().unwrap().to_owned(),
                row.values()[2].as_i64().unwrap(),
            )
        })
        .collect()
}

fn expected_rows() -> Vec<(String, String, i64)> {
    vec![
        ("Grace".into(), "Hello".into(), 2),
        ("Grace".into(), "Again".into(), 0),
        ("Bob".into(), "Bob says".into(), 1),
    ]
}

fn django_cycle(project: &Project) {
    project.write_schema(V1);
    let out = project.pookie(&["makemigrations", "--no-input"]).success();
    assert!(out.contains("0001_initial"), "{out}");
    assert!(out.contains("+ Create model Author"), "{out}");
    assert!(project
        .dir
        .join("migrations/0001_initial/migration.pookie")
        .is_file());
    assert!(project
        .dir
        .join("migrations/0001_initial/postgres.up.sql")
        .is_file());

    let out = project.pookie(&["migrate"]).success();
    assert_eq!(
        out,
        "✓ Applied: 0001_initial\nDone. 1 migration(s) applied.\n"
    );
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(out, "Already up to date. No migrations to apply.\n");
    let db = project.db();
    fill(&db);
    assert_eq!(kept_rows(&db, "title"), expected_rows());

    project.write_schema(V2);
    let check = project.pookie(&["makemigrations", "--check"]);
    assert_eq!(check.code, Some(1), "{}", check.stdout);
    let out = project
        .pookie(&["makemigrations", "--no-input", "--name", "second"])
        .success();
    assert!(out.contains("0002_second"), "{out}");
    for expected in [
        "Rename model Author to Writer",
        "Rename field title of Post to headline",
        "Add field view_count to Post",
        "Add field tags to Post",
        "Delete model Legacy",
    ] {
        assert!(out.contains(expected), "{expected}: {out}");
    }
    let out = project.pookie(&["migrate"]).success();
    assert_eq!(
        out,
        "✓ Applied: 0002_second\nDone. 1 migration(s) applied.\n"
    );
    assert_eq!(kept_rows(&db, "headline"), expected_rows());
    let views = db
        .fetch_all("SELECT view_count FROM posts", &[])
        .unwrap()
        .iter()
        .map(|row| row.values()[0].as_i64().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(views, vec![0, 0, 0]);
    db.execute("INSERT INTO tags (label) VALUES ('rust')", &[])
        .unwrap();
    db.execute("INSERT INTO posts (headline, author_id, view_count) VALUES ('A headline of more than one hundred characters, which the first version of the schema did not allow.', 2, 7)", &[]).unwrap();

    let out = project.pookie(&["showmigrations"]).success();
    assert!(
        out.contains("✓") && out.contains("0001_initial") && out.contains("0002_second"),
        "{out}"
    );
    assert!(!out.contains('○'), "{out}");

    let out = project.pookie(&["makemigrations", "--check"]).success();
    assert_eq!(out, "No changes detected\n");

    // Rolling back would have to cut the long headline: it is removed first.
    db.execute("DELETE FROM posts WHERE view_count = 7", &[])
        .unwrap();
    let out = project.pookie(&["rollback"]).success();
    assert_eq!(
        out,
        "↩ Rolled back: 0002_second\nDone. 1 migration(s) rolled back.\n"
    );
    assert_eq!(kept_rows(&db, "title"), expected_rows());
    let out = project.pookie(&["showmigrations"]).success();
    assert!(out.contains('○'), "{out}");

    let out = project.pookie(&["migrate"]).success();
    assert_eq!(
        out,
        "✓ Applied: 0002_second\nDone. 1 migration(s) applied.\n"
    );
    assert_eq!(kept_rows(&db, "headline"), expected_rows());
    let out = project.pookie(&["makemigrations", "--check"]).success();
    assert_eq!(out, "No changes detected\n");

    // Drift: the database as the applied migrations describe it, until
    // someone changes it by hand.
    let out = project.pookie(&["migrate", "--check"]).success();
    assert_eq!(
        out,
        "No drift: the database matches the 2 applied migration(s).\n"
    );
    db.execute("ALTER TABLE posts ADD COLUMN sneaky INTEGER", &[])
        .unwrap();
    let run = project.pookie(&["migrate", "--check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("table `posts`"), "{}", run.stdout);
    assert!(run.stdout.contains("`sneaky`"), "{}", run.stdout);
}

#[test]
fn the_django_cycle_on_sqlite() {
    let project = Project::sqlite();
    django_cycle(&project);
}

#[test]
fn the_django_cycle_on_postgres() {
    let Some(project) = Project::postgres() else {
        return;
    };
    django_cycle(&project);
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_1() {
    let project = Project::sqlite();
    project.write_schema(V1);
    let Run { code, stderr, .. } = project.pookie(&["migrate", "--db", "reports"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no database `reports`"), "{stderr}");

    project.pookie(&["makemigrations", "--no-input"]).success();
    let Run { code, stderr, .. } = project.pookie(&["migrate", "0009"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no migration named `0009`"), "{stderr}");

    // A gap in the numbers.
    let first = project.dir.join("migrations/0001_initial");
    std::fs::rename(&first, project.dir.join("migrations/0002_initial")).unwrap();
    let Run { code, stderr, .. } = project.pookie(&["migrate"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("0002_initial"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A duplicate number.
    std::fs::rename(project.dir.join("migrations/0002_initial"), &first).unwrap();
    copy_dir(&first, &project.dir.join("migrations/0001_again"));
    let Run { code, stderr, .. } = project.pookie(&["showmigrations"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("0001"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // No settings at all.
    let empty = Project::sqlite();
    std::fs::remove_file(empty.dir.join("pookie.toml")).unwrap();
    let Run { code, stderr, .. } = empty.pookie_without_env(&["makemigrations"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("pookie.toml"), "{stderr}");
}

#[test]
fn a_rename_without_renamed_from_is_not_guessed() {
    let project = Project::sqlite();
    project.write_schema("model Post {\n    title = CharField(max_length = 100)\n}\n");
    project.pookie(&["makemigrations", "--no-input"]).success();
    project.write_schema("model Post {\n    headline = CharField(max_length = 100)\n}\n");
    let Run { code, stderr, .. } = project.pookie(&["makemigrations", "--no-input"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("renamed_from"), "{stderr}");
    assert!(
        stderr.contains("title") && stderr.contains("headline"),
        "{stderr}"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn migrate_stops_before_a_rust_step_and_says_how_to_go_on() {
    let project = Project::sqlite();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        project.dir.join("pookie.toml"),
        format!(
            "schemas = [{:?}]\nmigrations = {:?}\n",
            repo.join("tests/data_migrations/articles.pookie"),
            repo.join("tests/data_migrations/migrations")
        ),
    )
    .unwrap();
    let Run {
        code,
        stdout,
        stderr,
    } = project.pookie(&["migrate"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "✓ Applied: 0001_initial\n✓ Applied: 0002_add_article_slug\n"
    );
    assert!(
        stderr.contains("stopped before 0003_backfill_slugs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pookie::include_migrations!(backfill_slugs)"),
        "{stderr}"
    );
    let out = project.pookie(&["showmigrations"]).success();
    assert!(out.contains("○      ┆ 0003_backfill_slugs"), "{out}");
}

#[test]
fn makemigrations_empty_writes_a_code_step_and_its_signature() {
    let project = Project::sqlite();
    project.write_schema("model Post {\n    title = CharField(max_length = 100)\n}\n");
    project.pookie(&["makemigrations", "--no-input"]).success();
    let out = project
        .pookie(&["makemigrations", "--empty", "--name", "backfill_slugs"])
        .success();
    assert!(out.contains("0002_backfill_slugs"), "{out}");
    assert!(
        out.contains("fn backfill_slugs(db: &pookie::Db) -> pookie::Result<()>"),
        "{out}"
    );
    let text = std::fs::read_to_string(
        project
            .dir
            .join("migrations/0002_backfill_slugs/migration.pookie"),
    )
    .unwrap();
    assert!(
        text.contains("RunRust(forward = \"backfill_slugs\", backward = \"undo_backfill_slugs\")"),
        "{text}"
    );
    let out = project.pookie(&["makemigrations", "--check"]).success();
    assert_eq!(out, "No changes detected\n");
}
