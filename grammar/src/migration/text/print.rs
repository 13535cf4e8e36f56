//! The canonical text of a migration's operations.

use std::fmt::Write;

use crate::ir::{DefaultValue, Field};
use crate::printer::{
    check, default_value, enum_body, field_call, index, model_body, model_name, search_index,
    string, strings, write_doc,
};

use super::MigrationText;
use crate::migration::Operation;

/// SQL longer than this is printed as a raw string on lines of its own.
const LONG_SQL: usize = 60;

pub(super) fn print(migration: &MigrationText) -> String {
    let mut out = String::new();
    if let Some(doc) = &migration.doc {
        write_doc(&mut out, "", "//!", doc);
    }
    if !migration.replaces.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        replaces_line(&mut out, &migration.replaces);
    }
    for (i, operation) in migration.operations.iter().enumerate() {
        if !out.is_empty() {
            out.push('\n');
        }
        write_notes(&mut out, migration, |at| at == i);
        operation_text(&mut out, operation);
    }
    let count = migration.operations.len();
    if migration.notes.iter().any(|(at, _)| *at >= count) {
        if !out.is_empty() {
            out.push('\n');
        }
        write_notes(&mut out, migration, |at| at >= count);
    }
    out
}

/// Names longer than this on one line are printed one per line.
const LONG_REPLACES: usize = 80;

fn replaces_line(out: &mut String, names: &[String]) {
    let quoted: Vec<String> = names.iter().map(|name| string(name)).collect();
    let one_line = format!("Replaces(migrations = [{}])", quoted.join(", "));
    if one_line.len() <= LONG_REPLACES {
        out.push_str(&one_line);
        out.push('\n');
        return;
    }
    out.push_str("Replaces(migrations = [\n");
    for name in quoted {
        let _ = writeln!(out, "    {name},");
    }
    out.push_str("])\n");
}

fn write_notes(out: &mut String, migration: &MigrationText, at: impl Fn(usize) -> bool) {
    for (_, note) in migration.notes.iter().filter(|(index, _)| at(*index)) {
        write_doc(out, "", "//", note);
    }
}

