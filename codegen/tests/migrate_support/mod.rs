//! Runs rendered migrations on real databases: a fresh in-memory SQLite
//! database or a PostgreSQL schema of its own per test (dropped at the end),
//! and describes the schema and rows so tests can compare them.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use pookie_codegen::migrate::{render_migration, Rendered, RenderedScript, RenderedStep};
use pookie_dialect::Dialect;
use pookie_grammar::ir::{Field, Model};
use pookie_grammar::migration::{Operation, State};
use pookie_grammar::Source;

/// The environment variable naming the PostgreSQL server of the tests.
pub const POSTGRES_URL_VAR: &str = "POOKIE_TEST_POSTGRES_URL";

/// The state a `.pookie` text describes.
pub fn state_of(schema: &str) -> State {
    let source = Source {
        path: "test.pookie".into(),
        text: schema.to_owned(),
    };
    let schema = pookie_grammar::load(&[source]).unwrap_or_else(|e| panic!("{e}"));
    State::from_schema(&schema, "default")
}

/// The field declared as `decl` (`views = IntegerField()`), resolved against
/// the models of `schema`.
pub fn field(schema: &str, decl: &str) -> Field {
    let state = state_of(&format!("{schema}\nmodel ZzTest {{\n    {decl}\n}}\n"));
    state
        .model("ZzTest")
        .and_then(|m| m.fields.last().cloned())
        .expect("the declared field")
}

/// The model `name` declared in `extra`, resolved against the models of `schema`.
pub fn model(schema: &str, extra: &str, name: &str) -> Model {
    state_of(&format!("{schema}\n{extra}\n"))
        .model(name)
        .cloned()
        .expect("the declared model")
}

/// A connection to a test database.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: Box<postgres::Client>,
        admin_url: String,
        schema: String,
    },
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Conn::Postgres {
            admin_url, schema, ..
        } = self
        {
            if let Ok(mut admin) = postgres::Client::connect(admin_url, postgres::NoTls) {
                let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
            }
        }
    }
}

/// A database, the state its tables were made from, and the migration last
/// applied to it.
pub struct Harness {
    pub conn: Conn,
    pub dialect: Dialect,
    pub state: State,
    pub rendered: Option<Rendered>,
    /// The names of the `RunRust` steps run, in order.
    pub rust_calls: Vec<String>,
}

impl Harness {
    /// A fresh database of `dialect` with the tables of `schema` created by a
    /// migration and `rows` inserted; `None` (with a notice) for PostgreSQL
    /// when no server is configured.
    pub fn new(dialect: Dialect, schema: &str, rows: &[&str]) -> Option<Harness> {
        let conn = match dialect {
            Dialect::Sqlite => {
                let conn = rusqlite::Connection::open_in_memory().expect("in-memory SQLite");
                conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
                Conn::Sqlite(conn)
            }
            Dialect::Postgres => postgres_conn()?,
        };
        let mut harness = Harness {
            conn,
            dialect,
            state: State::default(),
            rendered: None,
            rust_calls: Vec::new(),
        };
        let target = state_of(schema);
        let creates: Vec<Operation> = target
            .models
            .iter()
            .map(|model| Operation::CreateModel {
                model: model.clone(),
            })
            .collect();
        harness.up(&creates);
        for enum_def in &target.enums {
            harness.state.enums.push(enum_def.clone());
        }
        for row in rows {
            harness.exec(row).unwrap_or_else(|e| panic!("{row}: {e}"));
        }
        Some(harness)
    }

    /// Renders `operations` against the current state and runs the up script.
    pub fn up(&mut self, operations: &[Operation]) -> &Rendered {
        let rendered = render_migration(&self.state, operations, self.dialect)
            .unwrap_or_else(|e| panic!("rendering failed: {e}"));
        self.run(&rendered.up)
            .unwrap_or_else(|e| panic!("up failed: {e}\n{:#?}", rendered.up));
        for operation in operations {
            self.state.apply(operation).unwrap();
        }
        self.rendered = Some(rendered);
        self.rendered.as_ref().unwrap()
    }

