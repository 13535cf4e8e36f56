//! The `pookie` command line, run as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn pookie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the pookie binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Compares with a pinned file; `POOKIE_BLESS=1` rewrites it instead.
fn assert_pinned(actual: &str, pinned: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(pinned);
    if std::env::var_os("POOKIE_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{pinned} is missing: rerun with POOKIE_BLESS=1"));
    assert_eq!(
        actual, expected,
        "{pinned} differs (POOKIE_BLESS=1 rewrites it)"
    );
}

#[test]
fn check_accepts_the_example_schemas() {
    let output = pookie(&["check", "schemas/blog.pookie", "schemas/shop.pookie"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "ok: 10 models in 2 files\n");
}

#[test]
fn check_reports_every_error_and_fails() {
    let output = pookie(&["check", "tests/cli/broken.pookie"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_pinned(&text(&output.stderr), "tests/cli/broken.stderr");
}

#[test]
fn check_names_a_missing_file() {
    let output = pookie(&["check", "schemas/nope.pookie"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("schemas/nope.pookie"), "{stderr}");
}

#[test]
fn help_is_pinned() {
    let output = pookie(&["--help"]);
    assert!(output.status.success());
    assert_pinned(&text(&output.stdout), "tests/cli/help.txt");
    let output = pookie(&["check", "--help"]);
    assert_pinned(&text(&output.stdout), "tests/cli/check-help.txt");
    for command in [
        "inspectdb",
        "makemigrations",
        "migrate",
        "showmigrations",
        "rollback",
        "sqlmigrate",
        "squashmigrations",
        "shell",
        "init",
        "dbshell",
        "fmt",
        "graph",
        "completions",
    ] {
        let output = pookie(&[command, "--help"]);
        assert!(output.status.success(), "{command}");
        assert_pinned(
            &text(&output.stdout),
            &format!("tests/cli/{command}-help.txt"),
        );
    }
}

/// Every command once with its output on a full disk (`> /dev/full`: a
/// message and exit status 1) and once into a pipe closed before it writes
/// (`| head -c0`: a quiet end, status 0) — never a panic.
#[test]
fn output_errors_end_cleanly() {
    use std::process::Stdio;

    let dir = std::env::temp_dir().join(format!("pookie-cli-output-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:///{}", dir.join("blog.sqlite3").display());
    let migrations = ["-d", "examples/blog/migrations", "--database", &url];
    let with = |args: &[&'static str]| -> Vec<String> {
        args.iter()
            .map(|a| a.to_string())
            .chain(migrations.iter().map(|a| a.to_string()))
            .collect()
    };
    let commands: Vec<Vec<String>> = vec![
        vec!["check".into(), "schemas/blog.pookie".into()],
        with(&["migrate"]),
        with(&["showmigrations"]),
        with(&["sqlmigrate", "0001"]),
        with(&["migrate", "--plan", "zero"]),
        with(&["migrate", "--check"]),
        vec!["inspectdb".into(), "--database".into(), url.clone()],
        with(&["makemigrations", "--dry-run"]),
        with(&["rollback"]),
    ];
    for args in &commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_pookie"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(full)
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?} > /dev/full: {stderr}"
        );
        assert!(
            stderr.contains("error: cannot write the output: No space left on device"),
            "{args:?} > /dev/full: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");

        let mut child = Command::new(env!("CARGO_BIN_EXE_pookie"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?} | closed: {stderr}");
        assert!(stderr.is_empty(), "{args:?} | closed: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What `pookie check` accepts, the build compiles: every schema the build
/// refused is refused by `check` first, with `file:line:col`; a model named
/// after a Rust keyword is supported.
#[test]
fn check_refuses_what_the_build_would_refuse() {
    let dir = std::env::temp_dir().join(format!("pookie-cli-promise-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            "related_name",
            "model A {\n    name = CharField(max_length = 10)\n}\nmodel B {\n    a = ForeignKey(A, on_delete = CASCADE, related_name = \"%_*[]\")\n}\n",
            ":5:44",
            "is not an identifier",
        ),
        (
            "json_schema",
            "model C {\n    data = JSONField(schema = \"crate::support:Settings\")\n}\n",
            ":2:22",
            "is not a Rust type path",
        ),
        (
            "array_of_typed_json",
            "model D {\n    docs = ArrayField(JSONField(schema = \"crate::Doc\"))\n}\n",
            ":2:5",
            "ArrayField of a JSONField with a `schema`",
        ),
        (
            "same_table",
            "model F1 {\n    name = CharField(max_length = 10)\n    meta { db_table = \"same\" }\n}\nmodel F2 {\n    name = CharField(max_length = 10)\n    meta { db_table = \"same\" }\n}\n",
            ":5:7",
            "model `F2` uses the table `same`, which is already taken",
        ),
        (
            "same_join_table",
            "model Tag {\n    name = CharField(max_length = 10)\n}\nmodel Post {\n    tags = ManyToManyField(Tag)\n    labels = ManyToManyField(Tag, related_name = \"labelled\")\n}\n",
            ":6:5",
            "the join table of `Post.labels` uses the table `posts_tags`, which is already taken",
        ),
        (
            "max_digits",
            "model G {\n    price = DecimalField(max_digits = 4294967295, decimal_places = 2)\n}\n",
            ":2:26",
            "the most PostgreSQL's NUMERIC holds",
        ),
    ];
    for (name, schema, position, message) in cases {
        let path = dir.join(format!("{name}.pookie"));
        std::fs::write(&path, schema).unwrap();
        let output = pookie(&["check", path.to_str().unwrap()]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}.pookie{position}")),
            "{name}: no {position} in {stderr}"
        );
    }
    let keyword = dir.join("keyword.pookie");
    std::fs::write(
        &keyword,
        "model type {\n    name = CharField(max_length = 10)\n}\n",
    )
    .unwrap();
    let output = pookie(&["check", keyword.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    // What the build once refused and now generates: check accepts it too.
    let accepted = [
        (
            "array_of_json",
            "model D {\n    docs = ArrayField(JSONField())\n}\n",
        ),
        (
            "fk_to_one_to_one_key",
            "model Base {\n    name = CharField(max_length = 10)\n}\nmodel Ext {\n    base = OneToOneField(Base, on_delete = CASCADE, primary_key = true)\n}\nmodel Ref {\n    ext = ForeignKey(Ext, on_delete = CASCADE)\n}\n",
        ),
        (
            "fk_to_nullable_unique",
            "model Voucher {\n    code = CharField(max_length = 10, null = true, unique = true)\n}\nmodel Use {\n    voucher = ForeignKey(Voucher, on_delete = CASCADE, to_field = \"code\")\n}\n",
        ),
    ];
    for (name, schema) in accepted {
        let path = dir.join(format!("{name}.pookie"));
        std::fs::write(&path, schema).unwrap();
        let output = pookie(&["check", path.to_str().unwrap()]);
        assert!(output.status.success(), "{name}: {}", text(&output.stderr));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
