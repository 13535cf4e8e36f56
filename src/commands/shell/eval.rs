//! Runs a parsed line against the schema's dynamic models.

use pookie::dynamic::{
    Aggregate, AggregateFunc, DynModel, DynQ, DynQuerySet, DynRows, DynSchema, Literal,
};
use pookie::{Db, RelationKind, Value as DbValue};

use super::parser::{Arg, Expr, QExpr, Step, Value};

/// What a line evaluates to.
pub enum Outcome {
    /// Rows to print as a table.
    Rows(DynRows),
    /// One row (`get`, `first`, …), printed as a table; `None` when there was none.
    Instance(Option<DynRows>),
    /// A plain value (`count`, `exists`, a field).
    Scalar(String),
    /// A message (`3 rows updated`).
    Message(String),
}

/// Asks before a delete; false cancels it.
pub type Confirm<'a> = &'a mut dyn FnMut(&str) -> bool;

enum State {
    Model(DynModel),
    Set(DynQuerySet),
    Instance(DynModel, DynRows),
    /// `values(…)`: the fields, read once the slices after it are applied.
    Values(DynQuerySet, Vec<String>),
}

fn literal(value: &Value, what: &str) -> Result<Literal, String> {
    match value {
        Value::Literal(literal) => Ok(literal.clone()),
        _ => Err(format!("{what} takes plain values here")),
    }
}

fn q(model: DynModel, expr: &QExpr) -> Result<DynQ, String> {
    Ok(match expr {
        QExpr::Leaf(lookups) => lookups_q(model, lookups)?,
        QExpr::And(a, b) => q(model, a)? & q(model, b)?,
        QExpr::Or(a, b) => q(model, a)? | q(model, b)?,
        QExpr::Not(a) => !q(model, a)?,
    })
}

fn lookups_q(model: DynModel, lookups: &[(String, Literal)]) -> Result<DynQ, String> {
    let mut out: Option<DynQ> = None;
    for (path, value) in lookups {
        let next = model.q(path, value.clone()).map_err(|e| e.to_string())?;
        out = Some(match out {
            Some(existing) => existing & next,
            None => next,
        });
    }
    Ok(out.unwrap_or_else(DynQ::all))
}

/// The condition of `filter(…)`'s arguments: Q objects and lookups, ANDed.
fn args_q(model: DynModel, args: &[Arg]) -> Result<DynQ, String> {
    let mut out: Option<DynQ> = None;
    let mut push = |next: DynQ| {
        out = Some(match out.take() {
            Some(existing) => existing & next,
            None => next,
        })
    };
    for arg in args {
        match arg {
            Arg::Positional(Value::Q(expr)) => push(q(model, expr)?),
            Arg::Keyword(path, value) => push(lookups_q(
                model,
                &[(path.clone(), literal(value, "a lookup")?)],
            )?),
            _ => return Err("filters take Q objects and lookups: `filter(name=\"Grace\")`".into()),
        }
    }
    Ok(out.unwrap_or_else(DynQ::all))
}

fn strings(args: &[Arg], method: &str) -> Result<Vec<String>, String> {
    args.iter()
        .map(|arg| match arg {
            Arg::Positional(Value::Literal(Literal::Text(name))) => Ok(name.clone()),
            _ => Err(format!(
                "`{method}` takes field names in quotes: `{method}(\"name\")`"
            )),
        })
        .collect()
}

fn assignments(args: &[Arg], method: &str) -> Result<Vec<(String, Literal)>, String> {
    args.iter()
        .map(|arg| match arg {
            Arg::Keyword(name, value) => Ok((name.clone(), literal(value, method)?)),
            _ => Err(format!(
                "`{method}` takes fields by name: `{method}(name=\"Grace\")`"
            )),
        })
        .collect()
}

fn aggregates(args: &[Arg]) -> Result<Vec<Aggregate>, String> {
    let mut out = Vec::new();
    for arg in args {
        let (name, func, call_args) = match arg {
            Arg::Keyword(name, Value::Aggregate(func, call_args)) => {
                (Some(name.clone()), func, call_args)
            }
            Arg::Positional(Value::Aggregate(func, call_args)) => (None, func, call_args),
            _ => {
                return Err(
                    "`aggregate` takes `name=Sum(\"field\")`, Count, Avg, Max or Min".into(),
                )
            }
        };
        let func_kind = match func.as_str() {
            "Sum" => AggregateFunc::Sum,
            "Avg" => AggregateFunc::Avg,
            "Max" => AggregateFunc::Max,
            "Min" => AggregateFunc::Min,
            _ => AggregateFunc::Count,
        };
        let mut field = None;
        let mut distinct = false;
        for call_arg in call_args {
            match call_arg {
                Arg::Positional(Value::Literal(Literal::Text(name))) => field = Some(name.clone()),
                Arg::Keyword(key, Value::Literal(Literal::Bool(on))) if key == "distinct" => {
                    distinct = *on
                }
                _ => {
                    return Err(format!(
                        "`{func}` takes a field name: `{func}(\"view_count\")`"
                    ))
                }
            }
        }
        let field = field.ok_or_else(|| format!("`{func}` needs a field name"))?;
        out.push(Aggregate {
            name: name.unwrap_or_else(|| format!("{}__{}", field, func.to_lowercase())),
            func: func_kind,
            field,
            distinct,
        });
    }
    Ok(out)
}