fn operation_text(out: &mut String, operation: &Operation) {
    let line = |out: &mut String, call: String| {
        out.push_str(&call);
        out.push('\n');
    };
    match operation {
        Operation::CreateModel { model } => {
            if let Some(comment) = &model.comment {
                write_doc(out, "", "//", comment);
            }
            if let Some(doc) = &model.doc {
                write_doc(out, "", "///", doc);
            }
            let fields: Vec<&Field> = model.fields.iter().collect();
            let _ = write!(out, "CreateModel(name = {})", model_name(&model.name));
            out.push_str(&model_body(&fields, &model.meta));
        }
        Operation::DeleteModel { name } => {
            line(out, format!("DeleteModel(name = {})", model_name(name)));
        }
        Operation::RenameModel { old, new } => line(
            out,
            format!(
                "RenameModel(old = {}, new = {})",
                model_name(old),
                model_name(new)
            ),
        ),
        Operation::AlterModelTable { model, table } => {
            let table = table.as_deref().map_or_else(|| "null".to_string(), string);
            line(
                out,
                format!(
                    "AlterModelTable(model = {}, table = {table})",
                    model_name(model)
                ),
            );
        }
        Operation::AlterModelOptions { model, meta } => {
            let _ = write!(out, "AlterModelOptions(model = {})", model_name(model));
            out.push_str(&model_body(&[], meta));
        }
        Operation::AddField {
            model,
            field,
            once_default,
        } => field_operation(out, "AddField", model, field, once_default.as_ref()),
        Operation::AlterField {
            model,
            field,
            once_default,
        } => field_operation(out, "AlterField", model, field, once_default.as_ref()),
        Operation::RemoveField { model, name } => line(
            out,
            format!(
                "RemoveField(model = {}, name = {})",
                model_name(model),
                string(name)
            ),
        ),
        Operation::RenameField { model, old, new } => line(
            out,
            format!(
                "RenameField(model = {}, old = {}, new = {})",
                model_name(model),
                string(old),
                string(new)
            ),
        ),
        Operation::AddIndex {
            model,
            index: added,
        } => line(
            out,
            format!(
                "AddIndex(model = {}, index = {})",
                model_name(model),
                index(added)
            ),
        ),
        Operation::RemoveIndex { model, name } => line(
            out,
            format!(
                "RemoveIndex(model = {}, name = {})",
                model_name(model),
                string(name)
            ),
        ),
        Operation::AddSearchIndex {
            model,
            index: added,
        } => line(
            out,
            format!(
                "AddSearchIndex(model = {}, index = {})",
                model_name(model),
                search_index(added)
            ),
        ),
        Operation::RemoveSearchIndex { model, name } => line(
            out,
            format!(
                "RemoveSearchIndex(model = {}, name = {})",
                model_name(model),
                string(name)
            ),
        ),
        Operation::AlterUniqueTogether {
            model,
            unique_together,
        } => {
            let groups: Vec<String> = unique_together.iter().map(|g| strings(g)).collect();
            line(
                out,
                format!(
                    "AlterUniqueTogether(model = {}, unique_together = [{}])",
                    model_name(model),
                    groups.join(", ")
                ),
            );
        }
        Operation::AddConstraint { model, constraint } => line(
            out,
            format!(
                "AddConstraint(model = {}, constraint = {})",
                model_name(model),
                check(constraint)
            ),
        ),
        Operation::RemoveConstraint { model, name } => line(
            out,
            format!(
                "RemoveConstraint(model = {}, name = {})",
                model_name(model),
                string(name)
            ),
        ),
        Operation::CreateEnum { def } | Operation::AlterEnum { def } => {
            if let Some(doc) = &def.doc {
                write_doc(out, "", "///", doc);
            }
            let call = if matches!(operation, Operation::CreateEnum { .. }) {
                "CreateEnum"
            } else {
                "AlterEnum"
            };
            let _ = write!(out, "{call}(name = {})", def.name);
            out.push_str(&enum_body(def));
        }
        Operation::DeleteEnum { name } => line(out, format!("DeleteEnum(name = {name})")),
        Operation::RunSql {
            forward,
            backward,
            backend,
        } => {
            let mut args = vec![("forward", sql(forward))];
            if let Some(backward) = backward {
                args.push(("backward", sql(backward)));
            }
            if let Some(backend) = backend {
                args.push(("backend", (string(backend.name()), false)));
            }
            call_with_args(out, "RunSQL", &args);
        }
        Operation::RunRust { forward, backward } => {
            let mut args = vec![format!("forward = {}", string(forward))];
            if let Some(backward) = backward {
                args.push(format!("backward = {}", string(backward)));
            }
            line(out, format!("RunRust({})", args.join(", ")));
        }
    }
}

/// `AddField(…)` / `AlterField(…)`; the field's doc is the operation's doc.
fn field_operation(
    out: &mut String,
    call: &str,
    model: &str,
    field: &Field,
    once_default: Option<&DefaultValue>,
) {
    if let Some(comment) = &field.comment {
        write_doc(out, "", "//", comment);
    }
    if let Some(doc) = &field.doc {
        write_doc(out, "", "///", doc);
    }
    let _ = write!(
        out,
        "{call}(model = {}, name = {}, field = {}",
        model_name(model),
        string(&field.name),
        field_call(field)
    );
    if let Some(value) = once_default {
        let _ = write!(out, ", once_default = {}", default_value(value));
    }
    out.push_str(")\n");
}

/// One argument per line when a value spans lines, else all on one line.
fn call_with_args(out: &mut String, call: &str, args: &[(&str, (String, bool))]) {
    if args.iter().any(|(_, (_, multiline))| *multiline) {
        let _ = writeln!(out, "{call}(");
        for (name, (value, _)) in args {
            let _ = writeln!(out, "    {name} = {value},");
        }
        out.push_str(")\n");
    } else {
        let args: Vec<String> = args
            .iter()
            .map(|(name, (value, _))| format!("{name} = {value}"))
            .collect();
        let _ = writeln!(out, "{call}({})", args.join(", "));
    }
}

/// A SQL literal, and whether it spans lines: a raw string when the SQL has
/// several lines or is long (and holds no control character a raw string would
/// not keep), else a quoted string.
fn sql(text: &str) -> (String, bool) {
    let raw_safe = !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t');
    if raw_safe && (text.contains('\n') || text.chars().count() > LONG_SQL) {
        (raw_string(text), true)
    } else {
        (string(text), false)
    }
}

/// `r"` newline, the text, newline, `"`, with as many `#` as the text needs so
/// that no quote inside it ends the string.
pub(crate) fn raw_string(text: &str) -> String {
    let mut hashes = String::new();
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"\n{text}\n\"{hashes}")
}
