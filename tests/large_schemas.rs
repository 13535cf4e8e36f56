//! A schema of any size and shape builds with the default settings of cargo
//! and rustc: a crate whose 500 models form one chain of foreign keys, built
//! as a user's crate is, whose program then follows the chain through the
//! models' metadata in both directions.

#[allow(unused_macros)]
mod support;

use std::fmt::Write as _;

use support::user_crate;

const MODELS: usize = 500;

/// `Link0` … `Link499`, each after the first pointing at its predecessor.
fn chain_schema() -> String {
    let mut text = String::new();
    for i in 0..MODELS {
        let _ = writeln!(
            text,
            "model Link{i} {{\n    name = CharField(max_length = 20)"
        );
        if i > 0 {
            let _ = writeln!(
                text,
                "    previous = ForeignKey(Link{}, on_delete = CASCADE, related_name = \"next\")",
                i - 1
            );
        }
        text.push_str("}\n\n");
    }
    text
}

/// Follows the chain from the last model to the first through the foreign
/// keys, then back through the reverse relations, and prints both walks.
const MAIN_RS: &str = r#"#[allow(dead_code, clippy::all)]
mod chain {
    pookie::include_models!("chain");
}

use pookie::{Model, ModelMeta, RelationKind};

/// The names of the models reached from `start` through relations of `kind`.
fn walk(start: &'static ModelMeta, kind: RelationKind) -> Vec<&'static str> {
    let mut names = vec![start.name];
    let mut meta = start;
    while let Some(relation) = meta.relations.iter().find(|r| r.kind == kind) {
        meta = (relation.target)();
        names.push(meta.name);
    }
    names
}

fn main() {
    for (start, kind) in [
        (&<chain::Link499 as Model>::META, RelationKind::ForeignKey),
        (&<chain::Link0 as Model>::META, RelationKind::ReverseForeignKey),
    ] {
        let names = walk(start, kind);
        println!("{kind:?}: {} models, {} to {}", names.len(), names[0], names[names.len() - 1]);
    }
}
"#;

#[test]
fn a_chain_of_500_related_models_builds_and_links_every_model() {
    let dir = user_crate::dir("model-chain");
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join("schemas"))?;
        std::fs::create_dir_all(dir.join("src"))?;
        user_crate::write_manifest(&dir, "model-chain")?;
        std::fs::write(dir.join("schemas/chain.pookie"), chain_schema())?;
        std::fs::write(
            dir.join("build.rs"),
            "fn main() -> Result<(), pookie_codegen::Error> {\n    \
                 pookie_codegen::compile(&[\"schemas/chain.pookie\"])\n\
             }\n",
        )?;
        std::fs::write(dir.join("src/main.rs"), MAIN_RS)
    };
    write().unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
    let output = user_crate::run(&dir, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        output,
        "ForeignKey: 500 models, Link499 to Link0\n\
         ReverseForeignKey: 500 models, Link0 to Link499\n"
    );
}
