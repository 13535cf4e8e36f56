//! `pookie inspectdb` end to end, on SQLite and PostgreSQL: the tables Pookie
//! creates from `schemas/` inspect back to the same models (up to the
//! normalisations listed in `inspect/src/lib.rs`), and real third-party
//! databases inspect into `.pookie` text that loads. The third-party databases
//! are not in the repository: see `inspectdb/samples.rs` for where they are
//! read from, and how their tests are skipped without them.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[path = "inspectdb/databases.rs"]
mod databases;
#[path = "inspectdb/round_trip.rs"]
pub mod round_trip;
#[path = "inspectdb/sample_crate.rs"]
mod sample_crate;
#[path = "inspectdb/samples.rs"]
mod samples;

use std::process::Command;

use databases::{PostgresDb, SqliteFile};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pookie_grammar::naming::snake_case;
use pookie_grammar::{ir::Schema, load, Source};

/// Runs `pookie inspectdb` with `args`; the text it printed, or its error output.
fn inspectdb(args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_pookie"))
        .arg("inspectdb")
        .args(args)
        .output()
        .expect("run pookie");
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).expect("UTF-8 output"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Inspects, then checks the output as `pookie check` does: it loads, and
/// code generation accepts it. Panics naming `what`.
fn inspect_and_check(what: &str, args: &[&str]) -> (String, Schema) {
    let text = inspectdb(args).unwrap_or_else(|error| panic!("{what}: inspectdb failed: {error}"));
    let schema = load(&[Source {
        path: "inspected.pookie".into(),
        text: text.clone(),
    }])
    .unwrap_or_else(|errors| panic!("{what}: the output does not load:\n{errors}\n{text}"));
    if let Err(error) = pookie_codegen::Config::new().generate(&schema) {
        panic!("{what}: code generation fails: {error}\n{text}");
    }
    (text, schema)
}

/// The text with runs of spaces as one: checks do not depend on alignment.
fn flat(text: &str) -> String {
    text.split(' ')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn model_count(schema: &Schema) -> usize {
    schema.modules[0].models.len()
}

#[test]
fn sqlite_samples_inspect_and_check() {
    let Some(samples) = samples::find() else {
        return;
    };
    let chinook = samples.chinook_sqlite();
    let (text, schema) = inspect_and_check("Chinook", &["--database", &chinook.url()]);
    assert_eq!(model_count(&schema), 11);
    assert!(
        text.contains("tracks      = ManyToManyField(Track, through = PlaylistTrack)"),
        "{text}"
    );
    assert!(
        text.contains("primary_key = [\"playlist\", \"track\"]"),
        "{text}"
    );

    let northwind = samples.northwind_sqlite();
    let (_, tables) = inspect_and_check("Northwind", &["--database", &northwind.url()]);
    assert_eq!(model_count(&tables), 13);
    let (text, with_views) = inspect_and_check(
        "Northwind with views",
        &["--database", &northwind.url(), "--include-views"],
    );
    assert_eq!(model_count(&with_views), 30);
    assert!(
        flat(&text).contains("db_table = \"Order Details\""),
        "{text}"
    );
    assert!(text.contains("// A view: read-only"), "{text}");
}

#[test]
fn sqlite_edge_cases_inspect_and_check() {
    let Some(samples) = samples::find() else {
        return;
    };
    let cases = samples.edge_cases("sqlite");
    assert!(!cases.is_empty());
    for (name, sql) in cases {
        let file = SqliteFile::new();
        file.execute_batch(&sql)
            .unwrap_or_else(|e| panic!("{name}: cannot load: {e}"));
        inspect_and_check(&name, &["--database", &file.url(), "--include-views"]);
    }
}

#[test]
fn postgres_samples_inspect_and_check() {
    let Some(samples) = samples::find() else {
        return;
    };
    let Some(chinook) = samples.chinook_postgres() else {
        return;
    };
    let (text, schema) = inspect_and_check("Chinook", &["--database", &chinook.url]);
    assert_eq!(model_count(&schema), 11);
    assert!(
        text.contains("ManyToManyField(Track, through = PlaylistTrack)"),
        "{text}"
    );

    let Some(northwind) = samples.northwind_postgres() else {
        return;
    };
    let (text, schema) = inspect_and_check("Northwind", &["--database", &northwind.url]);
    assert_eq!(model_count(&schema), 14);
    assert!(text.contains("BinaryField"), "bytea: {text}");
}

/// A Diesel edge case loaded into a PostgreSQL database of its own, with the
/// schemas it created (`public` and any other), or `None` without a server.
fn postgres_edge_case(name: &str, sql: &str) -> Option<(PostgresDb, Vec<String>)> {
    let db = PostgresDb::new()?;
    db.run_script(sql)
        .unwrap_or_else(|e| panic!("{name}: cannot load: {e}"));
    let schemas: Vec<String> = db
        .client()
        .query(
            "SELECT nspname::text FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' \
             AND nspname <> 'information_schema' ORDER BY nspname",
            &[],
        )
        .expect("list schemas")
        .iter()
        .map(|row| row.get(0))
        .collect();
    Some((db, schemas))
}

#[test]
fn postgres_edge_cases_inspect_and_check() {
    let Some(samples) = samples::find() else {
        return;
    };
    for (name, sql) in samples.edge_cases("postgres") {
        let Some((db, schemas)) = postgres_edge_case(&name, &sql) else {
            return;
        };
        for schema in schemas {
            inspect_and_check(
                &format!("{name}, schema {schema}"),
                &[
                    "--database",
                    &db.url,
                    "--schema",
                    &schema,
                    "--include-views",
                ],
            );
        }
    }
}

#[test]
fn refuses_to_overwrite_without_force() {
    let db = SqliteFile::new();
    db.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .unwrap();
    let out =
        std::env::temp_dir().join(format!("pookie_inspect_out_{}.pookie", std::process::id()));
    std::fs::write(&out, "keep me").unwrap();
    let out_arg = out.display().to_string();
    let error = inspectdb(&["--database", &db.url(), "--output", &out_arg]).unwrap_err();
    assert!(error.contains("pass --force"), "{error}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    inspectdb(&["--database", &db.url(), "--output", &out_arg, "--force"]).unwrap();
    assert!(std::fs::read_to_string(&out).unwrap().contains("model T {"));
    let _ = std::fs::remove_file(&out);
}

#[test]
fn bad_input_gets_a_clear_error() {
    let missing = inspectdb(&["--database", "sqlite:///does/not/exist.db"]).unwrap_err();
    assert!(missing.contains("does not exist"), "{missing}");
    let scheme = inspectdb(&["--database", "mysql://localhost/db"]).unwrap_err();
    assert!(scheme.contains("unsupported database `mysql`"), "{scheme}");
    let db = SqliteFile::new();
    db.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .unwrap();
    let table = inspectdb(&["--database", &db.url(), "--table", "nope"]).unwrap_err();
    assert!(table.contains("no table or view named `nope`"), "{table}");
}

#[test]
fn names_unmappable_things_in_comments() {
    let db = SqliteFile::new();
    db.execute_batch(
        "CREATE TABLE \"Odd Names\" (\"2fa\" TEXT, [Order ID] INTEGER NOT NULL, self TEXT, \
         \"my field\" TEXT, \"My-Field\" TEXT, weird MONEYBAG, untyped);
         CREATE TABLE person (id INTEGER PRIMARY KEY, \
         mother_id INTEGER REFERENCES person (id), father_id INTEGER REFERENCES person (id));",
    )
    .unwrap();
    let (text, _) = inspect_and_check("odd names", &["--database", &db.url()]);
    // Alignment aside: runs of spaces count as one.
    let text: String = text
        .split(' ')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "field_2fa = TextField(null = true, db_column = \"2fa\")",
        "order_id = IntegerField(primary_key = true, db_column = \"Order ID\")",
        "self_field = TextField(null = true, db_column = \"self\")",
        "my_field = TextField(null = true, db_column = \"my field\")",
        "my_field_2 = TextField(null = true, db_column = \"My-Field\")",
        "// The table has no primary key: `order_id` stands in for one.",
        "// field type is a guess: declared `MONEYBAG`",
        "// field type is a guess: no declared type",
        "related_name = \"person_mother_set\"",
        "related_name = \"person_father_set\"",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

/// Every schema of `schemas/`, loaded as one build (they refer to each other).
fn repository_schemas() -> Schema {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .expect("schemas")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
        .collect();
    files.sort();
    pookie_grammar::load_files(&files).unwrap_or_else(|errors| panic!("{errors}"))
}

/// Compares each table of `original` with the inspected model of the same table.
fn assert_round_trip(original: &Schema, inspected: &Schema, sqlite: bool, text: &str) {
    let tables = round_trip::tables(original);
    let mut expected: Vec<String> = tables.iter().map(|m| m.table_name()).collect();
    let mut found: Vec<String> = inspected.modules[0]
        .models
        .iter()
        .map(|m| m.table_name())
        .collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected, "one inspected model per table:\n{text}");
    for model in tables {
        let table = model.table_name();
        let again = inspected.modules[0]
            .models
            .iter()
            .find(|m| m.table_name() == table)
            .unwrap_or_else(|| panic!("table `{table}` was not inspected:\n{text}"));
        assert_eq!(
            round_trip::shape(inspected, again, sqlite),
            round_trip::shape(original, model, sqlite),
            "table `{table}` (left: inspected, right: schemas/):\n{text}"
        );
    }
}

#[test]
fn schemas_round_trip_on_sqlite() {
    let original = repository_schemas();
    let db = SqliteFile::new();
    round_trip::create_every_table(&db.url());
    let (text, inspected) = inspect_and_check("schemas/ on SQLite", &["--database", &db.url()]);
    assert_round_trip(&original, &inspected, true, &text);
}

#[test]
fn schemas_round_trip_on_postgres() {
    let Some(db) = PostgresDb::new() else { return };
    let original = repository_schemas();
    round_trip::create_every_table(&db.url);
    let (text, inspected) = inspect_and_check("schemas/ on PostgreSQL", &["--database", &db.url]);
    assert_round_trip(&original, &inspected, false, &text);
}

/// The all-types database of each backend (see `inspectdb/all_types_*.sql`)
/// and the real databases — Chinook, Northwind and every Diesel edge case, on
/// SQLite and on PostgreSQL — end to end: inspected into `.pookie` files that
/// `pookie check` accepts, from which one crate is built (a module per
/// database, or per PostgreSQL schema of an edge case) that reads every row of
/// every table and finds as many as `count(*)`, and writes every row of the
/// all-types tables back unchanged. The all-types databases are in the
/// repository: without the samples, the test runs on them alone.
#[test]
fn a_crate_built_from_the_inspected_samples_reads_every_row() {
    let all_types_sqlite = SqliteFile::new();
    all_types_sqlite
        .execute_batch(include_str!("inspectdb/all_types_sqlite.sql"))
        .expect("load the SQLite all-types database");
    let all_types_postgres = PostgresDb::new();
    if let Some(db) = &all_types_postgres {
        db.run_script(include_str!("inspectdb/all_types_postgres.sql"))
            .expect("load the PostgreSQL all-types database");
        assert_every_column_type_is_covered(db);
    }
    // (module, url, PostgreSQL schema, write the rows back)
    let mut urls: Vec<(String, String, Option<String>, bool)> = vec![(
        "all_types_sqlite".to_owned(),
        all_types_sqlite.url(),
        None,
        true,
    )];
    if let Some(db) = &all_types_postgres {
        urls.push(("all_types_postgres".to_owned(), db.url.clone(), None, true));
    }
    // The copies of the samples live until the crate has read them.
    let samples = samples::find();
    let mut sqlite = Vec::new();
    let mut postgres = Vec::new();
    if let Some(samples) = &samples {
        sqlite.push(("chinook_sqlite".to_owned(), samples.chinook_sqlite()));
        sqlite.push(("northwind_sqlite".to_owned(), samples.northwind_sqlite()));
        // Each Diesel edge case in a file of its own.
        let edge_cases = samples.edge_cases("sqlite");
        assert!(!edge_cases.is_empty());
        for (name, sql) in edge_cases {
            let file = SqliteFile::new();
            file.execute_batch(&sql)
                .unwrap_or_else(|e| panic!("{name}: cannot load: {e}"));
            let case = name.trim_start_matches("print_schema_");
            sqlite.push((format!("diesel_sqlite_{case}"), file));
        }
        postgres.push(("chinook_postgres", samples.chinook_postgres()));
        postgres.push(("northwind_postgres", samples.northwind_postgres()));
    }
    urls.extend(
        sqlite
            .iter()
            .map(|(module, db)| (module.clone(), db.url(), None, false)),
    );
    urls.extend(postgres.iter().filter_map(|(module, db)| {
        Some(((*module).to_owned(), db.as_ref()?.url.clone(), None, false))
    }));
    // Each Diesel edge case in a database of its own; each of its schemas is
    // a module, read through a connection whose search path is that schema.
    let mut edge_case_databases = Vec::new();
    for (name, sql) in samples.iter().flat_map(|s| s.edge_cases("postgres")) {
        let Some((db, schemas)) = postgres_edge_case(&name, &sql) else {
            break;
        };
        let case = name.trim_start_matches("print_schema_");
        for schema in schemas {
            let module = format!("diesel_postgres_{case}_{}", snake_case(&schema));
            let options = format!("-csearch_path=\"{}\"", schema.replace('"', "\"\""));
            let separator = if db.url.contains('?') { '&' } else { '?' };
            let url = format!(
                "{}{separator}options={}",
                db.url,
                utf8_percent_encode(&options, NON_ALPHANUMERIC)
            );
            urls.push((module, url, Some(schema), false));
        }
        edge_case_databases.push(db);
    }
    let databases: Vec<sample_crate::Inspected> = urls
        .into_iter()
        .map(|(module, url, schema, write_back)| {
            let mut args = vec!["--database", url.as_str(), "--include-views"];
            if let Some(schema) = &schema {
                args.extend(["--schema", schema.as_str()]);
            }
            let (text, schema) = inspect_and_check(&module, &args);
            sample_crate::Inspected {
                module,
                text,
                schema,
                url,
                write_back,
            }
        })
        .collect();

    for (path, db) in sample_crate::write(&databases).iter().zip(&databases) {
        let output = Command::new(env!("CARGO_BIN_EXE_pookie"))
            .arg("check")
            .arg(path)
            .output()
            .expect("run pookie check");
        assert!(
            output.status.success(),
            "{}: pookie check fails:\n{}",
            db.module,
            String::from_utf8_lossy(&output.stderr)
        );
        let expected = format!("ok: {} models in 1 file\n", model_count(&db.schema));
        assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    }

    let output = sample_crate::build_and_run(&databases)
        .unwrap_or_else(|failure| panic!("the crate built from the inspected samples:\n{failure}"));
    let tables: usize = databases.iter().map(|db| model_count(&db.schema)).sum();
    assert_eq!(
        output.lines().count(),
        tables,
        "one line per table:\n{output}"
    );
    assert!(
        output.lines().all(|line| line.ends_with(" rows")),
        "{output}"
    );
}

/// Every type of `pg_catalog` a column can have (base, range and multirange
/// types) has a column in the PostgreSQL all-types table.
fn assert_every_column_type_is_covered(db: &PostgresDb) {
    let missing: Vec<String> = db
        .client()
        .query(
            "SELECT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = 'pg_catalog' AND t.typtype IN ('b', 'r', 'm') AND t.typisdefined \
               AND t.typrelid = 0 AND NOT (t.typcategory = 'A' AND t.typname LIKE '\\_%') \
               AND NOT EXISTS (SELECT 1 FROM pg_attribute a \
                   WHERE a.attrelid = 'all_types'::regclass AND a.atttypid = t.oid) \
             ORDER BY 1",
            &[],
        )
        .expect("list the column types")
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(
        missing.is_empty(),
        "types without a column in inspectdb/all_types_postgres.sql: {missing:?}"
    );
}

/// What the language cannot say about a PostgreSQL table is kept as a note:
/// index methods other than btree, hash, gist, gin and brin, exclusion
/// constraints, triggers, materialized views, partitioning (the partitions and
/// the foreign keys declared on one alone), a table without columns (which
/// gets no model), a table without a key (a stand-in, nullable only on an
/// unmanaged model). `ON UPDATE` actions and the index methods the language
/// has are written out. An `ON DELETE` or `ON UPDATE` action the column
/// cannot carry out is written as what the database does, so that the output
/// passes `pookie check`.
#[test]
fn postgres_keeps_what_the_models_cannot_say_as_notes() {
    let Some(db) = PostgresDb::new() else { return };
    db.run_script(
        "CREATE TABLE parent (id serial PRIMARY KEY, code text UNIQUE, tags text[]);
         CREATE TABLE child (id serial PRIMARY KEY,
             parent_id integer NOT NULL REFERENCES parent ON DELETE SET NULL ON UPDATE CASCADE,
             code text NOT NULL REFERENCES parent (code) ON UPDATE SET NULL,
             other_id integer NOT NULL REFERENCES parent ON DELETE SET DEFAULT,
             maybe_id integer REFERENCES parent ON DELETE SET DEFAULT);
         CREATE INDEX parent_tags_gin ON parent USING gin (tags);
         CREATE INDEX parent_code_spgist ON parent USING spgist (code);
         CREATE TABLE nothing ();
         CREATE TABLE loose (label text, amount integer);
         CREATE TABLE coded (note text, code text NOT NULL UNIQUE);
         CREATE TABLE booking (id serial PRIMARY KEY, starts date NOT NULL, ends date NOT NULL,
             EXCLUDE USING gist (daterange(starts, ends) WITH &&));
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER child_touch BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE MATERIALIZED VIEW parent_codes AS SELECT id, code FROM parent;
         CREATE TABLE measurement (id integer NOT NULL, taken date NOT NULL, parent_id integer,
             PRIMARY KEY (id, taken)) PARTITION BY RANGE (taken);
         CREATE TABLE measurement_2026 PARTITION OF measurement
             FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
         ALTER TABLE measurement_2026 ADD CONSTRAINT measurement_2026_parent
             FOREIGN KEY (parent_id) REFERENCES parent (id);",
    )
    .expect("create the tables");
    let (text, schema) = inspect_and_check(
        "notes on PostgreSQL",
        &["--database", &db.url, "--include-views"],
    );
    assert_eq!(model_count(&schema), 7, "{text}");
    let text = flat(&text);
    for expected in [
        "parent = ForeignKey(Parent, on_delete = DO_NOTHING, on_update = CASCADE",
        "// The database has ON DELETE SET NULL, but the column is NOT NULL, so deleting a referenced row fails: written as `on_delete = DO_NOTHING`",
        "// The database has ON UPDATE SET NULL, but the column is NOT NULL, so changing a referenced key fails: written as `on_update = DO_NOTHING`",
        "code = ForeignKey(Parent, on_delete = DO_NOTHING, related_name = \"child_code_set\", to_field = \"code\", db_column = \"code\")",
        "// The database has ON DELETE SET DEFAULT, but the column has no default and is NOT NULL",
        "maybe = ForeignKey(Parent, on_delete = SET_NULL, related_name = \"child_maybe_set\", null = true)",
        "indexes = [Index(fields = [\"code\"], name = \"parent_code_spgist\"), Index(fields = [\"tags\"], name = \"parent_tags_gin\", method = \"gin\")]",
        "// The index `parent_code_spgist` uses the `spgist` method, which an `Index` cannot say: it is written as a btree index.",
        "// The table `nothing` has no columns, so no model can read its rows: it has no model.",
        "// The table has no primary key and no column that is NOT NULL: `label` stands in for one, and can be NULL",
        "label = TextField(primary_key = true, null = true)",
        "managed = false",
        "// The table has no primary key: `code`, NOT NULL and unique, stands in for one.",
        "code = TextField(primary_key = true)",
        "// The exclusion constraint `booking_daterange_excl` (the models do not express it): EXCLUDE USING gist",
        "// The trigger `child_touch` runs in the database (the models do not express it): CREATE TRIGGER child_touch BEFORE UPDATE ON public.child",
        "// A materialized view: read-only",
        "// A partitioned table: PARTITION BY RANGE (taken).",
        "// Partition `measurement_2026`: FOR VALUES FROM ('2026-01-01') TO ('2027-01-01').",
        "// The partition `measurement_2026` alone has the foreign key `measurement_2026_parent`: FOREIGN KEY (parent_id) REFERENCES parent(id).",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

/// The same on SQLite: triggers, `ON UPDATE` actions, and an `ON DELETE SET
/// NULL` on a NOT NULL column; a view, whose key stands in and can be NULL.
#[test]
fn sqlite_keeps_what_the_models_cannot_say_as_notes() {
    let db = SqliteFile::new();
    db.execute_batch(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, touched TEXT);
         CREATE TABLE child (id INTEGER PRIMARY KEY,
             parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE SET NULL ON UPDATE RESTRICT);
         CREATE TRIGGER parent_touch AFTER UPDATE ON parent
             BEGIN UPDATE parent SET touched = 'yes' WHERE id = NEW.id; END;
         CREATE VIEW touched AS SELECT id, upper(touched) AS loud FROM parent;",
    )
    .unwrap();
    let (text, _) = inspect_and_check(
        "notes on SQLite",
        &["--database", &db.url(), "--include-views"],
    );
    let text = flat(&text);
    for expected in [
        "parent = ForeignKey(Parent, on_delete = DO_NOTHING, on_update = RESTRICT)",
        "// The database has ON DELETE SET NULL, but the column is NOT NULL",
        "// A view has no primary key and no column that is NOT NULL: `id` stands in for one, and can be NULL",
        "id = IntegerField(primary_key = true, null = true)",
        "// The trigger `parent_touch` runs in the database (the models do not express it): CREATE TRIGGER parent_touch AFTER UPDATE ON parent",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}
