//! The view of a `choices` enum: a Rust enum whose variants carry the strings
//! stored in the database.

use pookie_grammar::ir::EnumDef;
use pookie_grammar::naming::rust_ident;

use super::resolve::doc_lines;
use super::types::str_lit;

/// One generated enum.
pub(crate) struct EnumView {
    /// The Rust name.
    pub ident: String,
    /// The name as written, as a string literal.
    pub name: String,
    /// Doc lines, as string literals.
    pub doc: Vec<String>,
    /// The variants.
    pub variants: Vec<VariantView>,
    /// Every stored value, as string literals separated by commas.
    pub values: String,
}

/// One variant.
pub(crate) struct VariantView {
    /// The Rust name.
    pub ident: String,
    /// The stored value, as a string literal.
    pub value: String,
    /// Doc lines, as string literals.
    pub doc: Vec<String>,
}

pub(crate) fn enum_view(def: &EnumDef) -> EnumView {
    let mut doc = doc_lines(def.doc.as_deref());
    if doc.is_empty() {
        doc.push(format!(" The choices `{}`.", def.name));
    }
    let variants: Vec<VariantView> = def
        .variants
        .iter()
        .map(|variant| {
            let mut doc = doc_lines(variant.doc.as_deref());
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(format!(" Stored as `{}`.", variant.value.replace('`', "'")));
            VariantView {
                ident: rust_ident(&variant.name),
                value: str_lit(&variant.value),
                doc: doc.iter().map(|l| str_lit(l)).collect(),
            }
        })
        .collect();
    EnumView {
        ident: rust_ident(&def.name),
        name: str_lit(&def.name),
        doc: doc.iter().map(|l| str_lit(l)).collect(),
        values: variants
            .iter()
            .map(|v| v.value.clone())
            .collect::<Vec<_>>()
            .join(", "),
        variants,
    }
}
