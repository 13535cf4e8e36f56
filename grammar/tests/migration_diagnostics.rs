//! Golden files: every `tests/migration_diagnostics/<case>.pookie` is a migration
//! that must fail to parse, against the state `_before.pookie` describes, with
//! exactly the rendered diagnostics in `<case>.stderr`.
//!
//! `POOKIE_BLESS=1 cargo test -p pookie-grammar --test migration_diagnostics`
//! rewrites the expected files; a missing expected file is written and the test
//! fails, so every change is reviewed as a diff.

use std::path::Path;

use pookie_grammar::ir::FieldOrigin;
use pookie_grammar::migration::{parse_migration, State};
use pookie_grammar::{load_files, Source};

/// The state of `_before.pookie`, flattened by hand (no abstract models there).
fn before(dir: &Path) -> State {
    let schema = load_files(&[dir.join("_before.pookie")]).unwrap_or_else(|e| panic!("{e}"));
    let module = &schema.modules[0];
    let mut models = module.models.clone();
    for field in models.iter_mut().flat_map(|model| model.fields.iter_mut()) {
        field.origin = FieldOrigin::Declared;
    }
    State {
        models,
        enums: module.enums.clone(),
    }
}

#[test]
fn migration_diagnostics_match_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migration_diagnostics");
    let bless = std::env::var("POOKIE_BLESS").is_ok_and(|value| value == "1");
    let state = before(&dir);
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("migration_diagnostics directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
        .filter(|path| {
            !path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with('_'))
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text = std::fs::read_to_string(case).expect("case");
        let source = Source {
            path: format!("migrations/{name}/migration.pookie").into(),
            text,
        };
        let actual = match parse_migration(&source, &state) {
            Ok(_) => {
                failures.push(format!("{name}: parsed without errors"));
                continue;
            }
            Err(errors) => format!("{errors}\n"),
        };
        let expected_path = case.with_extension("stderr");
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(_) if bless => std::fs::write(&expected_path, &actual).expect("bless"),
            Ok(expected) => failures.push(format!(
                "{name}: rendered diagnostics differ\n--- expected\n{expected}\n--- actual\n{actual}"
            )),
            Err(_) => {
                std::fs::write(&expected_path, &actual).expect("write expected file");
                if !bless {
                    failures.push(format!("{name}: no expected file; wrote it, review it"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
