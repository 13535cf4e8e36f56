//! Every operation kind rendered and run on real databases with rows in them:
//! the schema after the up script, the rows kept, and the down script giving
//! back the schema and rows of before.

mod migrate_support;

use pookie_dialect::Dialect;
use pookie_grammar::ir::{CheckConstraint, DefaultValue, Index, IndexMethod};
use pookie_grammar::migration::{Backend, Operation};

use migrate_support::{field, model, Harness};

const BLOG: &str = r#"
enum Mood { Happy = "happy"  Sad = "sad" }
model Author {
    name = CharField(max_length = 100)
}
model Post {
    title  = CharField(max_length = 50)
    body   = TextField(null = true)
    author = ForeignKey(Author, on_delete = CASCADE)
}
model Tag {
    name = CharField(max_length = 20)
}
model Legacy {
    code = CharField(max_length = 5, primary_key = true)
    meta { managed = false  db_table = "legacy_things" }
}
"#;

const ROWS: &[&str] = &[
    "INSERT INTO authors (id, name) VALUES (1, 'Ada'), (2, 'Bob')",
    "INSERT INTO posts (id, title, body, author_id) VALUES \
     (1, 'Hello', NULL, 1), (2, 'World', 'text', 2), (3, 'Again', NULL, 1)",
    "INSERT INTO tags (id, name) VALUES (1, 'rust'), (2, 'sql')",
];

fn s(text: &str) -> String {
    text.to_owned()
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(v.to_string())).collect()
}

/// Runs `operations` up, checks with `check_up`, runs them down and checks that
/// the schema and rows are those of before, except the tables `changed_rows`
/// names, whose rows `check_down` checks.
fn round_trip(
    dialect: Dialect,
    operations: Vec<Operation>,
    check_up: impl FnOnce(&mut Harness),
) -> Option<Harness> {
    let mut h = Harness::new(dialect, BLOG, ROWS)?;
    let schema = h.schema();
    let rows = h.all_rows();
    let state = h.state.clone();
    h.up(&operations);
    check_up(&mut h);
    h.down(state);
    assert_eq!(h.schema(), schema, "the down script gives the schema back");
    assert_eq!(h.all_rows(), rows, "the down script gives the rows back");
    Some(h)
}

fn column_line(h: &mut Harness, table: &str, column: &str) -> String {
    let schema = h.schema();
    schema[table]
        .iter()
        .find(|line| line.starts_with(&format!("column {column} ")))
        .unwrap_or_else(|| panic!("no column {column} in {table}: {:#?}", schema[table]))
        .clone()
}

fn has_line(h: &mut Harness, table: &str, needle: &str) -> bool {
    h.schema()
        .get(table)
        .is_some_and(|lines| lines.iter().any(|line| line.contains(needle)))
}

