//! Scenario 7: iterate 1,000,000 rows one by one, next to loading them all,
//! and report the time and the peak memory each takes. Every measurement runs
//! in a child process of its own, on an SQLite file, so that one
//! implementation's allocations never count against another's.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::prelude::*;

use crate::harness::format_duration;
use crate::models::User;

/// Rows in the streamed table.
const ROWS: i64 = 1_000_000;

const IMPLEMENTATIONS: [&str; 3] = ["raw", "pookie", "diesel"];

/// Seeds the file once, then measures each implementation and mode in a child.
pub fn run() {
    let file = std::env::temp_dir().join(format!("pookie-bench-stream-{}.db", std::process::id()));
    seed(&file);
    println!("\nStreaming {ROWS} rows from an SQLite file: time, and peak memory growth (RSS)");
    println!(
        "{:<12}{:>14}{:>14}{:>14}{:>14}",
        "", "iterate", "peak", "load all", "peak"
    );
    for implementation in IMPLEMENTATIONS {
        let iterate = child(&file, implementation, "iterate");
        let load = child(&file, implementation, "load");
        println!(
            "{implementation:<12}{:>14}{:>14}{:>14}{:>14}",
            iterate
                .as_ref()
                .map_or("failed".into(), |m| format_duration(m.0)),
            iterate.as_ref().map_or("failed".into(), |m| mib(m.1)),
            load.as_ref()
                .map_or("failed".into(), |m| format_duration(m.0)),
            load.as_ref().map_or("failed".into(), |m| mib(m.1)),
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn seed(file: &Path) {
    let connection = rusqlite::Connection::open(file).expect("the benchmark file opens");
    let schema: Vec<&str> = <User as pookie::Model>::SQL[pookie::Dialect::Sqlite.index()]
        .create_table
        .to_vec();
    for statement in schema {
        connection
            .execute_batch(statement)
            .expect("the table is created");
    }
    connection
        .execute_batch(&format!(
            "DELETE FROM users; INSERT INTO users (name, hair_color) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
             SELECT 'User ' || i, CASE i % 2 WHEN 0 THEN 'black' ELSE NULL END FROM n;"
        ))
        .expect("the rows are inserted");
}

/// Runs `pookie-bench --streaming-child IMPLEMENTATION:MODE FILE` and reads
/// the `elapsed_ns peak_growth_bytes` line it prints.
fn child(file: &Path, implementation: &str, mode: &str) -> Option<(Duration, u64)> {
    let output = Command::new(std::env::current_exe().ok()?)
        .arg("--streaming-child")
        .arg(format!("{implementation}:{mode}"))
        .arg("--streaming-file")
        .arg(file)
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!(
            "{implementation} {mode}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut numbers = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    Some((Duration::from_nanos(numbers.next()??), numbers.next()??))
}

/// The resident set of this process and its peak, in bytes.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// In the child: runs one implementation's iteration or full load and prints
/// its time and how far the peak resident set rose above the starting point.
pub fn run_child(which: &str, file: &Path) {
    let (implementation, mode) = which.split_once(':').expect("IMPLEMENTATION:MODE");
    let url = format!("sqlite:///{}", file.display());
    // Everything is opened first, so that only the reading is measured.
    let pookie_db = pookie::Db::connect(&url).expect("pookie opens the file");
    let raw = rusqlite::Connection::open(file).expect("rusqlite opens the file");
    let mut diesel_connection =
        SqliteConnection::establish(&file.display().to_string()).expect("diesel opens the file");
    // Resets the peak to the current resident set (Linux 4.0 and later).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (before, _) = rss();
    let started = Instant::now();
    let count = match (implementation, mode) {
        ("raw", "iterate") => raw_rows(&raw, |_| {}),
        ("raw", "load") => {
            let mut all = Vec::new();
            raw_rows(&raw, |user| all.push(user));
            all.len()
        }
        ("pookie", "iterate") => {
            let mut count = 0;
            for user in User::objects()
                .iterator(&pookie_db)
                .expect("the query starts")
            {
                std::hint::black_box(user.expect("a row"));
                count += 1;
            }
            count
        }
        ("pookie", "load") => User::objects()
            .all(&pookie_db)
            .expect("the rows load")
            .len(),
        ("diesel", "iterate") => {
            let rows = diesel_users::table
                .select(DieselUser::as_select())
                .load_iter::<DieselUser, diesel::connection::DefaultLoadingMode>(
                    &mut diesel_connection,
                )
                .expect("the query starts");
            rows.fold(0, |count, user| {
                std::hint::black_box(user.expect("a row"));
                count + 1
            })
        }
        ("diesel", "load") => diesel_users::table
            .select(DieselUser::as_select())
            .load::<DieselUser>(&mut diesel_connection)
            .expect("the rows load")
            .len(),
        other => panic!("unknown measurement {other:?}"),
    };
    let elapsed = started.elapsed();
    let (_, peak) = rss();
    assert_eq!(count as i64, ROWS, "every row was read");
    println!("{} {}", elapsed.as_nanos(), peak.saturating_sub(before));
}

#[allow(dead_code)]
struct RawUser {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

fn raw_rows(connection: &rusqlite::Connection, mut each: impl FnMut(RawUser)) -> usize {
    let mut statement = connection
        .prepare("SELECT id, name, hair_color FROM users")
        .expect("prepare");
    let mut rows = statement.raw_query();
    let mut count = 0;
    while let Some(row) = rows.next().expect("a row") {
        each(std::hint::black_box(RawUser {
            id: row.get(0).expect("id"),
            name: row.get(1).expect("name"),
            hair_color: row.get(2).expect("hair_color"),
        }));
        count += 1;
    }
    count
}

diesel::table! {
    #[sql_name = "users"]
    diesel_users (id) {
        id -> Integer,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = diesel_users)]
#[allow(dead_code)]
struct DieselUser {
    id: i32,
    name: String,
    hair_color: Option<String>,
}
