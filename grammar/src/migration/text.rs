//! `migration.pookie`: the operations of one migration as hand-editable text,
//! parsed with the grammar of `.pookie` files and printed back canonically.
//!
//! The syntax is documented on the [`migration`](super) module. Parsing checks
//! every operation as a schema file is checked (unknown operations, arguments and
//! field types get "did you mean" help; fields are lowered with the schema's own
//! rules) against the models and enums that exist at that point of the history.

use crate::diagnostic::SourceFile;
use crate::{Diagnostics, Source};

use super::{Operation, State};

mod parse;
mod print;

/// The parsed text of one migration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MigrationText {
    /// The `//!` lines at the top (what the migration does, for people).
    pub doc: Option<String>,
    /// For a squashed migration, the migrations it replaces, in order (the
    /// `Replaces(migrations = […])` line); empty for any other migration.
    pub replaces: Vec<String>,
    /// The operations, in order.
    pub operations: Vec<Operation>,
    /// Comments printed above operations, by operation index (the warning that
    /// an operation destroys data). Not part of the language: parsing leaves
    /// this empty.
    pub notes: Vec<(usize, String)>,
}

/// Parses a migration's operations. `before` is the state the migrations before
/// it leave: fields are checked against it (a relation's target model, a
/// `choices` enum) as fields of a schema file are against the build.
///
/// A leading byte-order mark and the line endings (`\r\n`, `\r`) never change the
/// result.
///
/// ```
/// use pookie_grammar::migration::{parse_migration, print_migration, State};
/// use pookie_grammar::Source;
///
/// let text = "//! + Create model Tag\n\nCreateModel(name = Tag) {\n    id   = AutoField(primary_key = true)\n    name = CharField(max_length = 50)\n}\n";
/// let source = Source { path: "0001_initial/migration.pookie".into(), text: text.into() };
/// let migration = parse_migration(&source, &State::default()).unwrap();
/// assert_eq!(migration.operations[0].describe(), "Create model Tag");
/// assert_eq!(print_migration(&migration), text);
/// ```
pub fn parse_migration(source: &Source, before: &State) -> Result<MigrationText, Diagnostics> {
    let text = normalize(&source.text);
    let files = [SourceFile::new(&source.path, &text)];
    let mut cx = crate::context::Context::new(&files);
    let operations = match crate::parser::parse_migration_file(&files[0]) {
        Ok(pair) => {
            let (tree, errors) = crate::syntax::build_migration(&files[0], pair);
            for error in errors {
                cx.report(0, error);
            }
            let replaces = parse::replaces(&mut cx, &tree);
            let operations = parse::lower(&mut cx, &tree, before);
            Some((tree.doc, replaces, operations))
        }
        Err(error) => {
            cx.report(0, *error);
            None
        }
    };
    match (cx.finish(), operations) {
        (None, Some((doc, replaces, operations))) => Ok(MigrationText {
            doc,
            replaces,
            operations,
            notes: Vec::new(),
        }),
        (Some(diagnostics), _) => Err(diagnostics.in_migration()),
        // A failed parse always reported something.
        (None, None) => Err(Diagnostics::default()),
    }
}

/// The migrations a migration's text replaces (its `Replaces(migrations = […])`
/// line; empty without one), read without checking its operations: the
/// migrations folder needs them to order the migrations before it can replay
/// them. Syntax errors and a malformed `Replaces` line are reported.
///
/// ```
/// use pookie_grammar::migration::parse_replaces;
/// use pookie_grammar::Source;
///
/// let text = "Replaces(migrations = [\"0001_initial\", \"0002_add_x\"])\n\nDeleteModel(name = Nowhere)\n";
/// let source = Source { path: "0001_squashed_0002_x/migration.pookie".into(), text: text.into() };
/// assert_eq!(parse_replaces(&source).unwrap(), ["0001_initial", "0002_add_x"]);
/// ```
pub fn parse_replaces(source: &Source) -> Result<Vec<String>, Diagnostics> {
    let text = normalize(&source.text);
    let files = [SourceFile::new(&source.path, &text)];
    let mut cx = crate::context::Context::new(&files);
    let replaces = match crate::parser::parse_migration_file(&files[0]) {
        Ok(pair) => {
            let (tree, errors) = crate::syntax::build_migration(&files[0], pair);
            for error in errors {
                cx.report(0, error);
            }
            parse::replaces(&mut cx, &tree)
        }
        Err(error) => {
            cx.report(0, *error);
            Vec::new()
        }
    };
    match cx.finish() {
        None => Ok(replaces),
        Some(diagnostics) => Err(diagnostics.in_migration()),
    }
}

/// The canonical text of a migration: parsing it gives the same operations.
///
/// The `Replaces` line of a squashed migration comes first (after the doc),
/// its names one per line when they do not fit on one. Operations are
/// separated by blank lines; notes are printed as `//` lines above
/// their operation; SQL that spans lines or is long is printed as a raw string
/// (`r"…"`), everything else as in `.pookie` schema files.
pub fn print_migration(migration: &MigrationText) -> String {
    print::print(migration)
}

/// The text without a leading byte-order mark and with `\n` line endings.
fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.replace("\r\n", "\n").replace('\r', "\n")
}
