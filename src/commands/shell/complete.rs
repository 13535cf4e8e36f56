//! Tab completion: models, `objects`, query-set methods, field names and `__lookups`.

use pookie::dynamic::{DynSchema, LOOKUPS};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

/// The methods offered after `.objects.` or a query set.
pub const METHODS: &[&str] = &[
    "all(",
    "filter(",
    "exclude(",
    "order_by(",
    "distinct(",
    "count(",
    "exists(",
    "first(",
    "last(",
    "get(",
    "values(",
    "values_list(",
    "aggregate(",
    "update(",
    "delete(",
    "create(",
];

/// The shell's line helper.
pub struct ShellHelper {
    /// The models completed.
    pub schema: DynSchema,
}

impl ShellHelper {
    /// The candidates for the word ending at `pos`, and where it starts.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let word = &before[start..];
        let head = &before[..start];
        let model_name = before
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .find(|w| !w.is_empty())
            .unwrap_or("");
        let model = self
            .schema
            .models()
            .iter()
            .find(|m| m.name() == model_name)
            .copied();
        let mut out: Vec<String> = Vec::new();
        if head.trim().is_empty() || head.ends_with("\\d ") {
            out.extend(self.schema.models().iter().map(|m| m.name().to_owned()));
        } else if head.ends_with('.') {
            if head.trim_end_matches('.').ends_with(model_name) && !head.contains(".objects") {
                out.push("objects".into());
            } else {
                out.extend(METHODS.iter().map(|m| (*m).to_owned()));
            }
        } else if let Some(model) = model {
            // Inside a call: a (possibly related) field path, then lookups.
            let parts: Vec<&str> = word.split("__").collect();
            let mut current = model;
            let mut prefix = String::new();
            for part in &parts[..parts.len() - 1] {
                let next = current
                    .meta()
                    .relations
                    .iter()
                    .find(|r| r.name == *part)
                    .and_then(|r| current.target(r));
                prefix.push_str(part);
                prefix.push_str("__");
                match next {
                    Some(next) => current = next,
                    None => {
                        out.extend(LOOKUPS.iter().map(|l| format!("{prefix}{l}")));
                        return (start, filter(out, word));
                    }
                }
            }
            out.extend(current.names().iter().map(|n| format!("{prefix}{n}")));
            if !prefix.is_empty() {
                out.extend(LOOKUPS.iter().map(|l| format!("{prefix}{l}")));
            }
        }
        (start, filter(out, word))
    }
}

fn filter(candidates: Vec<String>, word: &str) -> Vec<String> {
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(word))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, candidates) = self.candidates(line, pos);
        Ok((
            start,
            candidates
                .into_iter()
                .map(|c| Pair {
                    display: c.clone(),
                    replacement: c,
                })
                .collect(),
        ))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}
