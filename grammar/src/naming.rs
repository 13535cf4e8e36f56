//! Naming rules, in one place: case conversion and Rust identifiers. The code
//! generator and the loader both use these.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// `BlogPost` → `blog_post`, `HTTPRequest` → `http_request`.
///
/// ```
/// assert_eq!(pookie_grammar::naming::snake_case("BlogPost"), "blog_post");
/// ```
pub fn snake_case(name: &str) -> String {
    name.to_snake_case()
}

/// `order_details` → `OrderDetails` (upper camel case, as Rust types are named).
///
/// ```
/// assert_eq!(pookie_grammar::naming::camel_case("order_details"), "OrderDetails");
/// ```
pub fn camel_case(name: &str) -> String {
    name.to_upper_camel_case()
}

/// Strict, 2018+ and reserved keywords: none of them can be a plain identifier.
const RUST_KEYWORDS: &[&str] = &[
    // Strict.
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", // 2018.
    "async", "await", "dyn", // Reserved.
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is an error).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// True when `name` is a Rust keyword (strict, 2018 or reserved).
///
/// ```
/// assert!(pookie_grammar::naming::is_rust_keyword("type"));
/// assert!(!pookie_grammar::naming::is_rust_keyword("kind"));
/// ```
pub fn is_rust_keyword(name: &str) -> bool {
    RUST_KEYWORDS.contains(&name)
}

/// The Rust identifier for a schema name: keywords become raw identifiers
/// (`type` → `r#type`); the keywords that cannot be raw (`self`, `Self`, `super`,
/// `crate`) and the lone `_` get a trailing underscore instead (`self_`).
///
/// ```
/// use pookie_grammar::naming::rust_ident;
/// assert_eq!(rust_ident("type"), "r#type");
/// assert_eq!(rust_ident("self"), "self_");
/// assert_eq!(rust_ident("title"), "title");
/// ```
pub fn rust_ident(name: &str) -> String {
    if NOT_RAW.contains(&name) || name == "_" {
        format!("{name}_")
    } else if is_rust_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// True when `name` can name a field: an ASCII letter or `_`, then ASCII letters,
/// digits or `_`.
///
/// ```
/// assert!(pookie_grammar::naming::is_valid_field_name("view_count"));
/// assert!(!pookie_grammar::naming::is_valid_field_name("2fa"));
/// ```
pub fn is_valid_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_ascii_alphabetic() || first == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_table() {
        for (input, expected) in [
            ("BlogPost", "blog_post"),
            ("HTTPRequest", "http_request"),
            ("Author", "author"),
            ("already_snake", "already_snake"),
            ("OrderItem2", "order_item2"),
            ("URLField", "url_field"),
        ] {
            assert_eq!(snake_case(input), expected, "{input}");
        }
    }

    #[test]
    fn camel_case_table() {
        for (input, expected) in [
            ("order_details", "OrderDetails"),
            ("blog", "Blog"),
            ("BlogPost", "BlogPost"),
            ("http_request", "HttpRequest"),
        ] {
            assert_eq!(camel_case(input), expected, "{input}");
        }
    }

    #[test]
    fn keyword_table() {
        for (input, expected) in [
            ("type", true),
            ("match", true),
            ("async", true),
            ("dyn", true),
            ("abstract", true),
            ("yield", true),
            ("try", true),
            ("Self", true),
            ("kind", false),
            ("union", false),
            ("Type", false),
        ] {
            assert_eq!(is_rust_keyword(input), expected, "{input}");
        }
    }

    #[test]
    fn rust_ident_table() {
        for (input, expected) in [
            ("type", "r#type"),
            ("match", "r#match"),
            ("async", "r#async"),
            ("self", "self_"),
            ("Self", "Self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("_", "__"),
            ("name", "name"),
        ] {
            assert_eq!(rust_ident(input), expected, "{input}");
        }
    }

    #[test]
    fn field_name_table() {
        for (input, expected) in [
            ("name", true),
            ("_private", true),
            ("view_count2", true),
            ("", false),
            ("2fa", false),
            ("with-dash", false),
            ("é", false),
        ] {
            assert_eq!(is_valid_field_name(input), expected, "{input:?}");
        }
    }
}
