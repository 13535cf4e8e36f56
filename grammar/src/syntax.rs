//! The typed syntax tree: what the author wrote, with byte spans, built once from
//! the pest pairs. Later stages never see pest.

use pest::iterators::Pair;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::parser::Rule;

/// A byte range of a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    fn of(pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(span.start(), span.end())
    }
}

/// A name with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ident {
    pub(crate) name: String,
    pub(crate) span: Span,
}

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct File {
    pub(crate) doc: Option<String>,
    pub(crate) enums: Vec<EnumDecl>,
    pub(crate) models: Vec<ModelDecl>,
}

/// `enum Name { … }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EnumDecl {
    pub(crate) doc: Option<String>,
    pub(crate) name: Ident,
    pub(crate) variants: Vec<VariantDecl>,
}

/// `Variant = "value"`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VariantDecl {
    pub(crate) doc: Option<String>,
    pub(crate) name: Ident,
    pub(crate) value: String,
    pub(crate) value_span: Span,
}

/// One parsed `migration.pookie`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MigrationFile {
    pub(crate) doc: Option<String>,
    pub(crate) operations: Vec<OperationDecl>,
}

/// `/// doc` `Name(args…) { body }`: one operation of a migration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OperationDecl {
    pub(crate) doc: Option<String>,
    pub(crate) call: Call,
    pub(crate) body: Option<OperationBody>,
}

/// The `{ … }` of an operation: whatever it holds, sorted by kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OperationBody {
    pub(crate) span: Span,
    pub(crate) fields: Vec<FieldDecl>,
    pub(crate) metas: Vec<MetaBlock>,
    pub(crate) variants: Vec<VariantDecl>,
}

/// `abstract model Name : Parent { … }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ModelDecl {
    pub(crate) doc: Option<String>,
    pub(crate) is_abstract: bool,
    pub(crate) name: Ident,
    pub(crate) extends: Option<Ident>,
    pub(crate) fields: Vec<FieldDecl>,
    /// Every `meta` block; more than one is an error reported when lowering.
    pub(crate) metas: Vec<MetaBlock>,
}

/// `name = Type(…)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldDecl {
    pub(crate) doc: Option<String>,
    pub(crate) name: Ident,
    pub(crate) call: Call,
}

/// `meta { … }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetaBlock {
    /// The `meta` keyword.
    pub(crate) span: Span,
    pub(crate) options: Vec<MetaOption>,
}

/// `option = value`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetaOption {
    pub(crate) name: Ident,
    pub(crate) value: Value,
}

/// `Name(args…)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    pub(crate) name: Ident,
    pub(crate) args: Vec<Argument>,
    pub(crate) span: Span,
}

/// One argument of a [`Call`]; `keyword` is `None` for a positional one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Argument {
    pub(crate) keyword: Option<Ident>,
    pub(crate) value: Value,
}

impl Argument {
    /// The whole argument, keyword included.
    pub(crate) fn span(&self) -> Span {
        match &self.keyword {
            Some(keyword) => Span::new(keyword.span.start, self.value.span.end),
            None => self.value.span,
        }
    }
}

/// A value with its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value {
    pub(crate) kind: ValueKind,
    pub(crate) span: Span,
}

/// The forms a value can take.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueKind {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    Ident(String),
    EnumValue { enum_name: Ident, variant: Ident },
    List(Vec<Value>),
    EmptyObject,
    Call(Call),
}

impl ValueKind {
    /// "a string", "an integer": how a value is named in "expects …, found …".
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Float(_) => "a float",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Null => "`null`",
            ValueKind::Ident(_) => "a name",
            ValueKind::EnumValue { .. } => "an enum value",
            ValueKind::List(_) => "a list",
            ValueKind::EmptyObject => "`{}`",
            ValueKind::Call(_) => "a call",
        }
    }
}

/// Lists nested deeper than this are refused rather than risking the stack.
const MAX_NESTING: usize = 32;

