//! The model registry: each generated module's `MODELS`, gathered by
//! `pookie::registry!` into a list of every model a program includes.

pub mod blog {
    pookie::include_models!("blog");
}

pub mod shop {
    pookie::include_models!("shop");
}

#[test]
fn lists_every_model_in_source_order() {
    let registry = pookie::registry!(blog, shop);
    assert_eq!(registry.len(), 10);
    assert!(!registry.is_empty());
    let names: Vec<&str> = registry.all().map(|meta| meta.name).collect();
    assert_eq!(
        names,
        [
            "Tag",
            "Author",
            "Post",
            "UserProfile",
            "Customer",
            "Product",
            "Order",
            "OrderLine",
            "Return",
            "Review"
        ]
    );
    let qualified: Vec<String> = registry
        .entries()
        .iter()
        .map(|entry| entry.qualified_name())
        .collect();
    assert_eq!(qualified[0], "blog.Tag");
    assert_eq!(qualified[9], "shop.Review");
    assert_eq!(blog::MODELS.module, "blog");
    assert_eq!(blog::MODELS.models.len(), 4);
}

#[test]
fn finds_a_model_by_name_qualified_name_or_table() {
    use pookie::Model;
    let registry = pookie::registry!(crate::blog, shop);
    let author = registry.get("Author").expect("Author is registered");
    assert_eq!(author.table, "authors");
    assert!(std::ptr::eq(author, &<blog::Author as Model>::META));
    assert_eq!(registry.get("blog.Author").map(|m| m.name), Some("Author"));
    assert_eq!(registry.get("shop.Author").map(|m| m.name), None);
    assert!(registry.get("Nope").is_none());
    assert_eq!(
        registry.by_table("default", "posts").map(|m| m.name),
        Some("Post")
    );
    assert_eq!(registry.module("shop").count(), 6);
    let email = author.field("email").expect("Author has an email");
    assert_eq!(email.field_type, "EmailField");
}

#[test]
fn a_name_in_two_modules_needs_its_module() {
    // The same module twice stands for two modules with a model of one name.
    let registry = pookie::registry::Registry::new(&[
        blog::MODELS,
        pookie::registry::Models {
            module: "archive",
            models: blog::MODELS.models,
        },
    ]);
    assert!(registry.get("Tag").is_none());
    assert_eq!(registry.get("archive.Tag").map(|m| m.table), Some("tags"));
    assert_eq!((&registry).into_iter().count(), 8);
}
