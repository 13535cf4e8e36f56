//! Times loading the schema files given as arguments (the checking `pookie
//! check` does): `cargo run --release -p pookie-grammar --example check_timing -- FILE…`.

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let started = std::time::Instant::now();
    let result = pookie_grammar::load_files(&files);
    let elapsed = started.elapsed();
    match result {
        Ok(schema) => {
            let fields: usize = schema
                .modules
                .iter()
                .flat_map(|module| &module.models)
                .map(|model| model.fields.len())
                .sum();
            println!("ok in {elapsed:.2?}: {fields} fields in the IR");
        }
        Err(errors) => println!("{} errors in {elapsed:.2?}", errors.len()),
    }
}