const SET_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "distinct",
    "count",
    "exists",
    "first",
    "last",
    "get",
    "values",
    "values_list",
    "aggregate",
    "update",
    "delete",
    "create",
];

/// Evaluates a line.
pub fn eval(
    schema: &DynSchema,
    db: &Db,
    expr: &Expr,
    confirm: Confirm<'_>,
) -> Result<Outcome, String> {
    let model = schema.model(&expr.model).map_err(|e| e.to_string())?;
    let mut state = State::Model(model);
    let last = expr.steps.len().saturating_sub(1);
    for (position, step) in expr.steps.iter().enumerate() {
        state = match (state, step) {
            (State::Model(model), Step::Attr(name)) if name == "objects" => {
                State::Set(DynQuerySet::new(model))
            }
            (State::Model(model), _) => {
                return Err(format!(
                    "write `{}.objects` to query the model",
                    model.name()
                ))
            }
            (State::Set(set), Step::Slice(start, end)) => {
                let start = non_negative(start.unwrap_or(0))?;
                let end = end.map(non_negative).transpose()?;
                State::Set(set.slice(start, end))
            }
            (State::Set(set), Step::Index(n)) => {
                let n = non_negative(*n)?;
                let model = set.model();
                let rows = set
                    .slice(n, Some(n + 1))
                    .all(db)
                    .map_err(|e| e.to_string())?;
                if rows.rows.is_empty() {
                    return Err(format!("index {n} is out of range"));
                }
                State::Instance(model, rows)
            }
            (State::Set(set), Step::Call(method, args)) => {
                let model = set.model();
                let terminal = |outcome: Outcome| -> Result<Flow, String> {
                    if position != last {
                        return Err(format!("`{method}()` ends a query: nothing can follow it"));
                    }
                    Ok(Flow::Done(outcome))
                };
                let next =
                    |state: State| -> Result<Flow, String> { Ok(Flow::Next(Box::new(state))) };
                let result: Result<Flow, String> = match method.as_str() {
                    "all" => next(State::Set(set)),
                    "filter" => next(State::Set(set.filter(args_q(model, args)?))),
                    "exclude" => next(State::Set(set.exclude(args_q(model, args)?))),
                    "order_by" => {
                        let names = strings(args, "order_by")?;
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        next(State::Set(set.order_by(&names).map_err(|e| e.to_string())?))
                    }
                    "distinct" => next(State::Set(set.distinct())),
                    "get" => {
                        let rows = set
                            .get(db, args_q(model, args)?)
                            .map_err(|e| e.to_string())?;
                        next(State::Instance(model, rows))
                    }
                    "first" | "last" => {
                        let rows = if method == "first" {
                            set.first(db)
                        } else {
                            set.last(db)
                        }
                        .map_err(|e| e.to_string())?;
                        if rows.rows.is_empty() {
                            if position == last {
                                return Ok(Outcome::Instance(None));
                            }
                            return Err(format!("`{method}()` found no row"));
                        }
                        next(State::Instance(model, rows))
                    }
                    "count" => terminal(Outcome::Scalar(
                        set.count(db).map_err(|e| e.to_string())?.to_string(),
                    )),
                    "exists" => terminal(Outcome::Scalar(
                        if set.exists(db).map_err(|e| e.to_string())? {
                            "True"
                        } else {
                            "False"
                        }
                        .into(),
                    )),
                    "values" | "values_list" => {
                        let flat = args.iter().any(|arg| {
                            matches!(arg, Arg::Keyword(key, Value::Literal(Literal::Bool(true))) if key == "flat")
                        });
                        let fields: Vec<Arg> = args
                            .iter()
                            .filter(|arg| !matches!(arg, Arg::Keyword(key, _) if key == "flat"))
                            .cloned()
                            .collect();
                        if flat && fields.len() != 1 {
                            return Err("`flat=True` takes exactly one field".into());
                        }
                        next(State::Values(set, strings(&fields, method)?))
                    }
                    "aggregate" => {
                        let aggregates = aggregates(args)?;
                        terminal(Outcome::Rows(
                            set.aggregate(db, &aggregates).map_err(|e| e.to_string())?,
                        ))
                    }
                    "update" => {
                        let values = assignments(args, "update")?;
                        let n = set.update(db, &values).map_err(|e| e.to_string())?;
                        terminal(Outcome::Message(format!("{n} {} updated", rows_word(n))))
                    }
                    "delete" => {
                        if !args.is_empty() {
                            return Err("`delete()` takes no arguments".into());
                        }
                        let n = set.count(db).map_err(|e| e.to_string())?;
                        if n == 0 {
                            terminal(Outcome::Message("0 rows deleted".into()))
                        } else if !confirm(&format!(
                            "Delete {n} {} {}?",
                            model.name(),
                            rows_word(n)
                        )) {
                            terminal(Outcome::Message("Nothing deleted.".into()))
                        } else {
                            let n = set.delete(db).map_err(|e| e.to_string())?;
                            terminal(Outcome::Message(format!("{n} {} deleted", rows_word(n))))
                        }
                    }
                    "create" => {
                        let values = assignments(args, "create")?;
                        let rows = set.create(db, &values).map_err(|e| e.to_string())?;
                        next(State::Instance(model, rows))
                    }
                    other => Err(format!(
                        "a query set has no method `{other}`{}",
                        pookie::dynamic::suggest(other, SET_METHODS.iter().copied())
                            .map(|m| format!("; did you mean `{m}`?"))
                            .unwrap_or_default()
                    )),
                };
                match result? {
                    Flow::Next(state) => *state,
                    Flow::Done(outcome) => return Ok(outcome),
                }
            }
            (State::Values(set, names), Step::Slice(start, end)) => {
                let start = non_negative(start.unwrap_or(0))?;
                let end = end.map(non_negative).transpose()?;
                State::Values(set.slice(start, end), names)
            }
            (State::Values(..), _) => {
                return Err(
                    "after `values(…)` only a slice may follow: `values(\"name\")[:5]`".into(),
                )
            }
            (State::Set(_), Step::Attr(name)) => {
                return Err(format!(
                    "a query set has no attribute `{name}`: call a method, `{name}()`"
                ))
            }
            (State::Instance(model, rows), Step::Attr(name)) => {
                match attribute(db, model, &rows, name)? {
                    Flow::Next(state) => *state,
                    Flow::Done(outcome) if position == last => return Ok(outcome),
                    Flow::Done(_) => {
                        return Err(format!("`{name}` is a value: nothing can follow it"))
                    }
                }
            }
            (State::Instance(model, rows), Step::Call(method, _)) if method == "delete" => {
                let pk = pk_q(model, &rows)?;
                if !confirm(&format!("Delete this {}?", model.name())) {
                    return Ok(Outcome::Message("Nothing deleted.".into()));
                }
                let n = DynQuerySet::new(model)
                    .filter(pk)
                    .delete(db)
                    .map_err(|e| e.to_string())?;
                return Ok(Outcome::Message(format!("{n} {} deleted", rows_word(n))));
            }
            (State::Instance(model, _), _) => {
                return Err(format!(
                    "a `{}` takes a field or a relation: `.name`, `.posts.all()`",
                    model.name()
                ))
            }
        };
    }
    Ok(match state {
        State::Model(model) => Outcome::Message(describe(model)),
        State::Set(set) => Outcome::Rows(set.all(db).map_err(|e| e.to_string())?),
        State::Instance(_, rows) => Outcome::Instance(Some(rows)),
        State::Values(set, names) => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            Outcome::Rows(set.values(db, &names).map_err(|e| e.to_string())?)
        }
    })
}

