//! What the connection layer says when it cannot connect, when a setting is
//! wrong, and when a timeout fires: the cause by name, never a panic, and
//! never a password in any error, `Display` or `Debug`, whatever the form.

mod conn_support;

use std::time::{Duration, Instant};

use conn_support::{primary_url, with_params, Table};
use pookie::{ConnectOptions, Db, Error, Param};

/// Every text an error can show: its `Display`, its `Debug` and its causes'.
fn every_text(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}");
    let mut cause = std::error::Error::source(error);
    while let Some(current) = cause {
        text.push_str(&format!("\n{current}\n{current:?}"));
        cause = current.source();
    }
    text
}

fn assert_hidden(text: &str, password: &str, context: &str) {
    let decoded = password
        .replace("%2F", "/")
        .replace("%3F", "?")
        .replace("%40", "@");
    for form in [password, decoded.as_str()] {
        assert!(
            !text.contains(form),
            "{context}: the password `{form}` shows in:\n{text}"
        );
    }
}

/// Connection strings holding a password, in every form the runtime reads,
/// each with the password to look for: URLs that connect, that fail to
/// connect, and that cannot even be parsed.
fn forms_with_passwords(server: &str) -> Vec<(String, &'static str)> {
    let host_port = server
        .split_once("://")
        .map(|(_, rest)| rest.rsplit_once('@').map_or(rest, |(_, host)| host))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let (host, port) = host_port.split_once(':').unwrap_or((&host_port, "5432"));
    vec![
        (
            format!("postgresql://nobody:Hunter2secret@{host_port}/test"),
            "Hunter2secret",
        ),
        (
            format!("postgresql://nobody:pa/ss?Word9@{host_port}/test"),
            "pa/ss?Word9",
        ),
        (
            format!("postgresql://nobody:pa%2Fss%3FWord8@{host_port}/test"),
            "pa%2Fss%3FWord8",
        ),
        (
            format!("postgresql://nobody@{host_port}/test?password=QueryPass7"),
            "QueryPass7",
        ),
        (
            format!("postgresql://nobody@{host_port}/test?password=QueryPass6&bogus=1"),
            "QueryPass6",
        ),
        (
            format!("host={host} port={port} user=nobody password=KeywordPass5 dbname=test"),
            "KeywordPass5",
        ),
        (
            format!("host={host} port={port} user=nobody password='Quoted Pass4' dbname=test"),
            "Quoted Pass4",
        ),
        (
            format!("host={host} port=notaport password=BadPort3 dbname=test"),
            "BadPort3",
        ),
        (
            format!("host={host} password=Unclosed2' dbname='test"),
            "Unclosed2",
        ),
        (
            "postgresql://u:Unreach1@127.0.0.1:1/test?connect_timeout=2".to_owned(),
            "Unreach1",
        ),
        (
            "postgresql://u:Dns0Pass@no-such-host.invalid/test".to_owned(),
            "Dns0Pass",
        ),
        (
            "mysql://root:MysqlPass@localhost/db".to_owned(),
            "MysqlPass",
        ),
        (
            "postgresql://u:PoolPass@h/db?pool_max_size=0".to_owned(),
            "PoolPass",
        ),
        (
            "postgresql://u:ModePass@h/db?sslmode=sometimes".to_owned(),
            "ModePass",
        ),
        (
            "postgresql://u:Tls0Pass@h/db?sslmode=verify-full&sslrootcert=/no/such.pem".to_owned(),
            "Tls0Pass",
        ),
    ]
}

#[test]
fn no_error_of_the_connection_layer_shows_a_password() {
    let server =
        primary_url().unwrap_or_else(|| "postgresql://postgres@127.0.0.1:5432/test".into());
    for (text, password) in forms_with_passwords(&server) {
        match ConnectOptions::from_url(&text) {
            Ok(options) => {
                assert_hidden(&options.to_string(), password, &text);
                assert_hidden(&format!("{options:?}"), password, &text);
            }
            Err(error) => assert_hidden(&every_text(&error), password, &text),
        }
        // Connecting only when a server is there to refuse the user.
        if primary_url().is_some() || !text.contains("127.0.0.1") {
            match Db::connect(&text) {
                Ok(db) => assert_hidden(&format!("{db:?}"), password, &text),
                Err(error) => assert_hidden(&every_text(&error), password, &text),
            }
        }
    }
    // The keyword form of ConnectOptions.
    let options = ConnectOptions::postgres()
        .host("127.0.0.1")
        .port(1)
        .user("u")
        .password("BuilderPass")
        .name("x")
        .connect_timeout(Duration::from_secs(2));
    assert_hidden(&format!("{options} {options:?}"), "BuilderPass", "builder");
    let error = Db::connect_with(options).unwrap_err();
    assert_hidden(&every_text(&error), "BuilderPass", "builder");
}

#[test]
fn connection_errors_name_the_cause() {
    let Some(url) = primary_url() else { return };
    let server = url.split('?').next().unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    let error = Db::connect(&format!("{base}/no_such_database_here")).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("\"no_such_database_here\" does not exist"),
        "{message}"
    );
    assert!(message.contains("CREATE DATABASE"), "{message}");

    let host = base.rsplit_once('@').map_or(base, |(_, host)| host);
    let error = Db::connect(&format!("postgresql://no_such_role_here@{host}/test")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("no_such_role_here"), "{message}");
    assert!(message.contains("CREATE ROLE"), "{message}");

    let error = Db::connect("postgresql://postgres@127.0.0.1:1/test").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("is the server running"), "{message}");

    let error = Db::connect("postgresql://postgres@no-such-host.invalid/test").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("unknown"), "{message}");
}

