//! Turns a [`Catalog`] into one Schema IR module: names (see `naming`), field
//! types, keys, relations, constraints and indexes, and a `//` comment for
//! everything that has no exact spelling in the language.

use std::collections::BTreeMap;

use pookie_grammar::ir::{
    CheckConstraint, DefaultJoin, DefaultValue, EnumDef, EnumVariant, Field, FieldKind,
    FieldOptions, FieldOrigin, Index, IndexMethod, ManyToMany, Meta, Model, Module, OnDelete,
    OnUpdate, Relation, SearchIndex,
};
use pookie_grammar::naming::{camel_case, snake_case};

use super::catalog::{Catalog, Column, ForeignKey, Table};
use super::naming::{field_name, model_name, Unique};

/// The note Django's inspectdb writes on a field whose type it had to guess.
const GUESS: &str = "field type is a guess";

/// Builds the module `name` from `catalog`.
pub fn module(name: &str, catalog: &Catalog) -> Module {
    let mut type_names = Unique::default();
    let model_names: Vec<String> = catalog
        .tables
        .iter()
        .map(|table| type_names.claim_camel(&model_name(&table.name)))
        .collect();
    let enum_names: BTreeMap<&str, String> = catalog
        .enums
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                type_names.claim_camel(&camel_case(&e.name)),
            )
        })
        .collect();
    let field_names: Vec<Vec<String>> = catalog.tables.iter().map(column_field_names).collect();
    let enums: Vec<EnumDef> = catalog
        .enums
        .iter()
        .map(|e| enum_def(&enum_names[e.name.as_str()], &e.values))
        .collect();
    let cx = Context {
        catalog,
        model_names: &model_names,
        field_names: &field_names,
        enum_names: &enum_names,
        enums: &enums,
    };
    let mut models: Vec<Model> = (0..catalog.tables.len()).map(|i| cx.model(i)).collect();
    cx.add_many_to_many(&mut models);
    cx.add_default_many_to_many(&mut models);
    distinct_related_names(&mut models);
    Module {
        name: name.to_string(),
        path: format!("{name}.pookie").into(),
        doc: None,
        enums,
        models,
    }
}

struct Context<'c> {
    catalog: &'c Catalog,
    model_names: &'c [String],
    field_names: &'c [Vec<String>],
    enum_names: &'c BTreeMap<&'c str, String>,
    enums: &'c [EnumDef],
}

/// The field name of every column of `table`, in column order, unique in the table.
fn column_field_names(table: &Table) -> Vec<String> {
    let mut names = Unique::default();
    table
        .columns
        .iter()
        .map(|column| {
            let relation = single_column_fk(table, &column.name).is_some();
            names.claim(&field_name(&column.name, relation))
        })
        .collect()
}

fn single_column_fk<'t>(table: &'t Table, column: &str) -> Option<&'t ForeignKey> {
    table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.len() == 1 && fk.columns[0] == column)
}

