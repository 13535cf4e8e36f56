//! Reads one line of the shell's Django query syntax into an [`Expr`]:
//! `Author.objects.filter(name__icontains="grace").order_by("-joined")[:5]`.

use pookie::dynamic::Literal;

/// A parsed line: a model, then attributes, calls and slices.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// The model the chain starts from.
    pub model: String,
    /// What follows it, in order.
    pub steps: Vec<Step>,
}

/// One link of a chain.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`.
    Attr(String),
    /// `.name(args)`.
    Call(String, Vec<Arg>),
    /// `[start:end]`.
    Slice(Option<i64>, Option<i64>),
    /// `[n]`.
    Index(i64),
}

/// An argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `value`.
    Positional(Value),
    /// `name=value`.
    Keyword(String, Value),
}

/// A value in a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A literal.
    Literal(Literal),
    /// `Q(...)`, `Q() | Q()`, `~Q()`.
    Q(QExpr),
    /// `Sum("field")`, `Count("id", distinct=True)`.
    Aggregate(String, Vec<Arg>),
}

/// A `Q` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum QExpr {
    /// `Q(a=1, b=2)`.
    Leaf(Vec<(String, Literal)>),
    /// `a & b`.
    And(Box<QExpr>, Box<QExpr>),
    /// `a | b`.
    Or(Box<QExpr>, Box<QExpr>),
    /// `~a`.
    Not(Box<QExpr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    Punct(char),
}

fn tokenize(line: &str) -> Result<Vec<(usize, Token)>, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push((start, Token::Ident(chars[start..i].iter().collect())));
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            let token = if text.contains('.') {
                Token::Float(
                    text.parse()
                        .map_err(|_| format!("`{text}` is not a number"))?,
                )
            } else {
                Token::Int(
                    text.parse()
                        .map_err(|_| format!("`{text}` is not a number"))?,
                )
            };
            tokens.push((start, token));
        } else if c == '"' || c == '\'' {
            i += 1;
            let mut text = String::new();
            loop {
                match chars.get(i) {
                    None => {
                        return Err(format!(
                            "unterminated string starting at column {}",
                            start + 1
                        ))
                    }
                    Some(&q) if q == c => break,
                    Some('\\') => {
                        i += 1;
                        match chars.get(i) {
                            Some('n') => text.push('\n'),
                            Some('t') => text.push('\t'),
                            Some(&other) => text.push(other),
                            None => return Err("a string ends with `\\`".into()),
                        }
                    }
                    Some(&other) => text.push(other),
                }
                i += 1;
            }
            i += 1;
            tokens.push((start, Token::Str(text)));
        } else if "().[]:,=|&~-".contains(c) {
            tokens.push((start, Token::Punct(c)));
            i += 1;
        } else {
            return Err(format!("unexpected `{c}` at column {}", start + 1));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
}

/// Parses one query line.
pub fn parse(line: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokenize(line)?,
        at: 0,
    };
    let expr = parser.chain()?;
    if let Some((column, token)) = parser.tokens.get(parser.at) {
        return Err(format!(
            "unexpected {} at column {}",
            describe(token),
            column + 1
        ));
    }
    Ok(expr)
}

