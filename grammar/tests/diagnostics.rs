//! Golden files: every `tests/diagnostics/<case>.pookie` must fail to load with
//! exactly the rendered diagnostics in `<case>.stderr`.
//!
//! `POOKIE_BLESS=1 cargo test -p pookie-grammar --test diagnostics` rewrites the
//! expected files; a missing expected file is written and the test fails, so every
//! change is reviewed as a diff.

use std::path::Path;

use pookie_grammar::{load, Source};

#[test]
fn diagnostics_match_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let bless = std::env::var("POOKIE_BLESS").is_ok_and(|value| value == "1");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("diagnostics directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
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
            path: format!("tests/diagnostics/{name}.pookie").into(),
            text,
        };
        let actual = match load(&[source]) {
            Ok(_) => {
                failures.push(format!("{name}: loaded without errors"));
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
