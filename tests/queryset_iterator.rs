//! `QuerySet::iterator`: rows read one by one from the open statement, the
//! connection held while iterating, on both backends.

#[macro_use]
mod support;

use pookie::{Db, Error};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{tag, NewTag, Tag};

fn seed(db: &Db, count: usize) -> pookie::Result<()> {
    blog::create_tables(db)?;
    let forms = (0..count).map(|i| {
        NewTag::new()
            .name(format!("tag {i:03}"))
            .slug(format!("t{i}"))
    });
    Tag::objects().bulk_create(db, forms, 50)?;
    Ok(())
}

on_both_backends! {
    fn iterator_yields_the_rows_of_all_in_order(db) {
        seed(db, 120)?;
        let query = Tag::objects().filter(tag::name.gte("tag 010")).order_by([tag::name.desc()]);
        let expected: Vec<String> = query.all(db)?.into_iter().map(|t| t.name).collect();
        let mut streamed = Vec::new();
        for tag in query.iterator(db)? {
            streamed.push(tag?.name);
        }
        assert_eq!(streamed.len(), 110);
        assert_eq!(streamed, expected);
    }

    fn iterator_is_a_rust_iterator(db) {
        seed(db, 30)?;
        let slugs: Vec<String> = Tag::objects()
            .slice(5..10)
            .iterator(db)?
            .map(|tag| tag.map(|tag| tag.slug))
            .collect::<pookie::Result<_>>()?;
        assert_eq!(slugs, ["t5", "t6", "t7", "t8", "t9"]);
        let none = Tag::objects().filter(tag::name.eq("nothing")).iterator(db)?;
        assert_eq!(none.count(), 0);
    }

    fn a_dropped_iterator_gives_its_connection_back(db) {
        seed(db, 40)?;
        let mut rows = Tag::objects().iterator(db)?;
        assert!(rows.next().transpose()?.is_some());
        drop(rows);
        // In-memory SQLite has a single connection: this would time out if
        // the iterator had kept it.
        assert_eq!(Tag::objects().count(db)?, 40);
        Tag::objects().for_each(db, |_| Ok(true))?;
    }

    fn iterator_inside_a_transaction_reads_its_rows_and_refuses_a_second_query(db) {
        seed(db, 10)?;
        db.transaction(|tx| {
            Tag::objects().create(tx, NewTag::new().name("fresh").slug("fresh"))?;
            let mut rows = Tag::objects().filter(tag::slug.eq("fresh")).iterator(tx)?;
            let refused = Tag::objects().count(tx);
            assert!(
                matches!(&refused, Err(Error::Usage { message }) if message.contains("open iterator")),
                "{refused:?}"
            );
            let nested = tx.transaction(|_| Ok(()));
            assert!(matches!(nested, Err(Error::Usage { .. })), "{nested:?}");
            assert_eq!(rows.next().transpose()?.map(|t| t.name).as_deref(), Some("fresh"));
            assert!(rows.next().is_none());
            drop(rows);
            assert_eq!(Tag::objects().count(tx)?, 11);
            Ok(())
        })?;
    }

    fn another_thread_waits_for_an_iterator_in_a_transaction(db) {
        seed(db, 5)?;
        db.transaction(|tx| {
            let rows = Tag::objects().iterator(tx)?;
            std::thread::scope(|scope| {
                let other = scope.spawn(|| Tag::objects().count(tx));
                let names: Vec<String> = rows.map(|t| t.map(|t| t.name)).collect::<pookie::Result<_>>()?;
                assert_eq!(names.len(), 5);
                assert_eq!(other.join().expect("the counting thread")?, 5);
                Ok(())
            })
        })?;
    }

}

#[test]
fn postgres_iterator_replaces_a_connection_the_server_ended() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let application = format!("pookie_iter_reconnect_{}", std::process::id());
    let url = format!(
        "{}&application_name={application}&pool_max_size=1",
        test_db.url()
    );
    let db = Db::connect(&url).unwrap();
    seed(&db, 3).unwrap();
    let admin = Db::connect(&std::env::var(support::POSTGRES_URL_VAR).unwrap()).unwrap();
    let ended = admin
        .fetch_all(
            "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1",
            &[application.as_str().into()],
        )
        .unwrap();
    assert_eq!(ended.len(), 1, "the pool's one connection was found");
    // The loss shows when the query is sent: the iterator reconnects once.
    let names: Vec<String> = Tag::objects()
        .iterator(&db)
        .unwrap()
        .map(|tag| tag.map(|tag| tag.name))
        .collect::<pookie::Result<_>>()
        .unwrap();
    assert_eq!(names.len(), 3);
}
