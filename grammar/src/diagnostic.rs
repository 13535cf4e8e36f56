//! Errors found while loading a schema, and their rustc-like rendering.
//!
//! A [`Diagnostic`] carries everything needed to render it (the path, the
//! position, the source line), so [`Diagnostics`] can be printed long after the
//! sources are gone, e.g. from `build.rs`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::syntax::Span;

/// One error: a message pointing at a place in a source file.
#[derive(Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong: short, lowercase, items in backticks.
    pub message: String,
    /// The file, as given to the loader.
    pub path: PathBuf,
    /// The 1-based line; 0 when the error concerns the whole file (unreadable file).
    pub line: usize,
    /// The 1-based column, counted in characters.
    pub column: usize,
    /// How many characters the error covers on its line (at least 1 when `line > 0`).
    pub length: usize,
    /// The text of the line, for the snippet.
    pub source_line: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Related places, e.g. "first defined here".
    pub labels: Vec<Label>,
}

/// A secondary place a [`Diagnostic`] refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// What this place is ("first defined here").
    pub message: String,
    /// The file.
    pub path: PathBuf,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in characters.
    pub column: usize,
    /// How many characters it covers.
    pub length: usize,
    /// The text of the line.
    pub source_line: String,
}

impl Diagnostic {
    /// An error about a whole file, with no position (e.g. the file cannot be read).
    pub fn file_error(path: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            path: path.into(),
            line: 0,
            column: 0,
            length: 0,
            source_line: String::new(),
            help: None,
            labels: Vec::new(),
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line when there is one.
    pub fn with_optional_help(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, label: Label) -> Diagnostic {
        self.labels.push(label);
        self
    }
}

/// The rendering of a diagnostic, each line ending in a newline.
struct Rendered<'a>(&'a Diagnostic);

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Rendered(diagnostic) = self;
        let this = *diagnostic;
        writeln!(f, "error: {}", this.message)?;
        if this.line == 0 {
            writeln!(f, " --> {}", this.path.display())?;
            if let Some(help) = &this.help {
                writeln!(f, "  = help: {help}")?;
            }
            return Ok(());
        }
        let width = std::iter::once(this.line)
            .chain(this.labels.iter().map(|label| label.line))
            .map(|line| line.to_string().len())
            .max()
            .unwrap_or(1);
        let pad = " ".repeat(width);
        writeln!(
            f,
            "{pad}--> {}:{}:{}",
            this.path.display(),
            this.line,
            this.column
        )?;
        write_snippet(
            f,
            width,
            this.line,
            &this.source_line,
            this.column,
            this.length,
            '^',
            "",
        )?;
        for label in &this.labels {
            writeln!(f, "{pad} |")?;
            writeln!(
                f,
                "{pad}::: {}:{}:{}",
                label.path.display(),
                label.line,
                label.column
            )?;
            write_snippet(
                f,
                width,
                label.line,
                &label.source_line,
                label.column,
                label.length,
                '-',
                &label.message,
            )?;
        }
        if let Some(help) = &this.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rendered into a buffer so the last line carries no trailing newline.
        let rendered = Rendered(self).to_string();
        f.write_str(rendered.trim_end_matches('\n'))
    }
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Diagnostic {}

#[allow(clippy::too_many_arguments)]
fn write_snippet(
    f: &mut fmt::Formatter<'_>,
    width: usize,
    line: usize,
    source_line: &str,
    column: usize,
    length: usize,
    marker: char,
    message: &str,
) -> fmt::Result {
    let pad = " ".repeat(width);
    // Tabs are shown as four spaces so that the markers line up with the text.
    let shown: String = source_line.replace('\t', "    ");
    let indent: usize = source_line
        .chars()
        .take(column.saturating_sub(1))
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    writeln!(f, "{pad} |")?;
    writeln!(f, "{line:>width$} | {}", shown.trim_end())?;
    let markers = marker.to_string().repeat(length.max(1));
    if message.is_empty() {
        writeln!(f, "{pad} | {}{markers}", " ".repeat(indent))
    } else {
        writeln!(f, "{pad} | {}{markers} {message}", " ".repeat(indent))
    }
}

/// Every error of a load, sorted by file (in the order given) and position.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// The errors are a migration's, not a schema's: the summary line says so.
    in_migration: bool,
}

impl Diagnostics {
    /// The diagnostics, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Marks the errors as a migration's, for the summary line.
    pub(crate) fn in_migration(mut self) -> Diagnostics {
        self.in_migration = true;
        self
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics {
            items,
            in_migration: false,
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(item: Diagnostic) -> Self {
        Diagnostics::from(vec![item])
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.items {
            write!(f, "{diagnostic}\n\n")?;
        }
        let count = self.items.len();
        let plural = if count == 1 { "" } else { "s" };
        let what = if self.in_migration {
            "migration"
        } else {
            "schema"
        };
        write!(f, "error: could not load the {what}: {count} error{plural}")
    }
}

impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Diagnostics {}

/// The text of one source with its path, able to turn byte spans into positions.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub(crate) fn new(path: &Path, text: &str) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        SourceFile {
            path: path.to_path_buf(),
            text: text.to_string(),
            line_starts,
        }
    }

    /// (1-based line, 1-based character column, characters covered on that line, line text).
    fn locate(&self, span: Span) -> (usize, usize, usize, String) {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let line_index = match self.line_starts.binary_search(&start) {
            Ok(index) => index,
            Err(index) => index - 1,
        };
        let line_start = self.line_starts[line_index];
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |offset| line_start + offset);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let column = self.text[line_start..start].chars().count() + 1;
        let covered_end = end.min(line_start + line_text.len()).max(start);
        let length = self.text[start..covered_end].chars().count().max(1);
        (line_index + 1, column, length, line_text.to_string())
    }

    /// An error at `span`.
    pub(crate) fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let (line, column, length, source_line) = self.locate(span);
        Diagnostic {
            message: message.into(),
            path: self.path.clone(),
            line,
            column,
            length,
            source_line,
            help: None,
            labels: Vec::new(),
        }
    }

    /// A secondary label at `span`.
    pub(crate) fn label(&self, span: Span, message: impl Into<String>) -> Label {
        let (line, column, length, source_line) = self.locate(span);
        Label {
            message: message.into(),
            path: self.path.clone(),
            line,
            column,
            length,
            source_line,
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}
