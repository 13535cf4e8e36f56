//! `select_for_update`: rows locked until the end of the transaction on
//! PostgreSQL, a documented no-op on SQLite.

#[macro_use]
mod support;

use pookie::Db;

pub mod lookups {
    pookie::include_models!("lookups");
}

use lookups::*;

fn seed(db: &Db) -> pookie::Result<()> {
    lookups::create_tables(db)?;
    for name in ["first", "second", "third"] {
        Job::objects().create(db, NewJob::new().name(name))?;
    }
    Ok(())
}

on_both_backends! {
    fn select_for_update_reads_and_updates_inside_a_transaction(db) {
        seed(db)?;
        let taken = db.transaction(|tx| {
            let job = Job::objects()
                .filter(job::done.eq(false))
                .order_by([job::id.asc()])
                .select_for_update()
                .first(tx)?
                .expect("a pending job");
            Job::objects().filter(job::id.eq(job.id)).update(tx, [job::done.set(true)])?;
            Ok(job.name)
        })?;
        assert_eq!(taken, "first");
        assert_eq!(Job::objects().filter(job::done.eq(true)).count(db)?, 1);
        // Every read works with it: all, get, slices.
        assert_eq!(Job::objects().select_for_update().all(db)?.len(), 3);
        assert_eq!(Job::objects().select_for_update_skip_locked().slice(1..2).all(db)?.len(), 1);
        let second = Job::objects().select_for_update_nowait().get(db, job::name.eq("second"))?;
        assert!(!second.done);
    }
}

/// A second transaction cannot take a row the first one locked: SKIP LOCKED
/// leaves it out and NOWAIT fails, both without waiting.
#[test]
fn postgres_locked_rows_are_out_of_reach_of_other_transactions() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let db = &test_db.db;
    seed(db).unwrap();
    db.transaction(|tx| {
        let locked = Job::objects()
            .filter(job::name.eq("first"))
            .select_for_update()
            .all(tx)?;
        assert_eq!(locked.len(), 1);
        // `db` is outside the transaction: another connection, another transaction.
        let mut free: Vec<String> = db
            .transaction(|other| Job::objects().select_for_update_skip_locked().all(other))?
            .into_iter()
            .map(|job| job.name)
            .collect();
        free.sort();
        assert_eq!(free, ["second", "third"]);
        let refused = db.transaction(|other| {
            Job::objects()
                .filter(job::name.eq("first"))
                .select_for_update_nowait()
                .all(other)
        });
        let error = refused.unwrap_err();
        assert!(
            error.to_string().contains("could not obtain lock"),
            "{error}"
        );
        // Without FOR UPDATE, other transactions still read the row.
        assert_eq!(Job::objects().filter(job::name.eq("first")).count(db)?, 1);
        Ok(())
    })
    .unwrap();
    // Once the transaction ends, the row is free again.
    db.transaction(|other| {
        let all = Job::objects().select_for_update_nowait().all(other)?;
        assert_eq!(all.len(), 3);
        Ok(())
    })
    .unwrap();
}

/// A lock timeout shows the same: a plain FOR UPDATE waits for the holder,
/// and gives up when the transaction's lock_timeout is reached.
#[test]
fn postgres_for_update_waits_for_the_holder_until_the_lock_timeout() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let db = &test_db.db;
    seed(db).unwrap();
    db.transaction(|tx| {
        Job::objects()
            .filter(job::name.eq("second"))
            .select_for_update()
            .all(tx)?;
        let outcome = db.transaction(|other| {
            other.execute("SET LOCAL lock_timeout = '50ms'", &[])?;
            Job::objects()
                .filter(job::name.eq("second"))
                .select_for_update()
                .all(other)
        });
        let error = outcome.unwrap_err();
        assert!(error.to_string().contains("lock timeout"), "{error}");
        Ok(())
    })
    .unwrap();
}

#[test]
fn sqlite_ignores_select_for_update() {
    let test_db = support::sqlite();
    let db = &test_db.db;
    seed(db).unwrap();
    let sql_rows = db
        .transaction(|tx| Job::objects().select_for_update_skip_locked().all(tx))
        .unwrap();
    assert_eq!(sql_rows.len(), 3);
}
