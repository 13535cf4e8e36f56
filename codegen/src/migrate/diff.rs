//! The autodetector of `makemigrations`: the operations that take the state a
//! migration history leaves to the state the current schema describes.
//!
//! Renames are never guessed into data loss: `renamed_from = "old"` on a field,
//! or in a model's `meta`, makes a rename; without it, a removed and an added
//! model (or field) of the same shape are a rename only when the
//! [`Questioner`] says so (a person at a prompt). [`NoInput`] answers nothing,
//! and the diff fails listing every question with the fix that answers it in
//! the schema.
//!
//! The operations come out in an order that applies: enums first, renames,
//! then what goes away (indexes, constraints, fields) before what comes in
//! (models with their foreign-key targets first, fields, indexes), models
//! dropped last, children before parents.

use std::collections::BTreeSet;
use std::fmt;

use pookie_grammar::ir::{
    CheckConstraint, DefaultValue, Field, FieldKind, Index, Meta, Model, SearchIndex,
};
use pookie_grammar::migration::{MigrationText, Operation, State};

use pookie_grammar::ir::default_index_name;

/// Answers the questions the schema alone does not: renames without
/// `renamed_from`, and a value for the rows already there when a NOT NULL
/// field without a default comes in.
pub trait Questioner {
    /// Whether model `old`, gone from the schema, is model `new`, added with
    /// the same fields. `false` makes a delete and a create.
    fn rename_model(&mut self, old: &str, new: &str) -> bool;
    /// Whether field `old` of `model`, gone from the schema, is field `new`,
    /// added with the same type. `false` makes a remove and an add.
    fn rename_field(&mut self, model: &str, old: &str, new: &str) -> bool;
    /// A one-off value for the rows already in `model`'s table, for `field`
    /// (NOT NULL, no default) added or made NOT NULL. `None` gives up: the diff
    /// fails naming the field and the fixes.
    fn once_default(&mut self, model: &str, field: &Field) -> Option<DefaultValue>;
    /// Whether someone answers. When not, a rename candidate is not taken as
    /// "no": the diff fails listing it, so that nothing is dropped unasked.
    fn asks(&self) -> bool {
        true
    }
}

/// The questioner of `--no-input`: answers nothing, so every rename candidate
/// and every missing default makes the diff fail, listing them with their fixes.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoInput;

impl Questioner for NoInput {
    fn rename_model(&mut self, _old: &str, _new: &str) -> bool {
        false
    }

    fn rename_field(&mut self, _model: &str, _old: &str, _new: &str) -> bool {
        false
    }

    fn once_default(&mut self, _model: &str, _field: &Field) -> Option<DefaultValue> {
        None
    }

    fn asks(&self) -> bool {
        false
    }
}

/// What the diff found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    /// The operations, in the order they apply.
    pub operations: Vec<Operation>,
    /// Operations that destroy data (a dropped table or column, a narrowed
    /// type), by index in `operations`, with what is lost.
    pub warnings: Vec<(usize, String)>,
}

