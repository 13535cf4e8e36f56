//! The schema state a sequence of operations describes, replayed without a
//! database: what `makemigrations` diffs the current schema against, and what
//! the SQL of each operation is rendered from.

use std::fmt;

use crate::ir::{EnumDef, FieldOrigin, Model, Schema};

use super::Operation;

/// The models and enums of one database as a migration history leaves them.
///
/// Models are kept in the order they were created (a renamed model keeps its
/// place); every model is concrete (`is_abstract` false, `extends` `None`) and
/// complete (every field, inherited and implicit ones included, with origin
/// `Declared`; meta resolved, `inherited` empty).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// The models, in creation order.
    pub models: Vec<Model>,
    /// The enums, in creation order.
    pub enums: Vec<EnumDef>,
}

/// An operation that does not fit the state it is applied to (a model that does
/// not exist, a field added twice…): the migration history is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError {
    /// What is wrong, naming the model or field.
    pub message: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StateError {}

impl State {
    /// The state the current schema describes for the database `alias`
    /// (`"default"` for models without `meta { db_alias }`): its concrete models
    /// and every enum, flattened as described on [`State`].
    pub fn from_schema(schema: &Schema, alias: &str) -> State {
        let models = schema
            .modules
            .iter()
            .flat_map(|module| &module.models)
            .filter(|model| !model.is_abstract)
            .filter(|model| model.meta.db_alias.as_deref().unwrap_or("default") == alias)
            .map(flatten)
            .collect();
        let enums = schema
            .modules
            .iter()
            .flat_map(|module| module.enums.iter().cloned())
            .collect();
        State { models, enums }
    }

    /// Applies one operation.
    pub fn apply(&mut self, operation: &Operation) -> Result<(), StateError> {
        let _ = operation;
        unimplemented!("owned by the state work")
    }

    /// Looks a model up by name.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The state as a one-module schema (module `state`), for the code that
    /// resolves models (tables, columns, foreign-key targets).
    pub fn to_schema(&self) -> Schema {
        Schema {
            modules: vec![crate::ir::Module {
                name: "state".to_owned(),
                path: "state.pookie".into(),
                doc: None,
                enums: self.enums.clone(),
                models: self.models.clone(),
            }],
        }
    }
}

/// A model as the state keeps it: no `extends`, every field `Declared`, no
/// inherited meta bookkeeping, no printer comment.
fn flatten(model: &Model) -> Model {
    let mut model = model.clone();
    model.extends = None;
    model.comment = None;
    model.meta.inherited.clear();
    for field in &mut model.fields {
        field.origin = FieldOrigin::Declared;
        field.comment = None;
    }
    model
}
