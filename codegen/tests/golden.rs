//! Golden files: the code generated for every `schemas/*.pookie` of the workspace,
//! compared with `tests/golden/<module>.rs`.
//!
//! A missing golden file is written and the test fails, so that a new output is
//! reviewed as a diff. After an intended change, regenerate with
//! `POOKIE_BLESS=1 cargo test -p pookie-codegen --test golden`.

use std::fs;
use std::path::{Path, PathBuf};

fn schema_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
        .collect();
    files.sort();
    files
}

#[test]
fn generated_code_matches_the_golden_files() {
    let files = schema_files();
    assert!(!files.is_empty(), "no schemas/*.pookie found");
    // The files are given relative to the workspace root, as a build script of the
    // root package gives them, so that the `@generated` header is the same everywhere.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let relative: Vec<PathBuf> = files
        .iter()
        .map(|f| Path::new("schemas").join(f.file_name().unwrap()))
        .collect();
    let cwd = std::env::current_dir().unwrap();
    std::env::set_current_dir(&root).unwrap();
    let schema = pookie_grammar::load_files(&relative);
    std::env::set_current_dir(cwd).unwrap();
    let schema = schema.unwrap_or_else(|e| panic!("{e}"));
    let generated = pookie_codegen::Config::new()
        .pretty_print(true)
        .generate(&schema)
        .unwrap_or_else(|e| panic!("{e}"));

    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("POOKIE_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for (name, code) in &generated {
        let golden = golden_dir.join(name);
        match fs::read_to_string(&golden) {
            Ok(expected) if expected == *code => {}
            Ok(_) if bless => fs::write(&golden, code).unwrap(),
            Ok(_) => failures.push(format!(
                "{} differs from the generated code (POOKIE_BLESS=1 rewrites it)",
                golden.display()
            )),
            Err(_) => {
                fs::create_dir_all(&golden_dir).unwrap();
                fs::write(&golden, code).unwrap();
                failures.push(format!(
                    "{} was missing: written, review it",
                    golden.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
