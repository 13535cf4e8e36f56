//! The schema language end to end on arbitrary input: parse, lower and
//! validate (`pookie check`), print the accepted schema and load the printed
//! text again, and generate the Rust code. Nothing may panic; a schema that is
//! accepted must either generate Rust that parses, or be refused by the
//! generator with an error (which `pookie check` reports too); the printed
//! text of an accepted schema must load again.
//!
//! Run from the repository root:
//!     cargo +nightly fuzz run schema fuzz/corpus/schema -- -max_total_time=600

#![no_main]

use libfuzzer_sys::fuzz_target;
use pookie_grammar::Source;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source {
        path: "fuzz.pookie".into(),
        text: text.to_owned(),
    };
    let Ok(schema) = pookie_grammar::load(&[source]) else {
        return;
    };
    for module in &schema.modules {
        let printed = pookie_grammar::print_module(module);
        let reprinted = Source {
            path: "fuzz.pookie".into(),
            text: printed.clone(),
        };
        if let Err(errors) = pookie_grammar::load(&[reprinted]) {
            panic!("the printed schema does not load again:\n{printed}\n{errors}");
        }
    }
    match pookie_codegen::Config::new().generate(&schema) {
        Ok(_) | Err(pookie_codegen::Error::Unsupported { .. }) => {}
        Err(error) => panic!("an accepted schema broke the generator: {error}"),
    }
});
