//! A property of the migration machinery, on SQLite and PostgreSQL: for random
//! sequences of schema edits, every migration `makemigrations` would write
//! applies to a database holding rows, leaves exactly the schema the history
//! describes (no drift), survives a print/parse round trip of its text, and
//! the whole history rolls back to an empty database.
//!
//! Driven in-process through the library (`diff`, `print_migration`,
//! `parse_migration`, `render_migration`, the runtime runner, `drift`), with a
//! seeded generator: a failure prints the seed, the edits and every schema.
//! `POOKIE_PROPERTY_SEED=<n>` replays one seed; `POOKIE_PROPERTY_CASES=<n>`
//! runs more cases.

#[macro_use]
#[allow(unused_macros)]
mod support;

use std::fmt::Write as _;

use pookie::migrate::Target;
use pookie::migrate::{self as runner, MigrateOptions, Migration, Migrations};
use pookie::{Db, Dialect};
use pookie_codegen::migrate::diff::{diff, NoInput};
use pookie_grammar::migration::{parse_migration, print_migration, State};
use pookie_grammar::Source;

/// How many random cases each backend runs (each up to [`MAX_EDITS`] edits).
const CASES: u64 = 16;
const MAX_EDITS: usize = 5;

// ---------------------------------------------------------------------------
// A tiny deterministic generator (xorshift64*): no dependency, replayable.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

// ---------------------------------------------------------------------------
// The schema the generator edits, printed as a `.pookie` file.

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Char(u32),
    Text,
    Int,
    BigInt,
    Bool,
    Float,
    Date,
    Fk(String),
    M2m(String),
}

#[derive(Debug, Clone)]
struct FieldSpec {
    name: String,
    kind: Kind,
    null: bool,
    /// A `.pookie` literal.
    default: Option<String>,
    unique: bool,
    renamed_from: Option<String>,
}

impl FieldSpec {
    fn is_scalar(&self) -> bool {
        !matches!(self.kind, Kind::Fk(_) | Kind::M2m(_))
    }
}

#[derive(Debug, Clone)]
struct ModelSpec {
    name: String,
    fields: Vec<FieldSpec>,
    /// (name, fields); `None` lets the diff name it.
    indexes: Vec<(Option<String>, Vec<String>)>,
    /// Full-text search indexes over text fields: (name, fields); `None`
    /// for the default name (the field names joined).
    search_indexes: Vec<(Option<String>, Vec<String>)>,
    unique_together: Vec<Vec<String>>,
    renamed_from: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct SchemaSpec {
    /// In creation order: a model only points at models before it.
    models: Vec<ModelSpec>,
    counter: u32,
}

fn literal(kind: &Kind, rng: &mut Rng) -> String {
    match kind {
        Kind::Char(_) | Kind::Text => format!("\"d{}\"", rng.below(100)),
        Kind::Int | Kind::BigInt => rng.below(1000).to_string(),
        Kind::Bool => if rng.chance(50) { "true" } else { "false" }.to_owned(),
        Kind::Float => format!("{}.5", rng.below(10)),
        Kind::Date | Kind::Fk(_) | Kind::M2m(_) => unreachable!("no default for {kind:?}"),
    }
}

impl SchemaSpec {
    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn scalar_kind(rng: &mut Rng, with_date: bool) -> Kind {
        match rng.below(if with_date { 7 } else { 6 }) {
            0 => Kind::Char(10 + 10 * rng.below(10) as u32),
            1 => Kind::Text,
            2 => Kind::Int,
            3 => Kind::BigInt,
            4 => Kind::Bool,
            5 => Kind::Float,
            _ => Kind::Date,
        }
    }

