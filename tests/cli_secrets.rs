//! No output of the `pookie` command line shows a database password, in any
//! form it accepts (`--database`, `DATABASE_URL`, `pookie.toml`), for URLs it
//! cannot reach and URLs it cannot even parse.

use std::process::Command;

/// Connection strings holding a password, with the password to look for.
fn forms() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "postgresql://nobody:Hunter2secret@127.0.0.1:1/test",
            "Hunter2secret",
        ),
        (
            "postgresql://nobody:pa/ss?Word9@127.0.0.1:1/test",
            "pa/ss?Word9",
        ),
        (
            "postgresql://nobody:pa%2Fss%3FWord8@127.0.0.1:1/test",
            "pa%2Fss%3FWord8",
        ),
        (
            "postgresql://nobody@127.0.0.1:1/test?password=QueryPass7",
            "QueryPass7",
        ),
        (
            "postgresql://nobody@127.0.0.1/test?password=QueryPass6&bogus=1",
            "QueryPass6",
        ),
        (
            "host=127.0.0.1 port=1 user=nobody password=KeywordPass5 dbname=test",
            "KeywordPass5",
        ),
        (
            "host=127.0.0.1 port=1 password='Quoted Pass4' dbname=test",
            "Quoted Pass4",
        ),
        (
            "host=127.0.0.1 port=x password=BadPort3 dbname=test",
            "BadPort3",
        ),
        (
            "host=127.0.0.1 password=Unclosed2' dbname='test",
            "Unclosed2",
        ),
        ("mysql://root:MysqlPass@localhost/db", "MysqlPass"),
        (
            "postgresql://u:PoolPass@127.0.0.1:1/db?pool_max_size=0",
            "PoolPass",
        ),
        (
            "postgresql://u:ModePass@127.0.0.1:1/db?sslmode=sometimes",
            "ModePass",
        ),
    ]
}

fn decoded(password: &str) -> String {
    password
        .replace("%2F", "/")
        .replace("%3F", "?")
        .replace("%40", "@")
}

fn run(dir: &std::path::Path, args: &[&str], env: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pookie"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL");
    if let Some(url) = env {
        command.env("DATABASE_URL", url);
    }
    let output = command.output().expect("the pookie binary runs");
    assert!(!output.status.success(), "{args:?} must fail");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_hidden(output: &str, password: &str, context: &str) {
    for form in [password.to_owned(), decoded(password)] {
        assert!(
            !output.contains(&form),
            "{context}: the password `{form}` shows in:\n{output}"
        );
    }
}

#[test]
fn no_command_shows_a_database_password() {
    let dir = std::env::temp_dir().join(format!("pookie_cli_secrets_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (url, password) in forms() {
        for command in ["inspectdb", "migrate", "showmigrations", "rollback"] {
            let output = run(&dir, &[command, "--database", url], None);
            assert_hidden(&output, password, &format!("{command} --database {url}"));
            assert!(!output.trim().is_empty(), "{command} says why it failed");
        }
        let output = run(&dir, &["inspectdb"], Some(url));
        assert_hidden(&output, password, &format!("DATABASE_URL={url}"));
        // The settings file.
        let escaped = url.replace('\\', "\\\\").replace('"', "\\\"");
        std::fs::write(
            dir.join("pookie.toml"),
            format!("[databases.default]\nurl = \"{escaped}\"\n"),
        )
        .unwrap();
        for command in ["inspectdb", "showmigrations"] {
            let output = run(&dir, &[command], None);
            assert_hidden(
                &output,
                password,
                &format!("{command} with pookie.toml url = {url}"),
            );
        }
        std::fs::remove_file(dir.join("pookie.toml")).unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
}