#[test]
fn a_connection_attempt_gives_up_after_connect_timeout() {
    // A non-routable address: nothing answers, nothing refuses.
    let started = Instant::now();
    let error = Db::connect("postgresql://u@10.255.255.1/db?connect_timeout=1").unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::Connection { .. }), "{error}");
}

#[test]
fn wrong_settings_are_errors_not_panics() {
    for (url, says) in [
        ("sqlite://:memory:?pool_max_size=0", "at least 1"),
        ("sqlite://:memory:?pool_timeout=0", "pool_timeout"),
        (
            "sqlite://:memory:?pool_timeout=1e300&pool_health_check=true",
            "pool_timeout",
        ),
        ("sqlite://:memory:?pool_timeout=-1", "pool_timeout"),
        ("sqlite://:memory:?pool_timeout=NaN", "pool_timeout"),
        (
            "sqlite://:memory:?pool_timeout=99999999&pool_health_check=true",
            "86400",
        ),
        (
            "sqlite://:memory:?pool_max_size=99999999999",
            "pool_max_size",
        ),
        (
            "sqlite:///x.db?pool_min_idle=20&pool_max_size=2",
            "pool_min_idle",
        ),
        ("sqlite://:memory:?busy_timeout=soon", "busy_timeout"),
        (
            "sqlite://:memory:?busy_timeout=100000000000",
            "busy_timeout",
        ),
        (
            "postgresql://u@h/db?statement_timeout=5parsecs",
            "statement_timeout",
        ),
        ("postgresql://u@h/db?lock_timeout=-5", "lock_timeout"),
        ("postgresql://u@h/db?sslmode=maybe", "verify-full"),
        ("postgresql://u@h/db?pgbouncer=perhaps", "pgbouncer"),
        (
            "postgresql://u@h/db?connect_timeout=forever",
            "connect_timeout",
        ),
        ("postgresql://u@h:99999/db", "port"),
        (
            "postgresql://u@h/db?pool_health_check=2x",
            "pool_health_check",
        ),
    ] {
        let error = Db::connect(url).expect_err(url);
        assert!(error.to_string().contains(says), "{url}: {error}");
    }
    for options in [
        ConnectOptions::sqlite_memory().max_size(0),
        ConnectOptions::sqlite_memory().checkout_timeout(Duration::ZERO),
        ConnectOptions::sqlite_memory()
            .checkout_timeout(Duration::MAX)
            .health_check(true),
        ConnectOptions::sqlite_memory().busy_timeout(Duration::MAX),
        ConnectOptions::postgres()
            .name("x")
            .statement_timeout(Duration::from_secs(5))
            .statement_cache(false),
    ] {
        let shown = format!("{options:?}");
        let error = Db::connect_with(options).expect_err(&shown);
        assert!(
            matches!(error, Error::Connection { .. }),
            "{shown}: {error}"
        );
    }
}

#[test]
fn the_sqlite_busy_timeout_is_a_setting() {
    let dir = std::env::temp_dir().join(conn_support::unique_name("pookie_busy"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("busy.db");
    let url = format!("sqlite:///{}", file.display());
    let holder = Db::connect(&url).unwrap();
    holder.execute("CREATE TABLE t (n INTEGER)", &[]).unwrap();
    for waiter in [
        Db::connect(&format!("{url}?busy_timeout=200ms")).unwrap(),
        Db::connect_with(ConnectOptions::sqlite(&file).busy_timeout(Duration::from_millis(200)))
            .unwrap(),
    ] {
        let outcome = holder.transaction(|tx| {
            tx.execute("INSERT INTO t VALUES (1)", &[])?;
            let started = Instant::now();
            let blocked = waiter.execute("INSERT INTO t VALUES (2)", &[]);
            let waited = started.elapsed();
            assert!(blocked.is_err(), "the write lock is held");
            assert!(
                waited >= Duration::from_millis(150) && waited < Duration::from_millis(3000),
                "waited {waited:?} for a 200 ms busy timeout"
            );
            Ok(())
        });
        outcome.unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_statement_past_statement_timeout_is_a_timeout_error_and_the_connection_stays() {
    let Some(url) = primary_url() else { return };
    let db = Db::connect(&with_params(
        &url,
        "statement_timeout=600ms&lock_timeout=100&application_name=pookie-timeouts&pool_max_size=1",
    ))
    .unwrap();
    let error = db.execute("SELECT pg_sleep(2)", &[]).unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.to_string().contains("statement timeout"), "{error}");
    // The same (only) connection still works, and carries the settings.
    let row = db
        .fetch_one(
            "SELECT current_setting('application_name') AS app, current_setting('lock_timeout') AS lock",
            &[],
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        row.value("app").and_then(pookie::Value::as_str),
        Some("pookie-timeouts")
    );
    assert_eq!(
        row.value("lock").and_then(pookie::Value::as_str),
        Some("100ms")
    );

    // lock_timeout: a row another session holds.
    let admin = Db::connect(&url).unwrap();
    let table = Table::create(&admin, "id integer PRIMARY KEY");
    admin
        .execute(&format!("INSERT INTO {} VALUES (1)", table.name), &[])
        .unwrap();
    admin
        .transaction(|tx| {
            tx.execute(
                &format!("SELECT id FROM {} WHERE id = $1 FOR UPDATE", table.name),
                &[Param::I32(1)],
            )?;
            let error = db
                .execute(
                    &format!("UPDATE {} SET id = 2 WHERE id = 1", table.name),
                    &[],
                )
                .unwrap_err();
            assert!(error.is_timeout(), "{error:?}");
            assert!(error.to_string().contains("lock timeout"), "{error}");
            Ok(())
        })
        .unwrap();
}
