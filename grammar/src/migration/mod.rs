//! Migrations in the language: the operations a migration holds, the text they
//! are written in (`migration.pookie`, hand-editable) and the schema state that
//! replaying them gives, without a database.
//!
//! A migration folder `migrations/0002_add_post_view_count/` holds
//! `migration.pookie`, the operations:
//!
//! ```text
//! //! + Add field view_count to Post
//! AddField(model = Post, name = "view_count", field = IntegerField(default = 0))
//! ```
//!
//! The operations are the truth: the state that [`State::apply`] replays from
//! them is what `makemigrations` diffs the schema against, and the SQL each
//! backend runs is rendered from them (by `pookie-codegen`). The `.sql` files
//! beside them are for reviewers.
//!
//! # Operations text
//!
//! One operation per call; arguments are `.pookie` values, written by keyword.
//! A model is written as a `.pookie` model body after its call, an enum's
//! variants likewise:
//!
//! ```text
//! //! + Create model Author
//!
//! /// Someone who writes.
//! CreateModel(name = Author) {
//!     id    = AutoField(primary_key = true)
//!     name  = CharField(max_length = 100)
//!     meta { db_table = "authors" }
//! }
//! DeleteModel(name = Author)
//! RenameModel(old = Author, new = Writer)
//! AlterModelTable(model = Writer, table = "writers")          // table = null: the default name
//! AlterModelOptions(model = Post) { meta { ordering = ["-title"] } }  // state only, no SQL
//! AddField(model = Post, name = "view_count", field = IntegerField(default = 0))
//! AddField(model = Post, name = "slug", field = SlugField(), once_default = "")  // fills existing rows
//! RemoveField(model = Post, name = "legacy")
//! RenameField(model = Post, old = "title", new = "headline")
//! AlterField(model = Post, name = "title", field = CharField(max_length = 300))
//! AddIndex(model = Post, index = Index(fields = ["slug"], name = "posts_slug_idx"))
//! RemoveIndex(model = Post, name = "posts_slug_idx")
//! AlterUniqueTogether(model = Post, unique_together = [["author", "slug"]])
//! AddConstraint(model = Post, constraint = Check("view_count >= 0", name = "posts_views_check"))
//! RemoveConstraint(model = Post, name = "posts_views_check")
//! CreateEnum(name = Status) { Draft = "draft"  Published = "published" }
//! AlterEnum(name = Status) { Draft = "draft"  Live = "live" }
//! DeleteEnum(name = Status)
//! RunSQL(forward = "UPDATE posts SET slug = lower(title)", backward = "…", backend = "postgres")
//! RunSQL(
//!     forward = r"
//! UPDATE posts
//! SET slug = lower(title);
//! ",
//! )
//! RunRust(forward = "backfill_slugs", backward = "clear_slugs")
//! ```
//!
//! The `//!` lines at the top are the migration's doc; a `///` doc above
//! CreateModel, AddField, AlterField, CreateEnum or AlterEnum documents the
//! model, field or enum it creates. CreateModel's body is the complete model: every field is listed, the primary
//! key included (nothing is implied, nothing inherited). `backward` and
//! `backend` of `RunSQL` are optional, as is `backward` of `RunRust`.
//!
//! Long SQL is a raw string, `r"…"` (or `r#"…"#` when the SQL holds a quote,
//! with as many `#` as needed): its text is taken as written, without escapes,
//! except that one line break right after the opening quote and one right before
//! the closing quote are dropped. `//` comments are ignored: the notes that
//! `makemigrations` prints above an operation ("destructive: drops column …")
//! are such comments.
//!
//! A squashed migration (`pookie squashmigrations`) stands in for a range of
//! migrations: its first line, after the doc, names them in order, and its
//! operations do what theirs did together:
//!
//! ```text
//! //! Squashed 0001_initial to 0003_add_post_slug
//!
//! Replaces(migrations = ["0001_initial", "0002_add_post_view_count", "0003_add_post_slug"])
//!
//! CreateModel(name = Post) { … }
//! ```
//!
//! A database that applied every replaced migration has applied it; a fresh
//! database runs its own operations. `Replaces` is not an operation: it comes
//! once, before them, and is kept in [`MigrationText::replaces`].
//!
//! Models are named by their model name; fields by their field name (the
//! column follows from the field as everywhere else).