impl Context<'_> {
    fn table_index(&self, name: &str) -> Option<usize> {
        self.catalog.tables.iter().position(|t| t.name == name)
    }

    fn field_of(&self, table: usize, column: &str) -> Option<&str> {
        let position = self.catalog.tables[table]
            .columns
            .iter()
            .position(|c| c.name == column)?;
        Some(&self.field_names[table][position])
    }

    fn model(&self, index: usize) -> Model {
        let table = &self.catalog.tables[index];
        let mut notes: Vec<String> = table.notes.clone();
        let mut fields: Vec<Field> = table
            .columns
            .iter()
            .zip(&self.field_names[index])
            .map(|(column, name)| self.field(table, column, name))
            .collect();
        let mut meta = Meta {
            db_table: Some(table.name.clone()),
            ..Meta::default()
        };
        if table.materialized {
            meta.managed = Some(false);
            notes.push(
                "A materialized view: read-only, never created, dropped or refreshed by Pookie \
                 (REFRESH MATERIALIZED VIEW updates its rows)."
                    .into(),
            );
        } else if table.is_view {
            meta.managed = Some(false);
            notes.push("A view: read-only, never created or dropped by Pookie.".into());
        }
        self.primary_key(index, &mut fields, &mut meta, &mut notes);
        for fk in table.foreign_keys.iter().filter(|fk| fk.columns.len() > 1) {
            notes.push(format!(
                "The foreign key ({}) → `{}` ({}){} spans several columns, which a relation field cannot express; its columns are plain fields.",
                quoted(&fk.columns),
                fk.target_table,
                quoted(&fk.target_columns),
                on_update_clause(fk),
            ));
        }
        for unique in &table.uniques {
            let names: Vec<String> = unique
                .columns
                .iter()
                .filter_map(|c| self.field_of(index, c).map(str::to_string))
                .collect();
            if let [single] = names.as_slice() {
                let field = fields.iter_mut().find(|f| &f.name == single);
                if let Some(field) = field {
                    if !field.options.primary_key
                        && !matches!(field.kind, FieldKind::OneToOneField(_))
                    {
                        field.options.unique = true;
                    }
                }
            } else if !names.is_empty() && names.len() == unique.columns.len() {
                meta.unique_together.push(names);
            }
        }
        for index_info in &table.indexes {
            let Some(columns) = index_info
                .columns
                .iter()
                .map(|c| c.as_deref().and_then(|c| self.field_of(index, c)))
                .collect::<Option<Vec<&str>>>()
            else {
                notes.push(format!(
                    "The index `{}` is on an expression, which an `Index` cannot name; it is left out.",
                    index_info.name
                ));
                continue;
            };
            let method = match index_info.method.as_deref().map(IndexMethod::from_name) {
                None => IndexMethod::Btree,
                Some(Some(method)) => method,
                Some(None) => {
                    notes.push(format!(
                        "The index `{}` uses the `{}` method, which an `Index` cannot say: it is written as a btree index.",
                        index_info.name,
                        index_info.method.as_deref().unwrap_or_default()
                    ));
                    IndexMethod::Btree
                }
            };
            let default_name = format!(
                "{}_{}_idx",
                table.name,
                index_info.columns[0].as_deref().unwrap_or_default()
            );
            if let ([single], false, None, true, None) = (
                columns.as_slice(),
                index_info.unique,
                &index_info.condition,
                index_info.name == default_name,
                &index_info.method,
            ) {
                // Not on a unique or key field: `db_index` is ignored there (the
                // unique index serves), so the index would be lost.
                if let Some(field) = fields
                    .iter_mut()
                    .find(|f| f.name == *single && !f.options.unique && !f.options.primary_key)
                {
                    field.options.db_index = true;
                    continue;
                }
            }
            meta.indexes.push(Index {
                fields: columns.iter().map(|c| c.to_string()).collect(),
                unique: index_info.unique,
                name: Some(index_info.name.clone()),
                condition: index_info.condition.clone(),
                method,
            });
        }
        for search in &table.search_indexes {
            let Some(fields) = search
                .columns
                .iter()
                .map(|c| self.field_of(index, c).map(str::to_owned))
                .collect::<Option<Vec<String>>>()
            else {
                notes.push(format!(
                    "The search index `{}` names a column the table does not have; it is left out.",
                    search.name
                ));
                continue;
            };
            let default_name = fields.join("_");
            meta.search_indexes.push(SearchIndex {
                name: (search.name != default_name).then(|| search.name.clone()),
                config: (search.config != SearchIndex::DEFAULT_CONFIG)
                    .then(|| search.config.clone()),
                fields,
            });
        }
        meta.constraints = table
            .checks
            .iter()
            .map(|(name, check)| CheckConstraint {
                check: check.clone(),
                name: name.clone(),
            })
            .collect();
        Model {
            name: self.model_names[index].clone(),
            doc: table.comment.clone(),
            is_abstract: false,
            extends: None,
            fields,
            meta,
            comment: (!notes.is_empty()).then(|| notes.join("\n")),
        }
    }

    /// Marks the key: one `primary_key = true` field (an AutoField when the
    /// database assigns it), a composite `meta { primary_key }`, or, for a table
    /// without a key, a stand-in with a comment saying so (the language needs one).
    fn primary_key(
        &self,
        index: usize,
        fields: &mut [Field],
        meta: &mut Meta,
        notes: &mut Vec<String>,
    ) {
        let table = &self.catalog.tables[index];
        let key: Vec<usize> = table
            .primary_key
            .iter()
            .filter_map(|c| table.columns.iter().position(|col| &col.name == c))
            .collect();
        match key.as_slice() {
            [single] => {
                let column = &table.columns[*single];
                let field = &mut fields[*single];
                field.options.primary_key = true;
                field.options.null = false;
                if column.auto {
                    match field.kind {
                        FieldKind::IntegerField | FieldKind::SmallIntegerField => {
                            field.kind = FieldKind::AutoField;
                            field.options.default = None;
                        }
                        FieldKind::BigIntegerField => {
                            field.kind = FieldKind::BigAutoField;
                            field.options.default = None;
                        }
                        _ => {}
                    }
                }
            }
            [] => self.stand_in_key(index, fields, meta, notes),
            _ => {
                meta.primary_key = key.iter().map(|&i| fields[i].name.clone()).collect();
                for &i in &key {
                    fields[i].options.null = false;
                }
            }
        }
    }

    /// The field that stands in for the key of a table or view without one,
    /// so that every row reads: a column that is NOT NULL and unique on its
    /// own, else one that is NOT NULL (its values are not known to be
    /// unique), else the first column, kept nullable, on a model Pookie does
    /// not manage (a key that can be NULL only reads rows).
    fn stand_in_key(
        &self,
        index: usize,
        fields: &mut [Field],
        meta: &mut Meta,
        notes: &mut Vec<String>,
    ) {
        let table = &self.catalog.tables[index];
        let what = if table.is_view { "A view" } else { "The table" };
        let unique_alone = |name: &str| {
            table.is_unique_set(&[name.to_owned()])
                || table.indexes.iter().any(|index| {
                    index.unique
                        && index.condition.is_none()
                        && index.columns == [Some(name.to_owned())]
                })
        };
        let unique = table
            .columns
            .iter()
            .position(|c| !c.nullable && unique_alone(&c.name));
        if let Some(i) = unique {
            let field = &mut fields[i];
            field.options.primary_key = true;
            field.options.unique = false;
            notes.push(format!(
                "{what} has no primary key: `{}`, NOT NULL and unique, stands in for one.",
                field.name
            ));
        } else if let Some(i) = table.columns.iter().position(|c| !c.nullable) {
            let field = &mut fields[i];
            field.options.primary_key = true;
            field.options.unique = false;
            notes.push(format!(
                "{what} has no primary key: `{}` stands in for one. Its values are not known \
                 to be unique: check before using get, save or delete.",
                field.name
            ));
        } else if let Some(field) = fields.first_mut() {
            field.options.primary_key = true;
            field.options.unique = false;
            let unmanaged = if table.is_view {
                String::new()
            } else {
                meta.managed = Some(false);
                " The model is `managed = false`: Pookie reads and writes its rows but never \
                 creates, alters or drops the table (give the table a primary key to manage it)."
                    .to_owned()
            };
            notes.push(format!(
                "{what} has no primary key and no column that is NOT NULL: `{}` stands in for \
                 one, and can be NULL (an `Option`), so get, save and delete cannot find a row \
                 whose `{}` is NULL; its values are not known to be unique.{unmanaged}",
                field.name, field.name
            ));
        } else {
            notes.push(format!("{what} has no columns."));
        }
    }

    fn field(&self, table: &Table, column: &Column, name: &str) -> Field {
        let mut comments: Vec<String> = Vec::new();
        let mut options = FieldOptions {
            null: column.nullable,
            ..FieldOptions::default()
        };
        let mut kind = column.kind.clone();
        if let Some(fk) = single_column_fk(table, &column.name) {
            match self.relation(table, column, fk) {
                Ok(relation) => kind = relation,
                Err(note) => {
                    comments.push(note);
                    if fk.on_update.is_some() {
                        comments.push(format!(
                            "The foreign key has{}: the plain field does not express it.",
                            on_update_clause(fk)
                        ));
                    }
                }
            }
        }
        if let Some(guess) = &column.guess {
            comments.push(format!("{GUESS}: {guess}"));
        }
        if let Some(note) = &column.note {
            comments.push(note.clone());
        }
        options.db_type = column.db_type.clone();
        if let Some(enum_type) = &column.enum_type {
            options.choices = self.enum_names.get(enum_type.as_str()).cloned();
        }
        options.default = column.default.as_ref().map(|(default, sql)| {
            if let (Some(choices), DefaultValue::Str(value)) = (&options.choices, default) {
                // A label of the column's enum type is that enum's variant.
                let variant = self
                    .enums
                    .iter()
                    .find(|e| &e.name == choices)
                    .and_then(|e| e.variants.iter().find(|v| &v.value == value));
                if let Some(variant) = variant {
                    return DefaultValue::EnumVariant {
                        enum_name: choices.clone(),
                        variant: variant.name.clone(),
                    };
                }
            }
            if fits(&kind, default) {
                default.clone()
            } else {
                DefaultValue::Sql(sql.clone())
            }
        });
        if options.default == Some(DefaultValue::Null) {
            options.default = None;
        }
        if let FieldKind::ForeignKey(relation) | FieldKind::OneToOneField(relation) = &mut kind {
            if let Some(note) = enforceable_on_delete(relation, &options) {
                comments.push(note);
            }
            if let Some(note) = enforceable_on_update(relation, &options) {
                comments.push(note);
            }
        }
        let mut field = Field {
            name: name.to_string(),
            doc: column.comment.clone(),
            kind,
            options,
            origin: FieldOrigin::Declared,
            comment: None,
        };
        if field.column_name().as_deref() != Some(column.name.as_str()) {
            field.options.db_column = Some(column.name.clone());
        }
        field.comment = (!comments.is_empty()).then(|| comments.join("\n"));
        field
    }

    /// A ForeignKey, or a OneToOneField when the column is unique on its own; an
    /// error note when the target is not among the inspected tables.
    fn relation(
        &self,
        table: &Table,
        column: &Column,
        fk: &ForeignKey,
    ) -> Result<FieldKind, String> {
        let Some(target) = self.table_index(&fk.target_table) else {
            return Err(format!(
                "References `{}`, which was not inspected: a plain field.",
                fk.target_table
            ));
        };
        let target_table = &self.catalog.tables[target];
        let to_field = match fk.target_columns.as_slice() {
            [] => None,
            [target_column] if target_table.primary_key == [target_column.clone()] => None,
            [target_column] => Some(
                self.field_of(target, target_column)
                    .ok_or_else(|| {
                        format!(
                            "References the unknown column `{}`.`{target_column}`.",
                            fk.target_table
                        )
                    })?
                    .to_string(),
            ),
            _ => return Err("Part of a foreign key over several columns.".into()),
        };
        if to_field.is_none() && target_table.primary_key.len() != 1 {
            return Err(format!(
                "References `{}`, which has no single-column primary key: a plain field.",
                fk.target_table
            ));
        }
        let relation = Relation {
            to: self.model_names[target].clone(),
            on_delete: fk.on_delete,
            on_update: fk
                .on_update
                .as_deref()
                .map_or(OnUpdate::DoNothing, on_update),
            related_name: None,
            to_field,
        };
        let _ = column;
        Ok(
            if table.is_unique_set(std::slice::from_ref(&fk.columns[0])) {
                FieldKind::OneToOneField(relation)
            } else {
                FieldKind::ForeignKey(relation)
            },
        )
    }

    /// A table of exactly two columns, each a foreign key to an inspected table
    /// with a single-column key, together its primary key, is a pure join table:
    /// the first target gets a ManyToManyField through it. Join tables laid out
    /// exactly as Pookie creates them are left to [`Self::add_default_many_to_many`].
    fn add_many_to_many(&self, models: &mut [Model]) {
        for (index, table) in self.catalog.tables.iter().enumerate() {
            if table.is_view || table.columns.len() != 2 || table.primary_key.len() != 2 {
                continue;
            }
            if self.default_join(table).is_some() {
                continue;
            }
            let relations: Vec<&Relation> = models[index]
                .fields
                .iter()
                .filter_map(|f| match &f.kind {
                    FieldKind::ForeignKey(r) => Some(r),
                    _ => None,
                })
                .collect();
            let [first, second] = relations.as_slice() else {
                continue;
            };
            let (owner, target) = (first.to.clone(), second.to.clone());
            let through = models[index].name.clone();
            push_many_to_many(models, &owner, target, Some(through));
        }
    }

    /// A join table exactly as Pookie creates one for a ManyToManyField without
    /// `through` becomes that field again, and its model goes: the join table
    /// has no model of its own in the schema it came from.
    fn add_default_many_to_many(&self, models: &mut Vec<Model>) {
        let mut joins: Vec<usize> = Vec::new();
        for (index, table) in self.catalog.tables.iter().enumerate() {
            let Some((source, target)) = self.default_join(table) else {
                continue;
            };
            let owner = self.model_names[source].clone();
            push_many_to_many(models, &owner, self.model_names[target].clone(), None);
            joins.push(index);
        }
        for index in joins.into_iter().rev() {
            models.remove(index);
        }
    }

    /// The source and target tables of `table` when it is a join table exactly
    /// as Pookie creates one for `ManyToManyField` without `through`: named
    /// `<source>_<target>`, with the columns `<source>_id` and `<target>_id`
    /// (`from_<table>_id` and `to_<table>_id` for a relation of a table to
    /// itself), not null, together the primary key in that order, each an
    /// `ON DELETE CASCADE` foreign key to its table's one-column primary key,
    /// the second column indexed as `<table>_<column>_idx`, and nothing else:
    /// no other unique set, index or check, and no foreign key pointing at it.
    fn default_join(&self, table: &Table) -> Option<(usize, usize)> {
        let [first, second] = table.columns.as_slice() else {
            return None;
        };
        if table.is_view
            || first.nullable
            || second.nullable
            || table.primary_key != [first.name.clone(), second.name.clone()]
            || !table.indexes.iter().all(|index| {
                // Pookie indexes the second column, which the key does not lead with.
                !index.unique
                    && index.condition.is_none()
                    && index.columns == [Some(second.name.clone())]
                    && index.name == format!("{}_{}_idx", table.name, second.name)
            })
            || !table.checks.is_empty()
            || !table.notes.is_empty()
            || table.indexes.iter().any(|index| index.method.is_some())
            || table.foreign_keys.len() != 2
            || table.foreign_keys.iter().any(|fk| fk.on_update.is_some())
            || self.catalog.tables.iter().any(|other| {
                other
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.target_table == table.name)
            })
            || table
                .uniques
                .iter()
                .any(|u| !table.is_unique_set(&u.columns) || u.columns.len() != 2)
        {
            return None;
        }
        let target_of = |column: &Column| -> Option<usize> {
            let fk = single_column_fk(table, &column.name)?;
            let target = self.table_index(&fk.target_table)?;
            let key = &self.catalog.tables[target].primary_key;
            let to_key = fk.target_columns.is_empty() || fk.target_columns == *key;
            (fk.on_delete == OnDelete::Cascade && key.len() == 1 && to_key).then_some(target)
        };
        let (source, target) = (target_of(first)?, target_of(second)?);
        let source_table = &self.catalog.tables[source].name;
        let target_table = &self.catalog.tables[target].name;
        let join = DefaultJoin::new(source_table, target_table);
        (first.name == join.source_column
            && second.name == join.target_column
            && table.name == join.table)
            .then_some((source, target))
    }
}

