//! TLS against the local PostgreSQL server, which has TLS on with a
//! self-signed certificate (`SHOW ssl`, `ssl_cert_file`): `require`,
//! `verify-ca` against that certificate, a `verify-full` host-name mismatch,
//! an untrusted certificate, and a server without TLS under `require`.

mod conn_support;

use conn_support::{pgbouncer_url, primary_url, with_params};
use pookie::{ConnectOptions, Db, SslMode, Value};

/// The primary's URL and the file of its certificate, or `None` (skipped)
/// when no server is configured. In CI a server without TLS fails.
fn server() -> Option<(String, String)> {
    let url = primary_url()?;
    let db = Db::connect(&with_params(&url, "sslmode=disable")).expect("the test server");
    let setting = |name: &str| {
        db.fetch_one(&format!("SHOW {name}"), &[])
            .unwrap()
            .and_then(|row| row.value(name).and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default()
    };
    assert_eq!(
        setting("ssl"),
        "on",
        "the test server must have TLS on (.ci/run switches it on)"
    );
    Some((url, setting("ssl_cert_file")))
}

/// Whether the session of `db` runs over TLS, from the server's own view.
fn uses_tls(db: &Db) -> bool {
    db.fetch_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        &[],
    )
    .unwrap()
    .and_then(|row| row.value("ssl").and_then(Value::as_bool))
    .unwrap()
}

#[test]
fn require_encrypts_without_checking_the_certificate() {
    let Some((url, _)) = server() else { return };
    let db = Db::connect(&with_params(&url, "sslmode=require")).unwrap();
    assert!(uses_tls(&db));
    assert!(!uses_tls(
        &Db::connect(&with_params(&url, "sslmode=disable")).unwrap()
    ));
    // prefer is the default, as libpq's: TLS when the server offers it.
    assert!(uses_tls(&Db::connect(&url).unwrap()));
}

#[test]
fn verify_ca_trusts_the_given_root_certificate() {
    let Some((url, cert)) = server() else { return };
    let db = Db::connect(&with_params(
        &url,
        &format!("sslmode=verify-ca&sslrootcert={cert}"),
    ))
    .unwrap();
    assert!(uses_tls(&db));
    // require with a root certificate verifies too, as libpq.
    let db = Db::connect(&with_params(
        &url,
        &format!("sslmode=require&sslrootcert={cert}"),
    ))
    .unwrap();
    assert!(uses_tls(&db));
    // The keyword form of ConnectOptions does the same.
    let db = Db::connect_with(
        ConnectOptions::from_url(&url)
            .unwrap()
            .ssl_mode(SslMode::VerifyCa)
            .ssl_root_cert(&cert),
    )
    .unwrap();
    assert!(uses_tls(&db));
}

#[test]
fn verify_full_refuses_a_certificate_for_another_host() {
    let Some((url, cert)) = server() else { return };
    // The certificate names the machine (or localhost), never the address.
    let url = url.replace("localhost", "127.0.0.1");
    let error = Db::connect(&with_params(
        &url,
        &format!("sslmode=verify-full&sslrootcert={cert}"),
    ))
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("does not name the host"),
        "the error must name the host-name mismatch: {message}"
    );
}

#[test]
fn an_untrusted_certificate_is_named() {
    let Some((url, _)) = server() else { return };
    // The public authorities did not sign the self-signed certificate.
    let error = Db::connect(&with_params(&url, "sslmode=verify-ca")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("not trusted"), "{message}");
    assert!(message.contains("sslrootcert"), "{message}");
}

#[test]
fn missing_certificate_files_are_named() {
    let Some((url, _)) = server() else { return };
    let error = Db::connect(&with_params(
        &url,
        "sslmode=verify-full&sslrootcert=/nonexistent/root.crt",
    ))
    .unwrap_err();
    assert!(
        error.to_string().contains("/nonexistent/root.crt"),
        "{error}"
    );
    let error = Db::connect(&with_params(&url, "sslmode=require&sslcert=/tmp/a.crt")).unwrap_err();
    assert!(error.to_string().contains("sslkey"), "{error}");
}

#[test]
fn require_fails_clearly_on_a_server_without_tls() {
    // PgBouncer is set up without TLS.
    let Some(url) = pgbouncer_url() else { return };
    let error = Db::connect(&with_params(&url, "sslmode=require")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("does not offer TLS"), "{message}");
}
