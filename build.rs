//! Compiles every schema in `schemas/` for the examples and tests, exactly as a
//! user's build script would.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut schemas: Vec<PathBuf> = std::fs::read_dir("schemas")?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    schemas.retain(|path| path.extension().is_some_and(|ext| ext == "pookie"));
    schemas.sort();
    println!("cargo:rerun-if-changed=schemas");
    pookie_codegen::Config::new().compile(&schemas)?;
    Ok(())
}
