//! Schemas built by hand, for tests that do not go through the parser.
#![allow(dead_code)]

use pookie_grammar::ir::{
    DefaultValue, Field, FieldKind, FieldOptions, FieldOrigin, Meta, Model, Module, OnDelete,
    OrderItem, Relation, Schema,
};

/// The implicit `id` primary key.
pub fn implicit_id() -> Field {
    Field {
        name: "id".into(),
        doc: None,
        kind: FieldKind::AutoField,
        options: FieldOptions {
            primary_key: true,
            ..FieldOptions::default()
        },
        origin: FieldOrigin::Implicit,
        comment: None,
    }
}

/// A declared field with default options.
pub fn field(name: &str, kind: FieldKind) -> Field {
    Field {
        name: name.into(),
        doc: None,
        kind,
        options: FieldOptions::default(),
        origin: FieldOrigin::Declared,
        comment: None,
    }
}

/// A declared field with the given options.
pub fn field_with(name: &str, kind: FieldKind, options: FieldOptions) -> Field {
    Field {
        options,
        ..field(name, kind)
    }
}

/// A concrete model with an implicit id before `fields`.
pub fn model(name: &str, doc: Option<&str>, fields: Vec<Field>, meta: Meta) -> Model {
    let mut all = vec![implicit_id()];
    all.extend(fields);
    Model {
        name: name.into(),
        doc: doc.map(Into::into),
        is_abstract: false,
        extends: None,
        fields: all,
        meta,
        comment: None,
    }
}

/// A one-module schema.
pub fn schema(module: &str, models: Vec<Model>) -> Schema {
    Schema {
        modules: vec![Module {
            name: module.into(),
            path: format!("schemas/{module}.pookie").into(),
            doc: None,
            enums: Vec::new(),
            models,
        }],
    }
}

/// `ForeignKey(to, on_delete = …)`.
pub fn fk(to: &str, on_delete: OnDelete) -> FieldKind {
    FieldKind::ForeignKey(Relation {
        to: to.into(),
        on_delete,
        related_name: None,
        to_field: None,
        on_update: Default::default(),
    })
}

/// `ordering = [...]`.
pub fn order(field: &str, descending: bool) -> OrderItem {
    OrderItem {
        field: field.into(),
        descending,
    }
}

/// schemas/blog.pookie, as the parser is specified to load it.
pub fn blog() -> Schema {
    let datetime = |auto_now, auto_now_add| FieldKind::DateTimeField {
        auto_now,
        auto_now_add,
    };
    let unique = FieldOptions {
        unique: true,
        ..FieldOptions::default()
    };
    let nullable = FieldOptions {
        null: true,
        blank: true,
        ..FieldOptions::default()
    };
    let tag = model(
        "Tag",
        Some("A label that posts can carry."),
        vec![
            field_with(
                "name",
                FieldKind::CharField { max_length: 50 },
                unique.clone(),
            ),
            field_with(
                "slug",
                FieldKind::SlugField { max_length: 100 },
                unique.clone(),
            ),
        ],
        Meta {
            db_table: Some("tags".into()),
            ordering: vec![order("name", false)],
            ..Meta::default()
        },
    );
    let mut bio = field_with("bio", FieldKind::TextField, nullable.clone());
    bio.doc = Some("A few words about the author, shown on their page.".into());
    let author = model(
        "Author",
        Some("Someone who writes posts."),
        vec![
            field("name", FieldKind::CharField { max_length: 100 }),
            field_with(
                "email",
                FieldKind::EmailField { max_length: 254 },
                unique.clone(),
            ),
            bio,
            field_with(
                "website",
                FieldKind::URLField { max_length: 2048 },
                nullable,
            ),
            field_with(
                "is_active",
                FieldKind::BooleanField,
                FieldOptions {
                    default: Some(DefaultValue::Bool(true)),
                    ..FieldOptions::default()
                },
            ),
            field("joined", datetime(false, true)),
        ],
        Meta {
            db_table: Some("authors".into()),
            ordering: vec![order("joined", true)],
            ..Meta::default()
        },
    );
    let post = model(
        "Post",
        Some("An article on the blog."),
        vec![
            field("title", FieldKind::CharField { max_length: 200 }),
            field_with("slug", FieldKind::SlugField { max_length: 100 }, unique),
            field("body", FieldKind::TextField),
            field(
                "author",
                FieldKind::ForeignKey(Relation {
                    to: "Author".into(),
                    on_delete: OnDelete::Cascade,
                    related_name: Some("posts".into()),
                    to_field: None,
                    on_update: Default::default(),
                }),
            ),
            field_with(
                "published",
                FieldKind::BooleanField,
                FieldOptions {
                    default: Some(DefaultValue::Bool(false)),
                    ..FieldOptions::default()
                },
            ),
            field_with(
                "view_count",
                FieldKind::IntegerField,
                FieldOptions {
                    default: Some(DefaultValue::Int(0)),
                    help_text: Some("How many times the post was read.".into()),
                    ..FieldOptions::default()
                },
            ),
            field("created_at", datetime(false, true)),
            field("updated_at", datetime(true, false)),
        ],
        Meta {
            db_table: Some("posts".into()),
            ordering: vec![order("created_at", true)],
            unique_together: vec![vec!["author".into(), "slug".into()]],
            ..Meta::default()
        },
    );
    let mut schema = schema("blog", vec![tag, author, post]);
    schema.modules[0].doc =
        Some("The PookieDB blog: authors write posts, posts carry tags.".into());
    schema
}