    /// A field of a new model or a new nullable field: any type, nullable or
    /// not, with or without a default; a foreign key or a many-to-many to a
    /// model created before `model_index`.
    fn random_field(
        &mut self,
        rng: &mut Rng,
        model_index: usize,
        for_new_model: bool,
    ) -> FieldSpec {
        let name = self.fresh("f");
        let earlier: Vec<String> = self.models[..model_index]
            .iter()
            .map(|m| m.name.clone())
            .collect();
        if !earlier.is_empty() && rng.chance(25) {
            let target = rng.pick(&earlier).unwrap().clone();
            // Two many-to-many fields between the same models would share
            // their default join table name (`<from>s_<to>s`): one at most.
            let many = rng.chance(35) && !self.has_m2m(model_index, &target);
            return FieldSpec {
                name,
                kind: if many {
                    Kind::M2m(target)
                } else {
                    Kind::Fk(target)
                },
                null: !many && (!for_new_model || rng.chance(50)),
                default: None,
                unique: false,
                renamed_from: None,
            };
        }
        let kind = Self::scalar_kind(rng, true);
        let null = kind == Kind::Date || !for_new_model || rng.chance(40);
        let default = (kind != Kind::Date && rng.chance(50)).then(|| literal(&kind, rng));
        let unique = for_new_model
            && matches!(kind, Kind::Char(_) | Kind::Int)
            && default.is_none()
            && rng.chance(25);
        FieldSpec {
            name,
            kind,
            null,
            default,
            unique,
            renamed_from: None,
        }
    }

