//! Folding the operations of a squashed range: the obvious pairs become one
//! operation (a field added to or altered on a model created earlier in the
//! range joins its CreateModel; a model created and deleted in the range
//! disappears with every operation on it). Only where it is clearly safe:
//! never across `RunSQL`/`RunRust` (their code may read or write what would
//! move), and the caller checks that the folded list leaves the same state.

use pookie_grammar::ir::{Field, FieldKind};
use pookie_grammar::migration::{Operation, State};

/// The operations with the obvious pairs folded, in order.
pub fn fold(before: &State, operations: Vec<Operation>) -> Vec<Operation> {
    let mut operations = operations;
    while let Some(folded) = fold_once(before, &operations) {
        operations = folded;
    }
    operations
}

/// Code steps: nothing moves across them.
fn is_code(operation: &Operation) -> bool {
    matches!(
        operation,
        Operation::RunSql { .. } | Operation::RunRust { .. }
    )
}

/// The first fold found, as the new list.
fn fold_once(before: &State, operations: &[Operation]) -> Option<Vec<Operation>> {
    for (j, operation) in operations.iter().enumerate() {
        let folded = match operation {
            Operation::AddField { model, field, .. } => creator(operations, j, model)
                .and_then(|i| fold_field(before, operations, i, j, field, true)),
            Operation::AlterField { model, field, .. } => creator(operations, j, model)
                .and_then(|i| fold_field(before, operations, i, j, field, false)),
            Operation::DeleteModel { name } => {
                creator(operations, j, name).and_then(|i| fold_delete(operations, i, j, name))
            }
            _ => None,
        };
        if folded.is_some() {
            return folded;
        }
    }
    None
}

/// The CreateModel of `model` that operation `j` acts on: the nearest one
/// before it, with no code step, rename or deletion of the model between.
fn creator(operations: &[Operation], j: usize, model: &str) -> Option<usize> {
    for i in (0..j).rev() {
        match &operations[i] {
            Operation::CreateModel { model: created } if created.name == model => return Some(i),
            Operation::RenameModel { old, new } if old == model || new == model => return None,
            Operation::DeleteModel { name } if name == model => return None,
            operation if is_code(operation) => return None,
            _ => {}
        }
    }
    None
}

/// The state after the first `count` operations; `None` when they do not
/// apply (the caller then folds nothing).
fn state_at(before: &State, operations: &[Operation], count: usize) -> Option<State> {
    let mut state = before.clone();
    for operation in &operations[..count] {
        state.apply(operation).ok()?;
    }
    Some(state)
}

/// The models and enum a field needs to exist.
fn needs(field: &Field) -> (Vec<&str>, Option<&str>) {
    let mut models = Vec::new();
    match &field.kind {
        FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => {
            models.push(relation.to.as_str());
        }
        FieldKind::ManyToManyField(many) => {
            models.push(many.to.as_str());
            models.extend(many.through.as_deref());
        }
        _ => {}
    }
    (models, field.options.choices.as_deref())
}

/// Operation `j` (an AddField, or an AlterField when `add` is false) moved
/// into the CreateModel at `i`, when everything the field refers to exists
/// at `i` already and does not change between `i` and `j`.
fn fold_field(
    before: &State,
    operations: &[Operation],
    i: usize,
    j: usize,
    field: &Field,
    add: bool,
) -> Option<Vec<Operation>> {
    if operations[i + 1..j].iter().any(is_code) {
        return None;
    }
    let Operation::CreateModel { model } = &operations[i] else {
        return None;
    };
    let at_create = state_at(before, operations, i)?;
    let (models, choices) = needs(field);
    let known_model =
        |name: &str| name == model.name || at_create.models.iter().any(|m| m.name == name);
    if !models.into_iter().all(known_model)
        || choices.is_some_and(|name| !at_create.enums.iter().any(|e| e.name == name))
    {
        return None;
    }
    // What the field points at must not change between the two: a relation
    // may name a field of its target (`to_field`), a default a variant.
    let between = &operations[i + 1..j];
    let target_changes = |name: &str| {
        between.iter().any(|op| {
            acts_on(op) == Some(name)
                || matches!(op, Operation::RenameModel { old, new } if old == name || new == name)
        })
    };
    let enum_changes = |name: &str| {
        between.iter().any(|op| match op {
            Operation::CreateEnum { def } | Operation::AlterEnum { def } => def.name == name,
            Operation::DeleteEnum { name: deleted } => deleted == name,
            _ => false,
        })
    };
    let (models, choices) = needs(field);
    if models.into_iter().any(target_changes) || choices.is_some_and(enum_changes) {
        return None;
    }
    let mut model = model.clone();
    let existing = model.fields.iter().position(|f| f.name == field.name);
    match (add, existing) {
        (true, None) => model.fields.push(field.clone()),
        (false, Some(index)) => model.fields[index] = field.clone(),
        _ => return None,
    }
    let mut folded = operations.to_vec();
    folded[i] = Operation::CreateModel { model };
    folded.remove(j);
    Some(folded)
}