/// After one step: the next state, or the line's outcome.
enum Flow {
    Next(Box<State>),
    Done(Outcome),
}

fn non_negative(n: i64) -> Result<u64, String> {
    u64::try_from(n).map_err(|_| "negative indexing is not supported (as in Django)".to_owned())
}

fn rows_word(n: u64) -> &'static str {
    if n == 1 {
        "row"
    } else {
        "rows"
    }
}

fn pk_q(model: DynModel, rows: &DynRows) -> Result<DynQ, String> {
    let meta = model.meta();
    let mut out: Option<DynQ> = None;
    for column in meta.pk_columns {
        let index = meta.columns.iter().position(|c| c == column).unwrap_or(0);
        let value = to_literal(&rows.rows[0][index]);
        let next = model
            .q(meta.fields[index].name, value)
            .map_err(|e| e.to_string())?;
        out = Some(match out {
            Some(existing) => existing & next,
            None => next,
        });
    }
    out.ok_or_else(|| format!("`{}` has no primary key", meta.name))
}

fn to_literal(value: &DbValue) -> Literal {
    match value {
        DbValue::Null => Literal::Null,
        DbValue::Bool(v) => Literal::Bool(*v),
        DbValue::Int(v) => Literal::Int(*v),
        DbValue::Float(v) => Literal::Float(*v),
        DbValue::Text(v) => Literal::Text(v.clone()),
        DbValue::Bytes(v) => Literal::Text(String::from_utf8_lossy(v).into_owned()),
        DbValue::DateTime(v) => Literal::Text(v.to_rfc3339()),
    }
}

