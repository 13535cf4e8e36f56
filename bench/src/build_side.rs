//! The build side: how long code generation takes for a large schema, how much
//! code a model becomes, and how long the compiler takes over it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::format_duration;

/// A schema of `models` models with ten fields each, every model after the
/// first pointing at its predecessor.
fn large_schema(models: usize) -> String {
    let mut text = String::new();
    for i in 0..models {
        let parent = if i == 0 {
            "rank     = IntegerField(default = 0)".to_owned()
        } else {
            format!(
                "parent   = ForeignKey(Model{}, on_delete = CASCADE, related_name = \"children\")",
                i - 1
            )
        };
        text.push_str(&format!(
            "model Model{i} {{\n    name     = CharField(max_length = 100)\n    code     = CharField(max_length = 20, unique = true)\n    count    = IntegerField(default = 0)\n    total    = BigIntegerField(default = 0)\n    ratio    = FloatField(default = 1.5)\n    active   = BooleanField(default = true)\n    note     = TextField(null = true)\n    created  = DateTimeField(auto_now_add = true)\n    updated  = DateTimeField(auto_now = true)\n    {parent}\n}}\n\n"
        ));
    }
    text
}

/// Times loading (parse and validate) and generating (render and format).
fn generate(text: &str) -> (Duration, Duration, usize) {
    let source = pookie_grammar::Source {
        path: PathBuf::from("models.pookie"),
        text: text.to_owned(),
    };
    let started = Instant::now();
    let schema = pookie_grammar::load(&[source]).expect("the generated schema is valid");
    let loaded = started.elapsed();
    let files = pookie_codegen::Config::new()
        .generate(&schema)
        .expect("the schema generates");
    let generated = started.elapsed() - loaded;
    let lines = files.values().map(|code| code.lines().count()).sum();
    (loaded, generated, lines)
}

/// Prints the code generation time of 1,000 models, the lines of code per
/// model, and the compile time of a crate with 200 models.
pub fn run() {
    let models: usize = std::env::var("POOKIE_BENCH_MODELS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let text = large_schema(models);
    let mut runs: Vec<(Duration, Duration)> = Vec::new();
    let mut lines = 0;
    for _ in 0..5 {
        let (loaded, generated, count) = generate(&text);
        runs.push((loaded, generated));
        lines = count;
    }
    runs.sort_by_key(|(loaded, generated)| *loaded + *generated);
    let (loaded, generated) = runs[2];
    println!(
        "code generation, {models} models of 10 fields: {} (median of 5: parse and validate {}, generate and format {})",
        format_duration(loaded + generated),
        format_duration(loaded),
        format_duration(generated)
    );
    let lines = lines * 1000 / models;
    println!(
        "generated code: {:.0} lines per model",
        lines as f64 / 1000.0
    );

    if std::env::var_os("POOKIE_BENCH_SKIP_COMPILE").is_some() {
        return;
    }
    match compile_crate(200) {
        Ok((full, models_only)) => {
            println!(
                "cargo build (debug) of a crate with 200 models, dependencies built: {}",
                format_duration(models_only)
            );
            println!(
                "  (first build, dependencies included: {})",
                format_duration(full)
            );
        }
        Err(error) => println!("cargo build of the 200-model crate failed: {error}"),
    }
}

/// Builds a throw-away crate with `models` generated models; returns the time
/// of the first build and of a rebuild after the schema changed.
fn compile_crate(models: usize) -> Result<(Duration, Duration), String> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("build-side-crate");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("schemas")).map_err(|e| e.to_string())?;
    let runtime = repository.join("runtime");
    let codegen = repository.join("codegen");
    let manifest = format!(
        "[workspace]\n\n[package]\nname = \"two-hundred-models\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\npookie = {{ path = {:?} }}\n\n[build-dependencies]\npookie-codegen = {{ path = {:?} }}\n",
        runtime.display().to_string(),
        codegen.display().to_string()
    );
    let write =
        |path: &str, text: &str| std::fs::write(dir.join(path), text).map_err(|e| e.to_string());
    write("Cargo.toml", &manifest)?;
    write("build.rs", "fn main() -> Result<(), pookie_codegen::Error> {\n    pookie_codegen::compile(&[\"schemas/models.pookie\"])\n}\n")?;
    write(
        "src/lib.rs",
        "#![allow(dead_code)]\npub mod models {\n    pookie::include_models!(\"models\");\n}\n",
    )?;
    write("schemas/models.pookie", &large_schema(models))?;
    let build = || -> Result<Duration, String> {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .arg("build")
            .arg("--quiet")
            .current_dir(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cargo build exited with {status}"));
        }
        Ok(started.elapsed())
    };
    let full = build()?;
    // A changed schema: the build script and the crate itself are rebuilt.
    write(
        "schemas/models.pookie",
        &format!("{}// changed\n", large_schema(models)),
    )?;
    let models_only = build()?;
    Ok((full, models_only))
}
