//! Timing: every implementation runs each scenario in the same rounds, in a
//! rotating order, and the median of the rounds is kept. These machines are
//! noisy; interleaving makes the ratios fair even when the absolute times drift.

use std::time::{Duration, Instant};

/// How long one timed sample lasts at least.
const SAMPLE_TARGET: Duration = Duration::from_millis(40);

/// Runs `op` on each implementation in `taking_part` for `rounds` rounds and
/// returns the median time of one operation per implementation (`None` for
/// those not taking part). `op(state, i)` runs one operation on implementation
/// `i`; `between(state, i)` resets its state before each sample (not timed).
pub fn compare<S: ?Sized>(
    state: &mut S,
    taking_part: &[bool],
    rounds: usize,
    mut op: impl FnMut(&mut S, usize),
    mut between: impl FnMut(&mut S, usize),
) -> Vec<Option<Duration>> {
    let n = taking_part.len();
    let active: Vec<usize> = (0..n).filter(|&i| taking_part[i]).collect();
    // One iteration count for all, so every implementation does the same work.
    let iterations = match fixed_iterations() {
        Some(fixed) => fixed,
        None => active
            .iter()
            .map(|&i| {
                between(state, i);
                calibrate(|| op(state, i))
            })
            .max()
            .unwrap_or(1),
    };
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for offset in 0..active.len() {
            let i = active[(round + offset) % active.len()];
            between(state, i);
            let started = Instant::now();
            for _ in 0..iterations {
                op(state, i);
            }
            samples[i].push(started.elapsed() / iterations);
        }
    }
    samples
        .into_iter()
        .enumerate()
        .map(|(i, values)| taking_part[i].then(|| median(values)))
        .collect()
}

/// `POOKIE_BENCH_ITERATIONS=n`: every sample runs `n` operations instead of
/// filling 40 ms. For instruction counts: two runs under callgrind with
/// different `n` give the cost of one operation, setup cancelled out.
fn fixed_iterations() -> Option<u32> {
    let value = std::env::var("POOKIE_BENCH_ITERATIONS").ok()?;
    match value.parse() {
        Ok(n) if n > 0 => Some(n),
        _ => panic!("POOKIE_BENCH_ITERATIONS must be a positive number, not {value:?}"),
    }
}

/// How many operations fill one sample.
fn calibrate(mut op: impl FnMut()) -> u32 {
    let started = Instant::now();
    let mut count = 0u32;
    while started.elapsed() < SAMPLE_TARGET / 4 && count < 1_000_000 {
        op();
        count += 1;
    }
    let per_op = started.elapsed() / count.max(1);
    let wanted = SAMPLE_TARGET.as_nanos() / per_op.as_nanos().max(1);
    wanted.clamp(1, 1_000_000) as u32
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Formats a duration with a unit that keeps three significant digits.
pub fn format_duration(duration: Duration) -> String {
    let nanos = duration.as_nanos() as f64;
    if nanos < 1_000.0 {
        format!("{nanos:.0} ns")
    } else if nanos < 1_000_000.0 {
        format!("{:.2} µs", nanos / 1_000.0)
    } else if nanos < 1_000_000_000.0 {
        format!("{:.2} ms", nanos / 1_000_000.0)
    } else {
        format!("{:.2} s", nanos / 1_000_000_000.0)
    }
}
