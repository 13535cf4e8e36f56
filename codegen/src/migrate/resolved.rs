//! A migration state seen through the code generator's resolution: the same
//! tables, columns and join tables `create_tables` works from.

use pookie_grammar::ir::{Field, Model, Schema};
use pookie_grammar::migration::State;

use crate::emit::relations::{self, JoinTable};
use crate::emit::resolve::{self, Table};
use crate::Error;

/// A state as a schema, ready to resolve its models.
pub(super) struct Resolved<'s> {
    state: &'s State,
    schema: Schema,
}

impl<'s> Resolved<'s> {
    pub(super) fn new(state: &'s State) -> Self {
        Resolved {
            state,
            schema: state.to_schema(),
        }
    }

    /// The state itself.
    pub(super) fn state(&self) -> &'s State {
        self.state
    }

    /// The model named `name`.
    pub(super) fn model(&self, name: &str) -> Result<&'s Model, Error> {
        self.state.model(name).ok_or_else(|| {
            Error::unsupported(
                "migration",
                format!("model `{name}`"),
                "the model is not in the migration state",
            )
        })
    }

    /// Whether Pookie creates, alters and drops the model's table.
    pub(super) fn managed(&self, name: &str) -> bool {
        self.state
            .model(name)
            .is_some_and(|model| model.meta.managed != Some(false))
    }

    /// The model's table.
    pub(super) fn table(&self, name: &str) -> Result<Table, Error> {
        let model = self.model(name)?;
        let module = &self.schema.modules[0];
        resolve::table(&self.schema, module, model)
    }

    /// The join table of the model's field `field`, if it needs one.
    pub(super) fn join(&self, model: &str, field: &str) -> Result<Option<JoinTable>, Error> {
        let model = self.model(model)?;
        let Some(field) = model.field(field) else {
            return Ok(None);
        };
        self.join_of(model, field)
    }

    pub(super) fn join_of(&self, model: &Model, field: &Field) -> Result<Option<JoinTable>, Error> {
        let module = &self.schema.modules[0];
        relations::join_table(&self.schema, module, model, field, "default")
    }

    /// Every join table of the model's fields, in field order.
    pub(super) fn joins(&self, model: &str) -> Result<Vec<JoinTable>, Error> {
        let model = self.model(model)?;
        let mut out = Vec::new();
        for field in &model.fields {
            out.extend(self.join_of(model, field)?);
        }
        Ok(out)
    }
}
