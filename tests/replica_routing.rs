//! Model queries routed between a primary and its real streaming replica
//! (`POOKIE_TEST_REPLICA_URL`, set up by `.ci/run`). To see which server
//! answered, the primary's connections search one schema and the replica's
//! another, each holding a different author: both schemas exist on both
//! servers (the replica copies everything), so the name read back says which
//! connection ran the query.

#[allow(unused_macros)]
mod support;

use std::time::{Duration, Instant};

use pookie::Db;

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, Author, NewAuthor};

const REPLICA_URL_VAR: &str = "POOKIE_TEST_REPLICA_URL";

struct Schemas {
    admin: Db,
    names: [String; 2],
}

impl Drop for Schemas {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = self
                .admin
                .execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), &[]);
        }
    }
}

fn with_search_path(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-csearch_path%3D{schema}")
}

#[test]
fn model_reads_go_to_the_replica_and_writes_to_the_primary() {
    // The primary, with the usual skip-or-fail rule.
    if support::postgres().is_none() {
        return;
    }
    let Ok(replica) = std::env::var(REPLICA_URL_VAR) else {
        if support::in_ci() {
            panic!("{REPLICA_URL_VAR} is not set: CI must run the replica tests (see .ci/run)");
        }
        static NOTICE: std::sync::Once = std::sync::Once::new();
        support::skipped(
            &NOTICE,
            &format!("replica routing tests skipped: {REPLICA_URL_VAR} is not set (e.g. postgresql://postgres@127.0.0.1:5433/test)"),
        );
        return;
    };
    let admin_url = std::env::var(support::POSTGRES_URL_VAR).unwrap();
    let admin = Db::connect(&admin_url).unwrap();
    let id = std::process::id();
    let schemas = Schemas {
        admin: admin.clone(),
        names: [
            format!("pookie_route_p_{id}"),
            format!("pookie_route_r_{id}"),
        ],
    };
    for (schema, name) in schemas
        .names
        .iter()
        .zip(["On the primary", "On the replica"])
    {
        admin
            .execute(&format!("CREATE SCHEMA \"{schema}\""), &[])
            .unwrap();
        let db = Db::connect(&with_search_path(&admin_url, schema)).unwrap();
        blog::create_tables(&db).unwrap();
        Author::objects()
            .create(&db, NewAuthor::new().name(name).email("a@example.com"))
            .unwrap();
    }
    // Wait for the replica to replay what was written.
    let replica_view = Db::connect(&with_search_path(&replica, &schemas.names[1])).unwrap();
    let started = Instant::now();
    while Author::objects().count(&replica_view).unwrap_or(0) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the replica does not catch up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let db = Db::builder()
        .database("default", &with_search_path(&admin_url, &schemas.names[0]))
        .replica("default", &with_search_path(&replica, &schemas.names[1]))
        .connect()
        .unwrap();
    let names = |db: &Db| -> Vec<String> {
        Author::objects()
            .order_by([author::id.asc()])
            .all(db)
            .unwrap()
            .into_iter()
            .map(|author| author.name)
            .collect()
    };
    assert_eq!(names(&db), ["On the replica"], "a read goes to the replica");
    assert_eq!(Author::objects().count(&db).unwrap(), 1);
    assert_eq!(
        Author::objects()
            .get(&db, author::email.eq("a@example.com"))
            .unwrap()
            .name,
        "On the replica"
    );
    // A write goes to the primary.
    Author::objects()
        .create(&db, NewAuthor::new().name("Written").email("w@example.com"))
        .unwrap();
    assert_eq!(names(&db.primary()), ["On the primary", "Written"]);
    // Inside a transaction, and with select_for_update, reads go to the primary.
    db.transaction(|tx| {
        assert_eq!(names(tx), ["On the primary", "Written"]);
        let locked = Author::objects()
            .select_for_update()
            .order_by([author::id.asc()])
            .all(tx)?;
        assert_eq!(locked.len(), 2);
        Ok(())
    })
    .unwrap();
    assert_eq!(names(&db), ["On the replica"]);
}
