//! The `.pookie` model language: grammar, parser, Schema IR, validation and printer.
//!
//! # The flow
//!
//! A schema is one or more `.pookie` files:
//!
//! ```text
//! //! The blog.
//!
//! /// Someone who writes posts.
//! model Author {
//!     name  = CharField(max_length = 100)
//!     email = EmailField(unique = true)
//! }
//!
//! model Post {
//!     title  = CharField(max_length = 200)
//!     author = ForeignKey(Author, on_delete = CASCADE, related_name = "posts")
//!     meta { ordering = ["-title"] }
//! }
//! ```
//!
//! [`load`] (or [`load_files`]) turns them into one [`ir::Schema`]:
//!
//! 1. **parse** — the pest grammar `pookie.pest` checks the syntax;
//! 2. **syntax tree** — the pairs become a typed tree with spans, once;
//! 3. **lower** — every enum and model name of the build is declared (so a model
//!    may point at a model of another file), then each model's fields and meta are
//!    lowered and checked, then inheritance adds inherited fields, merged meta and
//!    the implicit `id` primary key;
//! 4. **diagnostics** — every error of every file is collected, sorted by file and
//!    position, and returned together as [`Diagnostics`], rendered like rustc.
//!
//! The code generator, the DDL and migration code and `inspectdb` all work on the
//! IR; [`print_module`] writes an IR module back as canonical `.pookie` text.
//!
//! ```
//! use pookie_grammar::{load, Source};
//!
//! let source = Source {
//!     path: "schemas/blog.pookie".into(),
//!     text: "model Author {\n    name = CharField(max_length = 100)\n}\n".into(),
//! };
//! let schema = load(&[source]).unwrap();
//! let author = &schema.modules[0].models[0];
//! assert_eq!(author.table_name(), "authors");
//! assert_eq!(author.fields[0].name, "id"); // the implicit primary key
//! ```

#![warn(missing_docs)]

mod args;
mod context;
mod defaults;
mod diagnostic;
mod fields;
pub mod ir;
mod lower;
mod meta;
pub mod migration;
pub mod naming;
mod parser;
mod printer;
mod relations;
mod resolve;
mod suggest;
mod syntax;

use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Diagnostics, Label};
pub use relations::GENERATED_METHODS;

use diagnostic::SourceFile;
use lower::ParsedFile;

/// The text of one `.pookie` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name diagnostics show for the file; its stem is the module name.
    pub path: PathBuf,
    /// The file's contents.
    pub text: String,
}

/// Parses, lowers and validates every source as one build (models may refer to
/// models of other sources); reports every error of every file.
///
/// ```
/// use pookie_grammar::{load, Source};
///
/// let bad = Source {
///     path: "bad.pookie".into(),
///     text: "model Author {\n    name = CharFeild(max_length = 100)\n}\n".into(),
/// };
/// let errors = load(&[bad]).unwrap_err();
/// assert_eq!(errors.len(), 1);
/// assert!(errors.to_string().contains("did you mean `CharField`?"));
/// ```
pub fn load(sources: &[Source]) -> Result<ir::Schema, Diagnostics> {
    let files: Vec<SourceFile> = sources
        .iter()
        .map(|source| SourceFile::new(&source.path, &source.text))
        .collect();
    let mut cx = context::Context::new(&files);
    let mut parsed = Vec::with_capacity(files.len());
    for (index, (source, file)) in sources.iter().zip(&files).enumerate() {
        let tree = match parser::parse_file(file) {
            Ok(pair) => {
                let (tree, errors) = syntax::build(file, pair);
                for error in errors {
                    cx.report(index, error);
                }
                Some(tree)
            }
            Err(error) => {
                cx.report(index, *error);
                None
            }
        };
        parsed.push(ParsedFile {
            name: module_name(&source.path),
            path: source.path.clone(),
            tree,
        });
    }
    let schema = lower::lower(&mut cx, &parsed);
    match cx.finish() {
        Some(diagnostics) => Err(diagnostics),
        None => Ok(schema),
    }
}

/// Reads the files (an unreadable file is a [`Diagnostic`] naming the path and the
/// io error), then [`load`]s them.
///
/// ```
/// let errors = pookie_grammar::load_files(&["does/not/exist.pookie"]).unwrap_err();
/// assert!(errors.to_string().contains("cannot read `does/not/exist.pookie`"));
/// ```
pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Result<ir::Schema, Diagnostics> {
    let mut sources = Vec::with_capacity(paths.len());
    let mut unreadable = Vec::new();
    for path in paths {
        let path = path.as_ref();
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push(Source {
                    path: path.to_path_buf(),
                    text,
                }),
                Err(error) => unreadable.push(not_utf8(path, error.as_bytes(), error.utf8_error())),
            },
            Err(error) => unreadable.push(Diagnostic::file_error(
                path,
                format!("cannot read `{}`: {error}", path.display()),
            )),
        }
    }
    if !unreadable.is_empty() {
        // Loading the readable files alone would report their references to the
        // missing ones as unknown models: noise on top of the real problem.
        return Err(Diagnostics::from(unreadable));
    }
    load(&sources)
}

/// The diagnostic for a file that is not UTF-8: it points at the first bad byte,
/// like every other diagnostic, so the user can find it in an editor.
fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let valid = error.valid_up_to();
    // The valid prefix is UTF-8 by definition; the bad byte's line is shown up
    // to that byte.
    let mut prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
    let line_end = bytes[valid..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |offset| valid + offset);
    prefix.push_str(&String::from_utf8_lossy(&bytes[valid..line_end]));
    let file = SourceFile::new(path, &prefix);
    let span = syntax::Span::new(valid, valid + 1);
    file.error(
        span,
        format!(
            "`{}` is not UTF-8: byte 0x{:02x} at offset {valid} is not valid UTF-8",
            path.display(),
            bytes[valid]
        ),
    )
    .with_help("save the file as UTF-8 (every `.pookie` file is UTF-8 text)")
}

/// The canonical `.pookie` text of one module (`pookie fmt`, `inspectdb`).
///
/// ```
/// use pookie_grammar::{load, print_module, Source};
///
/// let text = "model Tag {\n    name = CharField(max_length = 50)\n}\n";
/// let schema = load(&[Source { path: "tags.pookie".into(), text: text.into() }]).unwrap();
/// assert_eq!(print_module(&schema.modules[0]), text);
/// ```
pub fn print_module(module: &ir::Module) -> String {
    printer::print_module(module)
}

fn module_name(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}