use crate::ir::{CheckConstraint, DefaultValue, EnumDef, Field, Index, Meta, Model, SearchIndex};

mod state;
mod text;

pub use state::{State, StateError};
pub use text::{parse_migration, parse_replaces, print_migration, MigrationText};

/// The backend a `RunSQL` is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Backend {
    /// The name written in migration text and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Both backends, in the order their files are written.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
}

/// One step of a migration.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Creates a model's table (a many-to-many field of it creates its join
    /// table too). The model is complete: every field in column order (the
    /// primary key included), meta as resolved; `extends` is `None` and every
    /// field's origin is `Declared`.
    CreateModel {
        /// The model as it is created.
        model: Model,
    },
    /// Drops a model's table (and its join tables).
    DeleteModel {
        /// The model name.
        name: String,
    },
    /// Renames a model. Its table follows when the table name is the default one
    /// (`db_table` unset); join tables named after it follow too.
    RenameModel {
        /// The old model name.
        old: String,
        /// The new model name.
        new: String,
    },
    /// Sets or clears `meta { db_table }`: renames the table.
    AlterModelTable {
        /// The model name.
        model: String,
        /// The new `db_table`; `None` for the default name.
        table: Option<String>,
    },
    /// Changes meta options that do not touch the database (ordering, verbose
    /// names, db_alias, managed): the state only, no SQL.
    AlterModelOptions {
        /// The model name.
        model: String,
        /// The meta as it is after the operation. Only the options that do not
        /// touch the database are taken from it (`db_table`, `unique_together`,
        /// `indexes`, `constraints` and `primary_key` have their own operations).
        meta: Meta,
    },
    /// Adds a field (a column, or a join table for a ManyToManyField).
    AddField {
        /// The model name.
        model: String,
        /// The new field.
        field: Field,
        /// A value for the rows already there when the field is NOT NULL without
        /// a default (`makemigrations` asks for it): used to fill them, not kept
        /// as the column's default. Written `once_default = …`.
        once_default: Option<DefaultValue>,
    },
    /// Removes a field.
    RemoveField {
        /// The model name.
        model: String,
        /// The field name.
        name: String,
    },
    /// Renames a field (and its column, unless `db_column` keeps it).
    RenameField {
        /// The model name.
        model: String,
        /// The old field name.
        old: String,
        /// The new field name.
        new: String,
    },
    /// Changes a field's type or arguments; the field keeps its name.
    AlterField {
        /// The model name.
        model: String,
        /// The field as it is after the operation.
        field: Field,
        /// When a nullable field becomes NOT NULL without a default: the value
        /// that replaces NULL in the rows already there. Written `once_default = …`.
        once_default: Option<DefaultValue>,
    },
    /// Adds a meta index. The index has a name (the diff fills in the default).
    AddIndex {
        /// The model name.
        model: String,
        /// The index.
        index: Index,
    },
    /// Removes a meta index by name.
    RemoveIndex {
        /// The model name.
        model: String,
        /// The index name.
        name: String,
    },
    /// Adds a full-text search index (`meta { search_indexes }`); on SQLite
    /// it indexes the rows already in the table.
    AddSearchIndex {
        /// The model name.
        model: String,
        /// The search index.
        index: SearchIndex,
    },
    /// Removes a full-text search index by name.
    RemoveSearchIndex {
        /// The model name.
        model: String,
        /// The search index's name.
        name: String,
    },
    /// Sets `meta { unique_together }` (field names).
    AlterUniqueTogether {
        /// The model name.
        model: String,
        /// The sets after the operation.
        unique_together: Vec<Vec<String>>,
    },
    /// Adds a CHECK constraint. The constraint has a name.
    AddConstraint {
        /// The model name.
        model: String,
        /// The constraint.
        constraint: CheckConstraint,
    },
    /// Removes a CHECK constraint by name.
    RemoveConstraint {
        /// The model name.
        model: String,
        /// The constraint name.
        name: String,
    },
    /// Declares an enum (`choices`). Enums are stored as text: state only.
    CreateEnum {
        /// The enum.
        def: EnumDef,
    },
    /// Replaces an enum's variants. State only.
    AlterEnum {
        /// The enum as it is after the operation.
        def: EnumDef,
    },
    /// Removes an enum. State only.
    DeleteEnum {
        /// The enum name.
        name: String,
    },
    /// Raw SQL, forwards and optionally backwards, for one backend or both.
    RunSql {
        /// The SQL run when migrating forwards (one or several statements).
        forward: String,
        /// The SQL that undoes it; `None` makes the migration irreversible.
        backward: Option<String>,
        /// The backend it is for; `None` for both.
        backend: Option<Backend>,
    },
    /// A Rust function of the user's program, registered where the migrations
    /// are embedded, run inside the migration's transaction.
    RunRust {
        /// The name of the function run forwards.
        forward: String,
        /// The name of the function that undoes it; `None` makes the migration
        /// irreversible.
        backward: Option<String>,
    },
}

