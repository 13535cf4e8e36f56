//! The schema state a sequence of operations describes, replayed without a
//! database: what `makemigrations` diffs the current schema against, and what
//! the SQL of each operation is rendered from.

use std::fmt;

use crate::ir::{EnumDef, FieldKind, FieldOrigin, Model, Schema};

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
        match operation {
            Operation::CreateModel { model } => {
                if self.model(&model.name).is_some() {
                    return Err(error(format!(
                        "CreateModel: model `{}` already exists",
                        model.name
                    )));
                }
                self.models.push(flatten(model));
            }
            Operation::DeleteModel { name } => {
                let i = self.position(name, "DeleteModel")?;
                if let Some((model, field)) = self.reference_to(name) {
                    return Err(error(format!(
                        "DeleteModel: model `{name}` is still referenced by field `{field}` of \
                         `{model}`; remove or alter that field first"
                    )));
                }
                self.models.remove(i);
            }
            Operation::RenameModel { old, new } => self.rename_model(old, new)?,
            Operation::AlterModelTable { model, table } => {
                self.model_mut(model, "AlterModelTable")?.meta.db_table = table.clone();
            }
            Operation::AlterModelOptions { model, meta } => {
                let target = &mut self.model_mut(model, "AlterModelOptions")?.meta;
                target.ordering = meta.ordering.clone();
                target.db_alias = meta.db_alias.clone();
                target.verbose_name = meta.verbose_name.clone();
                target.verbose_name_plural = meta.verbose_name_plural.clone();
                target.managed = meta.managed;
            }
            Operation::AddField { model, field, .. } => {
                let target = self.model_mut(model, "AddField")?;
                if target.field(&field.name).is_some() {
                    return Err(error(format!(
                        "AddField: model `{model}` already has a field `{}`",
                        field.name
                    )));
                }
                let mut field = field.clone();
                field.origin = FieldOrigin::Declared;
                field.comment = None;
                target.fields.push(field);
            }
            Operation::RemoveField { model, name } => {
                let target = self.model_mut(model, "RemoveField")?;
                let i = field_position(target, name, "RemoveField")?;
                if let Some(option) = meta_naming(target, name) {
                    return Err(error(format!(
                        "RemoveField: field `{name}` of model `{model}` is still named in `meta {{ {option} }}`; \
                         change that option first"
                    )));
                }
                // Ordering is not in the database: it forgets the field quietly.
                target.meta.ordering.retain(|item| item.field != *name);
                target.fields.remove(i);
            }
            Operation::RenameField { model, old, new } => self.rename_field(model, old, new)?,
            Operation::AlterField { model, field, .. } => {
                let target = self.model_mut(model, "AlterField")?;
                let i = field_position(target, &field.name, "AlterField")?;
                let mut field = field.clone();
                field.origin = FieldOrigin::Declared;
                field.comment = None;
                target.fields[i] = field;
            }
            Operation::AddIndex { model, index } => {
                let target = self.model_mut(model, "AddIndex")?;
                check_fields_exist(target, &index.fields, "AddIndex")?;
                let name = target.index_name(index);
                if target
                    .meta
                    .indexes
                    .iter()
                    .any(|i| target.index_name(i) == name)
                {
                    return Err(error(format!(
                        "AddIndex: model `{model}` already has an index `{name}`"
                    )));
                }
                target.meta.indexes.push(index.clone());
            }
            Operation::RemoveIndex { model, name } => {
                let target = self.model_mut(model, "RemoveIndex")?;
                let i = target
                    .meta
                    .indexes
                    .iter()
                    .position(|i| target.index_name(i) == *name)
                    .ok_or_else(|| {
                        error(format!(
                            "RemoveIndex: model `{model}` has no index `{name}`"
                        ))
                    })?;
                target.meta.indexes.remove(i);
            }
            Operation::AddSearchIndex { model, index } => {
                let target = self.model_mut(model, "AddSearchIndex")?;
                check_fields_exist(target, &index.fields, "AddSearchIndex")?;
                let name = index.name();
                if target.meta.search_indexes.iter().any(|i| i.name() == name) {
                    return Err(error(format!(
                        "AddSearchIndex: model `{model}` already has a search index `{name}`"
                    )));
                }
                target.meta.search_indexes.push(index.clone());
            }
            Operation::RemoveSearchIndex { model, name } => {
                let target = self.model_mut(model, "RemoveSearchIndex")?;
                let i = target
                    .meta
                    .search_indexes
                    .iter()
                    .position(|i| i.name() == *name)
                    .ok_or_else(|| {
                        error(format!(
                            "RemoveSearchIndex: model `{model}` has no search index `{name}`"
                        ))
                    })?;
                target.meta.search_indexes.remove(i);
            }
            Operation::AlterUniqueTogether {
                model,
                unique_together,
            } => {
                let target = self.model_mut(model, "AlterUniqueTogether")?;
                for set in unique_together {
                    check_fields_exist(target, set, "AlterUniqueTogether")?;
                }
                target.meta.unique_together = unique_together.clone();
            }
            Operation::AddConstraint { model, constraint } => {
                let target = self.model_mut(model, "AddConstraint")?;
                if let Some(name) = &constraint.name {
                    if target
                        .meta
                        .constraints
                        .iter()
                        .any(|c| c.name.as_ref() == Some(name))
                    {
                        return Err(error(format!(
                            "AddConstraint: model `{model}` already has a constraint `{name}`"
                        )));
                    }
                }
                target.meta.constraints.push(constraint.clone());
            }
            Operation::RemoveConstraint { model, name } => {
                let target = self.model_mut(model, "RemoveConstraint")?;
                let i = target
                    .meta
                    .constraints
                    .iter()
                    .position(|c| c.name.as_deref() == Some(name.as_str()))
                    .ok_or_else(|| {
                        error(format!(
                            "RemoveConstraint: model `{model}` has no constraint `{name}`"
                        ))
                    })?;
                target.meta.constraints.remove(i);
            }
            Operation::CreateEnum { def } => {
                if self.enums.iter().any(|e| e.name == def.name) {
                    return Err(error(format!(
                        "CreateEnum: enum `{}` already exists",
                        def.name
                    )));
                }
                self.enums.push(def.clone());
            }
            Operation::AlterEnum { def } => {
                let target = self
                    .enums
                    .iter_mut()
                    .find(|e| e.name == def.name)
                    .ok_or_else(|| error(format!("AlterEnum: there is no enum `{}`", def.name)))?;
                *target = def.clone();
            }
            Operation::DeleteEnum { name } => {
                let i = self
                    .enums
                    .iter()
                    .position(|e| e.name == *name)
                    .ok_or_else(|| error(format!("DeleteEnum: there is no enum `{name}`")))?;
                self.enums.remove(i);
            }
            Operation::RunSql { .. } | Operation::RunRust { .. } => {}
        }
        Ok(())
    }

    /// Looks a model up by name.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    /// Looks a model up by name, for changing it; `operation` names the
    /// operation in the error.
    fn model_mut(&mut self, name: &str, operation: &str) -> Result<&mut Model, StateError> {
        let i = self.position(name, operation)?;
        Ok(&mut self.models[i])
    }

    fn position(&self, name: &str, operation: &str) -> Result<usize, StateError> {
        self.models
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| error(format!("{operation}: there is no model `{name}`")))
    }

    /// A field of another model that points at `name` (a relation, or a
    /// many-to-many through it): its model and name.
    fn reference_to(&self, name: &str) -> Option<(&str, &str)> {
        self.models
            .iter()
            .filter(|model| model.name != name)
            .find_map(|model| {
                model
                    .fields
                    .iter()
                    .find(|field| match &field.kind {
                        FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => {
                            relation.to == name
                        }
                        FieldKind::ManyToManyField(m2m) => {
                            m2m.to == name || m2m.through.as_deref() == Some(name)
                        }
                        _ => false,
                    })
                    .map(|field| (model.name.as_str(), field.name.as_str()))
            })
    }

    /// Renames a model and every relation that names it, in every model.
    fn rename_model(&mut self, old: &str, new: &str) -> Result<(), StateError> {
        let i = self.position(old, "RenameModel")?;
        if old != new && self.model(new).is_some() {
            return Err(error(format!(
                "RenameModel: cannot rename `{old}` to `{new}`: model `{new}` already exists"
            )));
        }
        self.models[i].name = new.to_owned();
        let rename = |name: &mut String| {
            if name == old {
                *name = new.to_owned();
            }
        };
        for model in &mut self.models {
            for field in &mut model.fields {
                match &mut field.kind {
                    FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) => {
                        rename(&mut relation.to)
                    }
                    FieldKind::ManyToManyField(m2m) => {
                        rename(&mut m2m.to);
                        if let Some(through) = &mut m2m.through {
                            rename(through);
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Renames a field and every meta option of its model that names it, and the
    /// `to_field` of relations that point at it.
    fn rename_field(&mut self, model: &str, old: &str, new: &str) -> Result<(), StateError> {
        let target = self.model_mut(model, "RenameField")?;
        let i = field_position(target, old, "RenameField")?;
        if old != new && target.field(new).is_some() {
            return Err(error(format!(
                "RenameField: cannot rename `{old}` of model `{model}` to `{new}`: \
                 the model already has a field `{new}`"
            )));
        }
        target.fields[i].name = new.to_owned();
        let rename = |name: &mut String| {
            if name == old {
                *name = new.to_owned();
            }
        };
        let meta = &mut target.meta;
        meta.unique_together.iter_mut().flatten().for_each(rename);
        meta.indexes
            .iter_mut()
            .flat_map(|index| index.fields.iter_mut())
            .for_each(rename);
        meta.search_indexes
            .iter_mut()
            .flat_map(|index| index.fields.iter_mut())
            .for_each(rename);
        meta.primary_key.iter_mut().for_each(rename);
        meta.ordering
            .iter_mut()
            .map(|item| &mut item.field)
            .for_each(rename);
        for other in &mut self.models {
            for field in &mut other.fields {
                if let FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) =
                    &mut field.kind
                {
                    if relation.to == model {
                        if let Some(to_field) = &mut relation.to_field {
                            rename(to_field);
                        }
                    }
                }
            }
        }
        Ok(())
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

fn error(message: String) -> StateError {
    StateError { message }
}

fn field_position(model: &Model, name: &str, operation: &str) -> Result<usize, StateError> {
    model
        .fields
        .iter()
        .position(|f| f.name == name)
        .ok_or_else(|| {
            error(format!(
                "{operation}: model `{}` has no field `{name}`",
                model.name
            ))
        })
}

fn check_fields_exist(model: &Model, names: &[String], operation: &str) -> Result<(), StateError> {
    for name in names {
        let known = model.field(name).is_some()
            || model
                .fields
                .iter()
                .any(|f| f.column_name().as_deref() == Some(name.as_str()))
            || (name == "pk" && model.primary_key().is_some());
        if !known {
            return Err(error(format!(
                "{operation}: model `{}` has no field `{name}`",
                model.name
            )));
        }
    }
    Ok(())
}

/// The meta option of `model` that names the field `name`, if any.
fn meta_naming(model: &Model, name: &str) -> Option<&'static str> {
    let field = model.field(name)?;
    let column = field.column_name();
    let names = |n: &String| n == name || Some(n) == column.as_ref();
    let meta = &model.meta;
    if meta.unique_together.iter().flatten().any(names) {
        Some("unique_together")
    } else if meta.indexes.iter().flat_map(|i| &i.fields).any(names) {
        Some("indexes")
    } else if meta
        .search_indexes
        .iter()
        .flat_map(|i| &i.fields)
        .any(names)
    {
        Some("search_indexes")
    } else if meta.primary_key.iter().any(names) {
        Some("primary_key")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{CheckConstraint, DefaultValue, EnumVariant, Field, FieldOptions, Index, Meta};
    use crate::Source;

    fn schema() -> Schema {
        let blog = Source {
            path: "blog.pookie".into(),
            text: r#"
enum Status { Draft = "draft"  Live = "live" }
abstract model Stamped {
    created = DateTimeField(auto_now_add = true)
    meta { ordering = ["-created"] }
}
model Author : Stamped {
    name = CharField(max_length = 100)
}
model Post : Stamped {
    title  = CharField(max_length = 200)
    author = ForeignKey(Author, on_delete = CASCADE)
    tags   = ManyToManyField(Tag)
    status = CharField(max_length = 10, choices = Status, default = Status.Draft)
    meta { unique_together = [["author", "title"]] indexes = [Index(fields = ["title"], name = "post_title_idx")] }
}
model Tag {
    name = CharField(max_length = 50)
}
model Legacy {
    code = CharField(max_length = 5, primary_key = true)
    meta { managed = false }
}
model Event {
    name = CharField(max_length = 5)
    meta { db_alias = "analytics" }
}
"#
            .into(),
        };
        crate::load(&[blog]).expect("schema loads")
    }

    fn state() -> State {
        State::from_schema(&schema(), "default")
    }

    fn field(name: &str, kind: FieldKind) -> Field {
        Field {
            name: name.into(),
            doc: None,
            kind,
            options: FieldOptions::default(),
            origin: FieldOrigin::Declared,
            comment: None,
        }
    }

    #[test]
    fn from_schema_keeps_concrete_models_of_the_alias_flattened() {
        let state = state();
        let names: Vec<&str> = state.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Author", "Post", "Tag", "Legacy"]);
        let post = state.model("Post").unwrap();
        assert_eq!(post.extends, None);
        assert!(post.meta.inherited.is_empty());
        assert_eq!(post.meta.ordering.len(), 1);
        assert!(post
            .fields
            .iter()
            .all(|f| f.origin == FieldOrigin::Declared));
        let fields: Vec<&str> = post.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            fields,
            ["id", "created", "title", "author", "tags", "status"]
        );
        assert_eq!(state.enums.len(), 1);
        let analytics = State::from_schema(&schema(), "analytics");
        assert_eq!(analytics.models.len(), 1);
        assert_eq!(analytics.models[0].name, "Event");
        assert_eq!(analytics.enums.len(), 1);
    }

    #[test]
    fn create_and_delete_model() {
        let mut state = state();
        let tag = state.model("Tag").unwrap().clone();
        let err = state
            .apply(&Operation::CreateModel { model: tag.clone() })
            .unwrap_err();
        assert!(err.message.contains("`Tag` already exists"), "{err}");
        let err = state
            .apply(&Operation::DeleteModel { name: "Tag".into() })
            .unwrap_err();
        assert_eq!(
            err.message,
            "DeleteModel: model `Tag` is still referenced by field `tags` of `Post`; \
             remove or alter that field first"
        );
        state
            .apply(&Operation::RemoveField {
                model: "Post".into(),
                name: "tags".into(),
            })
            .unwrap();
        state
            .apply(&Operation::DeleteModel { name: "Tag".into() })
            .unwrap();
        assert!(state.model("Tag").is_none());
        let err = state
            .apply(&Operation::DeleteModel { name: "Tag".into() })
            .unwrap_err();
        assert_eq!(err.message, "DeleteModel: there is no model `Tag`");
        state.apply(&Operation::CreateModel { model: tag }).unwrap();
        assert_eq!(state.models.last().unwrap().name, "Tag");
    }

    #[test]
    fn rename_model_follows_relations() {
        let mut state = state();
        state
            .apply(&Operation::RenameModel {
                old: "Author".into(),
                new: "Writer".into(),
            })
            .unwrap();
        assert_eq!(state.models[0].name, "Writer");
        let post = state.model("Post").unwrap();
        match &post.field("author").unwrap().kind {
            FieldKind::ForeignKey(relation) => assert_eq!(relation.to, "Writer"),
            other => panic!("{other:?}"),
        }
        state
            .apply(&Operation::RenameModel {
                old: "Tag".into(),
                new: "Label".into(),
            })
            .unwrap();
        match &state.model("Post").unwrap().field("tags").unwrap().kind {
            FieldKind::ManyToManyField(m2m) => assert_eq!(m2m.to, "Label"),
            other => panic!("{other:?}"),
        }
        let err = state
            .apply(&Operation::RenameModel {
                old: "Label".into(),
                new: "Post".into(),
            })
            .unwrap_err();
        assert!(err.message.contains("model `Post` already exists"), "{err}");
    }

    #[test]
    fn fields_are_added_altered_and_removed() {
        let mut state = state();
        let views = field("views", FieldKind::IntegerField);
        let add = Operation::AddField {
            model: "Post".into(),
            field: views.clone(),
            once_default: Some(DefaultValue::Int(0)),
        };
        state.apply(&add).unwrap();
        assert_eq!(state.model("Post").unwrap().fields.last().unwrap(), &views);
        let err = state.apply(&add).unwrap_err();
        assert_eq!(
            err.message,
            "AddField: model `Post` already has a field `views`"
        );
        let mut big = field("views", FieldKind::BigIntegerField);
        big.options.null = true;
        state
            .apply(&Operation::AlterField {
                model: "Post".into(),
                field: big.clone(),
                once_default: None,
            })
            .unwrap();
        assert_eq!(state.model("Post").unwrap().field("views"), Some(&big));
        state
            .apply(&Operation::RemoveField {
                model: "Post".into(),
                name: "views".into(),
            })
            .unwrap();
        assert!(state.model("Post").unwrap().field("views").is_none());
        let err = state
            .apply(&Operation::AlterField {
                model: "Post".into(),
                field: big,
                once_default: None,
            })
            .unwrap_err();
        assert_eq!(err.message, "AlterField: model `Post` has no field `views`");
        let err = state
            .apply(&Operation::RemoveField {
                model: "Post".into(),
                name: "title".into(),
            })
            .unwrap_err();
        assert!(err.message.contains("unique_together"), "{err}");
        state
            .apply(&Operation::RemoveField {
                model: "Post".into(),
                name: "created".into(),
            })
            .unwrap();
        assert!(state.model("Post").unwrap().meta.ordering.is_empty());
    }

    #[test]
    fn rename_field_follows_meta() {
        let mut state = state();
        state
            .apply(&Operation::RenameField {
                model: "Post".into(),
                old: "title".into(),
                new: "headline".into(),
            })
            .unwrap();
        let post = state.model("Post").unwrap();
        assert!(post.field("headline").is_some());
        assert_eq!(post.meta.unique_together, [["author", "headline"]]);
        assert_eq!(post.meta.indexes[0].fields, ["headline"]);
        let err = state
            .apply(&Operation::RenameField {
                model: "Post".into(),
                old: "headline".into(),
                new: "author".into(),
            })
            .unwrap_err();
        assert!(
            err.message.contains("already has a field `author`"),
            "{err}"
        );
        state
            .apply(&Operation::RenameField {
                model: "Legacy".into(),
                old: "code".into(),
                new: "key".into(),
            })
            .unwrap();
        assert!(state.model("Legacy").unwrap().primary_key().is_some());
    }

    #[test]
    fn meta_operations() {
        let mut state = state();
        state
            .apply(&Operation::AlterModelTable {
                model: "Tag".into(),
                table: Some("labels".into()),
            })
            .unwrap();
        assert_eq!(state.model("Tag").unwrap().table_name(), "labels");
        let meta = Meta {
            verbose_name: Some("label".into()),
            db_table: Some("ignored".into()),
            ..Meta::default()
        };
        state
            .apply(&Operation::AlterModelOptions {
                model: "Tag".into(),
                meta,
            })
            .unwrap();
        let tag = state.model("Tag").unwrap();
        assert_eq!(tag.meta.verbose_name.as_deref(), Some("label"));
        assert_eq!(tag.table_name(), "labels");

        let index = Index {
            fields: vec!["name".into()],
            unique: false,
            name: None,
            condition: None,
            method: Default::default(),
        };
        state
            .apply(&Operation::AddIndex {
                model: "Tag".into(),
                index: index.clone(),
            })
            .unwrap();
        let err = state
            .apply(&Operation::AddIndex {
                model: "Tag".into(),
                index,
            })
            .unwrap_err();
        assert!(err.message.contains("`labels_name_idx`"), "{err}");
        state
            .apply(&Operation::RemoveIndex {
                model: "Tag".into(),
                name: "labels_name_idx".into(),
            })
            .unwrap();
        assert!(state.model("Tag").unwrap().meta.indexes.is_empty());
        let err = state
            .apply(&Operation::AddIndex {
                model: "Tag".into(),
                index: Index {
                    fields: vec!["nope".into()],
                    unique: false,
                    name: None,
                    condition: None,
                    method: Default::default(),
                },
            })
            .unwrap_err();
        assert_eq!(err.message, "AddIndex: model `Tag` has no field `nope`");

        state
            .apply(&Operation::AlterUniqueTogether {
                model: "Post".into(),
                unique_together: vec![],
            })
            .unwrap();
        assert!(state.model("Post").unwrap().meta.unique_together.is_empty());

        let check = CheckConstraint {
            check: "length(name) > 0".into(),
            name: Some("tag_name_check".into()),
        };
        state
            .apply(&Operation::AddConstraint {
                model: "Tag".into(),
                constraint: check.clone(),
            })
            .unwrap();
        assert!(state
            .apply(&Operation::AddConstraint {
                model: "Tag".into(),
                constraint: check,
            })
            .is_err());
        state
            .apply(&Operation::RemoveConstraint {
                model: "Tag".into(),
                name: "tag_name_check".into(),
            })
            .unwrap();
        let err = state
            .apply(&Operation::RemoveConstraint {
                model: "Tag".into(),
                name: "tag_name_check".into(),
            })
            .unwrap_err();
        assert_eq!(
            err.message,
            "RemoveConstraint: model `Tag` has no constraint `tag_name_check`"
        );
    }

    #[test]
    fn enums_and_code_steps() {
        let mut state = state();
        let before = state.clone();
        for op in [
            Operation::RunSql {
                forward: "SELECT 1".into(),
                backward: None,
                backend: None,
            },
            Operation::RunRust {
                forward: "f".into(),
                backward: None,
            },
        ] {
            state.apply(&op).unwrap();
        }
        assert_eq!(state, before);
        let mut def = state.enums[0].clone();
        assert!(state
            .apply(&Operation::CreateEnum { def: def.clone() })
            .is_err());
        def.variants.push(EnumVariant {
            name: "Gone".into(),
            value: "gone".into(),
            doc: None,
        });
        state
            .apply(&Operation::AlterEnum { def: def.clone() })
            .unwrap();
        assert_eq!(state.enums[0].variants.len(), 3);
        state
            .apply(&Operation::DeleteEnum {
                name: "Status".into(),
            })
            .unwrap();
        assert!(state.enums.is_empty());
        let err = state.apply(&Operation::AlterEnum { def }).unwrap_err();
        assert_eq!(err.message, "AlterEnum: there is no enum `Status`");
    }
}