on_both_backends! {
    fn add_not_null_field_with_once_default(dialect) {
        let views = field(BLOG, "views = IntegerField()");
        round_trip(dialect, vec![Operation::AddField {
            model: s("Post"),
            field: views,
            once_default: Some(DefaultValue::Int(7)),
        }], |h| {
            let line = column_line(h, "posts", "views");
            match h.dialect {
                Dialect::Sqlite => assert!(line.contains("notnull=1 default=NULL"), "{line}"),
                Dialect::Postgres => assert!(line.contains("nullable=NO default=NULL"), "{line}"),
            }
            assert_eq!(h.select("posts", &[s("id"), s("views")]), [
                some(&["1", "7"]), some(&["2", "7"]), some(&["3", "7"]),
            ]);
            assert!(h.exec("INSERT INTO posts (title, author_id) VALUES ('x', 1)").is_err(),
                "the fill value is not kept as a default");
        });
    }

    fn add_field_with_default_and_nullable_foreign_key(dialect) {
        let rating = field(BLOG, "rating = IntegerField(default = 3)");
        let editor = field(BLOG, "editor = ForeignKey(Author, null = true, on_delete = SET_NULL)");
        let Some(h) = round_trip(dialect, vec![
            Operation::AddField { model: s("Post"), field: rating, once_default: None },
            Operation::AddField { model: s("Post"), field: editor, once_default: None },
        ], |h| {
            assert_eq!(h.select("posts", &[s("rating"), s("editor_id")]), [
                vec![Some(s("3")), None], vec![Some(s("3")), None], vec![Some(s("3")), None],
            ]);
            h.exec("UPDATE posts SET editor_id = 2 WHERE id = 1").unwrap();
            assert!(h.exec("UPDATE posts SET editor_id = 99 WHERE id = 1").is_err());
            h.exec("DELETE FROM authors WHERE id = 2").unwrap();
            assert_eq!(h.select("posts", &[s("id"), s("editor_id")])[0], vec![Some(s("1")), None]);
            h.exec("INSERT INTO authors (id, name) VALUES (2, 'Bob')").unwrap();
            h.exec("INSERT INTO posts (id, title, body, author_id) VALUES (2, 'World', 'text', 2)").unwrap();
        }) else { return };
        // SQLite added both columns without rebuilding.
        if dialect == Dialect::Sqlite {
            assert!(!h.rendered.is_some_and(|r| r.up.rebuilds_tables));
        }
    }

    fn remove_fields(dialect) {
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        let state = h.state.clone();
        let schema = h.schema();
        h.up(&[
            Operation::RemoveField { model: s("Post"), name: s("body") },
            Operation::RemoveField { model: s("Post"), name: s("title") },
        ]);
        assert!(!has_line(&mut h, "posts", "column body "));
        assert!(!has_line(&mut h, "posts", "column title "));
        assert_eq!(h.select("posts", &[s("id"), s("author_id")]), [
            some(&["1", "1"]), some(&["2", "2"]), some(&["3", "1"]),
        ]);
        h.down(state);
        // The columns come back (at the end), their data does not: the
        // nullable body is NULL, the NOT NULL title is refilled with "".
        let mut expected: Vec<String> = schema["posts"].clone();
        let mut got = h.schema()["posts"].clone();
        expected.sort();
        got.sort();
        if dialect == Dialect::Postgres {
            assert_eq!(got, expected);
        } else {
            let names = |lines: &[String]| -> Vec<String> {
                lines.iter().map(|l| l.split(" pk=").next().unwrap().split(" notnull").next().unwrap().to_owned()).collect()
            };
            assert_eq!(names(&got), names(&expected));
        }
        assert_eq!(h.select("posts", &[s("id"), s("title"), s("body")]), [
            vec![Some(s("1")), Some(s("")), None],
            vec![Some(s("2")), Some(s("")), None],
            vec![Some(s("3")), Some(s("")), None],
        ]);
    }

    fn alter_field_max_length(dialect) {
        let title = field(BLOG, "title = CharField(max_length = 200)");
        round_trip(dialect, vec![Operation::AlterField {
            model: s("Post"), field: title, once_default: None,
        }], |h| {
            let line = column_line(h, "posts", "title");
            assert!(line.contains("200"), "{line}");
            let long = "x".repeat(150);
            h.exec(&format!("INSERT INTO posts (id, title, author_id) VALUES (9, '{long}', 1)")).unwrap();
            h.exec("DELETE FROM posts WHERE id = 9").unwrap();
            if h.dialect == Dialect::Sqlite {
                assert!(h.rendered.as_ref().unwrap().up.rebuilds_tables);
            }
        });
    }

    fn alter_field_null_to_not_null_with_once_default(dialect) {
        let body = field(BLOG, "body = TextField()");
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        let state = h.state.clone();
        let schema = h.schema();
        h.up(&[Operation::AlterField {
            model: s("Post"), field: body, once_default: Some(DefaultValue::Str(s("empty"))),
        }]);
        let line = column_line(&mut h, "posts", "body");
        assert!(line.contains("notnull=1") || line.contains("nullable=NO"), "{line}");
        assert_eq!(h.select("posts", &[s("id"), s("body")]), [
            some(&["1", "empty"]), some(&["2", "text"]), some(&["3", "empty"]),
        ]);
        h.down(state);
        assert_eq!(h.schema(), schema);
        assert_eq!(h.select("posts", &[s("id"), s("body")]), [
            some(&["1", "empty"]), some(&["2", "text"]), some(&["3", "empty"]),
        ]);
    }

    fn alter_field_type_unique_and_index(dialect) {
        let name = field(BLOG, "name = CharField(max_length = 30, unique = true)");
        let title = field(BLOG, "title = CharField(max_length = 50, db_index = true)");
        let Some(h) = round_trip(dialect, vec![
            Operation::AlterField { model: s("Tag"), field: name, once_default: None },
            Operation::AlterField { model: s("Post"), field: title, once_default: None },
        ], |h| {
            assert!(h.exec("INSERT INTO tags (name) VALUES ('rust')").is_err(), "unique");
            assert!(has_line(h, "posts", "posts_title_idx"));
        }) else { return };
        let _ = h;
    }

    fn alter_field_integer_to_big_and_float(dialect) {
        let schema = "model Score {\n    points = IntegerField()\n    ratio = FloatField()\n}\n";
        let Some(mut h) = Harness::new(dialect, schema, &[
            "INSERT INTO scores (id, points, ratio) VALUES (1, 10, 2.0), (2, 20, 3.0)",
        ]) else { return };
        let state = h.state.clone();
        let rows = h.all_rows();
        h.up(&[
            Operation::AlterField {
                model: s("Score"), field: field(schema, "points = BigIntegerField()"), once_default: None,
            },
            Operation::AlterField {
                model: s("Score"), field: field(schema, "ratio = IntegerField()"), once_default: None,
            },
        ]);
        assert_eq!(h.select("scores", &[s("points"), s("ratio")]), [some(&["10", "2"]), some(&["20", "3"])]);
        let line = column_line(&mut h, "scores", "points");
        assert!(line.contains("BIGINT") || line.contains("bigint"), "{line}");
        h.exec("INSERT INTO scores (id, points, ratio) VALUES (3, 9000000000, 1)").unwrap();
        h.exec("DELETE FROM scores WHERE id = 3").unwrap();
        h.down(state);
        let back = h.all_rows();
        // 2.0 comes back as 2 from an integer, which REAL / DOUBLE show as 2.0 / 2.
        assert_eq!(back.keys().collect::<Vec<_>>(), rows.keys().collect::<Vec<_>>());
        assert_eq!(h.select("scores", &[s("points")]), [some(&["10"]), some(&["20"])]);
    }

    fn rename_fields(dialect) {
        round_trip(dialect, vec![
            Operation::RenameField { model: s("Post"), old: s("title"), new: s("headline") },
            Operation::RenameField { model: s("Post"), old: s("author"), new: s("writer") },
        ], |h| {
            assert!(has_line(h, "posts", "column headline "));
            assert!(has_line(h, "posts", "column writer_id "));
            assert_eq!(h.select("posts", &[s("id"), s("headline"), s("writer_id")]), [
                some(&["1", "Hello", "1"]), some(&["2", "World", "2"]), some(&["3", "Again", "1"]),
            ]);
            if h.dialect == Dialect::Postgres {
                assert!(has_line(h, "posts", "constraint posts_writer_id_fkey FOREIGN KEY (writer_id)"));
            }
            assert!(h.exec("INSERT INTO posts (headline, writer_id) VALUES ('x', 99)").is_err());
        });
    }

    fn rename_model_keeps_foreign_keys_working(dialect) {
        let tags = field(BLOG, "tags = ManyToManyField(Tag)");
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        h.up(&[Operation::AddField { model: s("Post"), field: tags, once_default: None }]);
        h.exec("INSERT INTO posts_tags (posts_id, tags_id) VALUES (1, 1), (2, 2)").unwrap();
        let state = h.state.clone();
        let schema = h.schema();
        let rows = h.all_rows();
        h.up(&[
            Operation::RenameModel { old: s("Author"), new: s("Writer") },
            Operation::RenameModel { old: s("Tag"), new: s("Label") },
        ]);
        let tables: Vec<String> = h.schema().keys().cloned().collect();
        assert_eq!(tables, ["labels", "posts", "posts_labels", "writers"]);
        assert_eq!(h.select("posts_labels", &[s("posts_id"), s("labels_id")]), [
            some(&["1", "1"]), some(&["2", "2"]),
        ]);
        if dialect == Dialect::Sqlite {
            assert!(has_line(&mut h, "posts", "foreign key author_id -> writers(id) on delete CASCADE"));
        } else {
            assert!(has_line(&mut h, "posts", "REFERENCES writers(id) ON DELETE CASCADE"));
            assert!(has_line(&mut h, "writers", "constraint writers_pkey"));
            assert!(has_line(&mut h, "posts_labels", "constraint posts_labels_labels_id_fkey"));
        }
        assert!(has_line(&mut h, "posts_labels", "posts_labels_labels_id_idx"));
        assert!(h.exec("INSERT INTO posts (title, author_id) VALUES ('x', 99)").is_err());
        h.exec("DELETE FROM writers WHERE id = 2").unwrap();
        assert_eq!(h.select("posts", &[s("id")]), [some(&["1"]), some(&["3"])]);
        assert_eq!(h.select("posts_labels", &[s("posts_id")]), [some(&["1"])]);
        h.exec("INSERT INTO writers (id, name) VALUES (2, 'Bob')").unwrap();
        h.exec("INSERT INTO posts (id, title, body, author_id) VALUES (2, 'World', 'text', 2)").unwrap();
        h.exec("INSERT INTO posts_labels (posts_id, labels_id) VALUES (2, 2)").unwrap();
        h.down(state);
        assert_eq!(h.schema(), schema);
        assert_eq!(h.all_rows(), rows);
    }

    fn many_to_many_added_and_removed(dialect) {
        let tags = field(BLOG, "tags = ManyToManyField(Tag)");
        let Some(mut h) = round_trip(dialect, vec![
            Operation::AddField { model: s("Post"), field: tags.clone(), once_default: None },
        ], |h| {
            assert!(h.schema().contains_key("posts_tags"));
            h.exec("INSERT INTO posts_tags (posts_id, tags_id) VALUES (1, 1)").unwrap();
            assert!(h.exec("INSERT INTO posts_tags (posts_id, tags_id) VALUES (1, 99)").is_err());
        }) else { return };
        assert!(!h.schema().contains_key("posts_tags"));
        // Removing it drops the join table; undoing that makes it again, empty.
        h.up(&[Operation::AddField { model: s("Post"), field: tags, once_default: None }]);
        h.exec("INSERT INTO posts_tags (posts_id, tags_id) VALUES (1, 1)").unwrap();
        let state = h.state.clone();
        let schema = h.schema();
        h.up(&[Operation::RemoveField { model: s("Post"), name: s("tags") }]);
        assert!(!h.schema().contains_key("posts_tags"));
        h.down(state);
        assert_eq!(h.schema(), schema);
        assert!(h.rows("posts_tags").is_empty());
    }

    fn add_and_remove_index(dialect) {
        let index = Index {
            fields: vec![s("title"), s("author")],
            unique: false,
            name: Some(s("posts_title_author_idx")),
            condition: None,
            method: Default::default(),
        };
        let Some(mut h) = round_trip(dialect, vec![
            Operation::AddIndex { model: s("Post"), index: index.clone() },
        ], |h| {
            assert!(has_line(h, "posts", "posts_title_author_idx"));
        }) else { return };
        h.up(&[Operation::AddIndex { model: s("Post"), index }]);
        let state = h.state.clone();
        let schema = h.schema();
        h.up(&[Operation::RemoveIndex { model: s("Post"), name: s("posts_title_author_idx") }]);
        assert!(!has_line(&mut h, "posts", "posts_title_author_idx"));
        h.down(state);
        assert_eq!(h.schema(), schema);
    }

    fn alter_foreign_key_on_update(dialect) {
        let author = field(BLOG, "author = ForeignKey(Author, on_delete = CASCADE, on_update = CASCADE)");
        let Some(mut h) = round_trip(dialect, vec![Operation::AlterField {
            model: s("Post"), field: author, once_default: None,
        }], |h| {
            assert!(
                has_line(h, "posts", "on update CASCADE") || has_line(h, "posts", "ON UPDATE CASCADE"),
                "{:#?}", h.schema()["posts"]
            );
            // A changed author key follows into the posts, and back.
            h.exec("UPDATE authors SET id = 10 WHERE id = 1").unwrap();
            assert_eq!(h.select("posts", &[s("id"), s("author_id")]), [
                some(&["1", "10"]), some(&["2", "2"]), some(&["3", "10"]),
            ]);
            h.exec("UPDATE authors SET id = 1 WHERE id = 10").unwrap();
            if h.dialect == Dialect::Sqlite {
                assert!(h.rendered.as_ref().unwrap().up.rebuilds_tables);
            }
        }) else { return };
        // After the down script, a referenced key cannot change again.
        assert!(h.exec("UPDATE authors SET id = 10 WHERE id = 1").is_err());
    }

    fn change_an_index_method(dialect) {
        let btree = Index {
            fields: vec![s("title")],
            unique: false,
            name: Some(s("posts_title_lookup")),
            condition: None,
            method: IndexMethod::Btree,
        };
        let hash = Index { method: IndexMethod::Hash, ..btree.clone() };
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        h.up(&[Operation::AddIndex { model: s("Post"), index: btree }]);
        let state = h.state.clone();
        let schema = h.schema();
        // What makemigrations writes for a changed method: the index again.
        h.up(&[
            Operation::RemoveIndex { model: s("Post"), name: s("posts_title_lookup") },
            Operation::AddIndex { model: s("Post"), index: hash },
        ]);
        match h.dialect {
            Dialect::Postgres => assert!(has_line(&mut h, "posts", "posts_title_lookup hash (title)"), "{:#?}", h.schema()["posts"]),
            // SQLite has B-tree indexes only: the same index again.
            Dialect::Sqlite => assert_eq!(h.schema(), schema),
        }
        h.down(state);
        assert_eq!(h.schema(), schema);
    }

    fn unique_together(dialect) {
        round_trip(dialect, vec![Operation::AlterUniqueTogether {
            model: s("Post"),
            unique_together: vec![vec![s("author"), s("title")]],
        }], |h| {
            assert!(h.exec("INSERT INTO posts (title, author_id) VALUES ('Hello', 1)").is_err());
            h.exec("INSERT INTO posts (id, title, author_id) VALUES (8, 'Hello', 2)").unwrap();
            h.exec("DELETE FROM posts WHERE id = 8").unwrap();
            if h.dialect == Dialect::Postgres {
                assert!(has_line(h, "posts", "constraint posts_author_id_title_key UNIQUE (author_id, title)"));
            }
        });
    }

    fn check_constraint(dialect) {
        let check = CheckConstraint { check: s("length(title) > 1"), name: Some(s("posts_title_check")) };
        let Some(mut h) = round_trip(dialect, vec![Operation::AddConstraint {
            model: s("Post"), constraint: check.clone(),
        }], |h| {
            assert!(h.exec("INSERT INTO posts (title, author_id) VALUES ('x', 1)").is_err());
        }) else { return };
        h.up(&[Operation::AddConstraint { model: s("Post"), constraint: check }]);
        let state = h.state.clone();
        let schema = h.schema();
        h.up(&[Operation::RemoveConstraint { model: s("Post"), name: s("posts_title_check") }]);
        h.exec("INSERT INTO posts (id, title, author_id) VALUES (7, 'x', 1)").unwrap();
        h.exec("DELETE FROM posts WHERE id = 7").unwrap();
        h.down(state);
        assert_eq!(h.schema(), schema);
    }

    fn create_and_delete_models(dialect) {
        let comment = model(BLOG, "model Comment {\n    post = ForeignKey(Post, on_delete = CASCADE)\n    text = TextField()\n    tags = ManyToManyField(Tag)\n}", "Comment");
        let Some(mut h) = round_trip(dialect, vec![Operation::CreateModel { model: comment }], |h| {
            h.exec("INSERT INTO comments (id, post_id, text) VALUES (1, 1, 'hi')").unwrap();
            h.exec("INSERT INTO comments_tags (comments_id, tags_id) VALUES (1, 1)").unwrap();
            h.exec("DELETE FROM comments_tags").unwrap();
            h.exec("DELETE FROM comments").unwrap();
        }) else { return };
        let state = h.state.clone();
        let schema = h.schema();
        h.up(&[Operation::DeleteModel { name: s("Tag") }]);
        assert!(!h.schema().contains_key("tags"));
        h.down(state);
        assert_eq!(h.schema(), schema);
        assert!(h.rows("tags").is_empty());
    }

    fn alter_model_table(dialect) {
        round_trip(dialect, vec![Operation::AlterModelTable { model: s("Author"), table: Some(s("people")) }], |h| {
            assert!(h.schema().contains_key("people"));
            assert_eq!(h.rows("people").len(), 2);
            h.exec("DELETE FROM people WHERE id = 1").unwrap();
            assert_eq!(h.select("posts", &[s("id")]), [some(&["2"])]);
            h.exec("INSERT INTO people (id, name) VALUES (1, 'Ada')").unwrap();
            h.exec("INSERT INTO posts (id, title, author_id) VALUES (1, 'Hello', 1), (3, 'Again', 1)").unwrap();
        });
    }

    fn rebuilding_a_parent_keeps_cascading_children(dialect) {
        // On SQLite a changed column definition rebuilds `authors`, which
        // `posts` points at with ON DELETE CASCADE: the posts must survive.
        let name = field(BLOG, "name = CharField(max_length = 200, default = \"anonymous\")");
        round_trip(dialect, vec![Operation::AlterField { model: s("Author"), field: name, once_default: None }], |h| {
            if h.dialect == Dialect::Sqlite {
                assert!(h.rendered.as_ref().unwrap().up.rebuilds_tables);
                assert!(has_line(h, "posts", "foreign key author_id -> authors(id) on delete CASCADE"));
            }
            assert_eq!(h.rows("posts").len(), 3);
            h.exec("INSERT INTO authors (id) VALUES (3)").unwrap();
            assert_eq!(h.select("authors", &[s("name")])[0], some(&["Ada"]));
            h.exec("DELETE FROM authors WHERE id = 3").unwrap();
            // The foreign key still cascades.
            h.exec("DELETE FROM authors WHERE id = 2").unwrap();
            assert_eq!(h.rows("posts").len(), 2);
            h.exec("INSERT INTO authors (id, name) VALUES (2, 'Bob')").unwrap();
            h.exec("INSERT INTO posts (id, title, body, author_id) VALUES (2, 'World', 'text', 2)").unwrap();
        });
    }

    fn self_referencing_table_rebuilt(dialect) {
        let schema = "model Category {\n    name = CharField(max_length = 10)\n    parent = ForeignKey(self, null = true, on_delete = CASCADE)\n    meta { db_table = \"categories\" }\n}\n";
        let Some(mut h) = Harness::new(dialect, schema, &[
            "INSERT INTO categories (id, name, parent_id) VALUES (1, 'root', NULL), (2, 'child', 1), (3, 'leaf', 2)",
        ]) else { return };
        let state = h.state.clone();
        let before = h.schema();
        let rows = h.all_rows();
        h.up(&[
            Operation::AlterField {
                model: s("Category"),
                field: field(schema, "name = CharField(max_length = 40, db_column = \"label\")"),
                once_default: None,
            },
            Operation::AddField {
                model: s("Category"),
                field: field(schema, "slug = SlugField(unique = true, null = true)"),
                once_default: None,
            },
        ]);
        assert_eq!(h.select("categories", &[s("id"), s("label"), s("parent_id")]), [
            vec![Some(s("1")), Some(s("root")), None],
            vec![Some(s("2")), Some(s("child")), Some(s("1"))],
            vec![Some(s("3")), Some(s("leaf")), Some(s("2"))],
        ]);
        // The key keeps counting from the rows that were there (on SQLite:
        // the rows of the test were inserted with explicit keys, which a
        // PostgreSQL identity does not count).
        if dialect == Dialect::Sqlite {
            h.exec("INSERT INTO categories (label, parent_id) VALUES ('new', 3)").unwrap();
        } else {
            h.exec("INSERT INTO categories (id, label, parent_id) VALUES (4, 'new', 3)").unwrap();
        }
        assert_eq!(h.select("categories", &[s("id")]).last().unwrap(), &some(&["4"]));
        h.exec("UPDATE categories SET slug = 'a' WHERE id = 1").unwrap();
        assert!(h.exec("UPDATE categories SET slug = 'a' WHERE id = 2").is_err());
        h.exec("UPDATE categories SET slug = NULL WHERE id = 1").unwrap();
        // The self reference still cascades.
        h.exec("DELETE FROM categories WHERE id = 2").unwrap();
        assert_eq!(h.select("categories", &[s("id")]), [some(&["1"])]);
        h.exec("INSERT INTO categories (id, label, parent_id) VALUES (2, 'child', 1), (3, 'leaf', 2)").unwrap();
        h.down(state);
        assert_eq!(h.schema(), before);
        assert_eq!(h.all_rows(), rows);
    }

    fn db_column_change_renames_constraints(dialect) {
        let schema = "model Author {\n    name = CharField(max_length = 10)\n}\nmodel Book {\n    title = CharField(max_length = 10)\n    author = ForeignKey(Author, on_delete = CASCADE)\n    meta { unique_together = [[\"author\", \"title\"]] }\n}\n";
        let Some(mut h) = Harness::new(dialect, schema, &[
            "INSERT INTO authors (id, name) VALUES (1, 'Ada')",
            "INSERT INTO books (id, title, author_id) VALUES (1, 'One', 1), (2, 'Two', 1)",
        ]) else { return };
        let state = h.state.clone();
        let before = h.schema();
        let rows = h.all_rows();
        h.up(&[Operation::AlterField {
            model: s("Book"),
            field: field(schema, "author = ForeignKey(Author, on_delete = CASCADE, db_column = \"writer\")"),
            once_default: None,
        }]);
        assert_eq!(h.select("books", &[s("writer"), s("title")]), [some(&["1", "One"]), some(&["1", "Two"])]);
        assert!(h.exec("INSERT INTO books (title, writer) VALUES ('One', 1)").is_err());
        if dialect == Dialect::Postgres {
            assert!(has_line(&mut h, "books", "constraint books_writer_title_key UNIQUE (writer, title)"));
            assert!(has_line(&mut h, "books", "constraint books_writer_fkey FOREIGN KEY (writer)"));
        }
        h.down(state);
        assert_eq!(h.schema(), before);
        assert_eq!(h.all_rows(), rows);
    }

    fn add_one_to_one_field(dialect) {
        let profile = field(BLOG, "profile = OneToOneField(Tag, null = true, on_delete = SET_NULL)");
        round_trip(dialect, vec![Operation::AddField { model: s("Author"), field: profile, once_default: None }], |h| {
            h.exec("UPDATE authors SET profile_id = 1 WHERE id = 1").unwrap();
            assert!(h.exec("UPDATE authors SET profile_id = 1 WHERE id = 2").is_err());
            assert_eq!(h.rows("posts").len(), 3, "rebuilding authors kept the posts");
            h.exec("UPDATE authors SET profile_id = NULL").unwrap();
        });
    }

    fn retyped_key_retypes_the_references(dialect) {
        let fans = field(BLOG, "fans = ManyToManyField(Author, related_name = \"liked\")");
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        h.up(&[Operation::AddField { model: s("Post"), field: fans, once_default: None }]);
        h.exec("INSERT INTO posts_authors (posts_id, authors_id) VALUES (1, 2), (2, 1)").unwrap();
        let state = h.state.clone();
        let schema = h.schema();
        let rows = h.all_rows();
        h.up(&[Operation::AlterField {
            model: s("Author"),
            field: field(BLOG, "id = BigAutoField(primary_key = true)"),
            once_default: None,
        }]);
        // An SQLite auto key is INTEGER PRIMARY KEY whatever its size.
        let mut columns = vec![("posts", "author_id"), ("posts_authors", "authors_id")];
        if dialect == Dialect::Postgres {
            columns.push(("authors", "id"));
        }
        for (table, column) in columns {
            let line = column_line(&mut h, table, column);
            assert!(line.contains("BIGINT") || line.contains("bigint"), "{table}: {line}");
        }
        assert_eq!(h.all_rows(), rows);
        h.exec("DELETE FROM authors WHERE id = 2").unwrap();
        assert!(h.rows("posts_authors").iter().all(|row| row[0].as_deref() != Some("2")));
        assert_eq!(h.rows("posts").len(), 2);
        h.exec("INSERT INTO authors (id, name) VALUES (2, 'Bob')").unwrap();
        h.exec("INSERT INTO posts (id, title, body, author_id) VALUES (2, 'World', 'text', 2)").unwrap();
        h.exec("INSERT INTO posts_authors (posts_id, authors_id) VALUES (1, 2), (2, 1)").unwrap();
        h.down(state);
        assert_eq!(h.schema(), schema);
        assert_eq!(h.all_rows(), rows);
    }

    fn state_only_operations_render_nothing(dialect) {
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        let mood = h.state.enums[0].clone();
        let mut meta = h.state.model("Post").unwrap().meta.clone();
        meta.verbose_name = Some(s("article"));
        let code = field(BLOG, "code = CharField(max_length = 9, primary_key = true)");
        let operations = vec![
            Operation::AlterEnum { def: mood.clone() },
            Operation::DeleteEnum { name: s("Mood") },
            Operation::CreateEnum { def: mood },
            Operation::AlterModelOptions { model: s("Post"), meta },
            Operation::AlterField { model: s("Legacy"), field: code, once_default: None },
            Operation::AddField { model: s("Legacy"), field: field(BLOG, "note = TextField()"), once_default: None },
            Operation::RenameModel { old: s("Legacy"), new: s("Old") },
        ];
        let rendered = h.up(&operations).clone();
        assert!(rendered.up.steps.is_empty(), "{:#?}", rendered.up);
        assert!(rendered.down.unwrap().steps.is_empty());
    }

    fn code_steps(dialect) {
        let Some(mut h) = Harness::new(dialect, BLOG, ROWS) else { return };
        let operations = vec![
            Operation::RunSql {
                forward: s("UPDATE tags SET name = name || '!'; UPDATE tags SET name = upper(name)"),
                backward: Some(s("UPDATE tags SET name = lower(substr(name, 1, length(name) - 1))")),
                backend: None,
            },
            Operation::RunSql {
                forward: s("THIS IS NOT SQL"),
                backward: None,
                backend: Some(match dialect { Dialect::Sqlite => Backend::Postgres, Dialect::Postgres => Backend::Sqlite }),
            },
            Operation::RunRust { forward: s("backfill"), backward: Some(s("unfill")) },
        ];
        let state = h.state.clone();
        let rows = h.all_rows();
        h.up(&operations);
        assert_eq!(h.select("tags", &[s("name")]), [some(&["RUST!"]), some(&["SQL!"])]);
        h.down(state);
        assert_eq!(h.all_rows(), rows);
        assert_eq!(h.rust_calls, ["backfill", "unfill"]);

        let irreversible = pookie_codegen::migrate::render_migration(
            &h.state,
            &[Operation::RunRust { forward: s("backfill"), backward: None }],
            dialect,
        ).unwrap();
        let why = irreversible.down.unwrap_err();
        assert!(why.starts_with("operation 1 of 1: ") && why.contains("backfill") && why.contains("backward"), "{why}");
        let irreversible = pookie_codegen::migrate::render_migration(
            &h.state,
            &[Operation::RunSql { forward: s("SELECT 1"), backward: None, backend: None }],
            dialect,
        ).unwrap();
        assert!(irreversible.down.unwrap_err().contains("backward"));
    }
}

#[test]
fn an_operation_that_does_not_fit_the_state_is_an_error() {
    let state = migrate_support::state_of(BLOG);
    let error = pookie_codegen::migrate::render_migration(
        &state,
        &[Operation::RemoveField {
            model: s("Post"),
            name: s("nope"),
        }],
        Dialect::Sqlite,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("RemoveField: model `Post` has no field `nope`"),
        "{error}"
    );
}
