//! A crate built from inspected models, as a user would build one: the
//! `.pookie` files `inspectdb` wrote, a build script running the code
//! generator over them, and a program that reads every row of every table
//! through the generated models and compares the number with `count(*)`; for
//! the all-types databases it also writes every row back and reads it again.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pookie_grammar::ir::Schema;
use pookie_grammar::naming::rust_ident;

use crate::support::user_crate;

/// One inspected database: the module its models go in, the `.pookie` text
/// `inspectdb` wrote, its schema, and where the program reads it.
pub struct Inspected {
    pub module: String,
    pub text: String,
    pub schema: Schema,
    pub url: String,
    /// Whether the program also writes every row of its managed models back
    /// (the all-types databases, which are throw-away copies; never the samples).
    pub write_back: bool,
}

/// Writes the crate for `databases` into `dir` (replacing what a previous run
/// left there).
fn write_crate(dir: &Path, databases: &[Inspected]) -> std::io::Result<()> {
    let schemas = dir.join("schemas");
    let _ = std::fs::remove_dir_all(&schemas);
    std::fs::create_dir_all(&schemas)?;
    std::fs::create_dir_all(dir.join("src"))?;
    for db in databases {
        std::fs::write(schemas.join(format!("{}.pookie", db.module)), &db.text)?;
    }
    user_crate::write_manifest(dir, "inspected-samples")?;
    // Each file is a build of its own: the databases share model names.
    std::fs::write(
        dir.join("build.rs"),
        "fn main() {\n    \
             println!(\"cargo:rerun-if-changed=schemas\");\n    \
             for entry in std::fs::read_dir(\"schemas\").expect(\"schemas\") {\n        \
                 let path = entry.expect(\"entry\").path();\n        \
                 if let Err(error) = pookie_codegen::Config::new().compile(&[&path]) {\n            \
                     panic!(\"{error}\");\n        \
                 }\n    \
             }\n\
         }\n",
    )?;
    std::fs::write(dir.join("src/main.rs"), main_rs(databases))
}

/// The program: `<module>=<url>` arguments; one line per table, and a failure
/// exit naming every table whose rows could not all be read.
fn main_rs(databases: &[Inspected]) -> String {
    let mut code =
        String::from("//! Reads every row of every inspected table; compares with `count(*)`.\n\n");
    for db in databases {
        let _ = writeln!(
            code,
            "#[allow(dead_code, clippy::all)]\nmod {} {{\n    pookie::include_models!({:?});\n}}\n",
            rust_ident(&db.module),
            db.module
        );
    }
    code.push_str(
        r#"/// Writes every row of `M` back (every column, through `save`) and reads
/// them again: the same rows, or the failure.
fn write_back<M: pookie::Model + std::fmt::Debug>(db: &pookie::Db) -> Result<(), String> {
    let mut rows = pookie::QuerySet::<M>::new().all(db).map_err(|e| format!("reading: {e}"))?;
    let before = format!("{rows:?}");
    for row in &mut rows {
        pookie::ops::save(db, row).map_err(|e| format!("writing {row:?} back: {e}"))?;
    }
    let after = pookie::QuerySet::<M>::new().all(db).map_err(|e| format!("reading again: {e}"))?;
    let after = format!("{after:?}");
    if before == after {
        Ok(())
    } else {
        Err(format!("the rows changed on the way back:\n{before}\n{after}"))
    }
}

/// Reads every row of `M` (and writes them back when `write` is set); a line
/// on success, a failure otherwise.
fn check<M: pookie::Model + std::fmt::Debug>(
    db: &pookie::Db,
    module: &str,
    write: bool,
    failures: &mut Vec<String>,
) {
    let name = format!("{module}.{}", M::META.name);
    let count_sql = format!("SELECT count(*) FROM \"{}\"", M::META.table.replace('"', "\"\""));
    let expected = db
        .fetch_one(&count_sql, &[])
        .map(|row| row.and_then(|row| row.values().first().and_then(|v| v.as_i64())));
    let read = pookie::QuerySet::<M>::new().all(db).map(|rows| rows.len());
    match (read, expected) {
        (Ok(read), Ok(Some(expected))) if i64::try_from(read) == Ok(expected) => {
            match if write { write_back::<M>(db) } else { Ok(()) } {
                Ok(()) => println!("{name}: {read} rows"),
                Err(error) => failures.push(format!("{name}: {error}")),
            }
        }
        (Ok(read), Ok(expected)) => {
            failures.push(format!("{name}: read {read} rows, count(*) is {expected:?}"));
        }
        (Err(error), _) => failures.push(format!("{name}: reading the rows failed: {error}")),
        (_, Err(error)) => failures.push(format!("{name}: count(*) failed: {error}")),
    }
}

fn main() -> std::process::ExitCode {
    let mut failures = Vec::new();
    for argument in std::env::args().skip(1) {
        let Some((module, url)) = argument.split_once('=') else {
            failures.push(format!("`{argument}` is not <module>=<url>"));
            continue;
        };
        let db = match pookie::Db::connect(url) {
            Ok(db) => db,
            Err(error) => {
                failures.push(format!("{module}: cannot connect: {error}"));
                continue;
            }
        };
        match module {
"#,
    );
    for db in databases {
        let module = rust_ident(&db.module);
        let _ = writeln!(code, "            {:?} => {{", db.module);
        for model in db.schema.modules.iter().flat_map(|m| &m.models) {
            if model.is_abstract {
                continue;
            }
            // Views, and tables whose stand-in key can be NULL, are read only.
            let write = db.write_back && model.meta.managed != Some(false);
            let _ = writeln!(
                code,
                "                check::<{module}::{}>(&db, module, {write}, &mut failures);",
                rust_ident(&model.name)
            );
        }
        code.push_str("            }\n");
    }
    code.push_str(
        r#"            other => failures.push(format!("no module `{other}`")),
        }
    }
    if failures.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        for failure in &failures {
            eprintln!("{failure}");
        }
        std::process::ExitCode::FAILURE
    }
}
"#,
    );
    code
}

/// Writes the crate for `databases`; the paths of its `.pookie` files.
pub fn write(databases: &[Inspected]) -> Vec<PathBuf> {
    let dir = crate_dir();
    write_crate(&dir, databases).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
    databases
        .iter()
        .map(|db| dir.join("schemas").join(format!("{}.pookie", db.module)))
        .collect()
}

fn crate_dir() -> PathBuf {
    user_crate::dir("inspected-samples")
}

/// Builds and runs the crate [`write`] wrote; its output, or why it failed.
pub fn build_and_run(databases: &[Inspected]) -> Result<String, String> {
    let args: Vec<String> = databases
        .iter()
        .map(|db| format!("{}={}", db.module, db.url))
        .collect();
    user_crate::run(&crate_dir(), &args)
}
