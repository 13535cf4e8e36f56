//! Every field type of `schemas/kitchen_sink.pookie` written and read back on
//! SQLite and PostgreSQL: extreme values, NULLs, defaults, enums, keys of every
//! kind, and the column types each backend's catalog reports.

#[macro_use]
mod support;

use std::str::FromStr;

use pookie::bigdecimal::BigDecimal;
use pookie::chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use pookie::rust_decimal::Decimal;
use pookie::uuid::Uuid;
use pookie::{Db, Dialect, Model};
use support::Settings;

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

pub mod analytics {
    pookie::include_models!("analytics");
}

pub mod catalog {
    pookie::include_models!("catalog");
}

use kitchen_sink::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn timestamp(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn big(text: &str) -> BigDecimal {
    BigDecimal::from_str(text).unwrap()
}

/// 35 integer digits and 30 decimal places: 65 significant digits.
const HUGE: &str = "-12345678901234567890123456789012345.123456789012345678901234567890";

fn extreme_sample(db: &Db, low: bool) -> pookie::Result<Sample> {
    macro_rules! pick {
        ($low:expr, $high:expr $(,)?) => {
            if low {
                $low
            } else {
                $high
            }
        };
    }
    Sample::objects().create(
        db,
        NewSample::new()
            .small(pick!(i16::MIN, i16::MAX))
            .integer(pick!(i32::MIN, i32::MAX))
            .big(pick!(i64::MIN, i64::MAX))
            .float(pick!(-f64::MAX, f64::MIN_POSITIVE))
            .price(Decimal::from_str(pick!("-9999999999.99", "9999999999.99")).unwrap())
            .huge(big(pick!(HUGE, &HUGE[1..])))
            .flag(low)
            .name(pick!("", "Ünïcödé 🦀 名前 ' \" \\ %_"))
            .code(pick!("", "été"))
            .body(pick!("", "line one\nline two\ttab \u{1} control"))
            .email(pick!("", "grace@exämple.org"))
            .site(pick!("", "https://example.com/path?q=ü"))
            .slug(pick!("", "a-slug_1"))
            .token(pick!(Uuid::nil(), Uuid::max()))
            .day(pick!(date(1, 1, 1), date(9999, 12, 31)))
            .time(pick!(NaiveTime::MIN, NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap()))
            .moment(pick!(
                timestamp("1901-12-13T20:45:52.123456Z"),
                timestamp("2262-04-11T23:47:16.854775Z"),
            ))
            .doc(pick!(
                pookie::serde_json::json!(null),
                pookie::serde_json::json!({"ü": [1, 2.5, "x", null, true], "nested": {"big": 9007199254740993u64}}),
            ))
            .settings(Settings {
                theme: pick!("", "dark 🌙").to_owned(),
                font_size: pick!(0, 255),
                tags: if low { vec![] } else { vec!["a".into(), "".into()] },
            })
            .numbers(if low { vec![] } else { vec![i64::MIN, 0, i64::MAX] })
            .labels(if low { vec![] } else { vec!["", "ü, \"q\"", "[x]"] })
            .days(if low { vec![] } else { vec![date(1969, 7, 20), date(2150, 1, 1)] })
            .amounts(if low {
                vec![]
            } else {
                vec![big("-123456789012345678901234567890.1234567890"), big("0.0000000001")]
            })
            .bytes(if low { vec![] } else { vec![0, 255, 0, 1, 128] })
            .status(pick!(Status::Draft, Status::Archived)),
    )
}

/// The prices of the rows made by `decimal_rows`, in numeric order; as text,
/// SQLite would sort `10.00` before `9.50`.
const PRICES: [&str; 5] = ["-2.50", "0.75", "9.50", "10.00", "100.00"];

/// 35-digit integer parts differing in the last of 30 decimals: beyond what
/// `f64` tells apart, so only an exact comparison orders them.
const HUGE_LOW: &str = "99999999999999999999999999999999999.000000000000000000000000000001";
const HUGE_HIGH: &str = "99999999999999999999999999999999999.000000000000000000000000000002";

fn decimal_rows(db: &Db) -> pookie::Result<()> {
    kitchen_sink::create_tables(db)?;
    for (price, huge) in [
        (PRICES[3], HUGE_HIGH),
        (PRICES[2], "100"),
        (PRICES[4], HUGE_LOW),
        (PRICES[0], "-0.5"),
        (PRICES[1], "9.5"),
    ] {
        let price = Decimal::from_str(price).expect("price");
        Nullable::objects().create(db, NewNullable::new().price(price).huge(big(huge)))?;
    }
    Ok(())
}

fn prices(rows: Vec<Nullable>) -> Vec<String> {
    rows.into_iter()
        .map(|row| row.price.map(|price| price.to_string()).unwrap_or_default())
        .collect()
}

on_both_backends! {
    fn decimal_comparisons_are_numeric(db) {
        decimal_rows(db)?;
        let dec = |text: &str| Decimal::from_str(text).expect("decimal");
        let by_price = || Nullable::objects().order_by([nullable::price.asc()]);
        assert_eq!(prices(by_price().filter(nullable::price.gt(dec("9.50"))).all(db)?), ["10.00", "100.00"]);
        assert_eq!(prices(by_price().filter(nullable::price.gte(dec("9.5"))).all(db)?), ["9.50", "10.00", "100.00"]);
        assert_eq!(prices(by_price().filter(nullable::price.lt(dec("10"))).all(db)?), ["-2.50", "0.75", "9.50"]);
        assert_eq!(prices(by_price().filter(nullable::price.lte(dec("-2.5"))).all(db)?), ["-2.50"]);
        assert_eq!(prices(by_price().filter(nullable::price.range(dec("0"), dec("10"))).all(db)?), ["0.75", "9.50", "10.00"]);
        // Excluding keeps the complement, by value too.
        assert_eq!(prices(by_price().exclude(nullable::price.gt(dec("9.50"))).all(db)?), ["-2.50", "0.75", "9.50"]);
        // Exact beyond f64: only HUGE_HIGH is above HUGE_LOW.
        let above = Nullable::objects().filter(nullable::huge.gt(big(HUGE_LOW))).all(db)?;
        assert_eq!(above.len(), 1);
        assert_eq!(above[0].huge, Some(big(HUGE_HIGH)));
    }

    fn decimal_ordering_is_numeric(db) {
        decimal_rows(db)?;
        assert_eq!(prices(Nullable::objects().order_by([nullable::price.asc()]).all(db)?), PRICES);
        let mut descending = PRICES.to_vec();
        descending.reverse();
        assert_eq!(prices(Nullable::objects().order_by([nullable::price.desc()]).all(db)?), descending);
        let by_huge: Vec<_> = Nullable::objects()
            .order_by([nullable::huge.asc()])
            .all(db)?
            .into_iter()
            .map(|row| row.huge)
            .collect();
        assert_eq!(
            by_huge,
            ["-0.5", "9.5", "100", HUGE_LOW, HUGE_HIGH].map(|text| Some(big(text)))
        );
    }

    fn every_type_round_trips_with_extreme_values(db) {
        kitchen_sink::create_tables(db)?;
        for low in [true, false] {
            let created = extreme_sample(db, low)?;
            let read = Sample::get(db, created.id)?;
            assert_eq!(read, created);
            assert_eq!(read.huge.to_string().trim_start_matches('-'), HUGE[1..].to_string());
        }
    }

    fn every_type_reads_back_null(db) {
        kitchen_sink::create_tables(db)?;
        let empty = Nullable::objects().create(db, NewNullable::new())?;
        assert_eq!(Nullable::get(db, empty.id)?, empty);
        assert_eq!(empty.settings, None);
        let full = Nullable::objects().create(
            db,
            NewNullable::new()
                .small(-1i16)
                .integer(2)
                .big(3i64)
                .float(0.5)
                .price(Decimal::new(-150, 2))
                .huge(big(HUGE))
                .flag(false)
                .name("")
                .code("xyz")
                .body("")
                .email("a@b.co")
                .site("http://x.org")
                .slug("s")
                .token(Uuid::new_v4())
                .day(date(1900, 2, 28))
                .time(NaiveTime::from_hms_opt(0, 0, 1).unwrap())
                .moment(timestamp("1969-12-31T23:59:59.999999Z"))
                .doc(pookie::serde_json::json!([]))
                .settings(Settings { theme: "x".into(), font_size: 1, tags: vec![] })
                .numbers(vec![1i64])
                .labels(vec![String::new()])
                .bytes(vec![0u8])
                .status(Status::Published),
        )?;
        assert_eq!(Nullable::get(db, full.id)?, full);
        // JSON `null` inside a nullable JSON column is a value, not SQL NULL.
        let json_null = Nullable::objects().create(db, NewNullable::new().doc(pookie::serde_json::Value::Null))?;
        assert_eq!(Nullable::get(db, json_null.id)?.doc, Some(pookie::serde_json::Value::Null));
        let nulls = Nullable::objects().filter(nullable::doc.isnull(true)).count(db)?;
        assert_eq!(nulls, 1);
    }

    fn dates_and_timestamps_sort_across_centuries(db) {
        kitchen_sink::create_tables(db)?;
        let at = |text: &str| timestamp(text);
        let device = Device::objects().create(db, NewDevice::new().label("probe"))?;
        for moment in ["2150-06-01T00:00:00Z", "1969-07-20T20:17:40Z", "2000-01-01T00:00:00.5Z", "1900-01-01T00:00:00Z"] {
            Reading::objects().create(db, NewReading::new().device_id(device.uid).value(1.0).at(at(moment)))?;
        }
        let ordered: Vec<DateTime<Utc>> = Reading::objects()
            .order_by([reading::at.asc()])
            .all(db)?
            .into_iter()
            .map(|r| r.at)
            .collect();
        let mut expected = ordered.clone();
        expected.sort();
        assert_eq!(ordered, expected);
        let before_1970 = Reading::objects().filter(reading::at.lt(at("1970-01-01T00:00:00Z"))).count(db)?;
        assert_eq!(before_1970, 2);
        let after_2100 = Reading::objects().filter(reading::at.gt(at("2100-01-01T00:00:00Z"))).count(db)?;
        assert_eq!(after_2100, 1);
    }

    fn defaults_fill_every_kind_of_field(db) {
        kitchen_sink::create_tables(db)?;
        let before = pookie::ops::now();
        let one = Defaults::objects().create(db, NewDefaults::new())?;
        let two = Defaults::objects().create(db, NewDefaults::new())?;
        assert_ne!(one.uid, two.uid, "auto UUIDs differ");
        assert_eq!(one.uid.get_version_num(), 4);
        assert_ne!(one.token, two.token);
        assert_eq!(one.count, 7);
        assert_eq!(one.ratio, 0.25);
        assert_eq!(one.price, Decimal::new(999, 2));
        assert_eq!(one.whole, Decimal::new(12, 0));
        assert_eq!(one.huge, big("-12345678901234567890123456789012345.5"));
        assert!(one.flag);
        assert_eq!(one.title, "untitled");
        assert_eq!(one.status, Status::Draft);
        assert_eq!(one.size, None);
        assert_eq!(one.fixed_id, Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap());
        assert!(one.day >= before.date_naive());
        assert_eq!(one.epoch, date(1970, 1, 1));
        assert_eq!(one.noon, NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        assert!(one.moment >= before);
        assert_eq!(one.launch, timestamp("2000-01-01T00:00:00Z"));
        assert!(one.tags.is_empty());
        assert_eq!(one.extra, pookie::serde_json::json!({}));
        assert_eq!(one.list, pookie::serde_json::json!([]));
        assert_eq!(one.note, None);
        assert_eq!(Defaults::get(db, one.uid)?, one);
        // A value given in the form wins over the default.
        let chosen = Uuid::new_v4();
        let three = Defaults::objects().create(db, NewDefaults::new().uid(chosen).status(Status::Published).size(Size::Large))?;
        assert_eq!(Defaults::get(db, chosen)?, three);
    }

    fn editable_false_fields_are_never_written_by_save(db) {
        kitchen_sink::create_tables(db)?;
        let mut row = Defaults::objects().create(db, NewDefaults::new().counter(5i64))?;
        assert_eq!(Defaults::get(db, row.uid)?.counter, 5, "create writes it");
        row.counter = 99;
        row.title = "changed".into();
        row.save(db)?;
        let read = Defaults::get(db, row.uid)?;
        assert_eq!((read.counter, read.title.as_str()), (5, "changed"));
    }

    fn enums_are_stored_as_their_values_and_filter(db) {
        kitchen_sink::create_tables(db)?;
        for status in Status::ALL {
            Defaults::objects().create(db, NewDefaults::new().status(status))?;
        }
        let published = Defaults::objects().filter(defaults::status.eq(Status::Published)).all(db)?;
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].status, Status::Published);
        let some = Defaults::objects()
            .filter(defaults::status.is_in([Status::Draft, Status::Archived]))
            .count(db)?;
        assert_eq!(some, 2);
        // The column holds the string value.
        let table = Defaults::META.table;
        db.execute(&format!("UPDATE \"{table}\" SET \"title\" = \"status\""), &[])?;
        let titles: Vec<String> = Defaults::objects().order_by([defaults::title.asc()]).all(db)?.into_iter().map(|d| d.title).collect();
        assert_eq!(titles, ["archived", "draft", "published"]);
        // A value that is none of the enum's is a clear decode error.
        db.execute(&format!("UPDATE \"{table}\" SET \"status\" = 'gone'"), &[])?;
        let error = Defaults::objects().all(db).unwrap_err();
        assert!(error.to_string().contains("`gone` is not a Status: expected `draft`, `published` or `archived`"), "{error}");
    }

    fn text_and_uuid_primary_keys_work_like_ids(db) {
        kitchen_sink::create_tables(db)?;
        let uganda = Country::objects().create(db, NewCountry::new().code("UG").name("Uganda"))?;
        City::objects().create(db, NewCity::new().country_id("UG").name("Kampala"))?;
        let mut fetched = Country::get(db, "UG".to_owned())?;
        assert_eq!(fetched, uganda);
        fetched.name = "Republic of Uganda".into();
        fetched.save(db)?;
        assert_eq!(Country::get(db, "UG".into())?.name, "Republic of Uganda");
        let cities = City::objects().filter(city::country_id.eq("UG")).all(db)?;
        assert_eq!(cities.len(), 1);
        fetched.delete(db)?;
        assert_eq!(City::objects().count(db)?, 0, "ON DELETE CASCADE through a text key");

        let device = Device::objects().create(db, NewDevice::new().label("probe"))?;
        assert_eq!(Device::get(db, device.uid)?, device);
        Reading::objects().create(db, NewReading::new().device_id(device.uid).value(2.5).at(Utc::now()))?;
        assert_eq!(Reading::objects().filter(reading::device_id.eq(device.uid)).count(db)?, 1);
        device.delete(db)?;
        assert_eq!(Reading::objects().count(db)?, 0);
    }

    fn big_auto_keys_and_meta_options(db) {
        kitchen_sink::create_tables(db)?;
        let ticket = Ticket::objects().create(db, NewTicket::new().code("A1").seat(3).row("A"))?;
        assert_eq!(Ticket::get(db, ticket.id)?, ticket);
        assert_eq!(ticket.price, Decimal::ONE);
        assert_eq!(Ticket::META.table, "tickets");
        assert_eq!(Ticket::META.columns, ["id", "code", "seat_number", "row", "price"]);
        assert_eq!(Sample::META.ordering[0].column, "created_at", "ordering inherited from an abstract model");
        // The CHECK constraint refuses a seat of 0 at the database.
        let error = Ticket::objects().create(db, NewTicket::new().code("B1").seat(0).row("B")).unwrap_err();
        assert!(matches!(error, pookie::Error::Integrity { .. }), "{error}");
    }

    fn date_lookups_on_dates_and_timestamps(db) {
        kitchen_sink::create_tables(db)?;
        let device = Device::objects().create(db, NewDevice::new().label("probe"))?;
        // 1969-07-20 was a Sunday; 2024-02-29 a Thursday.
        for moment in ["1969-07-20T20:17:40Z", "2024-02-29T23:59:00Z", "2024-12-03T08:05:00Z"] {
            Reading::objects().create(db, NewReading::new().device_id(device.uid).value(0.0).at(timestamp(moment)))?;
        }
        let count = |q| Reading::objects().filter(q).count(db);
        assert_eq!(count(reading::at.year().eq(2024))?, 2);
        assert_eq!(count(reading::at.year().lt(2000))?, 1);
        assert_eq!(count(reading::at.month().eq(2))?, 1);
        assert_eq!(count(reading::at.day().eq(29))?, 1);
        assert_eq!(count(reading::at.week_day().eq(1))?, 1, "Sunday is 1");
        assert_eq!(count(reading::at.week_day().eq(5))?, 1, "Thursday is 5");
        assert_eq!(count(reading::at.hour().gte(20))?, 2);
        assert_eq!(count(reading::at.minute().eq(5))?, 1);
        assert_eq!(count(reading::at.date().eq(date(2024, 2, 29)))?, 1);
        assert_eq!(count(reading::at.year().ne(2024) & reading::at.month().eq(7))?, 1);

        // On a DateField (nullable, so NULL rows stay out of `eq` and in `ne`).
        Nullable::objects().create(db, NewNullable::new().day(date(1999, 12, 31)))?;
        Nullable::objects().create(db, NewNullable::new().day(date(2000, 1, 1)))?;
        Nullable::objects().create(db, NewNullable::new())?;
        let days = |q| Nullable::objects().filter(q).count(db);
        assert_eq!(days(nullable::day.year().eq(2000))?, 1);
        assert_eq!(days(nullable::day.year().ne(2000))?, 2);
        assert_eq!(days(nullable::day.month().eq(12))?, 1);
        assert_eq!(days(nullable::day.week_day().eq(7))?, 1, "2000-01-01 was a Saturday");
    }

    fn the_ddl_uses_each_backends_native_types(db) {
        kitchen_sink::create_tables(db)?;
        let columns = catalog(db, "samples")?;
        let expected: &[(&str, &str, &str)] = &[
            ("small", "SMALLINT", "smallint"),
            ("integer", "INTEGER", "integer"),
            ("big", "BIGINT", "bigint"),
            ("float", "REAL", "double precision"),
            ("price", "DECIMAL_TEXT(12, 2)", "numeric(12,2)"),
            ("huge", "DECIMAL_TEXT(65, 30)", "numeric(65,30)"),
            ("flag", "BOOLEAN", "boolean"),
            ("name", "VARCHAR(100)", "character varying(100)"),
            ("code", "CHAR(3)", "character(3)"),
            ("body", "TEXT", "text"),
            ("email", "VARCHAR(254)", "character varying(254)"),
            ("site", "VARCHAR(2048)", "character varying(2048)"),
            ("slug", "VARCHAR(100)", "character varying(100)"),
            ("token", "UUID_TEXT", "uuid"),
            ("day", "DATE", "date"),
            ("time", "TIME", "time without time zone"),
            ("moment", "DATETIME", "timestamp with time zone"),
            ("doc", "JSON_TEXT", "jsonb"),
            ("settings", "JSON_TEXT", "jsonb"),
            ("numbers", "ARRAY_TEXT", "bigint[]"),
            ("labels", "ARRAY_TEXT", "character varying(20)[]"),
            ("days", "ARRAY_TEXT", "date[]"),
            ("amounts", "ARRAY_TEXT", "numeric(40,10)[]"),
            ("bytes", "BLOB", "bytea"),
            ("status", "VARCHAR(10)", "character varying(10)"),
        ];
        for (name, sqlite, postgres) in expected {
            let column = columns
                .iter()
                .find(|c| c.name == *name)
                .unwrap_or_else(|| panic!("no column {name}"));
            let want = if db.dialect() == Dialect::Sqlite { sqlite } else { postgres };
            assert_eq!(column.data_type, *want, "{name}");
            assert!(column.not_null, "{name} is NOT NULL");
        }
        let nullable = catalog(db, "nullables")?;
        assert!(nullable.iter().filter(|c| c.name != "id").all(|c| !c.not_null));
    }
}