/// Builds the syntax tree of a file from its `file` pair. Literal errors (bad
/// escapes, out-of-range numbers) are reported and the literal replaced, so that
/// every error of the file is found in one go.
pub(crate) fn build(source: &SourceFile, file: Pair<'_, Rule>) -> (File, Vec<Diagnostic>) {
    let mut builder = Builder {
        source,
        diagnostics: Vec::new(),
    };
    let mut tree = File::default();
    for pair in file.into_inner() {
        match pair.as_rule() {
            Rule::module_doc => tree.doc = Some(doc_text(pair)),
            Rule::model => tree.models.push(builder.model(pair)),
            Rule::enum_def => tree.enums.push(builder.enum_def(pair)),
            _ => {}
        }
    }
    (tree, builder.diagnostics)
}

/// Builds the syntax tree of a migration file from its `migration_file` pair,
/// reporting literal errors as [`build`] does.
pub(crate) fn build_migration(
    source: &SourceFile,
    file: Pair<'_, Rule>,
) -> (MigrationFile, Vec<Diagnostic>) {
    let mut builder = Builder {
        source,
        diagnostics: Vec::new(),
    };
    let mut tree = MigrationFile::default();
    for pair in file.into_inner() {
        match pair.as_rule() {
            Rule::module_doc => tree.doc = Some(doc_text(pair)),
            Rule::operation => tree.operations.push(builder.operation(pair)),
            _ => {}
        }
    }
    (tree, builder.diagnostics)
}

