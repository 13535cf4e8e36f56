//! Compiles every schema in `schemas/` for the examples and tests, exactly as a
//! user's build script would, and embeds two migrations folders: the blog
//! example's and the data-migration tests'.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut schemas: Vec<PathBuf> = std::fs::read_dir("schemas")?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    schemas.retain(|path| path.extension().is_some_and(|ext| ext == "pookie"));
    schemas.sort();
    println!("cargo:rerun-if-changed=schemas");
    pookie_codegen::Config::new().compile(&schemas)?;

    // A crate with one schema set writes `Config::new().migrations("migrations")`
    // and `pookie::include_migrations!()`; this package has several, so each
    // folder gets an output folder of its own.
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    embed(
        &out_dir.join("blog"),
        "examples/blog/migrations",
        &["schemas/blog.pookie"],
    )?;
    embed(
        &out_dir.join("articles"),
        "tests/data_migrations/migrations",
        &["tests/data_migrations/articles.pookie"],
    )?;
    Ok(())
}

fn embed(
    out_dir: &Path,
    migrations: &str,
    schemas: &[&str],
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(out_dir)?;
    pookie_codegen::Config::new()
        .out_dir(out_dir)
        .migrations(migrations)
        .compile(schemas)?;
    Ok(())
}
