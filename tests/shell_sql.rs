//! The shell's dynamic query path writes the very SQL of the typed API: the
//! same queries, spelled both ways on the generated blog models and on the
//! models `pookie shell` builds from the schema at run time, log the same
//! statements (`pookie::sql` events), byte for byte, on both backends.
//! A binary of its own: it installs a global `tracing` subscriber.

#[macro_use]
#[allow(unused_macros)]
mod support;
#[allow(dead_code)]
#[path = "../src/commands/shell/spec.rs"]
mod spec;

use std::sync::{Mutex, OnceLock};

use pookie::dynamic::{Aggregate, AggregateFunc, DynQuerySet, DynSchema, Literal};
use pookie::{Db, Sum};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, post, tag, Author, Post};

/// The statements logged since the last call.
fn logged() -> Vec<String> {
    std::mem::take(&mut *log().lock().unwrap())
}

fn log() -> &'static Mutex<Vec<String>> {
    static LOG: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    LOG.get_or_init(|| Mutex::new(Vec::new()))
}

fn install() {
    use tracing_subscriber::layer::SubscriberExt;
    struct Capture;
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            struct Message(Option<String>);
            impl tracing::field::Visit for Message {
                fn record_debug(
                    &mut self,
                    field: &tracing::field::Field,
                    value: &dyn std::fmt::Debug,
                ) {
                    if field.name() == "message" {
                        self.0 = Some(format!("{value:?}"));
                    }
                }
            }
            if event.metadata().target() != "pookie::sql"
                || *event.metadata().level() != tracing::Level::INFO
            {
                return;
            }
            let mut message = Message(None);
            event.record(&mut message);
            log().lock().unwrap().extend(message.0);
        }
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture));
    });
}

fn schema() -> DynSchema {
    static SCHEMA: OnceLock<DynSchema> = OnceLock::new();
    *SCHEMA.get_or_init(|| {
        let ir = pookie_grammar::load_files(&["schemas/blog.pookie"]).unwrap();
        let shapes = pookie_codegen::describe::describe(&ir).unwrap();
        DynSchema::new(shapes.into_iter().map(spec::spec).collect()).unwrap()
    })
}

fn text(value: &str) -> Literal {
    Literal::Text(value.to_owned())
}

/// Runs `typed` then `dynamic`, and checks they logged the same statements.
fn same_sql(
    name: &str,
    typed: impl FnOnce() -> pookie::Result<()>,
    dynamic: impl FnOnce() -> pookie::Result<()>,
) {
    logged();
    typed().unwrap();
    let typed_sql = logged();
    dynamic().unwrap();
    let dynamic_sql = logged();
    assert!(!typed_sql.is_empty(), "{name}: nothing was logged");
    assert_eq!(typed_sql, dynamic_sql, "{name}");
}