/// The columns of `table` as the backend's catalog reports them.
fn catalog(db: &Db, table: &str) -> pookie::Result<Vec<catalog::CatalogColumn>> {
    db.execute("DROP TABLE IF EXISTS catalog_columns", &[])?;
    db.execute(
        "CREATE TABLE catalog_columns (name TEXT PRIMARY KEY, data_type TEXT NOT NULL, not_null BOOLEAN NOT NULL)",
        &[],
    )?;
    let copy = match db.dialect() {
        Dialect::Sqlite => format!(
            "INSERT INTO catalog_columns SELECT name, type, \"notnull\" FROM pragma_table_info('{table}')"
        ),
        Dialect::Postgres => format!(
            "INSERT INTO catalog_columns SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull \
             FROM pg_attribute a WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
        ),
    };
    db.execute(&copy, &[])?;
    catalog::CatalogColumn::objects().all(db)
}

#[test]
fn db_alias_sends_a_model_to_its_named_database() -> pookie::Result<()> {
    use analytics::{Metric, NewMetric};
    assert_eq!(Metric::META.db_alias, "analytics");
    let db = Db::builder()
        .database("default", "sqlite://:memory:")
        .database("analytics", "sqlite://:memory:")
        .connect()?;
    analytics::create_tables(&db)?;
    Metric::objects().create(&db, NewMetric::new().name("load").value(0.5))?;
    assert_eq!(Metric::objects().count(&db)?, 1);
    // The default database has no such table.
    assert!(db.execute("SELECT 1 FROM metrics", &[]).is_err());
    let only_default = Db::connect("sqlite://:memory:")?;
    let error = Metric::objects().count(&only_default).unwrap_err();
    assert!(error.to_string().contains("analytics"), "{error}");
    Ok(())
}
