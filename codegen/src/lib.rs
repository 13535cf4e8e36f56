//! Turns `.pookie` schemas into typed Rust models, at build time.
//!
//! This is the crate a `build.rs` uses. The whole flow, for a crate with a blog:
//!
//! 1. Describe the models in `schemas/blog.pookie`:
//!
//!    ```text
//!    /// Someone who writes posts.
//!    model Author {
//!        name  = CharField(max_length = 100)
//!        email = EmailField(unique = true)
//!    }
//!    ```
//!
//! 2. Add `pookie` as a dependency and `pookie-codegen` as a build dependency, and
//!    compile the schema in `build.rs`:
//!
//!    ```no_run
//!    fn main() -> Result<(), pookie_codegen::Error> {
//!        pookie_codegen::compile(&["schemas/blog.pookie"])
//!    }
//!    ```
//!
//!    This writes `$OUT_DIR/blog.rs` (one file per schema file, named after it),
//!    only when its content changed, and tells cargo to run the build script
//!    again when a schema file changes. An error prints readable diagnostics.
//!
//! 3. Include the generated code where the models should live:
//!
//!    ```text
//!    pookie::include_models!("blog");
//!
//!    let author = Author::objects().filter(author::name.eq("Ada")).get(&db)?;
//!    ```
//!
//! Several schema files compiled together form one build: a model may point to
//! a model of another file (`ForeignKey(Author, …)`) and use an enum declared in
//! another file (`choices = Status`). Each file's code is included as a module
//! named after the file, and those modules sit side by side:
//!
//! ```text
//! pub mod blog { pookie::include_models!("blog"); }
//! pub mod shop { pookie::include_models!("shop"); }
//! ```
//!
//! The generated code relies on that convention: an enum of another file is
//! named through its sibling module (`super::blog::Status`), so a module whose
//! models use such an enum must be included next to the module of the enum's file.
//!
//! For each model the generated file holds the struct, a module of typed column
//! handles (`author::name`), an insert form (`NewAuthor`) whose required fields
//! must all be set before it can be created, the `pookie::Model` implementation
//! with the model's fixed SQL for every backend, computed here, and methods
//! (`objects`, `get`, `save`, `delete`, `create_table`, `drop_table`). Plus one
//! `create_tables` function per file, which creates the tables in dependency order.
//!
//! [`Config::generate`] is the pure step (a schema in, file contents out); it is
//! what tools and tests use. The pipeline behind it: view models of the schema
//! (`emit`), SQL per backend (`sql`, `ddl`), askama templates, optionally
//! parsing and pretty-printing (`format`, [`Config::pretty_print`]), and
//! writing (`write`).
#![warn(missing_docs)]

mod ddl;
pub mod describe;
mod emit;
mod error;
mod format;
pub mod migrate;
mod search;
mod sql;
mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use askama::Template;

pub use error::Error;
pub use pookie_grammar::ir::Schema;
pub use pookie_grammar::Diagnostics;

/// Settings of the code generator, in the style of a builder.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), pookie_codegen::Error> {
///     pookie_codegen::Config::new()
///         .emit_rerun_if_changed(true)
///         .compile(&["schemas/blog.pookie", "schemas/shop.pookie"])
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    out_dir: Option<PathBuf>,
    emit_rerun_if_changed: bool,
    migrations: Option<PathBuf>,
    pretty_print: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            out_dir: None,
            emit_rerun_if_changed: true,
            migrations: None,
            pretty_print: false,
        }
    }
}

impl Config {
    /// The default settings: write into `$OUT_DIR`, print `cargo:rerun-if-changed`.
    ///
    /// ```
    /// let config = pookie_codegen::Config::new();
    /// # let _ = config;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the generated files into `dir` instead of `$OUT_DIR`.
    ///
    /// ```
    /// let mut config = pookie_codegen::Config::new();
    /// config.out_dir("target/generated");
    /// ```
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether [`compile`](Config::compile) prints `cargo:rerun-if-changed=<file>`
    /// for every schema file (default: yes). Turn it off outside build scripts.
    ///
    /// ```
    /// let mut config = pookie_codegen::Config::new();
    /// config.emit_rerun_if_changed(false);
    /// ```
    pub fn emit_rerun_if_changed(&mut self, on: bool) -> &mut Self {
        self.emit_rerun_if_changed = on;
        self
    }

    /// Embeds the migrations of the folder `dir` (`migrations/0001_initial/…`):
    /// [`compile`](Config::compile) then also writes `$OUT_DIR/pookie_migrations.rs`,
    /// one expression of type `&'static [pookie::migrate::Migration]` with every
    /// migration rendered for SQLite and PostgreSQL. A folder that does not
    /// read, parse or replay fails the build with the reason; a schema with
    /// changes that no migration holds yet prints a cargo warning (run
    /// `pookie makemigrations`).
    ///
    /// ```
    /// let mut config = pookie_codegen::Config::new();
    /// config.migrations("migrations");
    /// ```
    pub fn migrations(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.migrations = Some(dir.into());
        self
    }

    /// Whether the generated code is parsed and printed back in rustfmt style
    /// (default: no). The templates already write readable code; printing it
    /// again costs most of the generation time (for 1,000 models, seconds in
    /// a build script, which cargo compiles without optimisation), so it is
    /// meant for reading the output and for golden files, not for builds.
    ///
    /// ```
    /// let mut config = pookie_codegen::Config::new();
    /// config.pretty_print(true);
    /// ```
    pub fn pretty_print(&mut self, on: bool) -> &mut Self {
        self.pretty_print = on;
        self
    }

