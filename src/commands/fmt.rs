//! `pookie fmt`: rewrites schema files in the printer's canonical layout.
//!
//! The printer works on the IR, and plain `//` comments are not part of the
//! language: loading drops them. So that formatting never loses one, the
//! comments are read from the text first and handed to the printer as the
//! `comment` of the model or field they sit above (or at the end of whose
//! line they sit). A comment anywhere else (above an enum, inside `meta`, at
//! the end of the file, inside a field's arguments) has no place in the IR:
//! the file is refused with the line and the fix, never rewritten without it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pookie_grammar::ir::Module;

use crate::project::{CommandError, CommandResult};

/// Runs the command on `files`; with `check`, writes nothing and exits with 1
/// when a file would change.
pub fn run(files: &[PathBuf], check: bool) -> CommandResult<ExitCode> {
    let formatted = format_files(files)?;
    let mut changed = 0;
    for (path, before, after) in &formatted {
        if before == after {
            continue;
        }
        changed += 1;
        if check {
            outln!("would reformat {}", path.display());
        } else {
            std::fs::write(path, after)
                .map_err(|e| CommandError(format!("cannot write `{}`: {e}", path.display())))?;
            outln!("reformatted {}", path.display());
        }
    }
    let unchanged = formatted.len() - changed;
    if check && changed > 0 {
        errln!(
            "{changed} file(s) would be reformatted, {unchanged} already formatted: run `pookie fmt`"
        );
        return Ok(ExitCode::FAILURE);
    }
    if check {
        outln!("{unchanged} file(s) already formatted");
    } else {
        outln!("{changed} file(s) reformatted, {unchanged} already formatted");
    }
    Ok(ExitCode::SUCCESS)
}

/// Every file with its text now and its canonical text. The files are loaded
/// as one build, so models may refer to models of the other files.
pub fn format_files(files: &[PathBuf]) -> CommandResult<Vec<(PathBuf, String, String)>> {
    let schema = pookie_grammar::load_files(files)
        .map_err(|diagnostics| CommandError(diagnostics.to_string()))?;
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CommandError(format!("cannot read `{}`: {e}", path.display())))?;
        let module = schema
            .modules
            .iter()
            .find(|module| module.path == *path)
            .ok_or_else(|| CommandError(format!("`{}` was not loaded", path.display())))?;
        let formatted = format_module(path, &text, module)?;
        out.push((path.clone(), text, formatted));
    }
    Ok(out)
}

/// The canonical text of one module, its comments kept.
pub fn format_module(path: &Path, text: &str, module: &Module) -> CommandResult<String> {
    let comments = Comments::read(text).map_err(|(line, what)| {
        CommandError(format!(
            "{}:{line}: {what}; `pookie fmt` keeps a `//` comment only above a model or a field, \
             or at the end of a field's line: move it there, or make it a `///` doc comment",
            path.display()
        ))
    })?;
    let mut module = module.clone();
    for model in &mut module.models {
        if let Some(comment) = comments.models.get(&model.name) {
            model.comment = Some(comment.clone());
        }
        for field in &mut model.fields {
            if let Some(comment) = comments
                .fields
                .get(&(model.name.clone(), field.name.clone()))
            {
                field.comment = Some(comment.clone());
            }
        }
    }
    let printed = pookie_grammar::print_module(&module);
    Ok(restore_self(&printed, &comments.to_self))
}