    /// Runs the down script of the last migration.
    pub fn down(&mut self, before: State) {
        let rendered = self.rendered.take().expect("a migration to undo");
        let down = rendered
            .down
            .unwrap_or_else(|why| panic!("irreversible: {why}"));
        self.run(&down)
            .unwrap_or_else(|e| panic!("down failed: {e}\n{down:#?}"));
        self.state = before;
    }

    /// Runs a script as the runner does: in a transaction; with foreign keys
    /// off around it and `PRAGMA foreign_key_check` before the commit when it
    /// rebuilds tables (SQLite).
    pub fn run(&mut self, script: &RenderedScript) -> Result<(), String> {
        let Harness {
            conn, rust_calls, ..
        } = self;
        match conn {
            Conn::Sqlite(conn) => {
                let err = |e: rusqlite::Error| e.to_string();
                if script.rebuilds_tables {
                    conn.execute_batch("PRAGMA foreign_keys = OFF")
                        .map_err(err)?;
                }
                conn.execute_batch("BEGIN").map_err(err)?;
                let result = (|| {
                    for step in &script.steps {
                        match step {
                            RenderedStep::Sql(sql) => {
                                conn.execute(sql, []).map_err(|e| format!("{sql}: {e}"))?;
                            }
                            RenderedStep::Script(sql) => {
                                conn.execute_batch(sql).map_err(|e| format!("{sql}: {e}"))?
                            }
                            RenderedStep::Rust(name) => rust_calls.push(name.clone()),
                        }
                    }
                    if script.rebuilds_tables {
                        let mut check = conn.prepare("PRAGMA foreign_key_check").map_err(err)?;
                        let broken = check.query_map([], |_| Ok(())).map_err(err)?.count();
                        if broken > 0 {
                            return Err(format!("{broken} rows break foreign keys"));
                        }
                    }
                    Ok(())
                })();
                match &result {
                    Ok(()) => conn.execute_batch("COMMIT").map_err(err)?,
                    Err(_) => conn.execute_batch("ROLLBACK").map_err(err)?,
                }
                conn.execute_batch("PRAGMA foreign_keys = ON")
                    .map_err(err)?;
                result
            }
            Conn::Postgres { client, .. } => {
                let mut transaction = client.transaction().map_err(|e| e.to_string())?;
                for step in &script.steps {
                    match step {
                        RenderedStep::Sql(sql) => {
                            transaction
                                .execute(sql.as_str(), &[])
                                .map_err(|e| format!("{sql}: {}", pg_error(&e)))?;
                        }
                        RenderedStep::Script(sql) => transaction
                            .batch_execute(sql)
                            .map_err(|e| format!("{sql}: {}", pg_error(&e)))?,
                        RenderedStep::Rust(name) => rust_calls.push(name.clone()),
                    }
                }
                transaction.commit().map_err(|e| e.to_string())
            }
        }
    }

    /// Runs one statement outside any migration.
    pub fn exec(&mut self, sql: &str) -> Result<(), String> {
        match &mut self.conn {
            Conn::Sqlite(conn) => conn.execute_batch(sql).map_err(|e| e.to_string()),
            Conn::Postgres { client, .. } => client.batch_execute(sql).map_err(|e| pg_error(&e)),
        }
    }

    /// The tables, each with its columns, constraints and indexes as sorted
    /// lines.
    pub fn schema(&mut self) -> BTreeMap<String, Vec<String>> {
        match &mut self.conn {
            Conn::Sqlite(conn) => sqlite_schema(conn),
            Conn::Postgres { client, .. } => postgres_schema(client),
        }
    }

