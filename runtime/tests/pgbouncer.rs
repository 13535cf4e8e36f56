//! PgBouncer in transaction pooling mode (`pgbouncer=true`): statements are
//! sent unnamed, so that every kind of parameter, transactions and streaming
//! inside a transaction keep working although each transaction may run on
//! another server connection. (The query, relation and transaction tests of
//! the root crate also run through it in CI: see `.ci/run`.)

mod conn_support;

use conn_support::{pgbouncer_url, primary_url, with_params, Table};
use pookie::{Db, Param, Value};

fn both() -> Option<(Db, Db)> {
    let bouncer = pgbouncer_url()?;
    let primary = primary_url()?;
    let bouncer = Db::connect(&with_params(&bouncer, "pool_max_size=4")).unwrap();
    Some((bouncer, Db::connect(&primary).unwrap()))
}

#[test]
fn every_kind_of_parameter_binds_through_pgbouncer() {
    let Some((db, admin)) = both() else { return };
    let table = Table::create(
        &admin,
        "id bigserial PRIMARY KEY, small smallint, whole integer, big bigint, real_value double precision, \
         flag boolean, body text, raw bytea, at timestamp, at_tz timestamptz, day date, moment time, \
         key uuid, amount numeric(12, 2), doc jsonb, tags text[], numbers integer[]",
    );
    let at = pookie::chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123456Z")
        .unwrap()
        .with_timezone(&pookie::chrono::Utc);
    let key = pookie::uuid::Uuid::new_v4();
    let sql = format!(
        "INSERT INTO {} (small, whole, big, real_value, flag, body, raw, at, at_tz, day, moment, key, amount, doc, tags, numbers) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        table.name
    );
    // Many rounds: each statement may land on another server connection.
    for round in 0..30 {
        let params: Vec<Param<'_>> = vec![
            Param::I16(7),
            Param::I64(round),
            Param::I64(i64::MAX),
            Param::F64(0.1),
            Param::Bool(true),
            Param::Text("it's \"quoted\" \\ and ünïcode".into()),
            Param::Bytes(vec![0, 1, 254, 255].into()),
            Param::DateTime(at),
            Param::DateTime(at),
            Param::Date(at.date_naive()),
            Param::Time(at.time()),
            Param::Uuid(key),
            Param::Decimal("-12.50".into()),
            Param::Json(r#"{"a": [1, "x"]}"#.into()),
            Param::Array(vec![
                Param::Text("a,b".into()),
                Param::Null,
                Param::Text("\"}".into()),
            ]),
            Param::Array(vec![Param::I32(1), Param::I32(2)]),
        ];
        assert_eq!(db.execute(&sql, &params).unwrap(), 1);
    }
    let row = db
        .fetch_one(
            &format!(
                "SELECT count(*) AS n, min(body) AS body, min(at) = $1 AS same_at, min(at_tz) = $1 AS same_tz, \
                 bool_and(key = $2) AS same_key, sum(amount)::text AS total, bool_and(raw = $5) AS same_raw, \
                 min(tags[3]) AS third, min(array_length(tags, 1)) AS tags, bool_and(tags[2] IS NULL) AS null_tag \
                 FROM {} WHERE whole >= $3 AND real_value < $4",
                table.name
            ),
            &[
                Param::DateTime(at),
                Param::Uuid(key),
                Param::I32(0),
                Param::F64(1.0),
                Param::Bytes(vec![0, 1, 254, 255].into()),
            ],
        )
        .unwrap()
        .unwrap();
    assert_eq!(row.value("n").and_then(Value::as_i64), Some(30));
    assert_eq!(
        row.value("body").and_then(Value::as_str),
        Some("it's \"quoted\" \\ and ünïcode")
    );
    assert_eq!(row.value("same_at").and_then(Value::as_bool), Some(true));
    assert_eq!(row.value("same_tz").and_then(Value::as_bool), Some(true));
    assert_eq!(row.value("same_key").and_then(Value::as_bool), Some(true));
    assert_eq!(row.value("same_raw").and_then(Value::as_bool), Some(true));
    assert_eq!(row.value("total").and_then(Value::as_str), Some("-375.00"));
    assert_eq!(row.value("third").and_then(Value::as_str), Some("\"}"));
    assert_eq!(row.value("tags").and_then(Value::as_i64), Some(3));
    assert_eq!(row.value("null_tag").and_then(Value::as_bool), Some(true));
}

#[test]
fn transactions_and_streaming_inside_them_work_through_pgbouncer() {
    let Some((db, admin)) = both() else { return };
    let table = Table::create(&admin, "id serial PRIMARY KEY, n integer NOT NULL");
    let insert = format!("INSERT INTO {} (n) VALUES ($1)", table.name);
    db.transaction(|tx| {
        for n in 0..200 {
            tx.execute(&insert, &[Param::I32(n)])?;
        }
        // Read back inside the transaction, on its connection.
        let rows = tx.fetch_all(&format!("SELECT n FROM {} ORDER BY n", table.name), &[])?;
        assert_eq!(rows.len(), 200);
        Ok(())
    })
    .unwrap();
    let rolled_back: pookie::Result<()> = db.transaction(|tx| {
        tx.execute(&insert, &[Param::I32(1000)])?;
        Err(pookie::Error::custom("roll back"))
    });
    assert!(rolled_back.is_err());
    let count = db
        .fetch_one(&format!("SELECT count(*) AS n FROM {}", table.name), &[])
        .unwrap()
        .unwrap();
    assert_eq!(count.value("n").and_then(Value::as_i64), Some(200));
    // A failed statement inside a transaction, then a good one after it.
    let failed = db.transaction(|tx| tx.execute("SELECT 1/0", &[]));
    assert!(failed.is_err());
    assert!(db.fetch_one("SELECT 1 AS one", &[]).unwrap().is_some());
}

#[test]
fn many_threads_share_pgbouncer() {
    let Some((db, admin)) = both() else { return };
    let table = Table::create(&admin, "id serial PRIMARY KEY, n integer NOT NULL");
    std::thread::scope(|scope| {
        for thread in 0..6 {
            let db = db.clone();
            let table = &table.name;
            scope.spawn(move || {
                for n in 0..40 {
                    db.execute(
                        &format!("INSERT INTO {table} (n) VALUES ($1)"),
                        &[Param::I32(thread * 100 + n)],
                    )
                    .unwrap();
                    let row = db
                        .fetch_one(
                            &format!("SELECT count(*) AS c FROM {table} WHERE n = $1"),
                            &[Param::I32(thread * 100 + n)],
                        )
                        .unwrap()
                        .unwrap();
                    assert_eq!(row.value("c").and_then(Value::as_i64), Some(1));
                }
            });
        }
    });
}

#[test]
fn session_timeouts_are_refused_with_pgbouncer() {
    let Some(url) = pgbouncer_url() else { return };
    let error = Db::connect(&with_params(&url, "statement_timeout=5s")).unwrap_err();
    assert!(error.to_string().contains("ALTER ROLE"), "{error}");
}