/// `.name` of an instance: a field's value, or a relation's rows.
fn attribute(db: &Db, model: DynModel, rows: &DynRows, name: &str) -> Result<Flow, String> {
    let meta = model.meta();
    let row = &rows.rows[0];
    if let Some(relation) = meta.relations.iter().find(|r| r.name == name) {
        let target = model.target(relation).ok_or("unknown relation target")?;
        let key = to_literal(&row[relation.column_index]);
        let target_field = |column: &str| {
            target
                .meta()
                .fields
                .iter()
                .find(|f| f.column == column)
                .map(|f| f.name)
                .unwrap_or(column)
                .to_owned()
        };
        let q = match relation.kind {
            RelationKind::ManyToMany => {
                let through = relation
                    .through
                    .ok_or("a many-to-many relation without a join table")?;
                let back = target
                    .meta()
                    .relations
                    .iter()
                    .find(|r| {
                        r.kind == RelationKind::ManyToMany
                            && r.through.is_some_and(|t| t.table == through.table)
                    })
                    .ok_or("the other side of this many-to-many relation is unknown")?;
                target
                    .q(
                        &format!("{}__{}", back.name, target_field_of(model, relation.column)),
                        key,
                    )
                    .map_err(|e| e.to_string())?
            }
            _ => target
                .q(&target_field(relation.target_column), key)
                .map_err(|e| e.to_string())?,
        };
        let set = DynQuerySet::new(target).filter(q);
        if relation.kind.is_single() {
            let found = set.all(db).map_err(|e| e.to_string())?;
            if found.rows.is_empty() {
                return Err(format!("this {} has no {name}", meta.name));
            }
            return Ok(Flow::Next(Box::new(State::Instance(target, found))));
        }
        return Ok(Flow::Next(Box::new(State::Set(set))));
    }
    if let Some(index) = rows.columns.iter().position(|c| c == name).or_else(|| {
        (name == "pk")
            .then(|| meta.columns.iter().position(|c| *c == meta.pk_column))
            .flatten()
    }) {
        let one = DynRows {
            columns: vec![name.to_owned()],
            rows: vec![vec![row[index].clone()]],
        };
        return Ok(Flow::Done(Outcome::Rows(one)));
    }
    Err(format!(
        "`{}` has no field or relation `{name}`{}",
        meta.name,
        pookie::dynamic::suggest(name, model.names())
            .map(|m| format!("; did you mean `{m}`?"))
            .unwrap_or_default()
    ))
}

fn target_field_of(model: DynModel, column: &str) -> String {
    model
        .meta()
        .fields
        .iter()
        .find(|f| f.column == column)
        .map_or(column, |f| f.name)
        .to_owned()
}

/// `\d Model`: the fields, types and relations of a model.
pub fn describe(model: DynModel) -> String {
    let meta = model.meta();
    let mut table = super::print::table();
    table.set_header(["field", "column", "type", "null", "key"]);
    for (index, field) in meta.fields.iter().enumerate() {
        let mut key = Vec::new();
        if field.primary_key {
            key.push("primary key".to_owned());
        } else if field.unique {
            key.push("unique".to_owned());
        }
        let choices = model.choices(index);
        if !choices.is_empty() {
            key.push(format!("choices: {}", choices.join(", ")));
        }
        table.add_row([
            field.name.to_owned(),
            field.column.to_owned(),
            field.field_type.to_owned(),
            if field.null { "yes" } else { "" }.to_owned(),
            key.join(", "),
        ]);
    }
    let mut out = format!("{} (table \"{}\")\n{table}", meta.name, meta.table);
    if !meta.relations.is_empty() {
        out.push_str("\nrelations:");
        for relation in meta.relations {
            let target = model.target(relation).map_or("?", |t| t.name());
            out.push_str(&format!(
                "\n  {} -> {target} ({:?})",
                relation.name, relation.kind
            ));
        }
    }
    out
}
