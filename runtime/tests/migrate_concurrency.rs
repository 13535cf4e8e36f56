//! Several runners started at once on one database apply each migration
//! exactly once.

mod migrate_support;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use migrate_support::*;
use pookie::migrate::{Event, MigrateOptions, Migration, Migrations};
use pookie::Db;

const RUNNERS: usize = 4;
const MIGRATIONS: usize = 6;

/// Widens the window in which the runners overlap.
fn pause(_db: &Db) -> pookie::Result<()> {
    std::thread::sleep(Duration::from_millis(30));
    Ok(())
}

fn migrations() -> Migrations {
    let mut list: Vec<Migration> = vec![migration(
        "0001_log",
        vec![sql("CREATE TABLE applied_log (name TEXT NOT NULL)")],
        Some(vec![sql("DROP TABLE applied_log")]),
    )];
    for n in 2..=MIGRATIONS {
        let name = format!("{n:04}_step");
        list.push(migration(
            &name,
            vec![
                sql(&format!("CREATE TABLE t{n} (id INTEGER)")),
                rust("pause"),
                sql(&format!("INSERT INTO applied_log (name) VALUES ('{name}')")),
            ],
            Some(vec![sql(&format!("DROP TABLE t{n}"))]),
        ));
    }
    Migrations::new(list).function("pause", pause)
}

fn race(test: &TestDb) {
    let barrier = Arc::new(Barrier::new(RUNNERS));
    let runners: Vec<_> = (0..RUNNERS)
        .map(|_| {
            let url = test.url().to_owned();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let db = Db::connect(&url)?;
                let mut skipped = 0;
                let done = pookie::migrate::migrate_with(
                    &db,
                    &migrations(),
                    &MigrateOptions::default(),
                    &mut |event| {
                        if let Event::AlreadyDone(_) = event {
                            skipped += 1;
                        }
                    },
                )?;
                eprintln!(
                    "runner: applied {}, found {skipped} done by another",
                    done.len()
                );
                Ok::<_, pookie::Error>(done.into_iter().map(|(name, _)| name).collect::<Vec<_>>())
            })
        })
        .collect();
    let mut applied: Vec<String> = Vec::new();
    for runner in runners {
        match runner.join().expect("a runner panicked") {
            Ok(names) => applied.extend(names),
            Err(error) => panic!("a runner failed: {error}"),
        }
    }
    applied.sort();
    let expected: Vec<String> = migrations()
        .list
        .iter()
        .map(|m| m.name.to_string())
        .collect();
    assert_eq!(
        applied, expected,
        "each migration applied by exactly one runner"
    );
    let db = &test.db;
    assert_eq!(history(db), expected);
    assert_eq!(rows(db, "applied_log"), (MIGRATIONS - 1) as i64);
    let distinct = db
        .fetch_one("SELECT COUNT(DISTINCT name) AS n FROM applied_log", &[])
        .unwrap()
        .unwrap();
    assert_eq!(
        distinct.value("n").and_then(pookie::Value::as_i64),
        Some((MIGRATIONS - 1) as i64)
    );
}

#[test]
fn four_runners_on_one_sqlite_file() {
    race(&sqlite());
}

#[test]
fn four_runners_on_one_postgres_schema() {
    if let Some(test) = postgres() {
        race(&test);
    }
}

/// Runners that computed their plans while another connection held the write
/// lock: each re-reads the history inside its transaction, so every pending
/// migration is applied by one of them and found done by the others.
#[test]
fn sqlite_runners_recheck_inside_the_transaction() {
    let test = sqlite();
    let first = Migrations::new(migrations().list[..1].to_vec());
    pookie::migrate(&test.db, &first).unwrap();
    let pending = MIGRATIONS - 1;
    let blocker = test.connect_again();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let barrier = Arc::new(Barrier::new(RUNNERS + 1));
    let holder = {
        let barrier = Arc::clone(&barrier);
        std::thread::spawn(move || {
            blocker
                .transaction(|tx| {
                    tx.execute("INSERT INTO applied_log (name) VALUES ('blocker')", &[])?;
                    locked_tx.send(()).unwrap();
                    barrier.wait();
                    std::thread::sleep(Duration::from_millis(400));
                    tx.execute("DELETE FROM applied_log WHERE name = 'blocker'", &[])?;
                    Ok(())
                })
                .unwrap();
        })
    };
    locked_rx.recv().unwrap();
    let runners: Vec<_> = (0..RUNNERS)
        .map(|_| {
            let url = test.url().to_owned();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let db = Db::connect(&url).unwrap();
                barrier.wait();
                let mut skipped = 0;
                let done = pookie::migrate::migrate_with(
                    &db,
                    &migrations(),
                    &MigrateOptions::default(),
                    &mut |event| {
                        if let Event::AlreadyDone(_) = event {
                            skipped += 1;
                        }
                    },
                )
                .unwrap();
                (done.len(), skipped)
            })
        })
        .collect();
    let outcomes: Vec<(usize, usize)> = runners.into_iter().map(|r| r.join().unwrap()).collect();
    holder.join().unwrap();
    let applied: usize = outcomes.iter().map(|(done, _)| done).sum();
    let skipped: usize = outcomes.iter().map(|(_, skipped)| skipped).sum();
    assert_eq!(applied, pending, "{outcomes:?}");
    assert_eq!(skipped, (RUNNERS - 1) * pending, "{outcomes:?}");
    assert_eq!(rows(&test.db, "applied_log"), pending as i64);
    assert_eq!(history(&test.db).len(), MIGRATIONS);
}
