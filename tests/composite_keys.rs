//! A composite primary key (`meta { primary_key = […] }`, the `Census` model of
//! `schemas/kitchen_sink.pookie`) on SQLite and PostgreSQL: every statement
//! that finds a row by its key uses all of the key's columns.

#[macro_use]
mod support;

use pookie::{Db, Error, Model};

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

use kitchen_sink::*;

/// Uganda and Kenya, three censuses each (2000, 2010, 2020).
fn censuses(db: &Db) -> pookie::Result<()> {
    kitchen_sink::create_tables(db)?;
    for (code, name) in [("UG", "Uganda"), ("KE", "Kenya")] {
        Country::objects().create(db, NewCountry::new().code(code).name(name))?;
        for year in [2000, 2010, 2020] {
            Census::objects().create(
                db,
                NewCensus::new()
                    .country_id(code)
                    .year(year)
                    .population(i64::from(year) * 10_000),
            )?;
        }
    }
    Ok(())
}

fn keys(rows: &[Census]) -> Vec<(String, i16)> {
    rows.iter()
        .map(|row| (row.country_id.clone(), row.year))
        .collect()
}

on_both_backends! {
    fn the_key_is_every_column_it_names(db) {
        assert_eq!(Census::META.pk_columns, ["country_id", "year"]);
        assert_eq!(Census::META.pk_column, "country_id");
        const { assert!(!Census::META.auto_pk) };
        let key: Vec<bool> = Census::META.fields.iter().map(|f| f.primary_key).collect();
        assert_eq!(key, [true, true, false, false]);

        censuses(db)?;
        let census = Census::get(db, ("UG".into(), 2010))?;
        assert_eq!(census.population, 20_100_000);
        let missing = Census::get(db, ("UG".into(), 1990)).unwrap_err();
        assert!(matches!(missing, Error::DoesNotExist { .. }), "{missing}");
        assert!(missing.to_string().contains("searched by country_id, year"), "{missing}");
        let Error::DoesNotExist { filter, .. } = &missing else { unreachable!() };
        assert_eq!(filter.reveal(), "country_id = \"UG\" AND year = 1990");
    }

    fn save_refresh_and_delete_touch_one_row(db) {
        censuses(db)?;
        let mut census = Census::get(db, ("KE".into(), 2000))?;
        census.note = "revised".into();
        census.population += 1;
        census.save(db)?;
        // Only the row with both key values changed.
        let notes: Vec<String> = Census::objects().all(db)?.into_iter().map(|c| c.note).collect();
        assert_eq!(notes.iter().filter(|n| *n == "revised").count(), 1);
        assert_eq!(Census::get(db, ("KE".into(), 2000))?.population, 20_000_001);

        let mut stale = Census::get(db, ("KE".into(), 2010))?;
        Census::objects()
            .filter(census::country_id.eq("KE") & census::year.eq(2010))
            .update(db, [census::population.set(5)])?;
        stale.refresh_from_db(db)?;
        assert_eq!(stale.population, 5);
        stale.note = "only this".into();
        stale.save_update_fields(db, census::note)?;
        assert_eq!(Census::get(db, ("KE".into(), 2010))?.note, "only this");
        let error = stale.save_update_fields(db, census::year).unwrap_err();
        assert!(error.to_string().contains("`year` is not an updatable column"), "{error}");

        stale.delete(db)?;
        assert_eq!(Census::objects().count(db)?, 5);
        assert!(Census::get(db, ("KE".into(), 2000)).is_ok());
        assert!(Census::get(db, ("UG".into(), 2010)).is_ok());
        let error = stale.refresh_from_db(db).unwrap_err();
        assert!(matches!(error, Error::DoesNotExist { .. }), "{error}");
        let error = stale.save(db).unwrap_err();
        assert!(error.to_string().contains("country_id, year; save() updates an existing row"), "{error}");
        let Error::DoesNotExist { filter, .. } = &error else { unreachable!() };
        assert_eq!(filter.reveal(), "country_id = \"KE\" AND year = 2010");
    }

    fn a_taken_key_is_a_validation_error(db) {
        censuses(db)?;
        let error = Census::objects()
            .create(db, NewCensus::new().country_id("UG").year(2000).population(1))
            .unwrap_err();
        let Error::Validation(errors) = &error else { panic!("{error}") };
        assert!(error.to_string().contains("Census with this Country and Year already exists"), "{errors:?}");
        // The same year in another country is another key.
        Country::objects().create(db, NewCountry::new().code("TZ").name("Tanzania"))?;
        Census::objects().create(db, NewCensus::new().country_id("TZ").year(2000).population(1))?;
        // Saving a row does not collide with itself.
        let mut census = Census::get(db, ("UG".into(), 2000))?;
        census.population = 7;
        census.save(db)?;
    }

    fn ordering_slices_and_sliced_writes_use_the_whole_key(db) {
        censuses(db)?;
        let all = Census::objects().all(db)?;
        assert_eq!(
            keys(&all),
            [("KE".into(), 2020), ("KE".into(), 2010), ("KE".into(), 2000),
             ("UG".into(), 2020), ("UG".into(), 2010), ("UG".into(), 2000)]
        );
        // Without an ordering, first/last order by every key column.
        let unordered = Census::objects().order_by([]);
        assert_eq!(keys(&[unordered.first(db)?.unwrap()]), [("KE".into(), 2000)]);
        assert_eq!(keys(&[unordered.last(db)?.unwrap()]), [("UG".into(), 2020)]);

        // A sliced update and delete select their rows by the whole key.
        let changed = Census::objects().slice(1..3).update(db, [census::note.set("second or third")])?;
        assert_eq!(changed, 2);
        let noted: Vec<Census> = Census::objects().filter(census::note.eq("second or third")).all(db)?;
        assert_eq!(keys(&noted), [("KE".into(), 2010), ("KE".into(), 2000)]);
        let deleted = Census::objects().filter(census::country_id.eq("UG")).slice(..2).delete(db)?;
        assert_eq!(deleted, 2);
        assert_eq!(
            keys(&Census::objects().all(db)?),
            [("KE".into(), 2020), ("KE".into(), 2010), ("KE".into(), 2000), ("UG".into(), 2000)]
        );

        // update_or_create finds its row again by the whole key.
        let (updated, created) = Census::objects().update_or_create_with(
            db,
            census::country_id.eq("KE") & census::year.eq(2020),
            NewCensus::new().country_id("KE").year(2020).population(0),
            [census::population.set(42)],
        )?;
        assert!(!created);
        assert_eq!((updated.year, updated.population), (2020, 42));
        assert_eq!(Census::get(db, ("KE".into(), 2010))?.population, 20_100_000);

        // Deleting the country cascades to its censuses.
        Country::get(db, "KE".into())?.delete(db)?;
        assert_eq!(keys(&Census::objects().all(db)?), [("UG".into(), 2000)]);
    }

    fn partial_rows_load_by_the_whole_key(db) {
        censuses(db)?;
        let partial = Census::objects()
            .filter(census::year.eq(2010))
            .only(census::population)
            .all(db)?;
        assert_eq!(partial.len(), 2);
        let full: Vec<Census> = partial.into_iter().map(|p| p.load(db)).collect::<pookie::Result<_>>()?;
        assert_eq!(keys(&full), [("KE".into(), 2010), ("UG".into(), 2010)]);
    }
}
