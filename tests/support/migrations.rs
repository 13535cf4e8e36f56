//! Migrations rendered for the runtime as the CLI renders them from a
//! migrations folder, for tests that drive the migration engine with
//! migrations made in memory.

use std::borrow::Cow;

use pookie::migrate::{Down, Migration, Plan, Script, Step};
use pookie::Dialect;
use pookie_codegen::migrate::folder::checksum;
use pookie_codegen::migrate::{created_tables, render_migration, RenderedScript, RenderedStep};
use pookie_grammar::migration::{Operation, State};

/// The migration `name` whose file holds `printed`, taking a database from
/// `before` through `operations`, with its SQL for both backends.
pub fn runtime_migration(
    name: &str,
    printed: &str,
    before: &State,
    operations: &[Operation],
) -> Result<Migration, String> {
    Ok(Migration {
        name: Cow::Owned(name.to_owned()),
        checksum: Cow::Owned(checksum(printed)),
        replaces: Cow::Borrowed(&[]),
        creates_tables: Cow::Owned(
            created_tables(before, operations)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(Cow::Owned)
                .collect(),
        ),
        sqlite: plan(before, operations, Dialect::Sqlite)?,
        postgres: plan(before, operations, Dialect::Postgres)?,
    })
}

/// The up and down scripts of `operations` on one backend.
pub fn plan(before: &State, operations: &[Operation], dialect: Dialect) -> Result<Plan, String> {
    let rendered = render_migration(before, operations, dialect)
        .map_err(|e| format!("render for {}: {e}", dialect.name()))?;
    Ok(Plan {
        up: script(rendered.up),
        down: match rendered.down {
            Ok(down) => Down::Script(script(down)),
            Err(why) => Down::Irreversible(Cow::Owned(why)),
        },
    })
}

fn script(rendered: RenderedScript) -> Script {
    Script {
        steps: Cow::Owned(
            rendered
                .steps
                .into_iter()
                .map(|step| match step {
                    RenderedStep::Sql(sql) => Step::Sql(Cow::Owned(sql)),
                    RenderedStep::Script(sql) => Step::Script(Cow::Owned(sql)),
                    RenderedStep::Rust(name) => Step::Rust(Cow::Owned(name)),
                })
                .collect(),
        ),
        rebuilds_tables: rendered.rebuilds_tables,
    }
}
