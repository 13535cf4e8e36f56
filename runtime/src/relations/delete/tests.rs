//! The PROTECT check on hand-written models: through CASCADE, through a tree
//! of rows cascading to each other, and around a cycle of models. Runs on
//! SQLite, and on PostgreSQL too when `POOKIE_TEST_POSTGRES_URL` is set.

use std::borrow::Cow;

use super::*;
use crate::query::Source;

const fn relation(
    name: &'static str,
    target: fn() -> &'static ModelMeta,
    target_table: &'static str,
    target_column: &'static str,
    on_delete: OnDelete,
) -> RelationMeta {
    RelationMeta {
        name,
        kind: RelationKind::ReverseForeignKey,
        column: "id",
        column_index: 0,
        target,
        target_table,
        target_column,
        target_column_index: 1,
        through: None,
        nullable: false,
        on_delete,
    }
}

const fn model(
    name: &'static str,
    table: &'static str,
    relations: &'static [RelationMeta],
) -> ModelMeta {
    ModelMeta {
        name,
        table,
        db_alias: "default",
        pk_column: "id",
        pk_columns: &["id"],
        auto_pk: true,
        columns: &["id", "parent"],
        text_columns: &[],
        ordering: &[],
        verbose_name: name,
        verbose_name_plural: name,
        fields: &[],
        relations,
    }
}

// Category (a tree, children cascade) <- Product (PROTECT).
static CATEGORY: ModelMeta = model(
    "Category",
    "categories",
    &[
        relation(
            "children",
            category,
            "categories",
            "parent",
            OnDelete::Cascade,
        ),
        relation("products", product, "products", "parent", OnDelete::Protect),
    ],
);
static PRODUCT: ModelMeta = model("Product", "products", &[]);
// Owner <- Item (CASCADE) <- Lock (PROTECT).
static OWNER: ModelMeta = model(
    "Owner",
    "owners",
    &[relation(
        "items",
        item,
        "items",
        "parent",
        OnDelete::Cascade,
    )],
);
static ITEM: ModelMeta = model(
    "Item",
    "items",
    &[relation(
        "locks",
        lock,
        "locks",
        "parent",
        OnDelete::Protect,
    )],
);
static LOCK: ModelMeta = model("Lock", "locks", &[]);
// Left <-> Right, each cascading to the other.
static LEFT: ModelMeta = model(
    "Left",
    "lefts",
    &[relation(
        "rights",
        right,
        "rights",
        "parent",
        OnDelete::Cascade,
    )],
);
static RIGHT: ModelMeta = model(
    "Right",
    "rights",
    &[relation(
        "lefts",
        left,
        "lefts",
        "parent",
        OnDelete::Cascade,
    )],
);

fn category() -> &'static ModelMeta {
    &CATEGORY
}
fn product() -> &'static ModelMeta {
    &PRODUCT
}
fn item() -> &'static ModelMeta {
    &ITEM
}
fn lock() -> &'static ModelMeta {
    &LOCK
}
fn left() -> &'static ModelMeta {
    &LEFT
}
fn right() -> &'static ModelMeta {
    &RIGHT
}

const TABLES: &[&str] = &[
    "CREATE TABLE categories (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES categories (id) ON DELETE CASCADE)",
    "CREATE TABLE products (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES categories (id) ON DELETE RESTRICT)",
    "CREATE TABLE owners (id INTEGER PRIMARY KEY, parent INTEGER)",
    "CREATE TABLE items (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES owners (id) ON DELETE CASCADE)",
    "CREATE TABLE locks (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES items (id) ON DELETE RESTRICT)",
    "INSERT INTO categories VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, NULL)",
    "INSERT INTO products VALUES (40, 4)",
    "INSERT INTO owners VALUES (1, NULL), (2, NULL)",
    "INSERT INTO items VALUES (10, 1), (11, 1), (20, 2)",
    "INSERT INTO locks VALUES (100, 11)",
];

