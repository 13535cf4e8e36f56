//! Parses the rendered code and prints it back in rustfmt style.

use crate::Error;

/// Formats the code rendered for `module`; code that does not parse is an
/// [`Error::Format`] naming the module.
pub(crate) fn format(module: &str, code: &str) -> Result<String, Error> {
    let file = syn::parse_file(code).map_err(|source| Error::Format {
        module: module.to_owned(),
        source,
    })?;
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_valid_code() {
        assert_eq!(
            format("m", "pub struct A{x:i32}").unwrap(),
            "pub struct A {\n    x: i32,\n}\n"
        );
    }

    #[test]
    fn invalid_code_is_an_error_naming_the_module() {
        let error = format("blog", "pub struct {").unwrap_err();
        assert!(matches!(&error, Error::Format { module, .. } if module == "blog"));
        assert!(error.to_string().contains("module `blog`"), "{error}");
    }
}
