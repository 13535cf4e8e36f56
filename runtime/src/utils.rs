//! Text helpers PookieDB offers alongside its ORM: [`slugify`] and [`camel_to_snake`].

/// A URL slug: lower case, runs of anything but letters, digits, `_` and `-`
/// become one `-`, and no `-` at either end. Letters outside ASCII are kept
/// (lower-cased).
///
/// ```
/// use pookie::utils::slugify;
/// assert_eq!(slugify("Hello, World!"), "hello-world");
/// assert_eq!(slugify("  Foo & Bar @ Baz  "), "foo-bar-baz");
/// ```
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(ch.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// `CamelCase` or `camelCase` to `snake_case`; a run of capitals is one word
/// (`parseHTMLDoc` → `parse_html_doc`).
///
/// ```
/// use pookie::utils::camel_to_snake;
/// assert_eq!(camel_to_snake("parseHTMLDoc"), "parse_html_doc");
/// ```
pub fn camel_to_snake(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (index, &ch) in chars.iter().enumerate() {
        if ch.is_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(|c| c.is_lowercase());
            let starts_word = previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower);
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.extend(ch.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_matches_the_pookiedb_examples() {
        for (text, slug) in [
            ("Hello, World!", "hello-world"),
            ("Grace Peter Mutiibwa", "grace-peter-mutiibwa"),
            ("  Foo & Bar @ Baz  ", "foo-bar-baz"),
            ("already-a-slug", "already-a-slug"),
            ("Crème Brûlée", "crème-brûlée"),
            ("snake_case stays", "snake_case-stays"),
            ("", ""),
        ] {
            assert_eq!(slugify(text), slug, "{text:?}");
        }
    }

    #[test]
    fn camel_to_snake_matches_the_pookiedb_examples() {
        for (text, snake) in [
            ("CamelCase", "camel_case"),
            ("myFieldName", "my_field_name"),
            ("parseHTMLDoc", "parse_html_doc"),
            ("HTTPServer", "http_server"),
            ("already_snake", "already_snake"),
            ("version2Name", "version2_name"),
        ] {
            assert_eq!(camel_to_snake(text), snake, "{text:?}");
        }
    }
}
