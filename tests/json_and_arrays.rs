//! JSON lookups (`key`, `path`, `has_key`, `contains`, comparisons) and array
//! lookups (`contains`, `contained_by`, `overlap`, `len`) on both backends.

#[macro_use]
mod support;

use pookie::serde_json::{json, Value};
use pookie::{Db, Q};

pub mod lookups {
    pookie::include_models!("lookups");
}

use lookups::*;

fn add(
    db: &Db,
    name: &str,
    data: Option<Value>,
    tags: &[&str],
    scores: Option<Vec<i64>>,
) -> pookie::Result<()> {
    Event::objects().create(
        db,
        NewEvent::new()
            .name(name)
            .data(data)
            .tags(tags.iter().map(|tag| tag.to_string()).collect::<Vec<_>>())
            .scores(scores),
    )?;
    Ok(())
}

fn seed(db: &Db) -> pookie::Result<()> {
    lookups::create_tables(db)?;
    add(
        db,
        "click",
        Some(
            json!({"type": "click", "user": {"id": 5, "name": "Ada"}, "featured": true, "items": [1, 2, {"k": "v"}], "rank": 2.5}),
        ),
        &["rust", "orm"],
        Some(vec![1, 2, 3]),
    )?;
    add(
        db,
        "view",
        Some(
            json!({"type": "view", "user": {"id": "5"}, "featured": false, "items": [3], "rank": 10, "gone": null}),
        ),
        &["rust"],
        Some(vec![]),
    )?;
    add(db, "list", Some(json!(["type", 1])), &[], None)?;
    add(db, "empty", None, &["sql", "orm", "db"], Some(vec![7]))?;
    Ok(())
}

fn names(db: &Db, q: Q<Event>) -> pookie::Result<Vec<String>> {
    let mut names: Vec<String> = Event::objects()
        .filter(q)
        .all(db)?
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    Ok(names)
}

fn excluded(db: &Db, q: Q<Event>) -> pookie::Result<Vec<String>> {
    names(db, !q)
}

on_both_backends! {
    fn key_lookups_compare_with_a_scalar_of_the_same_kind(db) {
        seed(db)?;
        assert_eq!(names(db, event::data.key("type").eq("click"))?, ["click"]);
        // The number 5 and the string "5" are different JSON values.
        assert_eq!(names(db, event::data.path(["user", "id"]).eq(5))?, ["click"]);
        assert_eq!(names(db, event::data.key("user").key("id").eq("5"))?, ["view"]);
        assert_eq!(names(db, event::data.key("featured").eq(true))?, ["click"]);
        assert_eq!(names(db, event::data.key("featured").eq(false))?, ["view"]);
        assert_eq!(names(db, event::data.key("rank").eq(2.5))?, ["click"]);
        assert_eq!(names(db, event::data.key("rank").eq(10))?, ["view"]);
        assert_eq!(names(db, event::data.key("items").index(0).eq(3))?, ["view"]);
        assert_eq!(names(db, event::data.key("items").index(2).key("k").eq("v"))?, ["click"]);
        assert_eq!(names(db, event::data.index(1).eq(1))?, ["list"]);
    }

    fn key_comparisons_order_numbers_and_strings(db) {
        seed(db)?;
        assert_eq!(names(db, event::data.key("rank").gt(2))?, ["click", "view"]);
        assert_eq!(names(db, event::data.key("rank").gte(10))?, ["view"]);
        assert_eq!(names(db, event::data.key("rank").lt(10))?, ["click"]);
        assert_eq!(names(db, event::data.key("rank").lte(2.5))?, ["click"]);
        // A string never compares with a number.
        assert_eq!(names(db, event::data.path(["user", "id"]).gt(1))?, ["click"]);
        assert_eq!(names(db, event::data.key("type").gt("d"))?, ["view"]);
    }

    fn negated_key_lookups_keep_rows_without_the_key(db) {
        seed(db)?;
        assert_eq!(excluded(db, event::data.key("type").eq("click"))?, ["empty", "list", "view"]);
        assert_eq!(names(db, event::data.key("type").ne("view"))?, ["click", "empty", "list"]);
        let none: Vec<String> = Event::objects()
            .exclude(event::data.has_key("type"))
            .all(db)?
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(none.len(), 2);
    }

    fn json_null_is_a_value_and_a_missing_key_is_not(db) {
        seed(db)?;
        assert_eq!(names(db, event::data.key("gone").is_json_null())?, ["view"]);
        assert_eq!(names(db, event::data.has_key("gone"))?, ["view"]);
        assert_eq!(names(db, event::data.key("type").is_json_null())?, Vec::<String>::new());
    }

    fn has_key_finds_object_keys_only(db) {
        seed(db)?;
        assert_eq!(names(db, event::data.has_key("featured"))?, ["click", "view"]);
        assert_eq!(names(db, event::data.key("user").has_key("name"))?, ["click"]);
        // "type" is a string element of the array in "list", not a key.
        assert_eq!(names(db, event::data.has_key("type"))?, ["click", "view"]);
    }

    fn contains_matches_objects_arrays_and_scalars_inside(db) {
        seed(db)?;
        assert_eq!(names(db, event::data.contains(json!({"featured": true})))?, ["click"]);
        assert_eq!(names(db, event::data.contains(json!({"user": {"id": 5}})))?, ["click"]);
        assert_eq!(names(db, event::data.contains(json!({"user": {}})))?, ["click", "view"]);
        assert_eq!(names(db, event::data.contains(json!({"items": [2, 1]})))?, ["click"]);
        assert_eq!(names(db, event::data.contains(json!({"items": [{"k": "v"}]})))?, ["click"]);
        assert_eq!(names(db, event::data.contains(json!({"items": [4]})))?, Vec::<String>::new());
        assert_eq!(names(db, event::data.contains(json!({"gone": null})))?, ["view"]);
        assert_eq!(names(db, event::data.contains(json!(["type"])))?, ["list"]);
        assert_eq!(names(db, event::data.key("user").contains(json!({"name": "Ada"})))?, ["click"]);
        assert_eq!(excluded(db, event::data.contains(json!({"featured": true})))?, ["empty", "list", "view"]);
    }

    fn array_containment_and_overlap(db) {
        seed(db)?;
        assert_eq!(names(db, event::tags.contains(["rust"]))?, ["click", "view"]);
        assert_eq!(names(db, event::tags.contains(["orm", "rust"]))?, ["click"]);
        assert_eq!(names(db, event::tags.contains(Vec::<String>::new()))?, ["click", "empty", "list", "view"]);
        assert_eq!(names(db, event::tags.contained_by(["rust", "orm", "go"]))?, ["click", "list", "view"]);
        assert_eq!(names(db, event::tags.overlap(["db", "go"]))?, ["empty"]);
        assert_eq!(names(db, event::tags.overlap(["orm"]))?, ["click", "empty"]);
        assert_eq!(excluded(db, event::tags.overlap(["orm"]))?, ["list", "view"]);
        assert_eq!(names(db, event::scores.contains([2_i64, 3]))?, ["click"]);
        assert_eq!(names(db, event::scores.contained_by([7_i64, 8]))?, ["empty", "view"]);
        assert_eq!(names(db, event::scores.overlap([3_i64, 7]))?, ["click", "empty"]);
    }

    fn null_arrays_match_no_array_test_and_every_negated_one(db) {
        seed(db)?;
        assert_eq!(names(db, event::scores.contained_by([1_i64, 2, 3, 7]))?, ["click", "empty", "view"]);
        assert_eq!(excluded(db, event::scores.contained_by([1_i64, 2, 3, 7]))?, ["list"]);
        assert_eq!(excluded(db, event::scores.contains([1_i64]))?, ["empty", "list", "view"]);
    }

    fn array_lengths_compare_with_numbers(db) {
        seed(db)?;
        assert_eq!(names(db, event::tags.len().gte(2))?, ["click", "empty"]);
        assert_eq!(names(db, event::tags.len().eq(0))?, ["list"]);
        assert_eq!(names(db, event::scores.len().lt(1))?, ["view"]);
        assert_eq!(names(db, event::scores.len().ne(3))?, ["empty", "list", "view"]);
        assert_eq!(names(db, event::tags.len().gt(1) & event::data.key("featured").eq(true))?, ["click"]);
    }
}