    /// The rows of `table`: every column (sorted by name) as text, rows sorted.
    pub fn rows(&mut self, table: &str) -> Vec<Vec<Option<String>>> {
        let schema = self.schema();
        let lines = schema
            .get(table)
            .unwrap_or_else(|| panic!("no table {table}: {schema:#?}"));
        let columns: Vec<String> = lines
            .iter()
            .filter_map(|line| line.strip_prefix("column "))
            .map(|rest| rest.split(' ').next().unwrap().to_owned())
            .collect();
        self.select(table, &columns)
    }

    /// The values of `columns` of `table` as text, rows sorted.
    pub fn select(&mut self, table: &str, columns: &[String]) -> Vec<Vec<Option<String>>> {
        let mut rows = match &mut self.conn {
            Conn::Sqlite(conn) => {
                let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
                let sql = format!("SELECT {} FROM \"{table}\"", list.join(", "));
                let mut statement = conn.prepare(&sql).unwrap();
                let rows = statement
                    .query_map([], |row| {
                        (0..columns.len())
                            .map(|i| {
                                let value: rusqlite::types::Value = row.get(i)?;
                                Ok(match value {
                                    rusqlite::types::Value::Null => None,
                                    rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                                    rusqlite::types::Value::Real(r) => Some(r.to_string()),
                                    rusqlite::types::Value::Text(t) => Some(t),
                                    rusqlite::types::Value::Blob(b) => Some(format!("{b:?}")),
                                })
                            })
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .unwrap();
                rows.collect::<Result<Vec<_>, _>>().unwrap()
            }
            Conn::Postgres { client, .. } => {
                let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"::text")).collect();
                let sql = format!("SELECT {} FROM \"{table}\"", list.join(", "));
                client
                    .query(sql.as_str(), &[])
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .map(|row| (0..columns.len()).map(|i| row.get(i)).collect())
                    .collect()
            }
        };
        rows.sort();
        rows
    }

    /// Every table's rows.
    pub fn all_rows(&mut self) -> BTreeMap<String, Vec<Vec<Option<String>>>> {
        let tables: Vec<String> = self.schema().keys().cloned().collect();
        tables
            .into_iter()
            .map(|table| {
                let rows = self.rows(&table);
                (table, rows)
            })
            .collect()
    }
}

fn pg_error(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => error.to_string(),
    }
}

fn postgres_conn() -> Option<Conn> {
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        if std::env::var_os("CI").is_some() {
            panic!("{POSTGRES_URL_VAR} is not set: CI must run the PostgreSQL tests");
        }
        static NOTICE: Once = Once::new();
        NOTICE.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "note: PostgreSQL tests skipped: {POSTGRES_URL_VAR} is not set \
                 (e.g. {POSTGRES_URL_VAR}=postgresql://postgres@127.0.0.1:5432/test)"
            );
        });
        return None;
    };
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let schema = format!(
        "pookie_migrate_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = postgres::Client::connect(&admin_url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}: {e}"));
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"; \
             SET search_path TO \"{schema}\""
        ))
        .unwrap_or_else(|e| panic!("cannot create the test schema {schema}: {e}"));
    Some(Conn::Postgres {
        client: Box::new(client),
        admin_url,
        schema,
    })
}