impl Changes {
    /// No operations: the history is up to date with the schema.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// The operations described on one line: "Add field slug to Post; Remove
    /// field legacy from Post".
    pub fn summary(&self) -> String {
        self.operations
            .iter()
            .map(Operation::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The migration text: a `//!` line per operation (sign and
    /// description), the operations, and each warning as a note above its
    /// operation.
    pub fn to_text(&self) -> MigrationText {
        let doc = self
            .operations
            .iter()
            .map(|op| format!("{} {}", op.sign(), op.describe()))
            .collect::<Vec<_>>()
            .join("\n");
        MigrationText {
            doc: (!doc.is_empty()).then_some(doc),
            replaces: Vec::new(),
            operations: self.operations.clone(),
            notes: self
                .warnings
                .iter()
                .map(|(i, warning)| (*i, format!("WARNING: {warning}")))
                .collect(),
        }
    }
}

/// One thing that keeps the diff from deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A model was removed and one of the same shape added, and nobody said
    /// whether it is a rename.
    ModelRename {
        /// The model gone from the schema.
        old: String,
        /// The model added to it.
        new: String,
    },
    /// A field was removed and one of the same type added, and nobody said
    /// whether it is a rename.
    FieldRename {
        /// The model (its name in the schema).
        model: String,
        /// The field gone from the schema.
        old: String,
        /// The field added to it.
        new: String,
    },
    /// A NOT NULL field without a default is added to (or made NOT NULL in) a
    /// table that may hold rows, and no one-off value was given.
    MissingDefault {
        /// The model.
        model: String,
        /// The field.
        field: String,
        /// True when an existing nullable field becomes NOT NULL.
        altered: bool,
    },
    /// `renamed_from` names a model or field the migrations do not have.
    RenamedFromMissing {
        /// The model (its name in the schema).
        model: String,
        /// The field, for a field's `renamed_from`.
        field: Option<String>,
        /// The old name given.
        old: String,
    },
    /// A change no operation expresses.
    Unsupported(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::ModelRename { old, new } => write!(
                f,
                "model `{old}` was removed and model `{new}` added with the same fields. \
                 If it is a rename, write `renamed_from = \"{old}\"` in the meta of `{new}` \
                 (`meta {{ renamed_from = \"{old}\" }}`); otherwise run `pookie makemigrations` \
                 without `--no-input` and answer no (the table `{old}` is dropped with its rows)"
            ),
            Problem::FieldRename { model, old, new } => write!(
                f,
                "field `{old}` of `{model}` was removed and field `{new}` added with the same type. \
                 If it is a rename, add `renamed_from = \"{old}\"` to the field \
                 (`{new} = …(…, renamed_from = \"{old}\")`); otherwise run `pookie makemigrations` \
                 without `--no-input` and answer no (the column `{old}` is dropped with its data)"
            ),
            Problem::MissingDefault {
                model,
                field,
                altered,
            } => {
                let what = if *altered {
                    format!("field `{field}` of `{model}` becomes NOT NULL")
                } else {
                    format!("field `{field}` is added to `{model}` as NOT NULL")
                };
                write!(
                    f,
                    "{what} without a default, and the rows already in the table need a value. \
                     Give it a default in the schema (`default = …`) or make it nullable \
                     (`null = true`); or run `pookie makemigrations` without `--no-input` \
                     to give a one-off value for the existing rows"
                )
            }
            Problem::RenamedFromMissing { model, field, old } => match field {
                Some(field) => write!(
                    f,
                    "field `{field}` of `{model}` says `renamed_from = \"{old}\"`, but the \
                     migrations give `{model}` no field `{old}`: fix the old name, or remove \
                     `renamed_from` if the rename is already in a migration"
                ),
                None => write!(
                    f,
                    "model `{model}` says `renamed_from = \"{old}\"`, but the migrations have no \
                     model `{old}`: fix the old name, or remove `renamed_from` if the rename is \
                     already in a migration"
                ),
            },
            Problem::Unsupported(message) => f.write_str(message),
        }
    }
}

/// Why the diff could not produce the operations: every problem found, each
/// with its fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffError {
    /// The problems, in the order they were found.
    pub problems: Vec<Problem>,
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot write the next migration:")?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DiffError {}

/// The operations that take `from` (the state the migrations leave) to `to`
/// (`State::from_schema` of the current schema).
///
/// `renamed_from` in `to` makes renames (and is ignored once the rename is in
/// `from`); it is stripped from every field and meta put in an operation.
/// Indexes and check constraints added get their default names (an index the
/// way the generated code names it; a check `<table>_<columns>_check`), also
/// inside a `CreateModel`, so that a later migration can drop them by name.
pub fn diff(
    from: &State,
    to: &State,
    questioner: &mut dyn Questioner,
) -> Result<Changes, DiffError> {
    let mut differ = Differ {
        cur: from.clone(),
        to: to.clone(),
        questioner,
        changes: Changes::default(),
        problems: Vec::new(),
        created: BTreeSet::new(),
    };
    let (model_hints, field_hints) = strip_renamed_from(&mut differ.to);
    differ.enums();
    differ.rename_models(&model_hints);
    differ.alter_tables_and_rename_fields(&field_hints);
    differ.check_unsupported();
    differ.remove_indexes_and_constraints();
    differ.remove_fields();
    differ.create_models();
    differ.add_and_alter_fields();
    differ.add_indexes_and_constraints();
    differ.alter_options();
    differ.delete_models();
    differ.delete_enums();
    if differ.problems.is_empty() {
        Ok(differ.changes)
    } else {
        Err(DiffError {
            problems: differ.problems,
        })
    }
}

/// Takes `renamed_from` out of every model and field of `state`: the model
/// hints as `(new, old)`, the field hints as `(model, new, old)`.
#[allow(clippy::type_complexity)]
fn strip_renamed_from(state: &mut State) -> (Vec<(String, String)>, Vec<(String, String, String)>) {
    let mut models = Vec::new();
    let mut fields = Vec::new();
    for model in &mut state.models {
        if let Some(old) = take_model_hint(&mut model.meta) {
            models.push((model.name.clone(), old));
        }
        for field in &mut model.fields {
            if let Some(old) = take_field_hint(field) {
                fields.push((model.name.clone(), field.name.clone(), old));
            }
        }
    }
    (models, fields)
}

fn take_model_hint(meta: &mut Meta) -> Option<String> {
    meta.renamed_from.take()
}

fn take_field_hint(field: &mut Field) -> Option<String> {
    field.options.renamed_from.take()
}

struct Differ<'q> {
    /// The state as the operations so far leave it.
    cur: State,
    /// The target, `renamed_from` stripped.
    to: State,
    questioner: &'q mut dyn Questioner,
    changes: Changes,
    problems: Vec<Problem>,
    /// Models created by this diff: their tables are empty.
    created: BTreeSet<String>,
}