on_both_backends! {
    fn arrays_of_json_values_are_written_and_read_back(db) {
        lookups::create_tables(db)?;
        let documents = vec![
            json!({"kind": "note", "tags": ["a", "b"], "n": 1.5}),
            json!([1, "two", null]),
            json!("text with \"quotes\" and a comma, {braces}"),
            json!(null),
            json!(42),
        ];
        let created = Batch::objects().create(
            db,
            NewBatch::new().name("full").documents(documents.clone()).extra(None),
        )?;
        assert_eq!(created.documents, documents);
        Batch::objects().create(db, NewBatch::new().name("empty").documents(Vec::<Value>::new()).extra(Some(vec![json!({})])))?;
        let read = Batch::objects().order_by([batch::name.asc()]).all(db)?;
        let rows: Vec<(String, Vec<Value>, Option<Vec<Value>>)> =
            read.into_iter().map(|b| (b.name, b.documents, b.extra)).collect();
        assert_eq!(
            rows,
            [
                ("empty".to_owned(), vec![], Some(vec![json!({})])),
                ("full".to_owned(), documents.clone(), None),
            ]
        );
        // Written back through save, and counted by length.
        let mut full = Batch::objects().get(db, batch::name.eq("full"))?;
        full.documents.push(json!({"added": true}));
        full.extra = Some(vec![json!([])]);
        full.save(db)?;
        let again = Batch::objects().get(db, batch::name.eq("full"))?;
        assert_eq!(again.documents.len(), 6);
        assert_eq!(again.documents[5], json!({"added": true}));
        assert_eq!(again.extra, Some(vec![json!([])]));
        assert_eq!(Batch::objects().filter(batch::documents.len().gt(0)).count(db)?, 1);
    }

    fn lookups_combine_with_and_or(db) {
        seed(db)?;
        let q = event::data.key("type").eq("view") | event::tags.contains(["sql"]);
        assert_eq!(names(db, q)?, ["empty", "view"]);
        assert_eq!(Event::objects().filter(event::data.has_key("user")).count(db)?, 2);
    }
}

#[test]
fn sqlite_refuses_a_key_it_cannot_address_with_a_clear_error() {
    let test_db = support::sqlite();
    let db = &test_db.db;
    seed(db).unwrap();
    let error = Event::objects()
        .filter(event::data.key("a\"b").eq(1))
        .all(db)
        .unwrap_err();
    assert!(error.to_string().contains("double quote"), "{error}");
}

#[test]
fn postgres_addresses_any_key() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    let db = &test_db.db;
    seed(db).unwrap();
    add(db, "quoted", Some(json!({"a\"b": 1})), &[], None).unwrap();
    assert_eq!(
        names(db, event::data.key("a\"b").eq(1)).unwrap(),
        ["quoted"]
    );
}