/// Adds `<targets> = ManyToManyField(target[, through = …])` to the model `owner`.
fn push_many_to_many(models: &mut [Model], owner: &str, target: String, through: Option<String>) {
    let Some(owner_model) = models.iter_mut().find(|m| m.name == owner) else {
        return;
    };
    let mut names = Unique::default();
    for field in &owner_model.fields {
        names.claim(&field.name);
    }
    let name = names.claim(&plural(&snake_case(&target)));
    owner_model.fields.push(Field {
        name,
        doc: None,
        kind: FieldKind::ManyToManyField(ManyToMany {
            to: target,
            related_name: None,
            through,
            db_table: None,
        }),
        options: FieldOptions::default(),
        origin: FieldOrigin::Declared,
        comment: None,
    });
}

/// Two relations from one model to the same model would get the same reverse
/// accessor: each of them gets its own `related_name`.
fn distinct_related_names(models: &mut [Model]) {
    for model in models.iter_mut() {
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for field in &model.fields {
            if let Some(target) = relation_target(&field.kind) {
                *count.entry(target.to_string()).or_default() += 1;
            }
        }
        let source = snake_case(&model.name);
        for field in &mut model.fields {
            let name = format!("{source}_{}_set", field.name);
            match &mut field.kind {
                FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) if count[&r.to] > 1 => {
                    r.related_name = Some(name);
                }
                FieldKind::ManyToManyField(m) if count[&m.to] > 1 => {
                    m.related_name = Some(name);
                }
                _ => {}
            }
        }
    }
}