    fn add_model(&mut self, rng: &mut Rng) -> String {
        let name = self.fresh("Thing");
        self.models.push(ModelSpec {
            name: name.clone(),
            fields: Vec::new(),
            indexes: Vec::new(),
            search_indexes: Vec::new(),
            unique_together: Vec::new(),
            renamed_from: None,
        });
        let index = self.models.len() - 1;
        for _ in 0..1 + rng.below(4) {
            let field = self.random_field(rng, index, true);
            self.models[index].fields.push(field);
        }
        let scalars: Vec<String> = self.models[index]
            .fields
            .iter()
            .filter(|f| f.is_scalar())
            .map(|f| f.name.clone())
            .collect();
        // Rows get distinct numbers and strings, never distinct booleans or dates.
        let distinct: Vec<String> = self.models[index]
            .fields
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    Kind::Char(_) | Kind::Text | Kind::Int | Kind::BigInt
                )
            })
            .map(|f| f.name.clone())
            .collect();
        if scalars.len() >= 2 && !distinct.is_empty() && rng.chance(40) {
            let other = scalars.iter().find(|f| **f != distinct[0]).unwrap();
            self.models[index]
                .unique_together
                .push(vec![distinct[0].clone(), other.clone()]);
        }
        if !scalars.is_empty() && rng.chance(40) {
            let index_name = rng.chance(50).then(|| self.fresh("ix"));
            let column = rng.pick(&scalars).unwrap().clone();
            self.models[index].indexes.push((index_name, vec![column]));
        }
        format!("add model {name}")
    }

    fn initial(rng: &mut Rng) -> SchemaSpec {
        let mut schema = SchemaSpec::default();
        for _ in 0..1 + rng.below(4) {
            schema.add_model(rng);
        }
        schema
    }

    fn has_m2m(&self, model_index: usize, target: &str) -> bool {
        self.models.get(model_index).is_some_and(|m| {
            m.fields
                .iter()
                .any(|f| matches!(&f.kind, Kind::M2m(t) if t == target))
        })
    }

    fn referenced(&self, model: &str) -> bool {
        self.models.iter().any(|m| {
            m.fields
                .iter()
                .any(|f| matches!(&f.kind, Kind::Fk(t) | Kind::M2m(t) if t == model))
        })
    }

    /// One random edit; its description. `None` when the edit picked does not
    /// fit the schema (the caller tries another).
    fn edit(&mut self, rng: &mut Rng) -> Option<String> {
        let m = rng.below(self.models.len().max(1));
        match rng.below(14) {
            0 => {
                let model = self.models.get(m)?.name.clone();
                let kind = Self::scalar_kind(rng, false);
                let field = FieldSpec {
                    name: self.fresh("f"),
                    default: Some(literal(&kind, rng)),
                    kind,
                    null: false,
                    unique: false,
                    renamed_from: None,
                };
                let text = format!(
                    "add field {} {:?} with default to {model}",
                    field.name, field.kind
                );
                self.models[m].fields.push(field);
                Some(text)
            }
            1 => {
                self.models.get(m)?;
                let mut field = self.random_field(rng, m, false);
                if matches!(field.kind, Kind::M2m(_)) {
                    return None;
                }
                field.null = true;
                let text = format!(
                    "add nullable field {} {:?} to {}",
                    field.name, field.kind, self.models[m].name
                );
                self.models[m].fields.push(field);
                Some(text)
            }
            2 => {
                let model = self.models.get_mut(m)?;
                if model.fields.len() < 2 {
                    return None;
                }
                // A NOT NULL foreign key cannot come back on rollback (no value
                // to refill the rows with): not removed.
                let removable: Vec<usize> = (0..model.fields.len())
                    .filter(|&i| {
                        let field = &model.fields[i];
                        // Nor a unique one, alone or together: the rows cannot
                        // all get the same refill value back.
                        let together = model
                            .unique_together
                            .iter()
                            .any(|set| set.contains(&field.name));
                        !together
                            && (field.null || !(matches!(field.kind, Kind::Fk(_)) || field.unique))
                    })
                    .collect();
                let i = *rng.pick(&removable)?;
                let field = model.fields.remove(i);
                model
                    .indexes
                    .retain(|(_, fields)| !fields.contains(&field.name));
                model
                    .search_indexes
                    .retain(|(_, fields)| !fields.contains(&field.name));
                model
                    .unique_together
                    .retain(|set| !set.contains(&field.name));
                Some(format!("remove field {} from {}", field.name, model.name))
            }
            3 => {
                let new = self.fresh("f");
                let model = self.models.get_mut(m)?;
                let i = rng.below(model.fields.len());
                let old = std::mem::replace(&mut model.fields[i].name, new.clone());
                model.fields[i].renamed_from = Some(old.clone());
                for (_, fields) in model.indexes.iter_mut().chain(&mut model.search_indexes) {
                    fields
                        .iter_mut()
                        .filter(|f| **f == old)
                        .for_each(|f| *f = new.clone());
                }
                for set in &mut model.unique_together {
                    set.iter_mut()
                        .filter(|f| **f == old)
                        .for_each(|f| *f = new.clone());
                }
                Some(format!("rename field {old} of {} to {new}", model.name))
            }
            4 => {
                let model = self.models.get_mut(m)?;
                let chars: Vec<usize> = (0..model.fields.len())
                    .filter(|&i| matches!(model.fields[i].kind, Kind::Char(_)))
                    .collect();
                let i = *rng.pick(&chars)?;
                let length = 10 + 10 * rng.below(20) as u32;
                let Kind::Char(old) = model.fields[i].kind else {
                    unreachable!()
                };
                if old == length {
                    return None;
                }
                model.fields[i].kind = Kind::Char(length);
                Some(format!(
                    "max_length of {}.{} {old} -> {length}",
                    model.name, model.fields[i].name
                ))
            }
            5 => {
                let model = self.models.get_mut(m)?;
                let scalars: Vec<usize> = (0..model.fields.len())
                    // Only a field with a default: it fills the NULL rows when
                    // the column becomes NOT NULL, forwards or on rollback.
                    .filter(|&i| model.fields[i].is_scalar() && model.fields[i].default.is_some())
                    .collect();
                let i = *rng.pick(&scalars)?;
                let field = &mut model.fields[i];
                field.null = !field.null;
                Some(format!(
                    "{}.{} null = {} (default {:?})",
                    model.name, field.name, field.null, field.default
                ))
            }
            6 => {
                let name = rng.chance(50).then(|| self.fresh("ix"));
                let model = self.models.get_mut(m)?;
                let scalars: Vec<String> = model
                    .fields
                    .iter()
                    .filter(|f| f.is_scalar())
                    .map(|f| f.name.clone())
                    .collect();
                let mut fields = vec![rng.pick(&scalars)?.clone()];
                if scalars.len() > 1 && rng.chance(40) {
                    let other = rng.pick(&scalars)?.clone();
                    if other != fields[0] {
                        fields.push(other);
                    }
                }
                if model.indexes.iter().any(|(_, f)| *f == fields) {
                    return None;
                }
                model.indexes.push((name.clone(), fields.clone()));
                Some(format!("add index {name:?} on {}{fields:?}", model.name))
            }
            7 => {
                let model = self.models.get_mut(m)?;
                if model.indexes.is_empty() {
                    return None;
                }
                let i = rng.below(model.indexes.len());
                let (name, fields) = model.indexes.remove(i);
                Some(format!("remove index {name:?} on {}{fields:?}", model.name))
            }
            8 => (self.models.len() < 5).then(|| self.add_model(rng)),
            12 => {
                let name = rng.chance(50).then(|| self.fresh("fts"));
                let model = self.models.get_mut(m)?;
                let texts: Vec<String> = model
                    .fields
                    .iter()
                    .filter(|f| matches!(f.kind, Kind::Char(_) | Kind::Text))
                    .map(|f| f.name.clone())
                    .collect();
                let mut fields = vec![rng.pick(&texts)?.clone()];
                if texts.len() > 1 && rng.chance(50) {
                    let other = rng.pick(&texts)?.clone();
                    if other != fields[0] {
                        fields.push(other);
                    }
                }
                let named = |(own, fields): &(Option<String>, Vec<String>)| {
                    own.clone().unwrap_or_else(|| fields.join("_"))
                };
                let new = (name.clone(), fields.clone());
                if model.search_indexes.iter().any(|i| named(i) == named(&new)) {
                    return None;
                }
                model.search_indexes.push(new);
                Some(format!(
                    "add search index {name:?} on {}{fields:?}",
                    model.name
                ))
            }
            13 => {
                let model = self.models.get_mut(m)?;
                if model.search_indexes.is_empty() {
                    return None;
                }
                let i = rng.below(model.search_indexes.len());
                let (name, fields) = model.search_indexes.remove(i);
                Some(format!(
                    "remove search index {name:?} on {}{fields:?}",
                    model.name
                ))
            }
            9 => {
                let name = self.models.get(m)?.name.clone();
                if self.models.len() < 2 || self.referenced(&name) {
                    return None;
                }
                self.models.remove(m);
                Some(format!("remove model {name}"))
            }
            10 => {
                let new = self.fresh("Thing");
                let old = std::mem::replace(&mut self.models.get_mut(m)?.name, new.clone());
                self.models[m].renamed_from = Some(old.clone());
                for model in &mut self.models {
                    for field in &mut model.fields {
                        if let Kind::Fk(t) | Kind::M2m(t) = &mut field.kind {
                            if *t == old {
                                *t = new.clone();
                            }
                        }
                    }
                }
                Some(format!("rename model {old} to {new}"))
            }
            _ => {
                if m == 0 {
                    return None;
                }
                let target = self.models[rng.below(m)].name.clone();
                if self.has_m2m(m, &target) {
                    return None;
                }
                let name = self.fresh("tags");
                let text = format!(
                    "add many-to-many {name} from {} to {target}",
                    self.models[m].name
                );
                self.models[m].fields.push(FieldSpec {
                    name,
                    kind: Kind::M2m(target),
                    null: false,
                    default: None,
                    unique: false,
                    renamed_from: None,
                });
                Some(text)
            }
        }
    }

    /// Forgets the `renamed_from` hints once their migration is written.
    fn settle(&mut self) {
        for model in &mut self.models {
            model.renamed_from = None;
            for field in &mut model.fields {
                field.renamed_from = None;
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for model in &self.models {
            writeln!(out, "model {} {{", model.name).unwrap();
            for field in &model.fields {
                let mut args = Vec::new();
                let ty = match &field.kind {
                    Kind::Char(n) => {
                        args.push(format!("max_length = {n}"));
                        "CharField"
                    }
                    Kind::Text => "TextField",
                    Kind::Int => "IntegerField",
                    Kind::BigInt => "BigIntegerField",
                    Kind::Bool => "BooleanField",
                    Kind::Float => "FloatField",
                    Kind::Date => "DateField",
                    Kind::Fk(target) => {
                        args.push(target.clone());
                        let on_delete = if field.null { "SET_NULL" } else { "CASCADE" };
                        args.push(format!("on_delete = {on_delete}"));
                        args.push(format!("related_name = \"{}_rev\"", field.name));
                        "ForeignKey"
                    }
                    Kind::M2m(target) => {
                        args.push(target.clone());
                        args.push(format!("related_name = \"{}_rev\"", field.name));
                        "ManyToManyField"
                    }
                };
                if field.null {
                    args.push("null = true".into());
                }
                if field.unique {
                    args.push("unique = true".into());
                }
                if let Some(default) = &field.default {
                    args.push(format!("default = {default}"));
                }
                if let Some(old) = &field.renamed_from {
                    args.push(format!("renamed_from = \"{old}\""));
                }
                writeln!(out, "    {} = {ty}({})", field.name, args.join(", ")).unwrap();
            }
            let mut meta = Vec::new();
            if let Some(old) = &model.renamed_from {
                meta.push(format!("renamed_from = \"{old}\""));
            }
            if !model.unique_together.is_empty() {
                let sets: Vec<String> = model
                    .unique_together
                    .iter()
                    .map(|set| format!("[{}]", quoted(set)))
                    .collect();
                meta.push(format!("unique_together = [{}]", sets.join(", ")));
            }
            if !model.indexes.is_empty() {
                let indexes: Vec<String> = model
                    .indexes
                    .iter()
                    .map(|(name, fields)| match name {
                        Some(name) => {
                            format!("Index(fields = [{}], name = \"{name}\")", quoted(fields))
                        }
                        None => format!("Index(fields = [{}])", quoted(fields)),
                    })
                    .collect();
                meta.push(format!("indexes = [{}]", indexes.join(", ")));
            }
            if !model.search_indexes.is_empty() {
                let indexes: Vec<String> = model
                    .search_indexes
                    .iter()
                    .map(|(name, fields)| match name {
                        Some(name) => format!(
                            "SearchIndex(fields = [{}], name = \"{name}\", config = \"english\")",
                            quoted(fields)
                        ),
                        None => format!("SearchIndex(fields = [{}])", quoted(fields)),
                    })
                    .collect();
                meta.push(format!("search_indexes = [{}]", indexes.join(", ")));
            }
            if !meta.is_empty() {
                writeln!(out, "    meta {{").unwrap();
                for line in meta {
                    writeln!(out, "        {line}").unwrap();
                }
                writeln!(out, "    }}").unwrap();
            }
            writeln!(out, "}}\n").unwrap();
        }
        out
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// Rows: one more in every table after each migration.

fn sql_value(kind: &Kind, n: u64, dialect: Dialect) -> String {
    match kind {
        Kind::Char(_) => format!("'r{n}'"),
        Kind::Text => format!("'text {n}'"),
        Kind::Int | Kind::BigInt => n.to_string(),
        Kind::Bool => match dialect {
            Dialect::Sqlite => "1".into(),
            Dialect::Postgres => "TRUE".into(),
        },
        Kind::Float => format!("{n}.25"),
        Kind::Date => "'2024-02-29'".into(),
        Kind::Fk(_) | Kind::M2m(_) => unreachable!(),
    }
}

fn insert_rows(
    db: &Db,
    spec: &SchemaSpec,
    state: &State,
    rng: &mut Rng,
    n: &mut u64,
) -> Result<(), String> {
    let dialect = db.dialect();
    for model in &spec.models {
        let table = state
            .model(&model.name)
            .ok_or_else(|| format!("no model {} in the state", model.name))?
            .table_name();
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for field in &model.fields {
            *n += 1;
            let value = match &field.kind {
                Kind::M2m(_) => continue,
                Kind::Fk(target) => {
                    let target_table = state.model(target).unwrap().table_name();
                    let pick = format!("(SELECT MIN(id) FROM \"{target_table}\")");
                    if field.null && rng.chance(50) {
                        "NULL".to_owned()
                    } else {
                        pick
                    }
                }
                _ if field.null && rng.chance(40) => "NULL".to_owned(),
                kind => sql_value(kind, *n, dialect),
            };
            columns.push(format!(
                "\"{}\"",
                field.name.clone()
                    + if matches!(field.kind, Kind::Fk(_)) {
                        "_id"
                    } else {
                        ""
                    }
            ));
            values.push(value);
        }
        let sql = if columns.is_empty() {
            format!("INSERT INTO \"{table}\" DEFAULT VALUES")
        } else {
            format!(
                "INSERT INTO \"{table}\" ({}) VALUES ({})",
                columns.join(", "),
                values.join(", ")
            )
        };
        db.execute(&sql, &[]).map_err(|e| format!("{sql}: {e}"))?;
    }
    Ok(())
}

fn tables(db: &Db) -> Vec<String> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Dialect::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY table_name"
        }
    };
    db.fetch_all(sql, &[])
        .unwrap()
        .iter()
        .map(|row| row.values()[0].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------
// A migration history built step by step, the way `makemigrations` and
// `migrate` would, checked at every step.

#[derive(Default)]
struct History {
    state: State,
    list: Vec<Migration>,
}

impl History {
    /// Makes the migration from the current state to `text`, applies it, and
    /// checks the database against the state (no drift) and the state against
    /// the schema (nothing left to migrate).
    fn step(&mut self, db: &Db, text: &str, log: &mut String) -> Result<(), String> {
        let step = self.list.len();
        let source = Source {
            path: "app.pookie".into(),
            text: text.to_owned(),
        };
        let schema = pookie_grammar::load(&[source]).map_err(|e| format!("schema: {e}"))?;
        let to = State::from_schema(&schema, "default");
        let changes = diff(&self.state, &to, &mut NoInput).map_err(|e| format!("diff: {e}"))?;
        if changes.is_empty() {
            return Err("the edit made no operation".into());
        }
        let printed = print_migration(&changes.to_text());
        writeln!(log, "--- migration {step}:\n{printed}").unwrap();
        let name = format!("{:04}_step", step + 1);
        let parsed = parse_migration(
            &Source {
                path: format!("{name}/migration.pookie").into(),
                text: printed.clone(),
            },
            &self.state,
        )
        .map_err(|e| format!("the printed migration does not parse: {e}"))?;
        if parsed.operations != changes.operations {
            return Err(format!(
                "print/parse round trip changed the operations:\n{:#?}\n{:#?}",
                changes.operations, parsed.operations
            ));
        }
        let operations = parsed.operations;
        let before = &self.state;
        self.list.push(support::migrations::runtime_migration(
            &name,
            &printed,
            before,
            &operations,
        )?);
        runner::migrate(db, &Migrations::new(self.list.clone()))
            .map_err(|e| format!("migrate: {e}"))?;
        for operation in &operations {
            self.state.apply(operation).map_err(|e| e.message)?;
        }
        let differences =
            pookie_inspect::drift(db, &self.state).map_err(|e| format!("drift: {e}"))?;
        if !differences.is_empty() {
            let lines: Vec<String> = differences.iter().map(ToString::to_string).collect();
            return Err(format!("drift after step {step}:\n{}", lines.join("\n")));
        }
        let again = diff(&self.state, &to, &mut NoInput).map_err(|e| format!("diff again: {e}"))?;
        if !again.is_empty() {
            return Err(format!("the schema still differs: {}", again.summary()));
        }
        Ok(())
    }

    /// Rolls every migration back: only the history table may be left.
    fn roll_back_to_zero(self, db: &Db) -> Result<(), String> {
        let options = MigrateOptions {
            target: Target::Zero,
            ..MigrateOptions::default()
        };
        runner::migrate_with(db, &Migrations::new(self.list), &options, &mut |_| {})
            .map_err(|e| format!("rollback to zero: {e}"))?;
        let left = tables(db);
        if left != ["pookie_migrations"] {
            return Err(format!("tables left after rolling back: {left:?}"));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// One random case.

fn run_case(db: &Db, seed: u64, log: &mut String) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    let mut spec = SchemaSpec::initial(&mut rng);
    let edits = rng.below(MAX_EDITS + 1);
    let mut history = History::default();
    let mut row_number = 0;
    for step in 0..=edits {
        if step > 0 {
            let mut tries = 0;
            let description = loop {
                tries += 1;
                if let Some(description) = spec.edit(&mut rng) {
                    break description;
                }
                if tries > 50 {
                    return Err("no edit fits the schema".into());
                }
            };
            writeln!(log, "edit {step}: {description}").unwrap();
        }
        let text = spec.text();
        writeln!(log, "--- schema {step}:\n{text}").unwrap();
        history.step(db, &text, log)?;
        spec.settle();
        insert_rows(db, &spec, &history.state, &mut rng, &mut row_number)?;
    }
    history.roll_back_to_zero(db)
}

fn seeds() -> Vec<u64> {
    if let Ok(seed) = std::env::var("POOKIE_PROPERTY_SEED") {
        return vec![seed.parse().expect("POOKIE_PROPERTY_SEED is a number")];
    }
    let cases = std::env::var("POOKIE_PROPERTY_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    (1..=cases).collect()
}

fn check(fresh: impl Fn() -> Option<support::TestDb>) {
    for seed in seeds() {
        let Some(test_db) = fresh() else { return };
        let mut log = String::new();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_case(&test_db.db, seed, &mut log)
        }));
        let failure = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(error)) => error,
            Err(panic) => panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default(),
        };
        panic!(
            "seed {seed} on {} failed (replay: POOKIE_PROPERTY_SEED={seed}):\n{log}\n=> {failure}",
            test_db.db.dialect().name()
        );
    }
}