/// The rows of `meta` whose primary key is `id`.
fn rows_with_id(meta: &'static ModelMeta, id: i64) -> Select {
    use crate::query::{CmpOp, ColumnRef, Cond};
    Select {
        table: meta.table,
        columns: meta.columns,
        text_columns: meta.text_columns,
        pk_column: meta.pk_column,
        meta_ordering: &[],
        fields: &[],
        source: Source::Table,
        filter: Some(Cond::Compare {
            column: ColumnRef {
                table: meta.table,
                name: meta.pk_column,
                nullable: false,
            },
            op: CmpOp::Eq,
            value: id.into(),
        }),
        ordering: None,
        limit: None,
        offset: 0,
        distinct: false,
        lock: None,
    }
}

/// Deletes row `id` of `meta` the way generated code does.
fn delete(db: &Db, meta: &'static ModelMeta, id: i64) -> Result<u64> {
    let rows = || Cow::Owned(rows_with_id(meta, id));
    delete_checked(db, "default", meta, rows, |db| {
        let sql = format!("DELETE FROM {} WHERE id = {id}", meta.table);
        db.execute(&sql, &[])
    })
}

fn count(db: &Db, table: &str) -> i64 {
    let row = db
        .fetch_one(&format!("SELECT COUNT(*) AS n FROM {table}"), &[])
        .unwrap()
        .unwrap();
    row.value("n").and_then(crate::Value::as_i64).unwrap()
}

fn check(db: &Db) {
    for statement in TABLES {
        db.execute(statement, &[]).unwrap();
    }

    // A lock on an item the owner's delete would cascade to.
    let error = delete(db, &OWNER, 1).unwrap_err();
    let Error::Protected { model, blockers } = &error else {
        panic!("expected Error::Protected, got {error}");
    };
    assert_eq!(*model, "Owner");
    assert_eq!(blockers.len(), 1);
    assert_eq!((blockers[0].model, blockers[0].target), ("Lock", "Item"));
    assert_eq!(blockers[0].keys, ["100"]);
    assert_eq!(
        error.to_string(),
        "cannot delete Owner: 1 Lock row points at Item through `parent` with on_delete = PROTECT \
         (id 100), rows the delete would cascade to; delete or reassign them first"
    );
    assert_eq!(count(db, "items"), 3);
    assert_eq!(delete(db, &OWNER, 2).unwrap(), 1);
    assert_eq!(count(db, "items"), 2);

    // A product three levels down the tree protects the root.
    let error = delete(db, &CATEGORY, 1).unwrap_err();
    let blockers = error.blockers().expect("Error::Protected");
    assert_eq!(blockers[0].model, "Product");
    assert_eq!(blockers[0].keys, ["40"]);
    assert_eq!(count(db, "categories"), 5);
    assert_eq!(delete(db, &CATEGORY, 5).unwrap(), 1);
    assert!(delete(db, &CATEGORY, 4).is_err());
    db.execute("DELETE FROM products", &[]).unwrap();
    assert_eq!(delete(db, &CATEGORY, 1).unwrap(), 1);
    assert_eq!(count(db, "categories"), 0);
}

#[test]
fn protect_is_found_through_cascades_and_trees() {
    let db = Db::connect("sqlite://:memory:").unwrap();
    check(&db);

    let Ok(url) = std::env::var("POOKIE_TEST_POSTGRES_URL") else {
        return;
    };
    let admin = Db::connect(&url).unwrap();
    let schema = format!("pookie_unit_delete_{}", std::process::id());
    admin
        .execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"), &[])
        .unwrap();
    admin
        .execute(&format!("CREATE SCHEMA {schema}"), &[])
        .unwrap();
    /// Drops the test's schema however the test ends.
    struct DropSchema(Db, String);
    impl Drop for DropSchema {
        fn drop(&mut self) {
            let _ = self
                .0
                .execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.1), &[]);
        }
    }
    let _cleanup = DropSchema(admin, schema.clone());
    let separator = if url.contains('?') { '&' } else { '?' };
    let db = Db::connect(&format!("{url}{separator}options=-csearch_path%3D{schema}")).unwrap();
    check(&db);
}

#[test]
fn the_static_walk_knows_which_models_need_the_check() {
    assert!(reaches(&OWNER, &[OnDelete::Protect], None));
    assert!(reaches(&CATEGORY, &[OnDelete::Protect], None));
    assert!(!reaches(&PRODUCT, &[OnDelete::Protect], None));
    // A cycle of cascades ends.
    assert!(!reaches(&LEFT, &[OnDelete::Protect], None));
    assert!(reaches(&LEFT, &[OnDelete::Cascade], None));
}