impl Operation {
    /// A one-line description for people: "Add field view_count to Post".
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel { model } => format!("Create model {}", model.name),
            Operation::DeleteModel { name } => format!("Delete model {name}"),
            Operation::RenameModel { old, new } => format!("Rename model {old} to {new}"),
            Operation::AlterModelTable { model, table } => match table {
                Some(table) => format!("Rename table of {model} to {table}"),
                None => format!("Rename table of {model} to its default name"),
            },
            Operation::AlterModelOptions { model, .. } => format!("Change meta options of {model}"),
            Operation::AddField { model, field, .. } => {
                format!("Add field {} to {model}", field.name)
            }
            Operation::RemoveField { model, name } => format!("Remove field {name} from {model}"),
            Operation::RenameField { model, old, new } => {
                format!("Rename field {old} of {model} to {new}")
            }
            Operation::AlterField { model, field, .. } => {
                format!("Alter field {} of {model}", field.name)
            }
            Operation::AddIndex { model, index } => format!(
                "Create index {} on {model} ({}){}",
                index.name.as_deref().unwrap_or("?"),
                index.fields.join(", "),
                match index.method {
                    crate::ir::IndexMethod::Btree => String::new(),
                    method => format!(" using {}", method.name()),
                }
            ),
            Operation::RemoveIndex { model, name } => format!("Remove index {name} from {model}"),
            Operation::AddSearchIndex { model, index } => format!(
                "Create search index {} on {model} ({})",
                index.name(),
                index.fields.join(", ")
            ),
            Operation::RemoveSearchIndex { model, name } => {
                format!("Remove search index {name} from {model}")
            }
            Operation::AlterUniqueTogether { model, .. } => {
                format!("Alter unique_together of {model}")
            }
            Operation::AddConstraint { model, constraint } => format!(
                "Add constraint {} to {model}",
                constraint.name.as_deref().unwrap_or("?")
            ),
            Operation::RemoveConstraint { model, name } => {
                format!("Remove constraint {name} from {model}")
            }
            Operation::CreateEnum { def } => format!("Create enum {}", def.name),
            Operation::AlterEnum { def } => format!("Alter enum {}", def.name),
            Operation::DeleteEnum { name } => format!("Delete enum {name}"),
            Operation::RunSql { backend, .. } => match backend {
                Some(backend) => format!("Raw SQL ({})", backend.name()),
                None => "Raw SQL".to_owned(),
            },
            Operation::RunRust { forward, .. } => format!("Rust function {forward}"),
        }
    }

    /// The sign printed before [`describe`](Self::describe): `+` adds, `-`
    /// removes (data can be lost), `~` changes, `>` runs code.
    pub fn sign(&self) -> char {
        match self {
            Operation::CreateModel { .. }
            | Operation::AddField { .. }
            | Operation::AddIndex { .. }
            | Operation::AddSearchIndex { .. }
            | Operation::AddConstraint { .. }
            | Operation::CreateEnum { .. } => '+',
            Operation::DeleteModel { .. }
            | Operation::RemoveField { .. }
            | Operation::RemoveIndex { .. }
            | Operation::RemoveSearchIndex { .. }
            | Operation::RemoveConstraint { .. }
            | Operation::DeleteEnum { .. } => '-',
            Operation::RunSql { .. } | Operation::RunRust { .. } => '>',
            _ => '~',
        }
    }
}