/// Joins doc lines: the text after `///` or `//!`, one leading space dropped.
fn doc_text(pair: Pair<'_, Rule>) -> String {
    pair.into_inner()
        .map(|line| {
            let text = line.into_inner().next().map_or("", |text| text.as_str());
            text.strip_prefix(' ').unwrap_or(text).to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: Span::of(&pair),
    }
}

struct Builder<'s> {
    source: &'s SourceFile,
    diagnostics: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn model(&mut self, pair: Pair<'_, Rule>) -> ModelDecl {
        let mut model = ModelDecl {
            doc: None,
            is_abstract: false,
            name: Ident {
                name: String::new(),
                span: Span::default(),
            },
            extends: None,
            fields: Vec::new(),
            metas: Vec::new(),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::doc => model.doc = Some(doc_text(part)),
                Rule::abstract_kw => model.is_abstract = true,
                Rule::ident => model.name = ident(part),
                Rule::extends => model.extends = part.into_inner().find_map(only_ident),
                Rule::field => model.fields.push(self.field(part)),
                Rule::meta_block => model.metas.push(self.meta_block(part)),
                _ => {}
            }
        }
        model
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> FieldDecl {
        let span = Span::of(&pair);
        let mut doc = None;
        let mut name = None;
        let mut call = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::doc => doc = Some(doc_text(part)),
                Rule::ident => name = Some(ident(part)),
                Rule::call => call = Some(self.call(part, 0)),
                _ => {}
            }
        }
        FieldDecl {
            doc,
            name: name.unwrap_or_else(|| placeholder_ident(span)),
            call: call.unwrap_or_else(|| Call {
                name: placeholder_ident(span),
                args: Vec::new(),
                span,
            }),
        }
    }

    fn meta_block(&mut self, pair: Pair<'_, Rule>) -> MetaBlock {
        let mut block = MetaBlock {
            span: Span::of(&pair),
            options: Vec::new(),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::meta_kw => block.span = Span::of(&part),
                Rule::meta_option => {
                    let span = Span::of(&part);
                    let mut name = None;
                    let mut value = None;
                    for piece in part.into_inner() {
                        match piece.as_rule() {
                            Rule::ident => name = Some(ident(piece)),
                            Rule::value => value = Some(self.value(piece, 0)),
                            _ => {}
                        }
                    }
                    if let (Some(name), Some(value)) = (name, value) {
                        block.options.push(MetaOption { name, value });
                    } else {
                        self.diagnostics
                            .push(self.source.error(span, "malformed meta option"));
                    }
                }
                _ => {}
            }
        }
        block
    }

    fn enum_def(&mut self, pair: Pair<'_, Rule>) -> EnumDecl {
        let span = Span::of(&pair);
        let mut decl = EnumDecl {
            doc: None,
            name: placeholder_ident(span),
            variants: Vec::new(),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::doc => decl.doc = Some(doc_text(part)),
                Rule::ident => decl.name = ident(part),
                Rule::variant => decl.variants.push(self.variant(part)),
                _ => {}
            }
        }
        decl
    }

    fn variant(&mut self, pair: Pair<'_, Rule>) -> VariantDecl {
        let span = Span::of(&pair);
        let mut variant = VariantDecl {
            doc: None,
            name: placeholder_ident(span),
            value: String::new(),
            value_span: span,
        };
        for piece in pair.into_inner() {
            match piece.as_rule() {
                Rule::doc => variant.doc = Some(doc_text(piece)),
                Rule::ident => variant.name = ident(piece),
                Rule::string => {
                    variant.value_span = Span::of(&piece);
                    variant.value = self.string(piece);
                }
                _ => {}
            }
        }
        variant
    }

    fn operation(&mut self, pair: Pair<'_, Rule>) -> OperationDecl {
        let span = Span::of(&pair);
        let mut operation = OperationDecl {
            doc: None,
            call: Call {
                name: placeholder_ident(span),
                args: Vec::new(),
                span,
            },
            body: None,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::doc => operation.doc = Some(doc_text(part)),
                Rule::call => operation.call = self.call(part, 0),
                Rule::operation_body => {
                    let mut body = OperationBody {
                        span: Span::of(&part),
                        fields: Vec::new(),
                        metas: Vec::new(),
                        variants: Vec::new(),
                    };
                    for member in part.into_inner() {
                        match member.as_rule() {
                            Rule::field => body.fields.push(self.field(member)),
                            Rule::meta_block => body.metas.push(self.meta_block(member)),
                            Rule::variant => body.variants.push(self.variant(member)),
                            _ => {}
                        }
                    }
                    operation.body = Some(body);
                }
                _ => {}
            }
        }
        operation
    }

    fn call(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Call {
        let span = Span::of(&pair);
        let mut call = Call {
            name: placeholder_ident(span),
            args: Vec::new(),
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => call.name = ident(part),
                Rule::keyword_argument => {
                    let mut keyword = None;
                    let mut value = None;
                    for piece in part.into_inner() {
                        match piece.as_rule() {
                            Rule::ident => keyword = Some(ident(piece)),
                            Rule::value => value = Some(self.value(piece, depth + 1)),
                            _ => {}
                        }
                    }
                    if let (Some(keyword), Some(value)) = (keyword, value) {
                        call.args.push(Argument {
                            keyword: Some(keyword),
                            value,
                        });
                    }
                }
                Rule::positional_argument => {
                    if let Some(piece) = part.into_inner().next() {
                        let value = self.value(piece, depth + 1);
                        call.args.push(Argument {
                            keyword: None,
                            value,
                        });
                    }
                }
                _ => {}
            }
        }
        call
    }

    /// Builds a `value` pair (or one of its alternatives).
    fn value(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Value {
        let span = Span::of(&pair);
        if depth > MAX_NESTING {
            self.diagnostics.push(self.source.error(
                span,
                format!("values nested more than {MAX_NESTING} levels deep"),
            ));
            return Value {
                kind: ValueKind::Null,
                span,
            };
        }
        let pair = if pair.as_rule() == Rule::value {
            match pair.into_inner().next() {
                Some(inner) => inner,
                None => {
                    return Value {
                        kind: ValueKind::Null,
                        span,
                    }
                }
            }
        } else {
            pair
        };
        let kind = match pair.as_rule() {
            Rule::string => ValueKind::Str(self.string(pair)),
            Rule::integer => match pair.as_str().parse::<i64>() {
                Ok(value) => ValueKind::Int(value),
                Err(_) => {
                    self.diagnostics.push(
                        self.source
                            .error(span, "integer literal does not fit in 64 bits"),
                    );
                    ValueKind::Int(0)
                }
            },
            Rule::float => match pair.as_str().parse::<f64>() {
                Ok(value) if value.is_finite() => ValueKind::Float(value),
                _ => {
                    self.diagnostics
                        .push(self.source.error(span, "float literal is out of range"));
                    ValueKind::Float(0.0)
                }
            },
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::null => ValueKind::Null,
            Rule::ident => ValueKind::Ident(pair.as_str().to_string()),
            Rule::enum_value => {
                let mut parts = pair.into_inner().filter_map(only_ident);
                let enum_name = parts.next().unwrap_or_else(|| placeholder_ident(span));
                let variant = parts.next().unwrap_or_else(|| placeholder_ident(span));
                ValueKind::EnumValue { enum_name, variant }
            }
            Rule::list => ValueKind::List(
                pair.into_inner()
                    .filter(|item| item.as_rule() == Rule::value)
                    .map(|item| self.value(item, depth + 1))
                    .collect(),
            ),
            Rule::object => ValueKind::EmptyObject,
            Rule::call => ValueKind::Call(self.call(pair, depth + 1)),
            _ => ValueKind::Null,
        };
        Value { kind, span }
    }

    /// Unescapes a `string` pair, reporting unknown escapes; a raw string is
    /// taken as written.
    fn string(&mut self, pair: Pair<'_, Rule>) -> String {
        let mut content = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::raw_string => return raw_text(part),
                Rule::string_content => content = Some(part),
                _ => {}
            }
        }
        let Some(content) = content else {
            return String::new();
        };
        let base = content.as_span().start();
        let raw = content.as_str();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((index, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, escaped)) = chars.next() else {
                break;
            };
            match escaped {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'u' => {
                    let rest = &raw[index + 2..];
                    let parsed = rest
                        .strip_prefix('{')
                        .and_then(|body| body.find('}').map(|close| (&body[..close], close)));
                    match parsed.and_then(|(hex, close)| {
                        u32::from_str_radix(hex, 16)
                            .ok()
                            .filter(|_| {
                                !hex.is_empty()
                                    && hex.len() <= 6
                                    && hex.chars().all(|c| c.is_ascii_hexdigit())
                            })
                            .and_then(char::from_u32)
                            .map(|c| (c, close))
                    }) {
                        Some((decoded, close)) => {
                            out.push(decoded);
                            // Skip `{`, the hex digits and `}`.
                            for _ in 0..close + 2 {
                                chars.next();
                            }
                        }
                        None => {
                            let span = Span::new(base + index, base + index + 2);
                            self.diagnostics.push(
                                self.source.error(span, "invalid unicode escape").with_help(
                                    "write `\\u{…}` with 1 to 6 hex digits of a valid character",
                                ),
                            );
                        }
                    }
                }
                other => {
                    let span = Span::new(base + index, base + index + 1 + other.len_utf8());
                    self.diagnostics.push(
                        self.source
                            .error(span, format!("unknown escape `\\{other}`"))
                            .with_help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\0` and `\\u{…}`"),
                    );
                }
            }
        }
        out
    }
}

/// The text of a `raw_string` pair: line breaks become `\n` whatever the file
/// uses, and one line break after the opening quote and one before the closing
/// quote are dropped.
fn raw_text(pair: Pair<'_, Rule>) -> String {
    let raw = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::raw_string_content)
        .map_or("", |content| content.as_str());
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.strip_prefix('\n').unwrap_or(&text);
    text.strip_suffix('\n').unwrap_or(text).to_string()
}

fn only_ident(pair: Pair<'_, Rule>) -> Option<Ident> {
    (pair.as_rule() == Rule::ident).then(|| ident(pair))
}

/// Stands in for a part the grammar guarantees; never seen when the parse succeeded.
fn placeholder_ident(span: Span) -> Ident {
    Ident {
        name: String::new(),
        span,
    }
}