impl Differ<'_> {
    /// Records an operation and applies it to the working state.
    fn push(&mut self, op: Operation, warning: Option<String>) {
        if let Err(error) = self.cur.apply(&op) {
            self.problems.push(Problem::Unsupported(format!(
                "the operation `{}` does not apply to the migrations' state ({error}); \
                 this is a bug in pookie-codegen, please report it with the schema",
                op.describe()
            )));
            return;
        }
        if let Some(warning) = warning {
            self.changes
                .warnings
                .push((self.changes.operations.len(), warning));
        }
        self.changes.operations.push(op);
    }

    fn cur_model(&self, name: &str) -> Option<&Model> {
        self.cur.model(name)
    }

    fn to_model_names(&self) -> Vec<String> {
        self.to.models.iter().map(|m| m.name.clone()).collect()
    }

    /// Models of `to` already in the working state, in `to` order.
    fn kept(&self) -> Vec<String> {
        self.to
            .models
            .iter()
            .filter(|m| self.cur.model(&m.name).is_some())
            .map(|m| m.name.clone())
            .collect()
    }

    fn to_model(&self, name: &str) -> &Model {
        self.to
            .model(name)
            .expect("the differ only names models of the target")
    }

    fn enums(&mut self) {
        for def in self.to.enums.clone() {
            match self.cur.enums.iter().find(|e| e.name == def.name) {
                None => self.push(Operation::CreateEnum { def }, None),
                Some(old) if *old != def => self.push(Operation::AlterEnum { def }, None),
                Some(_) => {}
            }
        }
    }

    fn delete_enums(&mut self) {
        let gone: Vec<String> = self
            .cur
            .enums
            .iter()
            .filter(|e| !self.to.enums.iter().any(|t| t.name == e.name))
            .map(|e| e.name.clone())
            .collect();
        for name in gone {
            self.push(Operation::DeleteEnum { name }, None);
        }
    }

    fn rename_models(&mut self, hints: &[(String, String)]) {
        for (new, old) in hints {
            if self.cur_model(new).is_some() {
                // Already renamed by an earlier migration.
                continue;
            }
            if self.cur_model(old).is_none() {
                self.problems.push(Problem::RenamedFromMissing {
                    model: new.clone(),
                    field: None,
                    old: old.clone(),
                });
                continue;
            }
            if self.to.model(old).is_some() {
                self.problems.push(Problem::Unsupported(format!(
                    "model `{new}` says `renamed_from = \"{old}\"`, but the schema still has a \
                     model `{old}`: rename that one in a migration of its own first"
                )));
                continue;
            }
            self.push(
                Operation::RenameModel {
                    old: old.clone(),
                    new: new.clone(),
                },
                None,
            );
        }
        let added: Vec<String> = self
            .to_model_names()
            .into_iter()
            .filter(|name| self.cur_model(name).is_none())
            .collect();
        let mut taken = BTreeSet::new();
        for new in added {
            let removed: Vec<String> = self
                .cur
                .models
                .iter()
                .filter(|m| self.to.model(&m.name).is_none() && !taken.contains(&m.name))
                .map(|m| m.name.clone())
                .collect();
            for old in removed {
                let same = same_model_shape(self.cur_model(&old).unwrap(), self.to_model(&new));
                if !same {
                    continue;
                }
                if !self.questioner.asks() {
                    self.problems.push(Problem::ModelRename {
                        old: old.clone(),
                        new: new.clone(),
                    });
                    continue;
                }
                if self.questioner.rename_model(&old, &new) {
                    taken.insert(old.clone());
                    self.push(
                        Operation::RenameModel {
                            old,
                            new: new.clone(),
                        },
                        None,
                    );
                    break;
                }
            }
        }
    }

    fn alter_tables_and_rename_fields(&mut self, hints: &[(String, String, String)]) {
        for name in self.kept() {
            let table = self.to_model(&name).meta.db_table.clone();
            if self.cur_model(&name).unwrap().meta.db_table != table {
                self.push(
                    Operation::AlterModelTable {
                        model: name.clone(),
                        table,
                    },
                    None,
                );
            }
            for (_, new, old) in hints.iter().filter(|(model, _, _)| *model == name) {
                let cur = self.cur_model(&name).unwrap();
                if cur.field(new).is_some() {
                    continue;
                }
                if cur.field(old).is_none() {
                    self.problems.push(Problem::RenamedFromMissing {
                        model: name.clone(),
                        field: Some(new.clone()),
                        old: old.clone(),
                    });
                    continue;
                }
                if self.to_model(&name).field(old).is_some() {
                    self.problems.push(Problem::Unsupported(format!(
                        "field `{new}` of `{name}` says `renamed_from = \"{old}\"`, but `{name}` \
                         still has a field `{old}`: rename that one in a migration of its own first"
                    )));
                    continue;
                }
                self.push(
                    Operation::RenameField {
                        model: name.clone(),
                        old: old.clone(),
                        new: new.clone(),
                    },
                    None,
                );
            }
            let target = self.to_model(&name).clone();
            let mut taken = BTreeSet::new();
            let added: Vec<Field> = target
                .fields
                .iter()
                .filter(|f| self.cur_model(&name).unwrap().field(&f.name).is_none())
                .cloned()
                .collect();
            for new in added {
                let removed: Vec<Field> = self
                    .cur_model(&name)
                    .unwrap()
                    .fields
                    .iter()
                    .filter(|f| target.field(&f.name).is_none() && !taken.contains(&f.name))
                    .cloned()
                    .collect();
                for old in removed {
                    if !same_field_shape(&old, &new) {
                        continue;
                    }
                    if !self.questioner.asks() {
                        self.problems.push(Problem::FieldRename {
                            model: name.clone(),
                            old: old.name.clone(),
                            new: new.name.clone(),
                        });
                        continue;
                    }
                    if self.questioner.rename_field(&name, &old.name, &new.name) {
                        taken.insert(old.name.clone());
                        self.push(
                            Operation::RenameField {
                                model: name.clone(),
                                old: old.name,
                                new: new.name.clone(),
                            },
                            None,
                        );
                        break;
                    }
                }
            }
        }
    }

    fn check_unsupported(&mut self) {
        for name in self.kept() {
            let cur = &self.cur_model(&name).unwrap().meta.primary_key;
            let to = &self.to_model(&name).meta.primary_key;
            if cur != to {
                self.problems.push(Problem::Unsupported(format!(
                    "the composite primary key of `{name}` changes from [{}] to [{}]: no operation \
                     changes a primary key's fields; write the migration by hand (`RunSQL`) or \
                     recreate the model",
                    cur.join(", "),
                    to.join(", ")
                )));
            }
        }
    }

    fn remove_indexes_and_constraints(&mut self) {
        for name in self.kept() {
            let cur = self.cur_model(&name).unwrap().clone();
            let target = self.to_model(&name).clone();
            let cur_indexes = named_indexes(&cur, None);
            let to_indexes = named_indexes(&target, Some(&cur_indexes));
            for index in &cur_indexes {
                if !to_indexes.contains(index) {
                    self.push(
                        Operation::RemoveIndex {
                            model: name.clone(),
                            name: index.name.clone().unwrap_or_default(),
                        },
                        None,
                    );
                }
            }
            for index in &cur.meta.search_indexes {
                if !target
                    .meta
                    .search_indexes
                    .iter()
                    .any(|t| same_search_index(t, index))
                {
                    self.push(
                        Operation::RemoveSearchIndex {
                            model: name.clone(),
                            name: index.name(),
                        },
                        None,
                    );
                }
            }
            let cur_checks = named_checks(&cur, None);
            let to_checks = named_checks(&target, Some(&cur_checks));
            for check in &cur_checks {
                if !to_checks.contains(check) {
                    self.push(
                        Operation::RemoveConstraint {
                            model: name.clone(),
                            name: check.name.clone().unwrap_or_default(),
                        },
                        None,
                    );
                }
            }
            let kept: Vec<Vec<String>> = cur
                .meta
                .unique_together
                .iter()
                .filter(|set| target.meta.unique_together.contains(set))
                .cloned()
                .collect();
            if kept.len() != cur.meta.unique_together.len() {
                self.push(
                    Operation::AlterUniqueTogether {
                        model: name.clone(),
                        unique_together: kept,
                    },
                    None,
                );
            }
        }
    }

    fn remove_fields(&mut self) {
        for name in self.kept() {
            let target = self.to_model(&name).clone();
            let gone: Vec<Field> = self
                .cur_model(&name)
                .unwrap()
                .fields
                .iter()
                .filter(|f| match target.field(&f.name) {
                    None => true,
                    Some(new) => replaced(f, new),
                })
                .cloned()
                .collect();
            for field in gone {
                let model = self.cur_model(&name).unwrap();
                let table = model.table_name();
                let warning = match field.column_name() {
                    _ if !managed(model) => None,
                    Some(column) => Some(format!(
                        "drops column `{column}` of `{table}` and the data it holds"
                    )),
                    None => Some(format!(
                        "drops the join table of `{}.{}` and the links it holds",
                        name, field.name
                    )),
                };
                self.push(
                    Operation::RemoveField {
                        model: name.clone(),
                        name: field.name,
                    },
                    warning,
                );
            }
        }
    }

    /// Creates the new models, each after the models it points to. Models that
    /// point at each other are created without the fields that close the
    /// cycle; those come as `AddField` once both tables exist.
    fn create_models(&mut self) {
        let mut pending: Vec<Model> = self
            .to
            .models
            .iter()
            .filter(|m| self.cur.model(&m.name).is_none())
            .cloned()
            .collect();
        while !pending.is_empty() {
            let waits_for = |model: &Model, pending: &[Model]| {
                model.fields.iter().any(|f| {
                    targets(f)
                        .iter()
                        .any(|t| *t != model.name && pending.iter().any(|p| p.name == *t))
                })
            };
            let ready = pending.iter().position(|m| !waits_for(m, &pending));
            let (index, defer) = match ready {
                Some(index) => (index, false),
                None => (0, true),
            };
            let mut model = pending.remove(index);
            if defer {
                let others: Vec<String> = pending.iter().map(|p| p.name.clone()).collect();
                model
                    .fields
                    .retain(|f| !targets(f).iter().any(|t| others.contains(t)));
                let names: Vec<&str> = model.fields.iter().map(|f| f.name.as_str()).collect();
                let all = |fields: &[String]| fields.iter().all(|f| names.contains(&f.as_str()));
                model.meta.unique_together.retain(|set| all(set));
                model.meta.indexes.retain(|index| all(&index.fields));
            }
            model.meta.indexes = named_indexes(&model, None);
            model.meta.constraints = named_checks(&model, None);
            model.meta.inherited.clear();
            self.created.insert(model.name.clone());
            self.push(Operation::CreateModel { model }, None);
        }
    }

    fn add_and_alter_fields(&mut self) {
        for name in self.kept() {
            let target = self.to_model(&name).clone();
            let empty = self.created.contains(&name);
            for field in &target.fields {
                let cur = self.cur_model(&name).unwrap().field(&field.name).cloned();
                match cur {
                    None => {
                        let once_default = if empty || !needs_value(field) {
                            None
                        } else {
                            self.ask_default(&name, field, false)
                        };
                        self.push(
                            Operation::AddField {
                                model: name.clone(),
                                field: field.clone(),
                                once_default,
                            },
                            None,
                        );
                    }
                    Some(old) if old != *field => {
                        let once_default = if !empty && old.options.null && needs_value(field) {
                            self.ask_default(&name, field, true)
                        } else {
                            None
                        };
                        let warning = narrowing(&old, field);
                        self.push(
                            Operation::AlterField {
                                model: name.clone(),
                                field: field.clone(),
                                once_default,
                            },
                            warning,
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }

    fn ask_default(&mut self, model: &str, field: &Field, altered: bool) -> Option<DefaultValue> {
        if let FieldKind::DateField {
            auto_now,
            auto_now_add,
        }
        | FieldKind::TimeField {
            auto_now,
            auto_now_add,
        }
        | FieldKind::DateTimeField {
            auto_now,
            auto_now_add,
        } = field.kind
        {
            if auto_now || auto_now_add {
                // What the field would be set to had the rows been saved now.
                return Some(DefaultValue::Now);
            }
        }
        let answer = if self.questioner.asks() {
            self.questioner.once_default(model, field)
        } else {
            None
        };
        if answer.is_none() {
            self.problems.push(Problem::MissingDefault {
                model: model.to_owned(),
                field: field.name.clone(),
                altered,
            });
        }
        answer
    }

    fn add_indexes_and_constraints(&mut self) {
        for name in self.kept() {
            let cur = self.cur_model(&name).unwrap().clone();
            let target = self.to_model(&name).clone();
            if !same_sets(&cur.meta.unique_together, &target.meta.unique_together) {
                self.push(
                    Operation::AlterUniqueTogether {
                        model: name.clone(),
                        unique_together: target.meta.unique_together.clone(),
                    },
                    None,
                );
            }
            let cur_indexes = named_indexes(&cur, None);
            for index in named_indexes(&target, Some(&cur_indexes)) {
                if !cur_indexes.contains(&index) {
                    self.push(
                        Operation::AddIndex {
                            model: name.clone(),
                            index,
                        },
                        None,
                    );
                }
            }
            for index in &target.meta.search_indexes {
                if !cur
                    .meta
                    .search_indexes
                    .iter()
                    .any(|c| same_search_index(c, index))
                {
                    self.push(
                        Operation::AddSearchIndex {
                            model: name.clone(),
                            index: index.clone(),
                        },
                        None,
                    );
                }
            }
            let cur_checks = named_checks(&cur, None);
            for constraint in named_checks(&target, Some(&cur_checks)) {
                if !cur_checks.contains(&constraint) {
                    self.push(
                        Operation::AddConstraint {
                            model: name.clone(),
                            constraint,
                        },
                        None,
                    );
                }
            }
        }
    }

    fn alter_options(&mut self) {
        for name in self.kept() {
            let cur = &self.cur_model(&name).unwrap().meta;
            let to = &self.to_model(&name).meta;
            let differs = cur.ordering != to.ordering
                || cur.verbose_name != to.verbose_name
                || cur.verbose_name_plural != to.verbose_name_plural
                || cur.managed != to.managed
                || cur.db_alias != to.db_alias;
            if differs {
                let mut meta = to.clone();
                meta.inherited.clear();
                self.push(
                    Operation::AlterModelOptions {
                        model: name.clone(),
                        meta,
                    },
                    None,
                );
            }
        }
    }

    /// Drops the models gone from the schema, a model before the models it
    /// points to; in a cycle, the fields closing it are removed first.
    fn delete_models(&mut self) {
        loop {
            let gone: Vec<Model> = self
                .cur
                .models
                .iter()
                .filter(|m| self.to.model(&m.name).is_none())
                .cloned()
                .collect();
            if gone.is_empty() {
                break;
            }
            let pointed_at = |model: &Model| {
                gone.iter().any(|other| {
                    other.name != model.name
                        && other
                            .fields
                            .iter()
                            .any(|f| targets(f).contains(&model.name))
                })
            };
            match gone.iter().find(|m| !pointed_at(m)) {
                Some(model) => {
                    let warning = managed(model).then(|| {
                        format!("drops table `{}` and every row in it", model.table_name())
                    });
                    self.push(
                        Operation::DeleteModel {
                            name: model.name.clone(),
                        },
                        warning,
                    );
                }
                None => {
                    // A cycle: cut the first model's links to the others.
                    let model = &gone[0];
                    let links: Vec<Field> = model
                        .fields
                        .iter()
                        .filter(|f| {
                            targets(f)
                                .iter()
                                .any(|t| *t != model.name && gone.iter().any(|g| g.name == *t))
                        })
                        .cloned()
                        .collect();
                    for field in links {
                        let warning = format!(
                            "drops `{}.{}` before the table `{}` is dropped",
                            model.name,
                            field.name,
                            model.table_name()
                        );
                        self.push(
                            Operation::RemoveField {
                                model: model.name.clone(),
                                name: field.name,
                            },
                            Some(warning),
                        );
                    }
                }
            }
            if !self.problems.is_empty() {
                // An operation did not apply: stop rather than loop.
                break;
            }
        }
    }
}

/// Whether Pookie manages the model's table (`managed = false`: it never
/// touches it, so nothing is lost).
fn managed(model: &Model) -> bool {
    model.meta.managed != Some(false)
}

/// The models a field needs to exist: its relation's target, and a
/// many-to-many's join model (`through`).
fn targets(field: &Field) -> Vec<String> {
    match &field.kind {
        FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => vec![r.to.clone()],
        FieldKind::ManyToManyField(m) => {
            let mut out = vec![m.to.clone()];
            out.extend(m.through.clone());
            out
        }
        _ => Vec::new(),
    }
}

/// Whether a field changes so much that it is removed and added again rather
/// than altered: to or from a many-to-many, or a many-to-many whose join table
/// changes.
fn replaced(old: &Field, new: &Field) -> bool {
    match (&old.kind, &new.kind) {
        (FieldKind::ManyToManyField(a), FieldKind::ManyToManyField(b)) => {
            a.to != b.to || a.through != b.through || a.db_table != b.db_table
        }
        (FieldKind::ManyToManyField(_), _) | (_, FieldKind::ManyToManyField(_)) => true,
        _ => false,
    }
}

/// Whether adding `field` to a table with rows needs a value for them.
fn needs_value(field: &Field) -> bool {
    !field.options.null
        && field.options.default.is_none()
        && !field.kind.is_auto()
        && !matches!(field.kind, FieldKind::ManyToManyField(_))
}

/// Same fields, docs aside: a rename candidate. A relation of a model to
/// itself names the model, so it is compared as "self".
fn same_model_shape(old: &Model, new: &Model) -> bool {
    let own = |field: &Field, model: &Model| {
        let mut field = field.clone();
        match &mut field.kind {
            FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) if r.to == model.name => {
                r.to = "self".to_owned();
            }
            FieldKind::ManyToManyField(m) if m.to == model.name => m.to = "self".to_owned(),
            _ => {}
        }
        field
    };
    old.fields.len() == new.fields.len()
        && old
            .fields
            .iter()
            .zip(&new.fields)
            .all(|(a, b)| a.name == b.name && same_field_shape(&own(a, old), &own(b, new)))
}

/// Same type and arguments, docs aside: a rename candidate.
fn same_field_shape(old: &Field, new: &Field) -> bool {
    let strip = |f: &Field| {
        let mut f = f.clone();
        f.name.clear();
        f.doc = None;
        f.comment = None;
        f.options.verbose_name = None;
        f.options.help_text = None;
        // An implicit column name follows the field name; an explicit one is compared.
        f
    };
    strip(old) == strip(new)
}

/// Equal as sets of sets (the outer order does not matter; the order of the
/// fields in a set does, it is the order of the index's columns).
fn same_sets(a: &[Vec<String>], b: &[Vec<String>]) -> bool {
    a.len() == b.len() && a.iter().all(|set| b.contains(set))
}

/// The column of a field named in meta (or the name itself when no field has
/// it: the generator reports that).
fn column_of(model: &Model, name: &str) -> String {
    let field = match model.field(name) {
        Some(field) => Some(field),
        None if name == "pk" => model.primary_key(),
        None => None,
    };
    field
        .and_then(Field::column_name)
        .unwrap_or_else(|| name.to_owned())
}

/// Whether two search indexes make the same database objects: a name
/// written or left to its default is the same name.
fn same_search_index(a: &SearchIndex, b: &SearchIndex) -> bool {
    a.name() == b.name() && a.fields == b.fields && a.config() == b.config()
}

/// The model's meta indexes, each with a name: its own, else the name of the
/// same index in `like` (the state's, so that an unchanged index keeps the name
/// it was created with), else the default name the generated code uses.
pub(crate) fn named_indexes(model: &Model, like: Option<&[Index]>) -> Vec<Index> {
    let table = model.table_name();
    model
        .meta
        .indexes
        .iter()
        .map(|index| {
            let mut index = index.clone();
            if index.name.is_none() {
                let same = like.and_then(|like| {
                    like.iter().find(|l| {
                        l.fields == index.fields
                            && l.unique == index.unique
                            && l.condition == index.condition
                            && l.method == index.method
                    })
                });
                index.name = Some(match same {
                    Some(same) => same.name.clone().unwrap_or_default(),
                    None => {
                        let columns: Vec<String> =
                            index.fields.iter().map(|f| column_of(model, f)).collect();
                        default_index_name(&table, &columns, index.unique)
                    }
                });
            }
            index
        })
        .collect()
}

/// The model's check constraints, each with a name: its own, else the name of
/// the same check in `like`, else [`default_check_name`].
pub(crate) fn named_checks(
    model: &Model,
    like: Option<&[CheckConstraint]>,
) -> Vec<CheckConstraint> {
    let mut taken: BTreeSet<String> = model
        .meta
        .constraints
        .iter()
        .filter_map(|c| c.name.clone())
        .collect();
    model
        .meta
        .constraints
        .iter()
        .map(|check| {
            let mut check = check.clone();
            if check.name.is_none() {
                let same = like
                    .and_then(|like| like.iter().find(|l| l.check == check.check))
                    .and_then(|l| l.name.clone());
                let name = same.unwrap_or_else(|| default_check_name(model, &check.check, &taken));
                taken.insert(name.clone());
                check.name = Some(name);
            }
            check
        })
        .collect()
}

/// The name of a check constraint the schema does not name:
/// `<table>_<columns>_check`, the columns being those the condition mentions
/// (`posts_view_count_check`), or `<table>_check`; `_2`, `_3`… when taken.
pub fn default_check_name(model: &Model, check: &str, taken: &BTreeSet<String>) -> String {
    let columns: Vec<String> = model.fields.iter().filter_map(Field::column_name).collect();
    let mut mentioned: Vec<&str> = Vec::new();
    for word in check.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if columns.iter().any(|c| c == word) && !mentioned.contains(&word) {
            mentioned.push(word);
        }
    }
    let table = model.table_name();
    let base = if mentioned.is_empty() {
        format!("{table}_check")
    } else {
        format!("{table}_{}_check", mentioned.join("_"))
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// Why altering `old` into `new` can lose data or fail on the rows there, if it can.
fn narrowing(old: &Field, new: &Field) -> Option<String> {
    let column = new.column_name().unwrap_or_else(|| new.name.clone());
    let mut reasons = Vec::new();
    if let Some(reason) = kind_narrowing(&old.kind, &new.kind) {
        reasons.push(reason);
    }
    if new.options.unique && !old.options.unique && !new.options.primary_key {
        reasons.push("adds UNIQUE, which fails when rows hold the same value".to_owned());
    }
    if reasons.is_empty() {
        None
    } else {
        Some(format!("column `{column}`: {}", reasons.join("; ")))
    }
}

fn kind_narrowing(old: &FieldKind, new: &FieldKind) -> Option<String> {
    use FieldKind as K;
    if old == new {
        return None;
    }
    let int_rank = |k: &FieldKind| match k {
        K::SmallIntegerField => Some(1),
        K::IntegerField | K::AutoField => Some(2),
        K::BigIntegerField | K::BigAutoField => Some(3),
        _ => None,
    };
    // Text kinds: the length limit, `u32::MAX` for unlimited.
    let text_len = |k: &FieldKind| match k {
        K::CharField { max_length }
        | K::FixedCharField { max_length }
        | K::EmailField { max_length }
        | K::URLField { max_length }
        | K::SlugField { max_length } => Some(*max_length),
        K::TextField => Some(u32::MAX),
        _ => None,
    };
    if let (Some(a), Some(b)) = (int_rank(old), int_rank(new)) {
        return (b < a).then(|| {
            format!(
                "narrows {} to {}: values that do not fit make the migration fail",
                old.type_name(),
                new.type_name()
            )
        });
    }
    if let (Some(a), Some(b)) = (text_len(old), text_len(new)) {
        return (b < a).then(|| {
            let from = if a == u32::MAX {
                "unlimited".to_owned()
            } else {
                a.to_string()
            };
            format!("shortens max_length from {from} to {b}: longer values make the migration fail (PostgreSQL)")
        });
    }
    if let (
        K::DecimalField {
            max_digits: d1,
            decimal_places: p1,
        },
        K::DecimalField {
            max_digits: d2,
            decimal_places: p2,
        },
    ) = (old, new)
    {
        let narrower = d2 < d1 || p2 < p1 || d2.saturating_sub(*p2) < d1.saturating_sub(*p1);
        return narrower.then(|| {
            format!("narrows DecimalField({d1}, {p1}) to DecimalField({d2}, {p2}): values are rounded or do not fit")
        });
    }
    match (old, new) {
        (K::ForeignKey(a) | K::OneToOneField(a), K::ForeignKey(b) | K::OneToOneField(b))
            if a.to == b.to && a.to_field == b.to_field =>
        {
            None
        }
        (K::ForeignKey(_) | K::OneToOneField(_), K::ForeignKey(_) | K::OneToOneField(_)) => {
            Some("points to another target: existing values may not match it".to_owned())
        }
        (_, K::TextField) => None,
        (a, b) if int_rank(a).is_some() && matches!(b, K::FloatField | K::DecimalField { .. }) => {
            None
        }
        (
            K::DateField { .. } | K::TimeField { .. } | K::DateTimeField { .. },
            K::DateField { .. } | K::TimeField { .. } | K::DateTimeField { .. },
        ) if old.type_name() == new.type_name() => None,
        (K::UUIDField { .. }, K::UUIDField { .. }) => None,
        (K::JSONField { .. }, K::JSONField { .. }) => None,
        _ => Some(format!(
            "changes the type from {} to {}: converting the values there can fail",
            old.type_name(),
            new.type_name()
        )),
    }
}