fn compare(db: &Db) {
    let schema = schema();
    let authors = || DynQuerySet::new(schema.model("Author").unwrap());
    let posts = || DynQuerySet::new(schema.model("Post").unwrap());
    let a = schema.model("Author").unwrap();
    let p = schema.model("Post").unwrap();
    same_sql(
        "filter, order_by, slice",
        || {
            Author::objects()
                .filter(author::name.icontains("grace"))
                .order_by([author::joined.desc()])
                .slice(..5)
                .all(db)
                .map(drop)
        },
        || {
            authors()
                .filter(a.q("name__icontains", text("grace"))?)
                .order_by(&["-joined"])?
                .slice(0, Some(5))
                .all(db)
                .map(drop)
        },
    );
    same_sql(
        "count",
        || {
            Post::objects()
                .filter(post::published.eq(true))
                .count(db)
                .map(drop)
        },
        || {
            posts()
                .filter(p.q("published", Literal::Bool(true))?)
                .count(db)
                .map(drop)
        },
    );
    same_sql(
        "a lookup across a foreign key, Q objects, exclude",
        || {
            Post::objects()
                .filter(post::author.is(author::name.eq("Grace")) | !post::view_count.gt(10))
                .exclude(post::title.startswith("Draft"))
                .all(db)
                .map(drop)
        },
        || {
            posts()
                .filter(
                    p.q("author__name", text("Grace"))?
                        | !p.q("view_count__gt", Literal::Int(10))?,
                )
                .exclude(p.q("title__startswith", text("Draft"))?)
                .all(db)
                .map(drop)
        },
    );
    same_sql(
        "reverse and many-to-many relations",
        || {
            Author::objects()
                .filter(author::posts.some(post::tags.some(tag::slug.eq("rust"))))
                .exists(db)
                .map(drop)
        },
        || {
            authors()
                .filter(a.q("posts__tags__slug", text("rust"))?)
                .exists(db)
                .map(drop)
        },
    );
    same_sql(
        "values and aggregate",
        || {
            Author::objects()
                .values((author::name, author::email))
                .all(db)?;
            Post::objects()
                .aggregate(db, Sum(post::view_count))
                .map(drop)
        },
        || {
            authors().values(db, &["name", "email"])?;
            posts()
                .aggregate(
                    db,
                    &[Aggregate {
                        name: "total".into(),
                        func: AggregateFunc::Sum,
                        field: "view_count".into(),
                        distinct: false,
                    }],
                )
                .map(drop)
        },
    );
    // The typed create validates first (its own queries); the INSERT is the same.
    logged();
    Author::objects()
        .create(
            db,
            blog::NewAuthor::new()
                .name("Grace")
                .email("grace@example.com"),
        )
        .unwrap();
    let typed_insert: Vec<String> = logged()
        .into_iter()
        .filter(|s| s.starts_with("INSERT"))
        .collect();
    authors()
        .create(
            db,
            &[
                ("name".into(), text("Ada")),
                ("email".into(), text("ada@example.com")),
            ],
        )
        .unwrap();
    let dynamic_insert: Vec<String> = logged()
        .into_iter()
        .filter(|s| s.starts_with("INSERT"))
        .collect();
    assert_eq!(typed_insert.len(), 1);
    assert_eq!(typed_insert, dynamic_insert, "create");
    same_sql(
        "update and delete",
        || {
            Post::objects()
                .filter(post::view_count.lt(0))
                .update(db, [post::view_count.set(0)])?;
            Post::objects()
                .filter(post::view_count.lt(0))
                .delete(db)
                .map(drop)
        },
        || {
            posts()
                .filter(p.q("view_count__lt", Literal::Int(0))?)
                .update(db, &[("view_count".into(), Literal::Int(0))])?;
            posts()
                .filter(p.q("view_count__lt", Literal::Int(0))?)
                .delete(db)
                .map(drop)
        },
    );
}

#[test]
fn the_dynamic_path_writes_the_typed_sql_on_both_backends() {
    install();
    let sqlite = support::sqlite();
    blog::create_tables(&sqlite.db).unwrap();
    compare(&sqlite.db);
    if let Some(postgres) = support::postgres() {
        blog::create_tables(&postgres.db).unwrap();
        compare(&postgres.db);
    }
}

#[test]
fn the_run_time_metadata_is_the_generated_metadata() {
    let schema = schema();
    for meta in [
        &<Author as pookie::Model>::META,
        &<Post as pookie::Model>::META,
        &<blog::Tag as pookie::Model>::META,
    ] {
        let dynamic = schema.model(meta.name).unwrap().meta();
        assert_eq!(dynamic.table, meta.table);
        assert_eq!(dynamic.columns, meta.columns);
        assert_eq!(dynamic.pk_columns, meta.pk_columns);
        assert_eq!(dynamic.auto_pk, meta.auto_pk);
        assert_eq!(dynamic.ordering, meta.ordering);
        assert_eq!(dynamic.fields, meta.fields);
        assert_eq!(dynamic.verbose_name_plural, meta.verbose_name_plural);
        let relations = |m: &pookie::ModelMeta| -> Vec<String> {
            m.relations
                .iter()
                .map(|r| {
                    format!(
                        "{} {:?} {} {} {} {} {} {:?} {} {:?} -> {}",
                        r.name,
                        r.kind,
                        r.column,
                        r.column_index,
                        r.target_table,
                        r.target_column,
                        r.target_column_index,
                        r.through,
                        r.nullable,
                        r.on_delete,
                        (r.target)().name
                    )
                })
                .collect()
        };
        assert_eq!(relations(dynamic), relations(meta), "{}", meta.name);
    }
}