fn relation_target(kind: &FieldKind) -> Option<&str> {
    match kind {
        FieldKind::ForeignKey(r) | FieldKind::OneToOneField(r) => Some(&r.to),
        FieldKind::ManyToManyField(m) => Some(&m.to),
        _ => None,
    }
}

/// `track` → `tracks`, `territory` → `territories`, `box` → `boxes`; a word
/// already ending in a single `s` (`tags`, from the model of a table named
/// in the plural) stays as it is.
fn plural(word: &str) -> String {
    if word.ends_with('s') && !word.ends_with("ss") {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        return format!("{word}es");
    }
    format!("{word}s")
}

fn enum_def(name: &str, values: &[String]) -> EnumDef {
    let mut names = Unique::default();
    EnumDef {
        name: name.to_string(),
        doc: None,
        variants: values
            .iter()
            .map(|value| {
                let mut variant = camel_case(&field_name(value, false));
                if variant.is_empty() {
                    variant = "Empty".into();
                }
                EnumVariant {
                    name: names.claim_camel(&variant),
                    value: value.clone(),
                    doc: None,
                }
            })
            .collect(),
    }
}

/// ` ON UPDATE <action>` when the foreign key has one other than `NO ACTION`.
fn on_update_clause(fk: &ForeignKey) -> String {
    fk.on_update
        .as_deref()
        .map(|action| format!(" ON UPDATE {action}"))
        .unwrap_or_default()
}

