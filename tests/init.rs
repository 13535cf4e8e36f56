//! `pookie init`: the scaffolded crate builds and runs at once, against this
//! checkout (`--pookie-path`), on SQLite and on PostgreSQL.
//!
//! The crate is built once, into a target folder beside this package's own
//! (`target/init-test`, kept between runs so its dependencies are compiled
//! only the first time); every other check reuses that build.

#[macro_use]
#[allow(unused_macros)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn pookie_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the pookie binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn checkout() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// The shared target folder of the scaffolded crates.
fn target_dir() -> PathBuf {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(checkout()).join("target"));
    root.join("init-test")
}

#[test]
fn init_scaffolds_a_crate_that_builds_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let run = pookie_in(
        dir.path(),
        &["init", "blog", "--pookie-path", checkout(), "--yes"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let crate_dir = dir.path().join("blog");
    assert_eq!(
        text(&run.stdout),
        format!(
            "✓ Created {}\n    Cargo.toml\n    build.rs\n    src/main.rs\n    schemas/blog.pookie\n    \
             pookie.toml\n    .gitignore\n    .gitattributes\nMigrations for `default`:\n  0001_initial\n    \
             + Create model Author\n\nNext:\n    cd blog && cargo run\n    \
             # then edit schemas/blog.pookie, `pookie makemigrations` and `cargo run` again\n",
            crate_dir.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(crate_dir.join("schemas/blog.pookie")).unwrap(),
        "//! The models of blog.\n\n/// A first model: add fields, or more models, then `pookie makemigrations`.\n\
         model Author {\n    name  = CharField(max_length = 100)\n    email = EmailField(unique = true)\n}\n"
    );
    for file in [
        "migrations/0001_initial/migration.pookie",
        "migrations/0001_initial/sqlite.up.sql",
        "migrations/0001_initial/postgres.down.sql",
        ".gitignore",
        ".gitattributes",
    ] {
        assert!(crate_dir.join(file).is_file(), "{file}");
    }
    let toml = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(toml.contains("pookie = { path = "), "{toml}");

    // The build resolves what this checkout's lock file pins, like the checkout's own build.
    std::fs::copy(
        Path::new(checkout()).join("Cargo.lock"),
        crate_dir.join("Cargo.lock"),
    )
    .unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let build = Command::new(&cargo)
        .args(["build", "--quiet"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", text(&build.stderr));
    let binary = target_dir().join("debug").join("blog");
    let program = |url: Option<&str>| {
        let mut command = Command::new(&binary);
        command.current_dir(&crate_dir).env_remove("DATABASE_URL");
        if let Some(url) = url {
            command.env("DATABASE_URL", url);
        }
        command.output().unwrap()
    };

    // On SQLite: the first run applies the initial migration, the next does not.
    let first = program(None);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(
        text(&first.stdout),
        "Applied migration 0001_initial\n0 Author row(s) in the database\n"
    );
    assert!(crate_dir.join("blog.sqlite3").is_file());
    let second = program(None);
    assert_eq!(text(&second.stdout), "0 Author row(s) in the database\n");

    // The CLI sees the same project: nothing to make, everything applied.
    let make = pookie_in(&crate_dir, &["makemigrations", "--check"]);
    assert_eq!(make.status.code(), Some(0), "{}", text(&make.stderr));
    let show = pookie_in(&crate_dir, &["showmigrations"]);
    assert!(
        text(&show.stdout).contains("✓      ┆ 0001_initial"),
        "{}",
        text(&show.stdout)
    );

    // On PostgreSQL, through DATABASE_URL, with the same build.
    if let Some(test_db) = support::postgres() {
        let first = program(Some(test_db.url()));
        assert!(first.status.success(), "{}", text(&first.stderr));
        assert_eq!(
            text(&first.stdout),
            "Applied migration 0001_initial\n0 Author row(s) in the database\n"
        );
        test_db
            .db
            .execute(
                "INSERT INTO authors (name, email) VALUES ('Grace', 'grace@blog.ug')",
                &[],
            )
            .unwrap();
        assert_eq!(
            text(&program(Some(test_db.url())).stdout),
            "1 Author row(s) in the database\n"
        );
    }
}

#[test]
fn init_for_postgres_writes_its_url_and_migrates_from_the_cli() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run = pookie_in(
        dir.path(),
        &[
            "init",
            "shop",
            "--database",
            "postgres",
            "--url",
            test_db.url(),
            "--model",
            "Product name:CharField(max_length=100) price:DecimalField(max_digits=8, decimal_places=2) in_stock:BooleanField(default=true)",
            "--yes",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let crate_dir = dir.path().join("shop");
    let settings = std::fs::read_to_string(crate_dir.join("pookie.toml")).unwrap();
    assert!(settings.contains(test_db.url()), "{settings}");
    let main = std::fs::read_to_string(crate_dir.join("src/main.rs")).unwrap();
    assert!(main.contains("Product::objects().count(&db)"), "{main}");
    let migrate = pookie_in(&crate_dir, &["migrate"]);
    assert_eq!(migrate.status.code(), Some(0), "{}", text(&migrate.stderr));
    assert!(text(&migrate.stdout).contains("Applied: 0001_initial"));
    test_db
        .db
        .execute(
            "INSERT INTO products (name, price, in_stock) VALUES ('Tea', 3.50, true)",
            &[],
        )
        .unwrap();
}

#[test]
fn init_refuses_a_bad_name_a_bad_model_and_a_non_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = pookie_in(dir.path(), &["init", "2fast", "--yes"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        text(&run.stderr),
        "error: the project name `2fast` cannot start with a digit\n"
    );
    let run = pookie_in(dir.path(), &["init", "fn", "--yes"]);
    assert!(text(&run.stderr).contains("is a Rust keyword"));

    let run = pookie_in(
        dir.path(),
        &["init", "app", "--model", "Author name:CharFeld", "--yes"],
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("the first model is not valid"), "{stderr}");
    assert!(stderr.contains("CharFeld"), "{stderr}");
    assert!(!dir.path().join("app").exists());

    std::fs::create_dir(dir.path().join("taken")).unwrap();
    std::fs::write(dir.path().join("taken/notes.txt"), "mine").unwrap();
    let run = pookie_in(dir.path(), &["init", "taken", "--yes"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("exists and is not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken/notes.txt")).unwrap(),
        "mine"
    );

    let run = pookie_in(
        dir.path(),
        &["init", "app", "--pookie-path", "/nowhere", "--yes"],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("--pookie-path `/nowhere` cannot be read"));
}

/// At a terminal (a pseudo-terminal made by util-linux's `script`), `init`
/// asks step by step: the name, the database (an arrow key picks PostgreSQL),
/// the URL (its default taken), the model and its fields.
#[test]
fn init_asks_step_by_step_at_a_terminal() {
    use std::io::Write;
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!(
            "note: the interactive init test is skipped: `script` (util-linux) is not installed"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!("{} init", env!("CARGO_BIN_EXE_pookie")),
            "/dev/null",
        ])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // One answer at a time, each once its prompt has had time to show.
    for keys in [
        "demo\r",
        "\x1b[B",
        "\r",
        "\r",
        "Note\r",
        "title:CharField(max_length=200)\r",
        "body:TextField\r",
        "\r",
    ] {
        std::thread::sleep(std::time::Duration::from_millis(700));
        stdin.write_all(keys.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let screen = text(&output.stdout);
    assert!(output.status.success(), "{screen}");
    for prompt in [
        "Project name:",
        "Database:",
        "Database URL:",
        "First model:",
        "Field 1 of Note:",
    ] {
        assert!(screen.contains(prompt), "{prompt} was not asked:\n{screen}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("demo/schemas/demo.pookie")).unwrap(),
        "//! The models of demo.\n\n/// A first model: add fields, or more models, then `pookie makemigrations`.\n\
         model Note {\n    title = CharField(max_length = 200)\n    body  = TextField()\n}\n"
    );
    let settings = std::fs::read_to_string(dir.path().join("demo/pookie.toml")).unwrap();
    assert!(
        settings.contains("url = \"postgresql://postgres@localhost:5432/demo\""),
        "{settings}"
    );
}
