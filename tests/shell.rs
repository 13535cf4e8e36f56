//! `pookie shell` driven non-interactively, on SQLite and PostgreSQL: a
//! scratch project with the blog schema, migrated, then scripts of queries
//! (with `-c` and on standard input) whose printed results are checked.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[path = "migrations/project.rs"]
mod project;

use std::io::Write;
use std::process::{Command, Stdio};

use project::{Project, Run};

/// The blog schema, migrated, with two authors, three posts and a tag.
fn blog(project: &Project) {
    project.write_schema(include_str!("../schemas/blog.pookie"));
    project.pookie(&["makemigrations"]).success();
    project.pookie(&["migrate"]).success();
    project
        .pookie(&[
            "shell",
            "-c",
            r#"Author.objects.create(name="Grace Hopper", email="grace@example.com")
Author.objects.create(name="Ada Lovelace", email="ada@example.com", bio="Analytical")
Post.objects.create(title="COBOL", slug="cobol", body="…", author=1, view_count=120, published=True)
Post.objects.create(title="Compilers", slug="compilers", body="…", author=1, view_count=30, published=True)
Post.objects.create(title="Engines", slug="engines", body="…", author=2, view_count=7)
Tag.objects.create(name="History", slug="history")"#,
        ])
        .success();
}

/// Runs `pookie shell` with `script` on standard input.
fn shell_stdin(project: &Project, args: &[&str], script: &str) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pookie"));
    command
        .arg("shell")
        .args(args)
        .current_dir(&project.dir)
        .env("DATABASE_URL", project_url(project))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the pookie binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn project_url(project: &Project) -> String {
    project.url().to_owned()
}

/// The lines of a printed table, without its borders: `a | b`.
fn cells(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| line.starts_with('│'))
        .map(|line| {
            line.trim_matches('│')
                .split('┆')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn queries(project: &Project) {
    blog(project);
    let script = r#"
# filters and lookups
Author.objects.filter(name__icontains="grace").values("name", "email")
Post.objects.filter(published=True).count()
Post.objects.filter(view_count__gte=30).order_by("view_count").values_list("title")
Post.objects.order_by("-view_count")[:2].values("title")
Post.objects.order_by("title").values("title")[1:]
# across relations
Author.objects.get(email="grace@example.com").posts.order_by("title").values("title")
Post.objects.filter(author__name__startswith="Ada").values("title")
Author.objects.filter(posts__view_count__gt=100).values("name")
Post.objects.filter(title="Engines").first().author.name
Post.objects.filter(Q(view_count__gt=100) | ~Q(author__name="Grace Hopper")).order_by("title").values("title")
Author.objects.exclude(bio__isnull=True).values("name")
Post.objects.filter(author__in=[2]).exists()
# aggregates
Post.objects.aggregate(total=Sum("view_count"), n=Count("id"), top=Max("view_count"))
Post.objects.filter(published=True).aggregate(avg=Avg("view_count"))
# writes
Post.objects.filter(published=False).update(published=True)
Post.objects.filter(published=True).count()
"#;
    let out = shell_stdin(project, &[], script).success();
    let cells = cells(&out);
    let expected = [
        "name | email",
        "Grace Hopper | grace@example.com",
        "title",
        "Compilers",
        "COBOL",
        "title",
        "COBOL",
        "Compilers",
        "title",
        "Compilers",
        "Engines",
        "title",
        "COBOL",
        "Compilers",
        "title",
        "Engines",
        "name",
        "Grace Hopper",
        "name",
        "Ada Lovelace",
        "title",
        "COBOL",
        "Engines",
        "name",
        "Ada Lovelace",
        "total | n | top",
        "157 | 3 | 120",
        "avg",
        "75",
    ];
    assert_eq!(cells, expected, "{out}");
    let plain: Vec<&str> = out
        .lines()
        .filter(|line| !line.starts_with(['│', '┌', '╞', '└', '├', '(']))
        .collect();
    assert_eq!(plain, ["2", "True", "1 row updated", "3"], "{out}");
}

fn errors(project: &Project) {
    blog(project);
    let run = project.pookie(&[
        "shell",
        "-c",
        r#"Post.objects.filter(titel="x")
Post.objects.filter(title__icontain="x")
Post.objects.fliter(title="x")
Autor.objects.all()
Post.objects.filter(view_count="many")
Author.objects.get(name="Nobody")
Author.objects.get(is_active=True)
Post.objects.filter(title=COBOL)
Post.objects.aggregate(total=Sum("title"))
Post.objects.count()"#,
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // Every error is reported, and the lines after it still run.
    assert_eq!(run.stdout.trim(), "3");
    let stderr: Vec<&str> = run.stderr.lines().collect();
    let expected = [
        "`Post` has no field `titel`; did you mean `title`?",
        "unknown lookup `icontain` on `Post.title`; did you mean `icontains`?",
        "a query set has no method `fliter`; did you mean `filter`?",
        "there is no model `Autor`: did you mean `Author`?",
        "`Post.view_count`: expected an integer, got \"many\"",
        "Author matching query does not exist",
        "returned more than one Author",
        "`COBOL` is not a value",
        "Sum needs a numeric field",
    ];
    assert_eq!(stderr.len(), expected.len(), "{}", run.stderr);
    for (line, want) in stderr.iter().zip(expected) {
        assert!(
            line.starts_with("error: ") && line.contains(want),
            "{line:?} lacks {want:?}"
        );
    }
}

fn deletes(project: &Project) {
    blog(project);
    // A script deletes only with --yes.
    let refused = project.pookie(&[
        "shell",
        "-c",
        "Post.objects.filter(published=False).delete()",
    ]);
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    let count = project
        .pookie(&["shell", "-c", "Post.objects.count()"])
        .success();
    assert_eq!(count.trim(), "3");
    let deleted = shell_stdin(
        project,
        &["--yes"],
        "Post.objects.filter(published=False).delete()\nPost.objects.count()\n",
    )
    .success();
    assert_eq!(deleted.trim(), "1 row deleted\n2");
    // The cascade of the foreign key goes with the author.
    let out = project
        .pookie(&[
            "shell",
            "--yes",
            "-c",
            "Author.objects.filter(name=\"Grace Hopper\").delete()\nPost.objects.count()",
        ])
        .success();
    assert_eq!(out.trim(), "1 row deleted\n0");
}

fn sql_and_describe(project: &Project) {
    blog(project);
    let out = project
        .pookie(&[
            "shell",
            "-c",
            "\\sql\nPost.objects.filter(author__name=\"Ada\").count()\n\\d Post",
        ])
        .success();
    assert!(
        out.contains(
            "-- SELECT COUNT(*) FROM \"posts\" WHERE \"posts\".\"author_id\" IN (SELECT \"authors\".\"id\" FROM \"authors\" WHERE \"authors\".\"name\" = "
        ),
        "{out}"
    );
    assert!(out.contains("Post (table \"posts\")"), "{out}");
    assert!(out.contains("author -> Author (ForeignKey)"), "{out}");
    assert!(
        out.contains("view_count ┆ view_count ┆ IntegerField"),
        "{out}"
    );
}

macro_rules! on_both_projects {
    ($($name:ident),*) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&super::Project::sqlite());
            }

            #[test]
            fn postgres() {
                if let Some(project) = super::Project::postgres() {
                    super::$name(&project);
                }
            }
        }
    )*};
}

on_both_projects!(queries, errors, deletes, sql_and_describe);
