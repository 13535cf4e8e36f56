//! `load(print(module)) == module` for every schema of the repository and for the
//! kitchen-sink schema, and the blog prints back to itself.

use std::path::{Path, PathBuf};

use pookie_grammar::{ir::Schema, load, load_files, print_module, Source};

/// The builds to check: the repository's schemas together (they refer to each
/// other's models), and the kitchen sink alone.
fn builds() -> Vec<Vec<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut repository: Vec<PathBuf> = std::fs::read_dir(root.join("../schemas"))
        .expect("schemas directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
        .collect();
    repository.sort();
    vec![
        repository,
        vec![root.join("tests/schemas/kitchen_sink.pookie")],
    ]
}

/// Prints every module and loads the printed texts again as one build.
fn reprint(schema: &Schema) -> (Vec<String>, Schema) {
    let texts: Vec<String> = schema.modules.iter().map(print_module).collect();
    let sources: Vec<Source> = schema
        .modules
        .iter()
        .zip(&texts)
        .map(|(module, text)| Source {
            path: module.path.clone(),
            text: text.clone(),
        })
        .collect();
    match load(&sources) {
        Ok(again) => (texts, again),
        Err(errors) => panic!(
            "printed text does not load:\n{errors}\n\n{}",
            texts.join("\n")
        ),
    }
}

#[test]
fn every_schema_round_trips() {
    for build in builds() {
        let schema = load_files(&build).unwrap_or_else(|errors| panic!("{errors}"));
        let (texts, again) = reprint(&schema);
        assert_eq!(schema, again, "{build:?}:\n{}", texts.join("\n"));
    }
}

#[test]
fn printing_is_a_fixed_point() {
    for build in builds() {
        let schema = load_files(&build).unwrap_or_else(|errors| panic!("{errors}"));
        let (texts, again) = reprint(&schema);
        let (texts_again, _) = reprint(&again);
        assert_eq!(texts, texts_again, "{build:?}");
    }
}

#[test]
fn blog_prints_back_to_its_source() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.pookie");
    let text = std::fs::read_to_string(&path).expect("blog schema");
    let schema = load_files(&[&path]).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(print_module(&schema.modules[0]), text);
}

#[test]
fn kitchen_sink_uses_every_field_type() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/kitchen_sink.pookie");
    let schema = load_files(&[&path]).unwrap_or_else(|errors| panic!("{errors}"));
    let mut used: Vec<&str> = schema.modules[0]
        .models
        .iter()
        .flat_map(|model| &model.fields)
        .map(|field| field.kind.type_name())
        .collect();
    used.sort_unstable();
    used.dedup();
    assert_eq!(used.len(), 24, "{used:?}");
}

#[test]
fn comments_print_above_the_doc_and_are_not_read_back() {
    let text =
        "/// A tag.\nmodel Tag {\n    /// Its name.\n    name = CharField(max_length = 50)\n}\n";
    let schema = load(&[Source {
        path: "tags.pookie".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let mut module = schema.modules[0].clone();
    module.models[0].comment = Some("Read from the table `tag`.\n\nSecond paragraph.".into());
    module.models[0].fields[1].comment = Some("field type is a guess".into());
    let printed = print_module(&module);
    assert_eq!(
        printed,
        "// Read from the table `tag`.\n//\n// Second paragraph.\n/// A tag.\nmodel Tag {\n    \
         // field type is a guess\n    /// Its name.\n    name = CharField(max_length = 50)\n}\n"
    );
    let again = load(&[Source {
        path: "tags.pookie".into(),
        text: printed,
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(again, schema, "comments are not part of the loaded IR");
}

#[test]
fn a_composite_primary_key_replaces_the_implicit_id() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/kitchen_sink.pookie");
    let schema = load_files(&[&path]).unwrap_or_else(|errors| panic!("{errors}"));
    let bookmark = schema.modules[0]
        .models
        .iter()
        .find(|model| model.name == "Bookmark")
        .expect("Bookmark");
    assert_eq!(bookmark.meta.primary_key, ["post", "tag"]);
    assert!(bookmark.field("id").is_none());
    assert!(bookmark.primary_key().is_none());
    let keys: Vec<&str> = bookmark
        .primary_key_fields()
        .iter()
        .map(|field| field.name.as_str())
        .collect();
    assert_eq!(keys, ["post", "tag"]);
}