/// An `ON DELETE` action the column cannot carry out is written as what the
/// database does instead, with a note: `SET NULL` on a NOT NULL column fails,
/// as does `SET DEFAULT` without a default there (it sets NULL; on a nullable
/// column that is `SET NULL`). The language refuses the original spelling.
fn enforceable_on_delete(relation: &mut Relation, options: &FieldOptions) -> Option<String> {
    let original = relation.on_delete;
    let (action, why) = match (original, options.null, &options.default) {
        (OnDelete::SetNull, false, _) => (
            OnDelete::DoNothing,
            "the column is NOT NULL, so deleting a referenced row fails",
        ),
        (OnDelete::SetDefault, false, None) => (
            OnDelete::DoNothing,
            "the column has no default and is NOT NULL, so deleting a referenced row fails",
        ),
        (OnDelete::SetDefault, true, None) => (
            OnDelete::SetNull,
            "the column has no default, so the database sets NULL",
        ),
        _ => return None,
    };
    relation.on_delete = action;
    Some(format!(
        "The database has ON DELETE {}, but {why}: written as `on_delete = {}`, which leaves that to the database.",
        original.keyword().replace('_', " "),
        action.keyword()
    ))
}

/// The `on_update` action of an `ON UPDATE` action as SQL spells it.
fn on_update(action: &str) -> OnUpdate {
    match action {
        "CASCADE" => OnUpdate::Cascade,
        "SET NULL" => OnUpdate::SetNull,
        "SET DEFAULT" => OnUpdate::SetDefault,
        "RESTRICT" => OnUpdate::Restrict,
        _ => OnUpdate::DoNothing,
    }
}

