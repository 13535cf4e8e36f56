//! The async mode (`--async`): Pookie's `AsyncDb` against hand-written
//! async driver code, on a multi-thread tokio runtime with two workers.
//!
//! Each timed call runs one batch of awaits inside a spawned task — as a
//! request handler runs — and waits for it with `block_on`; both sides run
//! the same batches, interleaved over the rounds by the harness, and the
//! median is kept. The single-operation scenarios report the time of one
//! await (the batch's time divided by its size); the concurrency scenario
//! reports the time of the whole burst.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pookie::Dialect;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;

use crate::contenders::{AsyncRawContender, NewUserData, PookieAsyncContender, Target};
use crate::harness::{compare, format_duration};
use crate::scenarios::{new_users, schema_script, seed_script};

/// Worker threads of the runtime.
const WORKERS: usize = 2;
/// Connections in each side's pool.
const POOL_SIZE: usize = 10;
/// Awaits in one timed call of a single-operation scenario.
const BATCH: u32 = 100;
/// Rows in `users` for the reads.
const USERS: usize = 10_000;
/// Tasks started at once in the concurrency scenario.
const TASKS: usize = 64;
/// Gets by primary key each of those tasks awaits, one after the other.
const GETS_PER_TASK: usize = 100;

/// One side of the comparison; cheap to clone into a task.
#[derive(Clone)]
enum Side {
    Raw(AsyncRawContender),
    Pookie(PookieAsyncContender),
    /// Pookie again, reading by key with `adb.run(|db| User::get(db, id))`:
    /// a diagnostic column for the reads by key, where the model's own
    /// `get` skips building a query set.
    PookieRun(PookieAsyncContender),
}

impl Side {
    async fn user_by_id(&self, id: i32) -> usize {
        match self {
            Side::Raw(raw) => raw.user_by_id(id).await,
            Side::Pookie(pookie) => pookie.user_by_id(id).await,
            Side::PookieRun(pookie) => pookie.user_by_id_run(id).await,
        }
    }

    async fn ten_users(&self, hair_color: &'static str) -> usize {
        match self {
            Side::Raw(raw) => raw.ten_users(hair_color).await,
            Side::Pookie(pookie) | Side::PookieRun(pookie) => pookie.ten_users(hair_color).await,
        }
    }

    async fn insert_user(&self, user: &NewUserData) -> i32 {
        match self {
            Side::Raw(raw) => raw.insert_user(user).await,
            Side::Pookie(pookie) | Side::PookieRun(pookie) => pookie.insert_user(user).await,
        }
    }
}

/// A synchronous connection to one side's tables, for the untimed resets.
enum Admin {
    Postgres(Box<postgres::Client>),
    Sqlite(rusqlite::Connection),
}

impl Admin {
    fn run_script(&mut self, sql: &str) {
        match self {
            Admin::Postgres(client) => client.batch_execute(sql).unwrap(),
            Admin::Sqlite(connection) => connection.execute_batch(sql).unwrap(),
        }
    }
}

struct Bench {
    runtime: Runtime,
    sides: Vec<Side>,
    admins: Vec<Admin>,
    dialect: Dialect,
}

impl Bench {
    /// The three sides: hand-written, Pookie, and Pookie through `run`.
    fn new(
        runtime: Runtime,
        raw: AsyncRawContender,
        pookie: PookieAsyncContender,
        admins: Vec<Admin>,
        dialect: Dialect,
    ) -> Self {
        Bench {
            runtime,
            sides: vec![
                Side::Raw(raw),
                Side::Pookie(pookie.clone()),
                Side::PookieRun(pookie),
            ],
            admins,
            dialect,
        }
    }
}

impl Bench {
    /// Drops and recreates the tables of every side, with `users` users
    /// (and, on PostgreSQL, their statistics, so that no plan depends on
    /// when autovacuum gets to the new table).
    fn reset(&mut self, users: usize) {
        let analyze = match self.dialect {
            Dialect::Postgres => "ANALYZE users;\n",
            _ => "",
        };
        let script = format!(
            "{}{}{analyze}",
            schema_script(self.dialect),
            seed_script(users, false)
        );
        for admin in &mut self.admins {
            admin.run_script(&script);
        }
    }

    /// Runs `work` as a task on the runtime, as a request handler runs, and waits for it.
    fn run_task<F: Future<Output = ()> + Send + 'static>(&self, work: F) {
        self.runtime
            .block_on(self.runtime.spawn(work))
            .expect("the timed task finishes");
    }
}

const NAMES: [&str; 3] = ["hand-written", "pookie", "pookie run(get)"];

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
}

