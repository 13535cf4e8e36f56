//! The third-party sample databases: where they are and how to load them.

use std::path::PathBuf;

/// The sample databases folder, next to the repository.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sampledbs")
}

pub fn read(relative: &str) -> String {
    let path = root().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.trim_start_matches('\u{feff}').to_string()
}

/// Every Diesel edge case that has a schema for `backend` (`sqlite` or `postgres`).
pub fn edge_cases(backend: &str) -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = std::fs::read_dir(root().join("edge-cases-diesel"))
        .expect("edge-cases-diesel")
        .filter_map(|entry| {
            let path = entry.ok()?.path().join(backend).join("schema.sql");
            let name = path
                .parent()?
                .parent()?
                .file_name()?
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((name, text))
        })
        .collect();
    cases.sort();
    cases
}
