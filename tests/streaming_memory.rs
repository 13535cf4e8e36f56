//! `QuerySet::iterator` keeps memory flat: a million rows are read with a
//! bounded heap, where `all()` on the same rows needs far more. This test
//! binary has its own counting allocator, so it holds this test alone.

#[allow(unused_macros)]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pookie::Db;

pub mod blog {
    pookie::include_models!("blog");
}

use blog::Tag;

/// Counts the bytes the program holds on the heap, and the most it held.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROWS: u64 = 1_000_000;
/// The most the heap may grow while every row is iterated.
const BOUND: usize = 8 * 1024 * 1024;

/// The two backends' tests share the allocator's counters: one at a time.
static MEASURING: Mutex<()> = Mutex::new(());

/// How much the heap grows at most while `work` runs.
fn peak_growth<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let out = work();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(baseline))
}

fn run(db: &Db) -> pookie::Result<()> {
    blog::create_tables(db)?;
    db.transaction(|tx| {
        tx.execute(
            &format!(
                "INSERT INTO tags (name, slug) \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
                 SELECT 'tag-' || i, 'tag-' || i FROM n"
            ),
            &[],
        )
    })?;
    let query = Tag::objects().order_by([]);

    let (streamed, growth) = peak_growth(|| -> pookie::Result<(u64, u64)> {
        let (mut rows, mut name_bytes) = (0u64, 0u64);
        for tag in query.iterator(db)? {
            let tag = tag?;
            rows += 1;
            name_bytes += tag.name.len() as u64;
        }
        Ok((rows, name_bytes))
    });
    let (rows, name_bytes) = streamed?;
    assert_eq!(rows, ROWS);
    assert!(name_bytes > ROWS * 4, "every row was decoded");
    assert!(
        growth < BOUND,
        "iterating {ROWS} rows grew the heap by {growth} bytes (bound {BOUND})"
    );

    let (collected, all_growth) = peak_growth(|| query.all(db));
    assert_eq!(collected?.len() as u64, ROWS);
    assert!(
        all_growth > BOUND,
        "all() grew the heap by only {all_growth} bytes: the bound proves nothing"
    );
    Ok(())
}

#[test]
fn iterating_a_million_rows_keeps_memory_flat_on_sqlite() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|p| p.into_inner());
    let test_db = support::sqlite();
    if let Err(error) = run(&test_db.db) {
        panic!("{error}");
    }
}

#[test]
fn iterating_a_million_rows_keeps_memory_flat_on_postgres() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|p| p.into_inner());
    let Some(test_db) = support::postgres() else {
        return;
    };
    if let Err(error) = run(&test_db.db) {
        panic!("{error}");
    }
}