/// Runs the async scenarios on SQLite (a temporary file, so that both
/// sides have a pool of several connections) and, given a URL, on PostgreSQL.
pub fn run(postgres: Option<&str>, sqlite: bool, rounds: usize, only: Option<&str>) {
    println!(
        "\nAsync mode: multi-thread tokio runtime, {WORKERS} workers; pools of {POOL_SIZE} connections"
    );
    if sqlite {
        let files: Vec<PathBuf> = ["raw", "pookie"]
            .iter()
            .map(|name| {
                std::env::temp_dir().join(format!(
                    "pookie-bench-async-{}-{name}.db",
                    std::process::id()
                ))
            })
            .collect();
        let runtime = runtime();
        // The tables exist before either pool opens.
        let mut admins: Vec<Admin> = files
            .iter()
            .map(|file| {
                let connection = rusqlite::Connection::open(file).unwrap();
                connection
                    .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
                    .unwrap();
                Admin::Sqlite(connection)
            })
            .collect();
        let script = format!(
            "{}{}",
            schema_script(Dialect::Sqlite),
            seed_script(USERS, false)
        );
        for admin in &mut admins {
            admin.run_script(&script);
        }
        let raw = AsyncRawContender::sqlite(&files[0], POOL_SIZE as u32);
        let pookie_url = format!("sqlite:///{}?pool_max_size={POOL_SIZE}", files[1].display());
        let pookie = runtime.block_on(PookieAsyncContender::connect(&pookie_url));
        let mut bench = Bench::new(runtime, raw, pookie, admins, Dialect::Sqlite);
        run_scenarios("SQLite (temporary file)", &mut bench, rounds, only);
        drop(bench);
        for file in &files {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
    if let Some(url) = postgres {
        let runtime = runtime();
        let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let urls: Vec<String> = ["raw", "pookie"]
            .iter()
            .map(|name| {
                let schema = format!("pookie_bench_async_{name}");
                admin
                    .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                    .unwrap();
                Target::postgres_url(url, &schema)
            })
            .collect();
        let admins = urls
            .iter()
            .map(|url| {
                Admin::Postgres(Box::new(
                    postgres::Client::connect(url, postgres::NoTls).unwrap(),
                ))
            })
            .collect();
        let raw = AsyncRawContender::postgres(&urls[0], POOL_SIZE);
        let pookie_url = format!("{}&pool_max_size={POOL_SIZE}", urls[1]);
        let pookie = runtime.block_on(PookieAsyncContender::connect(&pookie_url));
        let mut bench = Bench::new(runtime, raw, pookie, admins, Dialect::Postgres);
        run_scenarios("PostgreSQL (local server)", &mut bench, rounds, only);
        drop(bench);
        // Leave nothing behind on the server.
        for name in ["raw", "pookie"] {
            let _ = admin.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS pookie_bench_async_{name} CASCADE"
            ));
        }
    }
    if only.is_none_or(|only| "blocking-thread hop".contains(only)) {
        measure_hop(rounds);
    }
}

/// The key of the `n`th read, cycling over the seeded users.
fn user_id(n: usize) -> i32 {
    (n % USERS) as i32 + 1
}