/// The model of an operation that acts on one model's fields or meta.
fn acts_on(operation: &Operation) -> Option<&str> {
    match operation {
        Operation::AlterModelTable { model, .. }
        | Operation::AlterModelOptions { model, .. }
        | Operation::AddField { model, .. }
        | Operation::RemoveField { model, .. }
        | Operation::RenameField { model, .. }
        | Operation::AlterField { model, .. }
        | Operation::AddIndex { model, .. }
        | Operation::RemoveIndex { model, .. }
        | Operation::AddSearchIndex { model, .. }
        | Operation::RemoveSearchIndex { model, .. }
        | Operation::AlterUniqueTogether { model, .. }
        | Operation::AddConstraint { model, .. }
        | Operation::RemoveConstraint { model, .. } => Some(model),
        _ => None,
    }
}

/// True when an operation's fields point at `model` (a relation to it).
fn points_at(operation: &Operation, model: &str) -> bool {
    let fields: Vec<&Field> = match operation {
        Operation::CreateModel { model } => model.fields.iter().collect(),
        Operation::AddField { field, .. } | Operation::AlterField { field, .. } => vec![field],
        _ => Vec::new(),
    };
    fields
        .into_iter()
        .any(|field| needs(field).0.contains(&model))
}

/// The CreateModel at `i`, the DeleteModel at `j` and every operation on the
/// model between them dropped, when nothing else between them refers to it.
fn fold_delete(operations: &[Operation], i: usize, j: usize, name: &str) -> Option<Vec<Operation>> {
    let mut dropped = vec![i, j];
    for (k, operation) in operations.iter().enumerate().take(j).skip(i + 1) {
        if is_code(operation) {
            return None;
        }
        if acts_on(operation) == Some(name) {
            // Its own fields may point at itself; they go with it.
            dropped.push(k);
        } else if points_at(operation, name) {
            return None;
        }
    }
    Some(
        operations
            .iter()
            .enumerate()
            .filter(|(k, _)| !dropped.contains(k))
            .map(|(_, operation)| operation.clone())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pookie_grammar::migration::parse_migration;
    use pookie_grammar::Source;

    fn ops(text: &str) -> Vec<Operation> {
        let source = Source {
            path: "migration.pookie".into(),
            text: text.into(),
        };
        parse_migration(&source, &State::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .operations
    }

    fn described(operations: &[Operation]) -> Vec<String> {
        operations.iter().map(Operation::describe).collect()
    }

    const AUTHOR: &str = "CreateModel(name = Author) {\n    id = AutoField(primary_key = true)\n    name = CharField(max_length = 100)\n}\n";

    #[test]
    fn added_and_altered_fields_join_their_create_model() {
        let text = format!(
            "{AUTHOR}AddField(model = Author, name = \"bio\", field = TextField(null = true))\nAlterField(model = Author, name = \"name\", field = CharField(max_length = 200))\n"
        );
        let folded = fold(&State::default(), ops(&text));
        assert_eq!(described(&folded), ["Create model Author"]);
        let Operation::CreateModel { model } = &folded[0] else {
            unreachable!()
        };
        let names: Vec<&str> = model.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "bio"]);
        assert_eq!(
            model.fields[1].kind,
            FieldKind::CharField { max_length: 200 }
        );
    }

    #[test]
    fn nothing_moves_across_code_or_before_what_a_field_needs() {
        let text = format!(
            "{AUTHOR}RunSQL(forward = \"SELECT 1\")\nAddField(model = Author, name = \"bio\", field = TextField(null = true))\n"
        );
        assert_eq!(fold(&State::default(), ops(&text)).len(), 3);
        let text = format!(
            "{AUTHOR}CreateModel(name = Tag) {{\n    id = AutoField(primary_key = true)\n}}\nAddField(model = Author, name = \"tag\", field = ForeignKey(Tag, on_delete = CASCADE))\n"
        );
        assert_eq!(fold(&State::default(), ops(&text)).len(), 3);
        // A relation naming a field its target gets in between stays after it.
        let text = format!(
            "{AUTHOR}RunSQL(forward = \"SELECT 1\")\nCreateModel(name = Post) {{\n    id = AutoField(primary_key = true)\n}}\nAddField(model = Author, name = \"slug\", field = SlugField(unique = true))\nAddField(model = Post, name = \"author\", field = ForeignKey(Author, on_delete = CASCADE, to_field = \"slug\"))\n"
        );
        assert_eq!(fold(&State::default(), ops(&text)).len(), 5);
    }

    #[test]
    fn a_model_created_and_deleted_disappears_unless_something_points_at_it() {
        let text = format!(
            "{AUTHOR}AddField(model = Author, name = \"bio\", field = TextField(null = true))\nCreateModel(name = Tag) {{\n    id = AutoField(primary_key = true)\n}}\nDeleteModel(name = Author)\n"
        );
        assert_eq!(
            described(&fold(&State::default(), ops(&text))),
            ["Create model Tag"]
        );
        let text = format!(
            "{AUTHOR}CreateModel(name = Post) {{\n    id = AutoField(primary_key = true)\n    author = ForeignKey(Author, on_delete = CASCADE)\n}}\nDeleteModel(name = Post)\nDeleteModel(name = Author)\n"
        );
        // Post goes first; then Author has nothing pointing at it.
        assert!(fold(&State::default(), ops(&text)).is_empty());
        let text =
            format!("{AUTHOR}RunRust(forward = \"copy_authors\")\nDeleteModel(name = Author)\n");
        assert_eq!(fold(&State::default(), ops(&text)).len(), 3);
    }
}