/// [`enforceable_on_delete`] for `ON UPDATE`: the language refuses `SET_NULL`
/// on a NOT NULL column and `SET_DEFAULT` without a default.
fn enforceable_on_update(relation: &mut Relation, options: &FieldOptions) -> Option<String> {
    let original = relation.on_update;
    let (action, why) = match (original, options.null, &options.default) {
        (OnUpdate::SetNull, false, _) => (
            OnUpdate::DoNothing,
            "the column is NOT NULL, so changing a referenced key fails",
        ),
        (OnUpdate::SetDefault, false, None) => (
            OnUpdate::DoNothing,
            "the column has no default and is NOT NULL, so changing a referenced key fails",
        ),
        (OnUpdate::SetDefault, true, None) => (
            OnUpdate::SetNull,
            "the column has no default, so the database sets NULL",
        ),
        _ => return None,
    };
    relation.on_update = action;
    Some(format!(
        "The database has ON UPDATE {}, but {why}: written as `on_update = {}`, which leaves that to the database.",
        original.sql(),
        action.keyword()
    ))
}

fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `default` is a literal of the field's type (else it is kept as `sql(…)`).
fn fits(kind: &FieldKind, default: &DefaultValue) -> bool {
    use DefaultValue as D;
    use FieldKind as K;
    let is_text = matches!(
        kind,
        K::CharField { .. }
            | K::FixedCharField { .. }
            | K::TextField
            | K::EmailField { .. }
            | K::URLField { .. }
            | K::SlugField { .. }
    );
    match default {
        D::Null | D::Sql(_) => true,
        D::Bool(_) => matches!(kind, K::BooleanField),
        D::Int(_) => matches!(
            kind,
            K::SmallIntegerField
                | K::IntegerField
                | K::BigIntegerField
                | K::FloatField
                | K::DecimalField { .. }
                | K::ForeignKey(_)
                | K::OneToOneField(_)
        ),
        D::Float(_) => matches!(kind, K::FloatField | K::DecimalField { .. }),
        // UUIDs and decimals keep their text exactly; the database re-spells
        // date and time literals, so those stay verbatim as `sql("…")`.
        D::Str(_) => is_text || matches!(kind, K::UUIDField { .. } | K::DecimalField { .. }),
        D::Now => matches!(
            kind,
            K::DateField { .. } | K::TimeField { .. } | K::DateTimeField { .. }
        ),
        D::Uuid4 => matches!(kind, K::UUIDField { .. }),
        D::EmptyList => matches!(kind, K::ArrayField { .. } | K::JSONField { .. }),
        D::EmptyObject => matches!(kind, K::JSONField { .. }),
        D::EnumVariant { .. } => false,
    }
}