fn sqlite_schema(conn: &rusqlite::Connection) -> BTreeMap<String, Vec<String>> {
    let strings = |sql: &str| -> Vec<Vec<Option<String>>> {
        let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let count = statement.column_count();
        statement
            .query_map([], |row| {
                (0..count)
                    .map(|i| {
                        let value: rusqlite::types::Value = row.get(i)?;
                        Ok(match value {
                            rusqlite::types::Value::Null => None,
                            rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                            rusqlite::types::Value::Real(r) => Some(r.to_string()),
                            rusqlite::types::Value::Text(t) => Some(t),
                            rusqlite::types::Value::Blob(_) => Some("blob".into()),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "NULL".into());
    let tables = strings(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    let mut out = BTreeMap::new();
    for table in tables {
        let table = text(&table[0]);
        let mut lines = Vec::new();
        // cid, name, type, notnull, dflt_value, pk
        for c in strings(&format!("PRAGMA table_info(\"{table}\")")) {
            lines.push(format!(
                "column {} {} notnull={} default={} pk={}",
                text(&c[1]),
                text(&c[2]),
                text(&c[3]),
                text(&c[4]),
                text(&c[5])
            ));
        }
        // seq, name, unique, origin, partial
        for i in strings(&format!("PRAGMA index_list(\"{table}\")")) {
            let name = text(&i[1]);
            let columns: Vec<String> = strings(&format!("PRAGMA index_info(\"{name}\")"))
                .iter()
                .map(|c| text(&c[2]))
                .collect();
            let origin = text(&i[3]);
            let shown = if origin == "c" { name } else { origin };
            lines.push(format!(
                "index {shown} unique={} partial={} ({})",
                text(&i[2]),
                text(&i[4]),
                columns.join(", ")
            ));
        }
        // id, seq, table, from, to, on_update, on_delete, match
        for f in strings(&format!("PRAGMA foreign_key_list(\"{table}\")")) {
            lines.push(format!(
                "foreign key {} -> {}({}) on delete {} on update {}",
                text(&f[3]),
                text(&f[2]),
                text(&f[4]),
                text(&f[6]),
                text(&f[5])
            ));
        }
        let sql = strings(&format!(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        ));
        let sql = text(&sql[0][0]);
        if let Some(at) = sql.find("CHECK") {
            lines.push(format!("check {}", &sql[at..sql.len() - 2]));
        }
        lines.sort();
        out.insert(table, lines);
    }
    out
}

fn postgres_schema(client: &mut postgres::Client) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let tables = client
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            &[],
        )
        .unwrap();
    for row in tables {
        out.insert(row.get(0), Vec::new());
    }
    let columns = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, \
             character_maximum_length, is_nullable::text, column_default::text, is_identity::text \
             FROM information_schema.columns WHERE table_schema = current_schema()",
            &[],
        )
        .unwrap();
    for row in columns {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let data_type: String = row.get(2);
        let length: Option<i32> = row.get(3);
        let nullable: String = row.get(4);
        let default: Option<String> = row.get(5);
        let identity: String = row.get(6);
        if let Some(lines) = out.get_mut(&table) {
            lines.push(format!(
                "column {name} {data_type}{} nullable={nullable} default={} identity={identity}",
                length.map(|l| format!("({l})")).unwrap_or_default(),
                default.unwrap_or_else(|| "NULL".into())
            ));
        }
    }
    let constraints = client
        .query(
            "SELECT c.relname::text, k.conname::text, pg_get_constraintdef(k.oid) \
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()",
            &[],
        )
        .unwrap();
    for row in constraints {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let definition: String = row.get(2);
        if let Some(lines) = out.get_mut(&table) {
            lines.push(format!("constraint {name} {definition}"));
        }
    }
    let indexes = client
        .query(
            "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes \
             WHERE schemaname = current_schema()",
            &[],
        )
        .unwrap();
    for row in indexes {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let definition: String = row.get(2);
        // The definition names the schema, which differs per test.
        let definition = definition
            .split(" USING ")
            .nth(1)
            .unwrap_or(&definition)
            .to_owned();
        if let Some(lines) = out.get_mut(&table) {
            lines.push(format!("index {name} {definition}"));
        }
    }
    for lines in out.values_mut() {
        lines.sort();
    }
    out
}

/// Defines a test per backend: `<name>::sqlite` and `<name>::postgres`, with
/// `$dialect` bound.
#[macro_export]
macro_rules! on_both_backends {
    ($(fn $name:ident($dialect:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run($dialect: pookie_dialect::Dialect) $body

            #[test]
            fn sqlite() {
                run(pookie_dialect::Dialect::Sqlite);
            }

            #[test]
            fn postgres() {
                run(pookie_dialect::Dialect::Postgres);
            }
        }
    )*};
}
