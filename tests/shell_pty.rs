//! An interactive `pookie shell` session in a pseudo-terminal: a query typed
//! with tab completion (model, `objects`, method, field, field of `values`),
//! then, in a second session, the same query recalled from the history.
#![cfg(unix)]

#[macro_use]
#[allow(unused_macros)]
mod support;
#[path = "migrations/project.rs"]
mod project;

use std::process::Command;

use project::Project;

fn session(project: &Project) -> rexpect::session::PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pookie"));
    command
        .arg("shell")
        .current_dir(&project.dir)
        .env("DATABASE_URL", project.url())
        .env("POOKIE_HISTORY", project.dir.join("history"))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    let mut shell = rexpect::session::spawn_command(command, Some(20_000)).unwrap();
    shell.exp_string(">>> ").unwrap();
    shell
}

/// Types `text` and waits until the shell has drawn `shown` (after a completion).
fn typed(shell: &mut rexpect::session::PtySession, text: &str, shown: &str) {
    shell.send(text).unwrap();
    shell.flush().unwrap();
    shell.exp_string(shown).unwrap();
}

#[test]
fn completion_and_history_in_a_terminal() {
    let project = Project::sqlite();
    project.write_schema(include_str!("../schemas/blog.pookie"));
    project.pookie(&["makemigrations"]).success();
    project.pookie(&["migrate"]).success();
    project
        .pookie(&[
            "shell",
            "-c",
            r#"Author.objects.create(name="Grace Hopper", email="grace@example.com")
Post.objects.create(title="COBOL", slug="cobol", body="…", author=1, view_count=120)
Post.objects.create(title="Flow-Matic", slug="flow", body="…", author=1, view_count=3)"#,
        ])
        .success();

    let mut shell = session(&project);
    typed(&mut shell, "Pos\t", "Post");
    typed(&mut shell, ".obj\t", "objects");
    typed(&mut shell, ".fil\t", "filter(");
    typed(&mut shell, "view_c\t", "view_count");
    typed(&mut shell, "__gte=100).values(\"tit\t", "title");
    shell.send("\")\r").unwrap();
    shell.flush().unwrap();
    shell.exp_string("COBOL").unwrap();
    shell.exp_string("(1 row)").unwrap();
    shell.exp_string(">>> ").unwrap();
    // An error does not end the session.
    shell.send("Post.objects.fliter()\r").unwrap();
    shell.flush().unwrap();
    shell.exp_string("did you mean `filter`?").unwrap();
    shell.exp_string(">>> ").unwrap();
    // A delete asks first: `n` keeps the rows, `y` deletes them.
    shell
        .send("Post.objects.filter(view_count=3).delete()\r")
        .unwrap();
    shell.flush().unwrap();
    shell.exp_string("Delete 1 Post row? [y/N]").unwrap();
    shell.send_line("n").unwrap();
    shell.exp_string("Nothing deleted.").unwrap();
    shell.exp_string(">>> ").unwrap();
    shell
        .send("Post.objects.filter(view_count=3).delete()\r")
        .unwrap();
    shell.flush().unwrap();
    shell.exp_string("[y/N]").unwrap();
    shell.send_line("y").unwrap();
    shell.exp_string("1 row deleted").unwrap();
    shell.exp_string(">>> ").unwrap();
    shell.send("\\q\r").unwrap();
    shell.flush().unwrap();
    shell.exp_eof().unwrap();

    let history = std::fs::read_to_string(project.dir.join("history")).unwrap();
    assert!(
        history.contains("Post.objects.filter(view_count__gte=100).values(\"title\")"),
        "{history}"
    );

    // A new session recalls the query with the Up arrow (before the error and the deletes).
    let mut shell = session(&project);
    shell.send("\x1b[A\x1b[A\x1b[A\r").unwrap();
    shell.flush().unwrap();
    shell.exp_string("COBOL").unwrap();
    shell.exp_string(">>> ").unwrap();
    shell.send("\\q\r").unwrap();
    shell.flush().unwrap();
    shell.exp_eof().unwrap();
}
