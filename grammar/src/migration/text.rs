//! `migration.pookie`: the operations of one migration as hand-editable text,
//! parsed with the grammar of `.pookie` files and printed back canonically.

use crate::{Diagnostics, Source};

use super::{Operation, State};

/// The parsed text of one migration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MigrationText {
    /// The `//!` lines at the top (what the migration does, for people).
    pub doc: Option<String>,
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
pub fn parse_migration(source: &Source, before: &State) -> Result<MigrationText, Diagnostics> {
    let _ = (source, before);
    unimplemented!("owned by the text work")
}

/// The canonical text of a migration: parsing it gives the same operations.
pub fn print_migration(migration: &MigrationText) -> String {
    let _ = migration;
    unimplemented!("owned by the text work")
}
