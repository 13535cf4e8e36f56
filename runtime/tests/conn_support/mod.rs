//! The servers the connection tests use, each named by an environment
//! variable: the primary (`POOKIE_TEST_POSTGRES_URL`), its streaming replica
//! (`POOKIE_TEST_REPLICA_URL`) and PgBouncer in transaction mode in front of it
//! (`POOKIE_TEST_PGBOUNCER_URL`). `.ci/run` sets them all up. A test whose
//! server is not named is skipped with a notice on the terminal; in CI (`CI`
//! set) it fails instead.

#![allow(dead_code)]

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use pookie::Db;

pub const POSTGRES_URL_VAR: &str = "POOKIE_TEST_POSTGRES_URL";
pub const REPLICA_URL_VAR: &str = "POOKIE_TEST_REPLICA_URL";
pub const PGBOUNCER_URL_VAR: &str = "POOKIE_TEST_PGBOUNCER_URL";

/// The URL in `var`, or `None` with a notice (once per variable and test
/// binary) when it is unset; a panic in CI, where every test must run.
pub fn server_url(var: &'static str, what: &str, example: &str) -> Option<String> {
    if let Ok(url) = std::env::var(var) {
        return Some(url);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{var} is not set: CI must run the {what} tests (see .ci/run)");
    }
    static NOTICES: [Once; 3] = [Once::new(), Once::new(), Once::new()];
    let slot = match var {
        POSTGRES_URL_VAR => 0,
        REPLICA_URL_VAR => 1,
        _ => 2,
    };
    NOTICES[slot].call_once(|| {
        // Written to the terminal directly: the test harness captures eprintln!.
        let _ = writeln!(
            std::io::stderr(),
            "note: {what} tests skipped: {var} is not set (e.g. {var}={example}; .ci/run sets it up)"
        );
    });
    None
}

pub fn primary_url() -> Option<String> {
    server_url(
        POSTGRES_URL_VAR,
        "PostgreSQL",
        "postgresql://postgres@127.0.0.1:5432/test",
    )
}

pub fn replica_url() -> Option<String> {
    server_url(
        REPLICA_URL_VAR,
        "read-replica",
        "postgresql://postgres@127.0.0.1:5433/test",
    )
}

pub fn pgbouncer_url() -> Option<String> {
    server_url(
        PGBOUNCER_URL_VAR,
        "PgBouncer",
        "postgresql://postgres@127.0.0.1:6433/test?pgbouncer=true",
    )
}

/// `url` with `extra` (`key=value&…`) added to its query.
pub fn with_params(url: &str, extra: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{extra}")
}

/// A name no other test (of this or another process) uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A table of its own on the primary, dropped when the guard is.
pub struct Table {
    pub name: String,
    admin: Db,
}

impl Table {
    pub fn create(admin: &Db, columns: &str) -> Table {
        let name = unique_name("pookie_conn");
        admin
            .execute(&format!("CREATE TABLE {name} ({columns})"), &[])
            .unwrap_or_else(|error| panic!("cannot create {name}: {error}"));
        Table {
            name,
            admin: admin.clone(),
        }
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        let _ = self
            .admin
            .execute(&format!("DROP TABLE IF EXISTS {}", self.name), &[]);
    }
}

/// A TCP relay in front of a server, which a test can stop: then every
/// connection through it drops and new ones are refused, as when the server
/// behind it is stopped, without disturbing the server other tests share.
pub struct Relay {
    pub port: u16,
    stopped: std::sync::Arc<std::sync::atomic::AtomicBool>,
    sockets: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
    listener: Option<std::net::TcpListener>,
}

impl Relay {
    /// Relays a fresh local port to `target` (`host:port`).
    pub fn start(target: &str) -> Relay {
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::AtomicBool;
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stopped = Arc::new(AtomicBool::new(false));
        let sockets: Arc<Mutex<Vec<TcpStream>>> = Arc::new(Mutex::new(Vec::new()));
        let accepting = listener.try_clone().unwrap();
        let target = target.to_owned();
        let (stop_flag, open) = (Arc::clone(&stopped), Arc::clone(&sockets));
        std::thread::spawn(move || {
            for client in accepting.incoming() {
                let Ok(client) = client else { break };
                if stop_flag.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    break;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let mut list = open.lock().unwrap();
                list.push(client.try_clone().unwrap());
                list.push(server.try_clone().unwrap());
                drop(list);
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Relay {
            port,
            stopped,
            sockets,
            listener: Some(listener),
        }
    }

    /// Drops every relayed connection and refuses new ones.
    pub fn stop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        for socket in self.sockets.lock().unwrap().drain(..) {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
        // Wake the accepting thread so that it sees the flag and ends, then
        // close the port.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        self.listener.take();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if self.listener.is_some() {
            self.stop();
        }
    }
}

/// `url` with its `host:port` replaced by `127.0.0.1:port`.
pub fn through_port(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, rest) = match rest.split_once('@') {
        Some((user, rest)) => (format!("{user}@"), rest),
        None => (String::new(), rest),
    };
    let path = &rest[rest.find('/').unwrap_or(rest.len())..];
    format!("{scheme}://{user}127.0.0.1:{port}{path}")
}

/// The `host:port` of a URL.
pub fn address_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    let address = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    if address.contains(':') {
        address.to_owned()
    } else {
        format!("{address}:5432")
    }
}
