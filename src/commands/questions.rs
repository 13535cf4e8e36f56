//! The questions `makemigrations` asks at a terminal: is this a rename, what
//! value should the rows already there get.

use std::io::IsTerminal;

use pookie_codegen::migrate::diff::{NoInput, Questioner};
use pookie_grammar::ir::{DefaultValue, Field};

/// Asks at the terminal; a "no" (the default) leaves the change as a remove
/// and an add.
pub struct Prompt;

impl Questioner for Prompt {
    fn rename_model(&mut self, old: &str, new: &str) -> bool {
        confirm(&format!(
            "Was the model {old} renamed to {new}? (a rename keeps the table and its rows)"
        ))
    }

    fn rename_field(&mut self, model: &str, old: &str, new: &str) -> bool {
        confirm(&format!(
            "Was {model}.{old} renamed to {model}.{new}? (a rename keeps the column and its values)"
        ))
    }

    fn once_default(&mut self, model: &str, field: &Field) -> Option<DefaultValue> {
        let message = format!(
            "{model}.{} is NOT NULL and has no default: what value should the rows already there get?",
            field.name
        );
        loop {
            let answer = inquire::Text::new(&message)
                .with_help_message(
                    "a .pookie literal: 0, 1.5, true, \"text\", now; empty to stop and add a default to the schema instead",
                )
                .prompt()
                .ok()?;
            let answer = answer.trim();
            if answer.is_empty() {
                return None;
            }
            match literal(answer) {
                Some(value) => return Some(value),
                None => {
                    errln!("`{answer}` is not a literal: write 0, 1.5, true, \"text\" or now")
                }
            }
        }
    }
}

fn confirm(message: &str) -> bool {
    inquire::Confirm::new(message)
        .with_default(false)
        .prompt()
        .unwrap_or(false)
}

/// A `.pookie` literal typed at the prompt.
fn literal(text: &str) -> Option<DefaultValue> {
    Some(match text {
        "true" => DefaultValue::Bool(true),
        "false" => DefaultValue::Bool(false),
        "now" => DefaultValue::Now,
        "uuid4" => DefaultValue::Uuid4,
        "[]" => DefaultValue::EmptyList,
        "{}" => DefaultValue::EmptyObject,
        _ if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') => DefaultValue::Str(
            text[1..text.len() - 1]
                .replace("\\\"", "\"")
                .replace("\\\\", "\\"),
        ),
        _ => {
            if let Ok(int) = text.parse::<i64>() {
                DefaultValue::Int(int)
            } else if let Ok(float) = text.parse::<f64>() {
                DefaultValue::Float(float)
            } else {
                return None;
            }
        }
    })
}

/// The questioner for this run: prompts at a terminal unless `--no-input`.
pub fn questioner(no_input: bool) -> Box<dyn Questioner> {
    if no_input || !std::io::stdin().is_terminal() {
        Box::new(NoInput)
    } else {
        Box::new(Prompt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(literal("0"), Some(DefaultValue::Int(0)));
        assert_eq!(literal("-2.5"), Some(DefaultValue::Float(-2.5)));
        assert_eq!(
            literal("\"a \\\"b\\\"\""),
            Some(DefaultValue::Str("a \"b\"".into()))
        );
        assert_eq!(literal("now"), Some(DefaultValue::Now));
        assert_eq!(literal("nope"), None);
    }
}