fn run_scenarios(title: &str, bench: &mut Bench, rounds: usize, only: Option<&str>) {
    let wanted = |name: &str| only.is_none_or(|only| name.contains(only));
    // POOKIE_BENCH_IMPLEMENTATION=pookie runs one implementation alone (for profiling).
    let alone = std::env::var("POOKIE_BENCH_IMPLEMENTATION").ok();
    let chosen = |i: usize| alone.as_deref().is_none_or(|name| name == NAMES[i]);
    let all = [chosen(0), chosen(1), false];
    // The diagnostic column takes part in the reads by key only.
    let by_key = [chosen(0), chosen(1), chosen(2)];
    let mut rows: Vec<(String, Vec<Option<Duration>>)> = Vec::new();
    let per_await = |times: Vec<Option<Duration>>| -> Vec<Option<Duration>> {
        times.into_iter().map(|t| t.map(|t| t / BATCH)).collect()
    };

    let name = format!("get by primary key, {USERS} rows");
    if wanted(&name) {
        bench.reset(USERS);
        let mut next = [0usize; 3];
        let times = compare(
            bench,
            &by_key,
            rounds,
            |bench, i| {
                let side = bench.sides[i].clone();
                let start = next[i];
                next[i] += BATCH as usize;
                bench.run_task(async move {
                    for n in start..start + BATCH as usize {
                        assert!(side.user_by_id(user_id(n)).await > 0);
                    }
                });
            },
            |_, _| {},
        );
        rows.push((name, per_await(times)));
    }

    let name = format!("filter + limit(10), {USERS} rows");
    if wanted(&name) {
        bench.reset(USERS);
        let times = compare(
            bench,
            &all,
            rounds,
            |bench, i| {
                let side = bench.sides[i].clone();
                bench.run_task(async move {
                    for _ in 0..BATCH {
                        assert_eq!(side.ten_users("black").await, 10);
                    }
                });
            },
            |_, _| {},
        );
        rows.push((name, per_await(times)));
    }

    let name = "insert one row".to_owned();
    if wanted(&name) {
        bench.reset(0);
        let users: Arc<Vec<NewUserData>> = Arc::new(new_users(BATCH as usize));
        let times = compare(
            bench,
            &all,
            rounds,
            |bench, i| {
                let side = bench.sides[i].clone();
                let users = Arc::clone(&users);
                bench.run_task(async move {
                    for user in users.iter() {
                        assert!(side.insert_user(user).await > 0);
                    }
                });
            },
            |bench, i| bench.admins[i].run_script("DELETE FROM users"),
        );
        rows.push((name, per_await(times)));
    }

    let name =
        format!("concurrency: {TASKS} tasks x {GETS_PER_TASK} gets, pool of {POOL_SIZE} (total)");
    if wanted(&name) {
        bench.reset(USERS);
        let times = compare(
            bench,
            &by_key,
            rounds,
            |bench, i| {
                let side = bench.sides[i].clone();
                bench.run_task(async move {
                    let tasks: Vec<_> = (0..TASKS)
                        .map(|task| {
                            let side = side.clone();
                            tokio::spawn(async move {
                                for k in 0..GETS_PER_TASK {
                                    let n = task * GETS_PER_TASK + k;
                                    assert!(side.user_by_id(user_id(n)).await > 0);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.expect("a reading task finishes");
                    }
                });
            },
            |_, _| {},
        );
        rows.push((name, times));
    }

    print_table(title, &rows);
}

fn ratio(pookie: Option<Duration>, raw: Option<Duration>) -> String {
    match (pookie, raw) {
        (Some(a), Some(b)) => format!("{:.3}", a.as_secs_f64() / b.as_secs_f64()),
        _ => "n/a".to_owned(),
    }
}

fn print_table(title: &str, rows: &[(String, Vec<Option<Duration>>)]) {
    println!(
        "\n{title}: median time per await (concurrency: per burst), implementations interleaved"
    );
    print!("{:<60}", "scenario");
    for name in NAMES {
        print!("{name:>16}");
    }
    println!("{:>14}{:>12}", "pookie/hand", "run/hand");
    for (scenario, times) in rows {
        print!("{scenario:<60}");
        for time in times {
            print!(
                "{:>16}",
                time.map_or_else(|| "n/a".to_owned(), format_duration)
            );
        }
        println!(
            "{:>14}{:>12}",
            ratio(times[1], times[0]),
            ratio(times[2], times[0])
        );
        if scenario.starts_with("concurrency") {
            let gets = (TASKS * GETS_PER_TASK) as f64;
            print!("{:<60}", "  the same, in gets per second");
            for time in times {
                print!(
                    "{:>16}",
                    time.map_or_else(
                        || "n/a".to_owned(),
                        |t| format!("{:.0}/s", gets / t.as_secs_f64())
                    )
                );
            }
            println!();
        }
    }
}

/// The cost of the hop every `AsyncDb` operation makes and hand-written
/// tokio-postgres code does not: from the task to a blocking thread and back
/// (`spawn_blocking` of an empty closure), alone and with the wait for a
/// pool slot that `AsyncDb` makes first (a semaphore permit under a timeout).
fn measure_hop(rounds: usize) {
    let runtime = runtime();
    let semaphore = Arc::new(Semaphore::new(POOL_SIZE));
    let mut state = (runtime, semaphore);
    let times = compare(
        &mut state,
        &[true, true],
        rounds,
        |(runtime, semaphore), i| {
            let semaphore = Arc::clone(semaphore);
            let work = async move {
                for _ in 0..BATCH {
                    if i == 0 {
                        tokio::task::spawn_blocking(|| std::hint::black_box(0))
                            .await
                            .unwrap();
                    } else {
                        let acquire = Arc::clone(&semaphore).acquire_owned();
                        let permit = tokio::time::timeout(Duration::from_secs(10), acquire)
                            .await
                            .unwrap()
                            .unwrap();
                        tokio::task::spawn_blocking(move || {
                            let _permit = permit;
                            std::hint::black_box(0)
                        })
                        .await
                        .unwrap();
                    }
                }
            };
            runtime.block_on(runtime.spawn(work)).unwrap();
        },
        |_, _| {},
    );
    println!("\nThe blocking-thread hop, awaited from a task: median time per await");
    for (name, time) in [
        "empty spawn_blocking round trip",
        "pool slot (semaphore) + empty spawn_blocking",
    ]
    .iter()
    .zip(times)
    {
        println!(
            "{name:<60}{:>14}",
            time.map_or_else(|| "n/a".to_owned(), |t| format_duration(t / BATCH))
        );
    }
}
