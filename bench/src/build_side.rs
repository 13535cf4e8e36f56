//! The build side: how long code generation takes for schemas of 100, 1,000
//! and 5,000 models, how much code a model becomes, and how long cargo takes
//! to rebuild a user's crate after one field of its schema changed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::format_duration;

/// A schema of `models` models with ten fields each (nine plus a primary
/// key), every model after the first with a foreign key to its predecessor.
/// `name_length` is the `max_length` of `Model0.name`: the one-field change.
fn large_schema(models: usize, name_length: usize) -> String {
    let mut text = String::new();
    for i in 0..models {
        let length = if i == 0 { name_length } else { 100 };
        let parent = if i == 0 {
            "rank     = IntegerField(default = 0)".to_owned()
        } else {
            format!(
                "parent   = ForeignKey(Model{}, on_delete = CASCADE, related_name = \"children\")",
                i - 1
            )
        };
        text.push_str(&format!(
            "model Model{i} {{\n    name     = CharField(max_length = {length})\n    code     = CharField(max_length = 20, unique = true)\n    count    = IntegerField(default = 0)\n    total    = BigIntegerField(default = 0)\n    ratio    = FloatField(default = 1.5)\n    active   = BooleanField(default = true)\n    note     = TextField(null = true)\n    created  = DateTimeField(auto_now_add = true)\n    updated  = DateTimeField(auto_now = true)\n    {parent}\n}}\n\n"
        ));
    }
    text
}

/// One code generation: the time to load (parse, validate) and to generate,
/// and the lines of the generated files.
struct Generation {
    loaded: Duration,
    generated: Duration,
    lines: usize,
}

fn generate(text: &str, pretty_print: bool) -> Generation {
    let source = pookie_grammar::Source {
        path: PathBuf::from("models.pookie"),
        text: text.to_owned(),
    };
    let started = Instant::now();
    let schema = pookie_grammar::load(&[source]).expect("the generated schema is valid");
    let loaded = started.elapsed();
    let files = pookie_codegen::Config::new()
        .pretty_print(pretty_print)
        .generate(&schema)
        .expect("the schema generates");
    let generated = started.elapsed() - loaded;
    let lines = files.values().map(|code| code.lines().count()).sum();
    Generation {
        loaded,
        generated,
        lines,
    }
}

/// The median of `runs` generations, by total time.
fn median_generation(text: &str, pretty_print: bool, runs: usize) -> Generation {
    let mut all: Vec<Generation> = (0..runs).map(|_| generate(text, pretty_print)).collect();
    all.sort_by_key(|g| g.loaded + g.generated);
    all.swap_remove(runs / 2)
}

/// Prints code generation times and sizes, then the rebuild times of user
/// crates (`POOKIE_BENCH_SKIP_COMPILE=1` skips those).
pub fn run() {
    for models in [100, 1000, 5000] {
        let text = large_schema(models, 100);
        let g = median_generation(&text, false, 5);
        println!(
            "code generation, {models} models of 10 fields: {} (median of 5: parse and validate {}, generate {}); {:.0} lines per model",
            format_duration(g.loaded + g.generated),
            format_duration(g.loaded),
            format_duration(g.generated),
            g.lines as f64 / models as f64,
        );
    }
    let text = large_schema(1000, 100);
    let g = median_generation(&text, true, 3);
    println!(
        "  with pretty_print (rustfmt style, as the golden files), 1000 models: {} (median of 3); {:.0} lines per model",
        format_duration(g.loaded + g.generated),
        g.lines as f64 / 1000.0,
    );

    if std::env::var_os("POOKIE_BENCH_SKIP_COMPILE").is_some() {
        return;
    }
    for models in [200, 1000] {
        match rebuild_after_one_field_change(models) {
            Ok(rebuild) => println!(
                "cargo build (debug) of a crate with {models} models after one field changed: {} (its build script's code generation: {}; first build, dependencies included: {})",
                format_duration(rebuild.after_change),
                rebuild.build_script_codegen,
                format_duration(rebuild.first),
            ),
            Err(error) => println!("cargo build of the {models}-model crate failed: {error}"),
        }
    }
}

/// The build times of a user's crate.
struct Rebuild {
    first: Duration,
    after_change: Duration,
    /// What the crate's build script reported for code generation, compiled
    /// as cargo compiles build scripts by default (without optimisation).
    build_script_codegen: String,
}

/// The build script of the throw-away crates: generates the models and
/// reports how long that took as a cargo warning.
const BUILD_RS: &str = r#"fn main() -> Result<(), pookie_codegen::Error> {
    let started = std::time::Instant::now();
    pookie_codegen::compile(&["schemas/models.pookie"])?;
    println!("cargo:warning=pookie-codegen: {} ms", started.elapsed().as_millis());
    Ok(())
}
"#;

/// Builds a throw-away crate with `models` generated models, changes one
/// field (the `max_length` of `Model0.name`) and builds again.
fn rebuild_after_one_field_change(models: usize) -> Result<Rebuild, String> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let dir = target.join(format!("build-side-crate-{models}"));
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("schemas")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[workspace]\n\n[package]\nname = \"models-{models}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\npookie = {{ path = {:?} }}\n\n[build-dependencies]\npookie-codegen = {{ path = {:?} }}\n",
        repository.join("runtime").display().to_string(),
        repository.join("codegen").display().to_string()
    );
    let write =
        |path: &str, text: &str| std::fs::write(dir.join(path), text).map_err(|e| e.to_string());
    write("Cargo.toml", &manifest)?;
    write("build.rs", BUILD_RS)?;
    write(
        "src/lib.rs",
        "#![allow(dead_code)]\npub mod models {\n    pookie::include_models!(\"models\");\n}\n",
    )?;
    write("schemas/models.pookie", &large_schema(models, 100))?;
    // The repository's lock file: the same dependency versions as its own
    // build, and no registry look-up.
    std::fs::copy(repository.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;
    // The crates share one target directory, so the dependencies build once.
    let shared_target = target.join("build-side-crates");
    let build = || -> Result<(Duration, String), String> {
        let started = Instant::now();
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .arg("build")
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &shared_target);
        // Run outside `cargo run`, rustup's `rustc` would follow the
        // `rust-toolchain.toml` some registry crates ship (and fail where that
        // toolchain is not installed): use the compiler next to this cargo.
        let sibling_rustc = Path::new(env!("CARGO")).with_file_name("rustc");
        if std::env::var_os("RUSTC").is_none() && sibling_rustc.is_file() {
            cargo.env("RUSTC", sibling_rustc);
        }
        let output = cargo.output().map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(format!(
                "cargo build exited with {}: {stderr}",
                output.status
            ));
        }
        let codegen = stderr
            .lines()
            .find_map(|line| {
                line.split_once("pookie-codegen: ")
                    .map(|(_, t)| t.trim().to_owned())
            })
            .unwrap_or_else(|| "not reported".to_owned());
        Ok((elapsed, codegen))
    };
    let (first, _) = build()?;
    write("schemas/models.pookie", &large_schema(models, 101))?;
    let (after_change, build_script_codegen) = build()?;
    // Back to the first schema, so the next run measures the same change.
    write("schemas/models.pookie", &large_schema(models, 100))?;
    Ok(Rebuild {
        first,
        after_change,
        build_script_codegen,
    })
}
