//! The pest parser generated from `pookie.pest`, and the translation of its errors
//! into [`Diagnostic`]s.

use pest::error::{Error, ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::syntax::Span;

/// The generated parser; [`Rule`] names every rule of the grammar.
#[derive(Parser)]
#[grammar = "pookie.pest"]
pub(crate) struct PookieParser;

/// Parses a whole file into its `file` pair.
pub(crate) fn parse_file(source: &SourceFile) -> Result<Pair<'_, Rule>, Box<Diagnostic>> {
    parse_whole(source, Rule::file)
}

/// Parses a whole `migration.pookie` into its `migration_file` pair.
pub(crate) fn parse_migration_file(source: &SourceFile) -> Result<Pair<'_, Rule>, Box<Diagnostic>> {
    parse_whole(source, Rule::migration_file)
}

fn parse_whole(source: &SourceFile, rule: Rule) -> Result<Pair<'_, Rule>, Box<Diagnostic>> {
    match PookieParser::parse(rule, &source.text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => Ok(pair),
            // A start rule always produces exactly one pair when it succeeds.
            None => Err(Box::new(
                source.error(Span::new(0, 0), "empty parse result"),
            )),
        },
        Err(error) => Err(Box::new(syntax_error(source, &error))),
    }
}

fn syntax_error(source: &SourceFile, error: &Error<Rule>) -> Diagnostic {
    let span = match error.location {
        InputLocation::Pos(pos) => Span::new(pos, pos),
        InputLocation::Span((start, end)) => Span::new(start, end),
    };
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_message(positives),
        // pest's own guards ("stack limit reached", "call limit reached") only
        // trip on pathologically nested input.
        ErrorVariant::CustomError { .. } => "input nested too deeply".to_string(),
    };
    let found = describe_found(&source.text, span.start);
    source.error(span, format!("{message}, found {found}"))
}

/// "expected `=`", "expected `{` or `:`", "expected a field, `meta` or `}`".
fn expected_message(positives: &[Rule]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for rule in positives {
        let name = rule_description(*rule);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => "unexpected input".to_string(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    }
}

/// What the user sees for a rule in "expected …".
fn rule_description(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::model | Rule::model_kw => "`model`",
        Rule::abstract_kw => "`abstract`",
        Rule::enum_def | Rule::enum_kw => "`enum`",
        Rule::meta_block | Rule::meta_kw => "`meta`",
        Rule::doc | Rule::doc_line => "a doc comment",
        Rule::module_doc | Rule::module_doc_line => "a module doc comment",
        Rule::field => "a field",
        Rule::meta_option => "a meta option",
        Rule::variant => "an enum variant",
        Rule::call => "a field type",
        Rule::keyword_argument | Rule::positional_argument => "an argument",
        Rule::value => "a value",
        Rule::string | Rule::quote | Rule::raw_string => "a string",
        Rule::string_content | Rule::doc_text | Rule::raw_string_content => "text",
        Rule::raw_hashes => "`#`",
        Rule::operation => "an operation",
        Rule::operation_body => "`{`",
        Rule::float => "a float",
        Rule::integer => "an integer",
        Rule::boolean => "`true` or `false`",
        Rule::null => "`null`",
        Rule::enum_value => "an enum value",
        Rule::list => "a list",
        Rule::object => "`{}`",
        Rule::ident => "a name",
        Rule::extends => "`:`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::equals => "`=`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::dot => "`.`",
        // Silent or structural rules, never reported by pest.
        Rule::file
        | Rule::migration_file
        | Rule::item
        | Rule::model_member
        | Rule::arguments
        | Rule::argument
        | Rule::exponent
        | Rule::ident_char
        | Rule::WHITESPACE
        | Rule::COMMENT => "input",
    }
}

/// "`foo`", "`{`", "end of file", "a newline": what stands at the error position.
fn describe_found(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "end of file".to_string();
    };
    if first == '\n' || first == '\r' {
        return "end of line".to_string();
    }
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .take(40)
            .collect();
        return format!("`{word}`");
    }
    if first.is_control() {
        return format!("{:?}", first);
    }
    format!("`{first}`")
}
