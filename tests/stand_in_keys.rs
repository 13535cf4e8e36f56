//! A model Pookie does not manage (a view, a table without a key) whose
//! stand-in primary key can be NULL, as `inspectdb` writes one: every row
//! reads, with `None` for a NULL key, on both backends; finding by key finds
//! no row whose key is NULL.

#[macro_use]
mod support;

pub mod lookups {
    pookie::include_models!("lookups");
}

use lookups::{label_total, LabelTotal};

on_both_backends! {
    fn every_row_reads_whatever_its_stand_in_key(db) {
        // Not Pookie's table: created by hand, rows with NULLs in the key.
        db.execute("CREATE TABLE label_totals (label VARCHAR(40), total BIGINT)", &[])?;
        db.execute(
            "INSERT INTO label_totals (label, total) VALUES ('a', 1), (NULL, 2), (NULL, NULL), ('b', 4)",
            &[],
        )?;
        let mut rows: Vec<(Option<String>, Option<i64>)> = LabelTotal::objects()
            .all(db)?
            .into_iter()
            .map(|row| (row.label, row.total))
            .collect();
        rows.sort();
        assert_eq!(
            rows,
            [
                (None, None),
                (None, Some(2)),
                (Some("a".to_owned()), Some(1)),
                (Some("b".to_owned()), Some(4)),
            ]
        );
        assert_eq!(LabelTotal::objects().filter(label_total::label.isnull(true)).count(db)?, 2);
        let b = LabelTotal::objects().get(db, label_total::label.eq("b"))?;
        assert_eq!(b.total, Some(4));
        let found = LabelTotal::objects().filter(label_total::pk.eq("a")).all(db)?;
        assert_eq!(found.len(), 1);
        assert_eq!(LabelTotal::get(db, Some("a".to_owned()))?.total, Some(1));
        // A NULL key equals nothing, itself included.
        let missing = LabelTotal::get(db, None).unwrap_err();
        assert!(missing.is_does_not_exist(), "{missing}");
    }
}
