//! Creating the join tables of many-to-many relations.

use crate::db::Db;
use crate::error::Result;

/// Runs the build-time statements that create a join table on the database
/// `alias`: those of its dialect, one list per dialect in the order of
/// [`Dialect::ALL`](crate::Dialect::ALL). Called by generated `create_tables`.
pub fn create_join_table(db: &Db, alias: &str, statements: [&[&str]; 2]) -> Result<()> {
    let mut connection = db.connection(alias)?;
    for statement in statements[connection.dialect().index()] {
        connection.batch_execute(statement)?;
    }
    Ok(())
}
