//! The numbered `Paginator` counts lazily, once, and refuses pages that do
//! not exist, on both backends.

#[macro_use]
mod support;

use pookie::{Db, Error, Paginator};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{tag, NewTag, Tag};

fn add_tags(db: &Db, range: std::ops::Range<usize>) -> pookie::Result<()> {
    let forms = range.map(|i| {
        NewTag::new()
            .name(format!("tag {i:02}"))
            .slug(format!("t{i}"))
    });
    Tag::objects().bulk_create(db, forms, 50)?;
    Ok(())
}

on_both_backends! {
    fn the_paginator_counts_on_first_use_and_only_once(db) {
        blog::create_tables(db)?;
        add_tags(db, 0..5)?;
        let paginator = Paginator::new(Tag::objects().order_by([tag::name.asc()]), 2)?;
        // Made before these rows were added: the count is not taken yet.
        add_tags(db, 5..7)?;
        assert_eq!(paginator.count(db)?, 7);
        assert_eq!(paginator.num_pages(db)?, 4);
        // Counted once: later rows do not change the paginator's view.
        add_tags(db, 7..9)?;
        assert_eq!(paginator.count(db)?, 7);
        assert_eq!(paginator.page_range(db)?, 1..=4);
        let last = paginator.page(db, 4)?;
        assert_eq!(last.object_list.len(), 2, "the last page still slices the live rows");
        assert!(!last.has_next());
        assert!(last.next_page_number().is_err());
    }

    fn a_page_beyond_the_last_is_a_clear_error(db) {
        blog::create_tables(db)?;
        add_tags(db, 0..5)?;
        let paginator = Paginator::new(Tag::objects().order_by([tag::name.asc()]), 2)?;
        for number in [0, 4, 100] {
            match paginator.page(db, number) {
                Err(Error::Usage { message }) => assert_eq!(
                    message,
                    format!("page {number} does not exist: pages run from 1 to 3")
                ),
                other => panic!("page {number}: {other:?}"),
            }
        }
        assert_eq!(paginator.page(db, 3)?.object_list.len(), 1);
    }

    fn an_empty_query_set_has_one_empty_page(db) {
        blog::create_tables(db)?;
        let paginator = Paginator::new(Tag::objects(), 10)?;
        assert_eq!(paginator.num_pages(db)?, 1);
        let page = paginator.page(db, 1)?;
        assert!(page.object_list.is_empty());
        assert!(!page.has_next() && !page.has_previous());
        assert!(Paginator::new(Tag::objects(), 0).is_err());
    }
}
