//! The model registry: every model a program includes, found by name.
//!
//! Each generated module offers `MODELS`, the [`Models`] of its schema file;
//! a [`Registry`] gathers the lists of the modules a program includes:
//!
//! ```ignore
//! let registry = pookie::registry!(blog, shop);
//! assert_eq!(registry.len(), 10);
//! let author = registry.get("Author").unwrap();          // by model name
//! let order = registry.get("shop.Order").unwrap();       // by qualified name
//! for meta in registry.all() {
//!     println!("{} → {}", meta.name, meta.table);
//! }
//! ```

use crate::ModelMeta;

/// The models of one schema module, as generated (`blog::MODELS`).
#[derive(Debug, Clone, Copy)]
pub struct Models {
    /// The module name: the schema file's stem (`blog`).
    pub module: &'static str,
    /// Its concrete models, in source order.
    pub models: &'static [&'static ModelMeta],
}

/// One model of a [`Registry`], with the module it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The module name (`blog`).
    pub module: &'static str,
    /// The model's description.
    pub meta: &'static ModelMeta,
}

impl Entry {
    /// `module.Model` (`blog.Author`).
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.module, self.meta.name)
    }
}

/// Every model of the modules given to it, in the order given.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: Vec<Entry>,
}

impl Registry {
    /// The registry of `modules` (usually through [`registry!`](crate::registry)).
    pub fn new(modules: &[Models]) -> Registry {
        let entries = modules
            .iter()
            .flat_map(|models| {
                models.models.iter().map(|meta| Entry {
                    module: models.module,
                    meta,
                })
            })
            .collect();
        Registry { entries }
    }

    /// Every model, module by module, in source order.
    pub fn all(&self) -> impl Iterator<Item = &'static ModelMeta> + '_ {
        self.entries.iter().map(|entry| entry.meta)
    }

    /// Every model with its module.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The model named `name`: a model name (`Author`) when only one module
    /// has a model of that name, or a qualified name (`blog.Author`).
    pub fn get(&self, name: &str) -> Option<&'static ModelMeta> {
        self.entry(name).map(|entry| entry.meta)
    }

    /// [`get`](Self::get) with the module.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        if let Some((module, model)) = name.split_once('.') {
            return self
                .entries
                .iter()
                .find(|entry| entry.module == module && entry.meta.name == model);
        }
        let mut found = self.entries.iter().filter(|entry| entry.meta.name == name);
        let first = found.next()?;
        // Two modules with a model of that name: only the qualified name says which.
        found.next().is_none().then_some(first)
    }

    /// The model whose table is `table`, in the database `db_alias`.
    pub fn by_table(&self, db_alias: &str, table: &str) -> Option<&'static ModelMeta> {
        self.all()
            .find(|meta| meta.db_alias == db_alias && meta.table == table)
    }

    /// The models of module `module`.
    pub fn module(&self, module: &str) -> impl Iterator<Item = &'static ModelMeta> + '_ {
        let module = module.to_owned();
        self.entries
            .iter()
            .filter(move |entry| entry.module == module)
            .map(|entry| entry.meta)
    }

    /// How many models.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no model.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'a> IntoIterator for &'a Registry {
    type Item = &'a Entry;
    type IntoIter = std::slice::Iter<'a, Entry>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// The [`Registry`] of the generated modules named: `pookie::registry!(blog, shop)`
/// for modules declared with `pookie::include_models!`.
#[macro_export]
macro_rules! registry {
    ($($($segment:ident)::+),* $(,)?) => {
        $crate::registry::Registry::new(&[$($($segment)::+::MODELS),*])
    };
}