#[test]
fn random_edit_sequences_apply_without_drift_and_roll_back_on_sqlite() {
    check(|| Some(support::sqlite()));
}

#[test]
fn random_edit_sequences_apply_without_drift_and_roll_back_on_postgres() {
    check(support::postgres);
}

// ---------------------------------------------------------------------------
// Regressions the random cases found, replayed on both backends.

/// Applies each schema in turn (running `rows` after the first), then rolls
/// everything back.
fn replay(db: &Db, schemas: &[&str], rows: &[&str]) {
    let mut log = String::new();
    let mut history = History::default();
    let outcome = schemas.iter().enumerate().try_for_each(|(i, schema)| {
        history.step(db, schema, &mut log)?;
        if i == 0 {
            for sql in rows {
                db.execute(sql, &[]).map_err(|e| format!("{sql}: {e}"))?;
            }
        }
        Ok::<(), String>(())
    });
    if let Err(error) = outcome.and_then(|()| history.roll_back_to_zero(db)) {
        panic!("{log}\n=> {error}");
    }
}

on_both_backends! {
    // A nullable field with a default made NOT NULL: the NULL rows take the
    // default (as in Django), forwards and when the rollback restores NOT NULL.
    // The rows used to keep their NULLs and the migration failed.
    fn a_field_with_a_default_made_not_null_fills_its_null_rows(db) {
        replay(
            db,
            &[
                "model Note {\n    score = IntegerField(null = true, default = 7)\n}\n",
                "model Note {\n    score = IntegerField(default = 7)\n}\n",
                "model Note {\n    score = IntegerField(null = true, default = 7)\n}\n",
            ],
            &["INSERT INTO notes (score) VALUES (NULL), (3)"],
        );
    }

    // A named index on a unique column: introspection used to fold it into
    // `db_index`, which a unique field ignores, and reported it missing.
    fn an_index_on_a_unique_column_is_no_drift(db) {
        replay(
            db,
            &[
                "model Note {\n    code = CharField(max_length = 20, unique = true)\n}\n",
                "model Note {\n    code = CharField(max_length = 20, unique = true)\n    \
                 meta { indexes = [Index(fields = [\"code\"])] }\n}\n",
            ],
            &["INSERT INTO notes (code) VALUES ('a'), ('b')"],
        );
    }
}
