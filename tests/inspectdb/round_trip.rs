//! The round trip: the tables code generation creates for `schemas/`, inspected,
//! give the schemas back. Both sides are reduced to what a database stores
//! (the normalisations listed in the `pookie-inspect` crate docs, implemented
//! by `pookie_inspect::shape`) and compared table by table.

/// The models generated from `schemas/` by this package's build script.
pub mod generated {
    pub mod analytics {
        pookie::include_models!("analytics");
    }
    pub mod blog {
        pookie::include_models!("blog");
    }
    pub mod catalog {
        pookie::include_models!("catalog");
    }
    pub mod editorial {
        pookie::include_models!("editorial");
    }
    pub mod library {
        pookie::include_models!("library");
    }
    pub mod lookups {
        pookie::include_models!("lookups");
    }
    pub mod kitchen_sink {
        pookie::include_models!("kitchen_sink");
    }
    pub mod relations {
        pookie::include_models!("relations");
    }
    pub mod search {
        pookie::include_models!("search");
    }
    pub mod shop {
        pookie::include_models!("shop");
    }
    pub mod staff {
        pookie::include_models!("staff");
    }
}

/// Creates the tables of every schema in `schemas/` at `url`, through the
/// generated code, as an application would. Both aliases the schemas use
/// point at the same database.
pub fn create_every_table(url: &str) {
    let db = pookie::Db::builder()
        .database("default", url)
        .database("analytics", url)
        .connect()
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let creators: [fn(&pookie::Db) -> pookie::Result<()>; 11] = [
        generated::blog::create_tables,
        generated::shop::create_tables,
        generated::kitchen_sink::create_tables,
        generated::analytics::create_tables,
        generated::catalog::create_tables,
        generated::lookups::create_tables,
        generated::editorial::create_tables,
        generated::library::create_tables,
        generated::relations::create_tables,
        generated::staff::create_tables,
        generated::search::create_tables,
    ];
    for create in creators {
        create(&db).unwrap_or_else(|e| panic!("creating the tables of schemas/: {e}"));
    }
}

// What a database stores of a model's table, and which models have tables:
// the library's comparison, which `pookie_inspect::drift` uses too.
pub use pookie_inspect::shape::{shape, tables};
