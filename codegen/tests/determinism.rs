//! The generator is deterministic: the same schema gives byte-identical code.

mod common;

use std::path::Path;

#[test]
fn same_schema_same_code() {
    let schema = common::blog();
    let first = pookie_codegen::Config::new().generate(&schema).unwrap();
    for _ in 0..5 {
        assert_eq!(
            pookie_codegen::Config::new().generate(&schema).unwrap(),
            first
        );
    }
}

#[test]
fn fresh_loads_give_the_same_code() {
    let blog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.pookie");
    let generate = || {
        let schema = pookie_grammar::load_files(&[&blog]).unwrap_or_else(|e| panic!("{e}"));
        pookie_codegen::Config::new().generate(&schema).unwrap()
    };
    let first = generate();
    for _ in 0..5 {
        assert_eq!(generate(), first);
    }
}
