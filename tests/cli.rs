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