/// `ForeignKey(self, …)` as written: the printer names the model instead.
fn refers_to_self(code: &str) -> bool {
    ["ForeignKey", "OneToOneField", "ManyToManyField"]
        .iter()
        .any(|kind| {
            code.split(kind).skip(1).any(|rest| {
                let rest = rest.trim_start();
                rest.strip_prefix('(')
                    .map(str::trim_start)
                    .and_then(|rest| rest.strip_prefix("self"))
                    .is_some_and(|after| {
                        !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
            })
        })
}

/// Puts `self` back as the target of the fields in `to_self`.
fn restore_self(printed: &str, to_self: &[(String, String)]) -> String {
    if to_self.is_empty() {
        return printed.to_owned();
    }
    let mut out = String::with_capacity(printed.len());
    let mut model: Option<&str> = None;
    for line in printed.split_inclusive('\n') {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        if !line.starts_with(' ') {
            model = match words.as_slice() {
                ["abstract", "model", name, ..] | ["model", name, ..] => Some(name),
                _ => model,
            };
        }
        let field = line.strip_prefix("    ").and_then(field_name);
        match (model, field) {
            (Some(model), Some(field)) if to_self.iter().any(|(m, f)| m == model && f == field) => {
                let mut replaced = line.to_owned();
                for kind in ["ForeignKey", "OneToOneField", "ManyToManyField"] {
                    let from = format!("{kind}({model}");
                    if let Some(at) = replaced.find(&from) {
                        replaced.replace_range(at..at + from.len(), &format!("{kind}(self"));
                        break;
                    }
                }
                out.push_str(&replaced);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// The plain comments of a file, by the model or field they belong to.
#[derive(Debug, Default)]
struct Comments {
    models: HashMap<String, String>,
    fields: HashMap<(String, String), String>,
    /// The relation fields written with `self` as their target, which the IR
    /// holds as the model's own name.
    to_self: Vec<(String, String)>,
}

impl Comments {
    /// Reads the comments; a comment with no model or field to go with is an
    /// error: its line number and what it is.
    fn read(text: &str) -> Result<Comments, (usize, &'static str)> {
        let mut comments = Comments::default();
        let mut pending: Vec<(usize, String)> = Vec::new();
        let mut braces = 0usize;
        let mut parens = 0usize;
        let mut model: Option<String> = None;
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim_start();
            if line.starts_with("//!") || (line.starts_with("///") && !line.starts_with("////")) {
                continue;
            }
            let (code, trailing) = split_comment(line);
            let code = code.trim();
            if code.is_empty() {
                if let Some(comment) = trailing {
                    pending.push((number, comment));
                }
                continue;
            }
            let words: Vec<&str> = code
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            // What this line starts: a model, a field, or something else.
            let mut owner: Option<(String, Option<String>)> = None;
            if braces == 0 && parens == 0 {
                let name = match words.as_slice() {
                    ["abstract", "model", name, ..] | ["model", name, ..] => Some(*name),
                    _ => None,
                };
                model = name.map(str::to_owned);
                if let Some(name) = name {
                    owner = Some((name.to_owned(), None));
                }
            } else if braces == 1 && parens == 0 {
                if let (Some(model), Some(name)) = (&model, field_name(code)) {
                    owner = Some((model.clone(), Some(name.to_owned())));
                }
            }
            if let Some((model, Some(field))) = &owner {
                if refers_to_self(code) {
                    comments.to_self.push((model.clone(), field.clone()));
                }
            }
            let first_pending = pending.first().map(|(number, _)| *number);
            let mut lines: Vec<String> = pending.drain(..).map(|(_, c)| c).collect();
            match (&owner, trailing) {
                (Some((_, Some(_))), Some(comment)) => lines.push(comment),
                (_, Some(_)) => {
                    return Err((number, "this comment ends a line that is not a field"))
                }
                _ => {}
            }
            if !lines.is_empty() {
                match owner {
                    Some((model, None)) => {
                        comments.models.insert(model, lines.join("\n"));
                    }
                    Some((model, Some(field))) => {
                        comments.fields.insert((model, field), lines.join("\n"));
                    }
                    None => {
                        return Err((
                            first_pending.unwrap_or(number),
                            "this comment is above something that is not a model or a field",
                        ))
                    }
                }
            }
            for c in code_chars(code) {
                match c {
                    '{' => braces += 1,
                    '}' => braces = braces.saturating_sub(1),
                    '(' | '[' => parens += 1,
                    ')' | ']' => parens = parens.saturating_sub(1),
                    _ => {}
                }
            }
        }
        if let Some((number, _)) = pending.first() {
            return Err((*number, "this comment is at the end of the file"));
        }
        Ok(comments)
    }
}

/// `name = …` at the start of a line: a field's name (`meta {` is not one).
fn field_name(code: &str) -> Option<&str> {
    let end = code
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(code.len());
    let (name, rest) = code.split_at(end);
    (!name.is_empty() && rest.trim_start().starts_with('=')).then_some(name)
}

/// The characters of a line outside string literals.
fn code_chars(code: &str) -> impl Iterator<Item = char> + '_ {
    let mut in_string = false;
    let mut escaped = false;
    code.chars().filter(move |&c| {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            false
        } else if c == '"' {
            in_string = true;
            false
        } else {
            true
        }
    })
}

/// A line cut at its `//` comment (outside strings): the code, and the
/// comment's text without the `//` and one space.
fn split_comment(line: &str) -> (&str, Option<String>) {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let text = &line[i + 2..];
            let text = text.strip_prefix(' ').unwrap_or(text);
            return (&line[..i], Some(text.trim_end().to_owned()));
        }
    }
    (line, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(text: &str) -> Result<String, CommandError> {
        let source = pookie_grammar::Source {
            path: "t.pookie".into(),
            text: text.into(),
        };
        let schema = pookie_grammar::load(&[source]).map_err(|d| CommandError(d.to_string()))?;
        format_module(Path::new("t.pookie"), text, &schema.modules[0])
    }

    #[test]
    fn comments_above_models_and_fields_are_kept() {
        let text = "// The people.\nmodel Author {\n    // Shown on posts.\n    name = CharField(max_length=100) // not unique\n    email = EmailField()\n}\n";
        let formatted = format(text).unwrap();
        assert_eq!(
            formatted,
            "// The people.\nmodel Author {\n    // Shown on posts.\n    // not unique\n    name  = CharField(max_length = 100)\n    email = EmailField()\n}\n"
        );
        assert_eq!(format(&formatted).unwrap(), formatted);
    }

    #[test]
    fn a_comment_with_no_place_refuses_the_file() {
        let error = format("model A {\n    name = TextField()\n    meta {\n        // why\n        db_table = \"a\"\n    }\n}\n").unwrap_err();
        assert!(error.0.contains("t.pookie:4:"), "{error}");
        let error = format("model A {\n    name = TextField()\n}\n// the end\n").unwrap_err();
        assert!(
            error.0.contains("t.pookie:4: this comment is at the end"),
            "{error}"
        );
        let error = format("// colours\nenum Colour {\n    Red = \"red\"\n}\n").unwrap_err();
        assert!(error.0.contains("t.pookie:1:"), "{error}");
    }

    #[test]
    fn self_relations_stay_self() {
        let text = "model Employee {\n    name = TextField()\n    boss = ForeignKey(self, on_delete = CASCADE, null = true)\n}\n";
        assert_eq!(format(text).unwrap(), text);
    }

    #[test]
    fn slashes_in_strings_are_not_comments() {
        let text = "model Link {\n    url = URLField(default = \"https://x.org\")\n}\n";
        assert_eq!(format(text).unwrap(), text);
    }
}
