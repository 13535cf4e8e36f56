//! Read routing on a real streaming replica (`POOKIE_TEST_REPLICA_URL`, a
//! `pg_basebackup -R` copy of the primary that `.ci/run` sets up): which
//! server a statement ran on is read from `pg_is_in_recovery()` on the
//! connection it used.

mod conn_support;

use std::time::Duration;

use conn_support::{address_of, primary_url, replica_url, through_port, with_params, Relay};
use pookie::{Db, ReplicaPolicy, Value};

fn servers() -> Option<(String, String)> {
    let primary = primary_url()?;
    let replica = replica_url()?;
    Some((primary, replica))
}

/// True when the statement ran on a replica.
fn on_replica(db: &Db) -> bool {
    db.fetch_one("SELECT pg_is_in_recovery() AS standby", &[])
        .unwrap()
        .unwrap()
        .value("standby")
        .and_then(Value::as_bool)
        .unwrap()
}

#[test]
fn the_replica_is_a_real_streaming_replica() {
    let Some((_, replica)) = servers() else {
        return;
    };
    let db = Db::connect(&replica).unwrap();
    assert!(on_replica(&db), "{replica} must be in recovery (a standby)");
}

#[test]
fn reads_go_to_the_replica_and_writes_to_the_primary() {
    let Some((primary, replica)) = servers() else {
        return;
    };
    let db = Db::builder()
        .database("default", &primary)
        .replica("default", &replica)
        .connect()
        .unwrap();
    assert!(on_replica(&db), "a read goes to the replica");
    // A write: the server that ran it records where it ran.
    let table = conn_support::Table::create(&Db::connect(&primary).unwrap(), "standby boolean");
    db.execute(
        &format!("INSERT INTO {} SELECT pg_is_in_recovery()", table.name),
        &[],
    )
    .unwrap();
    let row = Db::connect(&primary)
        .unwrap()
        .fetch_one(
            &format!("SELECT bool_or(standby) AS any FROM {}", table.name),
            &[],
        )
        .unwrap()
        .unwrap();
    assert_eq!(row.value("any").and_then(Value::as_bool), Some(false));
    // A read that locks rows, and reads inside a transaction, stay on the primary.
    assert!(!db
        .fetch_one(
            "SELECT pg_is_in_recovery() AS standby FROM (SELECT 1) AS one FOR UPDATE",
            &[]
        )
        .unwrap()
        .unwrap()
        .value("standby")
        .and_then(Value::as_bool)
        .unwrap());
    db.transaction(|tx| {
        assert!(
            !on_replica(tx),
            "a read inside a transaction goes to the primary"
        );
        Ok(())
    })
    .unwrap();
    // Db::primary forces the primary; the handle it came from still reads the replica.
    assert!(!on_replica(&db.primary()));
    assert!(on_replica(&db));
    // .using() still forces a choice: the replica registered as a database of its own.
    let both = Db::builder()
        .database("default", &primary)
        .database("reporting", &replica)
        .connect()
        .unwrap();
    assert!(on_replica(&both.using("reporting").unwrap()));
    assert!(!on_replica(&both));
}

#[test]
fn read_your_writes_keeps_reads_on_the_primary_after_a_write() {
    let Some((primary, replica)) = servers() else {
        return;
    };
    let db = Db::builder()
        .database("default", &primary)
        .replica("default", &replica)
        .read_your_writes("default", Duration::from_millis(600))
        .connect()
        .unwrap();
    assert!(on_replica(&db));
    db.execute("SELECT 1 WHERE false", &[]).unwrap();
    assert!(
        !on_replica(&db),
        "just after a write, reads stay on the primary"
    );
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        on_replica(&db),
        "after the window, reads go back to the replica"
    );
}

#[test]
fn a_policy_chooses_the_replica() {
    let Some((primary, replica)) = servers() else {
        return;
    };
    let named = |name: &str| with_params(&replica, &format!("application_name={name}"));
    let app = |db: &Db| {
        db.fetch_one("SELECT current_setting('application_name') AS app", &[])
            .unwrap()
            .unwrap()
            .value("app")
            .and_then(Value::as_str)
            .unwrap()
            .to_owned()
    };
    let round_robin = Db::builder()
        .database("default", &primary)
        .replica("default", &named("first"))
        .replica("default", &named("second"))
        .connect()
        .unwrap();
    let seen: Vec<String> = (0..4).map(|_| app(&round_robin)).collect();
    assert!(
        seen.contains(&"first".into()) && seen.contains(&"second".into()),
        "{seen:?}"
    );
    let custom = Db::builder()
        .database("default", &primary)
        .replica("default", &named("first"))
        .replica("default", &named("second"))
        .replica_policy(
            "default",
            ReplicaPolicy::Custom(std::sync::Arc::new(|count, _| count - 1)),
        )
        .connect()
        .unwrap();
    for _ in 0..4 {
        assert_eq!(app(&custom), "second");
    }
}

#[test]
fn a_stopped_replica_is_skipped_and_the_primary_serves_the_read() {
    let Some((primary, replica)) = servers() else {
        return;
    };
    let mut relay = Relay::start(&address_of(&replica));
    let db = Db::builder()
        .database("default", &primary)
        .replica("default", &through_port(&replica, relay.port))
        .connect()
        .unwrap();
    assert!(on_replica(&db));
    relay.stop();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !on_replica(&db),
        "with the replica gone, the primary serves the read"
    );
    assert!(!on_replica(&db));
    // A replica that is down when the program starts is no error either.
    let db = Db::builder()
        .database("default", &primary)
        .replica("default", &through_port(&replica, relay.port))
        .connect()
        .unwrap();
    assert!(!on_replica(&db));
}
