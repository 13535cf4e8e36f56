//! The one error type of the code generator.

use std::fmt;
use std::path::PathBuf;

use pookie_grammar::Diagnostics;

/// Everything that can go wrong between a `.pookie` file and the generated Rust.
///
/// `Debug` prints the same readable text as `Display`, so a `build.rs` that returns
/// this error from `main` shows the diagnostics as they are, not as a struct dump.
///
/// ```
/// let error = pookie_codegen::Error::OutDir;
/// assert_eq!(format!("{error:?}"), error.to_string());
/// ```
pub enum Error {
    /// A schema file could not be read, or does not describe a valid schema.
    Schema(Diagnostics),
    /// The schema uses something the code generator cannot turn into code (yet).
    Unsupported {
        /// The module (schema file stem) it was found in.
        module: String,
        /// Where: ``model `Post`, field `price` ``, ``enum `Status` ``, ``module `blog` ``.
        location: String,
        /// What cannot be generated, and why.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No output directory: `OUT_DIR` is not set and [`Config::out_dir`](crate::Config::out_dir) was not called.
    OutDir,
    /// The code generated for a module is not valid Rust (a bug of the generator).
    Format {
        /// The module whose code does not parse.
        module: String,
        /// The parser's error.
        source: syn::Error,
    },
}

impl Error {
    pub(crate) fn unsupported(
        module: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Unsupported {
            module: module.to_owned(),
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Schema(diagnostics) => write!(f, "{diagnostics}"),
            Error::Unsupported {
                module,
                location,
                message,
            } => write!(f, "error in module `{module}`, {location}: {message}"),
            Error::Io { path, source } => write!(f, "cannot write `{}`: {source}", path.display()),
            Error::OutDir => f.write_str(
                "OUT_DIR is not set: run the code generator from a build script, \
                 or give an output directory with `Config::out_dir`",
            ),
            Error::Format { module, source } => write!(
                f,
                "the code generated for module `{module}` is not valid Rust ({source}); \
                 this is a bug in pookie-codegen, please report it with the schema"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Schema(diagnostics) => Some(diagnostics),
            Error::Io { source, .. } => Some(source),
            Error::Format { source, .. } => Some(source),
            Error::Unsupported { .. } | Error::OutDir => None,
        }
    }
}

impl From<Diagnostics> for Error {
    fn from(diagnostics: Diagnostics) -> Self {
        Error::Schema(diagnostics)
    }
}