    /// Loads the schema files, generates one Rust file per schema file and writes
    /// each into the output directory, unless it already holds the same code.
    ///
    /// ```no_run
    /// // build.rs
    /// fn main() -> Result<(), pookie_codegen::Error> {
    ///     pookie_codegen::Config::new().compile(&["schemas/blog.pookie"])
    /// }
    /// ```
    pub fn compile<P: AsRef<Path>>(&self, files: &[P]) -> Result<(), Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::OutDir)?,
        };
        if self.emit_rerun_if_changed {
            for file in files {
                println!("cargo:rerun-if-changed={}", file.as_ref().display());
            }
        }
        let schema = pookie_grammar::load_files(files)?;
        for (name, code) in self.generate(&schema)? {
            write::write_if_changed(&out_dir.join(name), &code)?;
        }
        if let Some(dir) = &self.migrations {
            migrate::embed::embed(dir, &schema, &out_dir, self.emit_rerun_if_changed)?;
        }
        Ok(())
    }

    /// Generates the code of every module of `schema`, without writing anything:
    /// file name (`blog.rs`) to Rust (formatted when [`pretty_print`](Config::pretty_print) is on).
    ///
    /// ```
    /// use pookie_codegen::Schema;
    /// use pookie_grammar::ir::{Field, FieldKind, FieldOptions, FieldOrigin, Meta, Model, Module};
    ///
    /// let id = Field {
    ///     name: "id".into(),
    ///     doc: None,
    ///     kind: FieldKind::AutoField,
    ///     options: FieldOptions { primary_key: true, ..FieldOptions::default() },
    ///     origin: FieldOrigin::Implicit,
    ///     comment: None,
    /// };
    /// let model = Model {
    ///     name: "Visit".into(),
    ///     doc: None,
    ///     is_abstract: false,
    ///     extends: None,
    ///     fields: vec![id],
    ///     meta: Meta::default(),
    ///     comment: None,
    /// };
    /// let schema = Schema {
    ///     modules: vec![Module {
    ///         name: "stats".into(),
    ///         path: "schemas/stats.pookie".into(),
    ///         models: vec![model],
    ///         ..Module::default()
    ///     }],
    /// };
    /// let files = pookie_codegen::Config::new().generate(&schema)?;
    /// let code = &files[std::path::Path::new("stats.rs")];
    /// assert!(code.starts_with("// @generated by pookie-codegen from `schemas/stats.pookie`."));
    /// assert!(code.contains("pub struct Visit {"));
    /// # Ok::<(), pookie_codegen::Error>(())
    /// ```
    pub fn generate(&self, schema: &Schema) -> Result<BTreeMap<PathBuf, String>, Error> {
        let mut files = BTreeMap::new();
        let mut names = BTreeSet::new();
        let incoming = emit::relations::Incoming::new(schema);
        for module in &schema.modules {
            let valid_name = !module.name.is_empty()
                && module
                    .name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            if !valid_name {
                return Err(Error::unsupported(
                    &module.name,
                    format!("module `{}`", module.name),
                    "the module name cannot be used as a file name: use letters, digits, `_` and `-`",
                ));
            }
            if !names.insert(module.name.as_str()) {
                return Err(Error::unsupported(
                    &module.name,
                    format!("module `{}`", module.name),
                    "two schema files have this name; each generated file is named after its schema file",
                ));
            }
            let view = emit::module_view(schema, &incoming, module)?;
            let code = view.render().map_err(|error| {
                Error::unsupported(
                    &module.name,
                    format!("module `{}`", module.name),
                    format!("rendering the templates failed: {error}"),
                )
            })?;
            let code = if self.pretty_print {
                format::format(&module.name, &code)?
            } else {
                code
            };
            let mut out = header(module);
            out.push_str(&code);
            files.insert(PathBuf::from(format!("{}.rs", module.name)), out);
        }
        Ok(files)
    }
}

/// Loads the schema files and writes their code into `$OUT_DIR`, with the default
/// [`Config`].
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), pookie_codegen::Error> {
///     pookie_codegen::compile(&["schemas/blog.pookie"])
/// }
/// ```
pub fn compile<P: AsRef<Path>>(files: &[P]) -> Result<(), Error> {
    Config::new().compile(files)
}

/// The comment lines that open a generated file: the `@generated` marker naming
/// the schema file, then the module's doc (as plain comments: inner doc comments
/// are not allowed everywhere an `include!`d file may land).
fn header(module: &pookie_grammar::ir::Module) -> String {
    let one_line = |text: &str| text.replace(['\n', '\r'], " ");
    let mut out = format!(
        "// @generated by pookie-codegen from `{}`. Do not edit: it is rewritten on every build.\n",
        one_line(&module.path.display().to_string())
    );
    if let Some(doc) = &module.doc {
        out.push_str("//\n");
        for line in doc.lines() {
            let line = line.replace('\r', "");
            let line = line.trim_end();
            let line = line.strip_prefix(' ').unwrap_or(line);
            if line.is_empty() {
                out.push_str("//\n");
            } else {
                out.push_str("// ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.push('\n');
    out
}
