//! The example JSON service (`examples/blog_service.rs`): started on the
//! loopback interface over SQLite and PostgreSQL, and sent real HTTP requests.

#[allow(unused_macros)]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pookie::serde_json::{json, Value};
use pookie::AsyncDb;

#[allow(dead_code)]
#[path = "../examples/blog_service.rs"]
pub mod service;

/// One HTTP/1.1 request on a fresh connection; the status and the JSON body.
fn request(address: SocketAddr, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(address).expect("the service accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a read timeout");
    let body = body.map(|body| body.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("the request is sent");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("the answer is read");
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("an HTTP answer: {answer:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head:?}"));
    let json = if body.is_empty() {
        Value::Null
    } else {
        pookie::serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body:?}"))
    };
    (status, json)
}

/// What every backend's service must answer, in order.
fn exercise(address: SocketAddr) {
    let (status, grace) = request(
        address,
        "POST",
        "/authors",
        Some(json!({"name": "Grace", "email": "grace@blog.ug"})),
    );
    assert_eq!(status, 201, "{grace}");
    let (status, duplicate) = request(
        address,
        "POST",
        "/authors",
        Some(json!({"name": "Grace again", "email": "grace@blog.ug"})),
    );
    // Checked before the INSERT (PookieDB's validate_unique): 422, naming the field.
    assert_eq!(status, 422, "{duplicate}");
    assert!(
        duplicate["error"]
            .as_str()
            .is_some_and(|e| e.contains("Email already exists")),
        "{duplicate}"
    );
    let (status, invalid) = request(
        address,
        "POST",
        "/authors",
        Some(json!({"name": "Bob", "email": "not an address"})),
    );
    assert_eq!(status, 422, "{invalid}");

    for (slug, tags) in [
        ("intro", json!(["rust", "orm"])),
        ("typed", json!(["rust"])),
    ] {
        let (status, post) = request(
            address,
            "POST",
            "/posts",
            Some(json!({
                "author_id": grace["id"], "title": format!("Post {slug}"),
                "slug": slug, "body": "text", "tags": tags,
            })),
        );
        assert_eq!(status, 201, "{post}");
        assert_eq!(post["author"], "Grace");
    }
    // A post of an author that does not exist: nothing of it is kept.
    let (status, missing) = request(
        address,
        "POST",
        "/posts",
        Some(json!({"author_id": 999, "title": "x", "slug": "x", "body": "x", "tags": ["ghost"]})),
    );
    assert_eq!(status, 404, "{missing}");

    let (status, posts) = request(address, "GET", "/posts", None);
    assert_eq!((status, posts), (200, json!([])), "drafts are not listed");
    for slug in ["intro", "typed"] {
        let (status, _) = request(address, "POST", &format!("/posts/{slug}/publish"), None);
        assert_eq!(status, 200);
    }
    for _ in 0..3 {
        let (status, post) = request(address, "GET", "/posts/intro", None);
        assert_eq!(status, 200, "{post}");
    }
    let (status, posts) = request(address, "GET", "/posts?tag=orm", None);
    assert_eq!(status, 200);
    assert_eq!(
        posts,
        json!([{"slug": "intro", "title": "Post intro", "body": "text", "author": "Grace",
                "published": true, "views": 3, "tags": ["orm", "rust"]}])
    );
    let (_, posts) = request(address, "GET", "/posts", None);
    let slugs: Vec<&str> = posts
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["slug"].as_str().expect("a slug"))
        .collect();
    assert_eq!(slugs, ["intro", "typed"]);

    let (status, _) = request(address, "DELETE", "/posts/typed", None);
    assert_eq!(status, 204);
    let (status, gone) = request(address, "GET", "/posts/typed", None);
    assert_eq!(status, 404, "{gone}");
    let (status, authors) = request(address, "GET", "/authors", None);
    assert_eq!(status, 200);
    assert_eq!(authors[0]["posts"], 1, "{authors}");
    assert!(
        request(address, "GET", "/tags", None).0 == 404,
        "unknown routes are 404"
    );
}

/// Serves the example's routes in this process over `adb` (its migrations
/// applied) on a free loopback port, then runs [`exercise`].
fn serve_and_exercise(adb: AsyncDb) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let address = runtime.block_on(async {
        adb.migrate(service::migrations())
            .await
            .expect("the blog's migrations apply");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let app = service::app(adb, Duration::from_secs(30));
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    });
    exercise(address);
}

#[test]
fn the_service_on_sqlite() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!(
        "sqlite:///{}",
        folder.path().join("service.sqlite3").display()
    );
    serve_and_exercise(AsyncDb::from_db(pookie::Db::connect(&url).expect("opens")));
}

#[test]
fn the_service_on_postgres() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    serve_and_exercise(AsyncDb::from_db(test_db.db.clone()));
}

/// The example program itself, as `cargo run --example blog_service` runs
/// it: built by `cargo test` next to the test binaries.
#[test]
fn the_example_program_serves_on_the_address_it_prints() {
    let deps = std::env::current_exe().expect("the test binary's path");
    let program = deps
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples").join("blog_service"))
        .expect("the target folder");
    if !program.exists() {
        assert!(
            !support::in_ci(),
            "{} is missing: `cargo test` builds the examples",
            program.display()
        );
        static NOTICE: std::sync::Once = std::sync::Once::new();
        support::skipped(
            &NOTICE,
            "the example program test skipped: the examples are not built (run `cargo test` without a target filter)",
        );
        return;
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut child = KillOnDrop(
        Command::new(&program)
            .current_dir(folder.path())
            .env("LISTEN", "127.0.0.1:0")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the example starts"),
    );
    let stdout = child.0.stdout.take().expect("its output");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the first line");
    let address: SocketAddr = first
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("a `listening on` line, not {first:?}"));
    exercise(address);
    assert!(folder.path().join("blog_service.sqlite3").exists());
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
