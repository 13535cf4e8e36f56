//! The `pookie` command line, run as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn pookie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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
