//! Pookie's benchmark suite: each scenario of Diesel's own benchmark suite,
//! run by hand-written driver code, by Pookie and by Diesel in the same
//! process, interleaved over several rounds; medians and ratios are printed.
//!
//! ```text
//! cd bench && cargo run --release                      # SQLite in memory
//! cd bench && cargo run --release -- --postgres postgresql://postgres@127.0.0.1:5432/test
//! cd bench && cargo run --release -- --build-side     # code generation and compile times
//! cd bench && cargo run --release -- --streaming      # 1,000,000 rows: iterate vs load all
//! cd bench && cargo run --release -- --async --postgres postgresql://postgres@127.0.0.1:5432/test
//! ```

mod async_scenarios;
mod build_side;
mod contenders;
mod harness;
mod scenarios;
mod streaming;

use clap::Parser;

#[allow(dead_code)]
pub mod models {
    pookie::include_models!("bench");
}

/// Benchmarks Pookie against raw driver code and Diesel.
#[derive(Debug, Parser)]
struct Args {
    /// Also run every scenario on this PostgreSQL server (tables go in schemas of their own).
    #[arg(long, env = "POOKIE_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// Rounds per scenario; the median is reported.
    #[arg(long, default_value_t = 7)]
    rounds: usize,
    /// Skip SQLite.
    #[arg(long)]
    no_sqlite: bool,
    /// Run only the scenarios whose name contains this text (for profiling).
    #[arg(long)]
    only: Option<String>,
    /// Measure the build side instead: code generation of 100, 1,000 and
    /// 5,000 models, and the rebuild of crates with 200 and 1,000 models.
    #[arg(long)]
    build_side: bool,
    /// Measure scenario 7 instead: iterating 1,000,000 rows next to loading them all.
    #[arg(long)]
    streaming: bool,
    /// Measure the async API instead: Pookie's `AsyncDb` against hand-written
    /// tokio-postgres (deadpool) and rusqlite-on-blocking-threads code, on a
    /// tokio runtime with two workers.
    #[arg(long = "async")]
    async_mode: bool,
    /// Internal: one streaming measurement, run in a child process.
    #[arg(long, hide = true)]
    streaming_child: Option<String>,
    /// Internal: the SQLite file of the streaming measurement.
    #[arg(long, hide = true)]
    streaming_file: Option<std::path::PathBuf>,
}

fn main() {
    let args = Args::parse();
    if args.build_side {
        build_side::run();
        return;
    }
    if let (Some(which), Some(file)) = (&args.streaming_child, &args.streaming_file) {
        streaming::run_child(which, file);
        return;
    }
    if args.streaming {
        streaming::run();
        return;
    }
    if args.async_mode {
        async_scenarios::run(
            args.postgres.as_deref(),
            !args.no_sqlite,
            args.rounds,
            args.only.as_deref(),
        );
        return;
    }
    if !args.no_sqlite {
        scenarios::run_all(
            "SQLite (in memory)",
            &contenders::Target::SqliteMemory,
            args.rounds,
            args.only.as_deref(),
        );
    }
    if let Some(url) = &args.postgres {
        let target = |name: &str| contenders::Target::Postgres {
            url: url.clone(),
            schema: format!("pookie_bench_{name}"),
        };
        scenarios::run_all_on_postgres(target, args.rounds, args.only.as_deref());
        // Leave nothing behind on the server.
        if let Ok(mut admin) = postgres::Client::connect(url, postgres::NoTls) {
            for name in ["raw", "pookie", "diesel"] {
                let _ = admin.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS pookie_bench_{name} CASCADE"
                ));
            }
        }
    }
}