fn describe(token: &Token) -> String {
    match token {
        Token::Ident(name) => format!("`{name}`"),
        Token::Str(text) => format!("{text:?}"),
        Token::Int(v) => format!("`{v}`"),
        Token::Float(v) => format!("`{v}`"),
        Token::Punct(c) => format!("`{c}`"),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, token)| token)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).map(|(_, token)| token.clone());
        self.at += 1;
        token
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Punct(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            return Ok(());
        }
        Err(match self.tokens.get(self.at) {
            Some((column, token)) => format!(
                "expected `{c}` at column {}, found {}",
                column + 1,
                describe(token)
            ),
            None => format!("expected `{c}`, but the line ends"),
        })
    }

    fn ident(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Ident(name)) => Ok(name),
            Some(other) => Err(format!("expected a name, found {}", describe(&other))),
            None => Err("expected a name, but the line ends".into()),
        }
    }

    fn chain(&mut self) -> Result<Expr, String> {
        let model = self.ident()?;
        let mut steps = Vec::new();
        loop {
            if self.eat('.') {
                let name = self.ident()?;
                if self.eat('(') {
                    steps.push(Step::Call(name, self.args()?));
                } else {
                    steps.push(Step::Attr(name));
                }
            } else if self.eat('[') {
                let start = self.int_opt()?;
                if self.eat(':') {
                    let end = self.int_opt()?;
                    steps.push(Step::Slice(start, end));
                } else {
                    steps.push(Step::Index(
                        start.ok_or("expected an index or a slice in `[…]`")?,
                    ));
                }
                self.expect(']')?;
            } else {
                break;
            }
        }
        Ok(Expr { model, steps })
    }

    fn int_opt(&mut self) -> Result<Option<i64>, String> {
        let negative = self.eat('-');
        match self.peek() {
            Some(Token::Int(v)) => {
                let v = *v;
                self.at += 1;
                Ok(Some(if negative { -v } else { v }))
            }
            _ if negative => Err("expected a number after `-`".into()),
            _ => Ok(None),
        }
    }

    /// Arguments up to the closing `)` (already past the `(`).
    fn args(&mut self) -> Result<Vec<Arg>, String> {
        let mut args = Vec::new();
        while !self.eat(')') {
            if !args.is_empty() {
                self.expect(',')?;
                if self.eat(')') {
                    break;
                }
            }
            let keyword = matches!(
                (self.tokens.get(self.at), self.tokens.get(self.at + 1)),
                (Some((_, Token::Ident(_))), Some((_, Token::Punct('='))))
            );
            if keyword {
                let name = self.ident()?;
                self.expect('=')?;
                args.push(Arg::Keyword(name, self.value()?));
            } else {
                args.push(Arg::Positional(self.value()?));
            }
        }
        Ok(args)
    }

    fn value(&mut self) -> Result<Value, String> {
        let start = self.at;
        match self.peek() {
            Some(Token::Punct('~')) => return Ok(Value::Q(self.q_or()?)),
            Some(Token::Ident(name)) if name == "Q" => return Ok(Value::Q(self.q_or()?)),
            Some(Token::Ident(name))
                if matches!(name.as_str(), "Sum" | "Avg" | "Max" | "Min" | "Count") =>
            {
                let name = self.ident()?;
                self.expect('(')?;
                return Ok(Value::Aggregate(name, self.args()?));
            }
            _ => {}
        }
        self.at = start;
        Ok(Value::Literal(self.literal()?))
    }

    fn literal(&mut self) -> Result<Literal, String> {
        match self.next() {
            Some(Token::Str(text)) => Ok(Literal::Text(text)),
            Some(Token::Int(v)) => Ok(Literal::Int(v)),
            Some(Token::Float(v)) => Ok(Literal::Float(v)),
            Some(Token::Punct('-')) => match self.next() {
                Some(Token::Int(v)) => Ok(Literal::Int(-v)),
                Some(Token::Float(v)) => Ok(Literal::Float(-v)),
                _ => Err("expected a number after `-`".into()),
            },
            Some(Token::Ident(name)) => match name.as_str() {
                "True" | "true" => Ok(Literal::Bool(true)),
                "False" | "false" => Ok(Literal::Bool(false)),
                "None" | "null" => Ok(Literal::Null),
                other => Err(format!(
                    "`{other}` is not a value: write strings in quotes (\"{other}\"), True, False or None"
                )),
            },
            Some(Token::Punct(open @ ('[' | '('))) => {
                let close = if open == '[' { ']' } else { ')' };
                let mut items = Vec::new();
                while !self.eat(close) {
                    if !items.is_empty() {
                        self.expect(',')?;
                        if self.eat(close) {
                            break;
                        }
                    }
                    items.push(self.literal()?);
                }
                Ok(Literal::List(items))
            }
            Some(other) => Err(format!("expected a value, found {}", describe(&other))),
            None => Err("expected a value, but the line ends".into()),
        }
    }

    fn q_or(&mut self) -> Result<QExpr, String> {
        let mut left = self.q_and()?;
        while self.eat('|') {
            left = QExpr::Or(Box::new(left), Box::new(self.q_and()?));
        }
        Ok(left)
    }

    fn q_and(&mut self) -> Result<QExpr, String> {
        let mut left = self.q_unary()?;
        while self.eat('&') {
            left = QExpr::And(Box::new(left), Box::new(self.q_unary()?));
        }
        Ok(left)
    }

    fn q_unary(&mut self) -> Result<QExpr, String> {
        if self.eat('~') {
            return Ok(QExpr::Not(Box::new(self.q_unary()?)));
        }
        if self.eat('(') {
            let inner = self.q_or()?;
            self.expect(')')?;
            return Ok(inner);
        }
        let name = self.ident()?;
        if name != "Q" {
            return Err(format!("expected `Q(…)`, found `{name}`"));
        }
        self.expect('(')?;
        let mut leaf = Vec::new();
        for arg in self.args()? {
            match arg {
                Arg::Keyword(name, Value::Literal(value)) => leaf.push((name, value)),
                _ => return Err("`Q(…)` takes lookups: `Q(name__icontains=\"grace\")`".into()),
            }
        }
        Ok(QExpr::Leaf(leaf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_chain_with_q_objects_and_a_slice() {
        let expr =
            parse(r#"Author.objects.filter(Q(name="a") | ~Q(age__gt=3)).order_by("-joined")[:5]"#)
                .unwrap();
        assert_eq!(expr.model, "Author");
        assert_eq!(expr.steps.len(), 4);
        assert_eq!(expr.steps[3], Step::Slice(None, Some(5)));
    }

    #[test]
    fn reports_where_a_line_goes_wrong() {
        assert!(parse("Author.objects.filter(name=)")
            .unwrap_err()
            .contains("expected a value"));
        assert!(parse("Author.objects.filter(name=grace)")
            .unwrap_err()
            .contains("quotes"));
    }
}
