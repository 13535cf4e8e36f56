//! The PookieDB blog on an SQLite file in the working directory.
//!
//! ```text
//! cargo run --example blog
//! ```
//!
//! It opens `blog.sqlite3`, applies the blog's migrations (embedded in the
//! program from `examples/blog/migrations` at build time; nothing to do on a
//! second run), starts from an empty blog (so it can run any number of
//! times), writes a few rows and runs a handful of queries.

use std::process::ExitCode;

use pookie::Db;

pub mod blog {
    pookie::include_models!("blog");
}

/// The blog's migrations, compiled into the program by `build.rs`. A crate with
/// one migrations folder writes `pookie::include_migrations!()`.
fn migrations() -> pookie::migrate::Migrations {
    pookie::migrate::Migrations::embedded(include!(concat!(
        env!("OUT_DIR"),
        "/blog/pookie_migrations.rs"
    )))
}

use blog::{author, post, tag, Author, NewAuthor, NewPost, NewTag, NewUserProfile, Post, Tag};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> pookie::Result<()> {
    let db = Db::connect("sqlite:///blog.sqlite3")?;
    for name in pookie::migrate(&db, &migrations())? {
        println!("Applied migration {name}");
    }

    // Start from an empty blog; deleting authors deletes their posts (CASCADE).
    let posts = Post::objects().count(&db)?;
    let authors = Author::objects().delete(&db)?;
    let tags = Tag::objects().delete(&db)?;
    println!("Opened blog.sqlite3; cleared an earlier run (authors: {authors}, posts: {posts}, tags: {tags})
");

    // `Author(name=…, email=…).save()`: an insert form saves itself.
    let grace = NewAuthor::new()
        .name("Grace Mutiibwa")
        .email("grace@blog.ug")
        .bio("Software engineer and ORM author.")
        .save(&db)?;
    let bob = NewAuthor::new()
        .name("Bob")
        .email("bob@blog.ug")
        .save(&db)?;
    NewUserProfile::new()
        .author(&grace)
        .avatar("https://blog.ug/grace.png")
        .save(&db)?;
    let mut tags = Vec::new();
    for (name, slug) in [("Python", "python"), ("ORM", "orm"), ("Rust", "rust")] {
        tags.push(NewTag::new().name(name).slug(slug).save(&db)?);
    }
    let [python, orm, rust] = [&tags[0], &tags[1], &tags[2]];

    let posts = [
        (
            &grace,
            "Introducing Pookie",
            "introducing-pookie",
            true,
            1520,
            vec![orm, rust],
        ),
        (
            &grace,
            "Typed queries in Rust",
            "typed-queries",
            true,
            310,
            vec![rust],
        ),
        (&grace, "Notes for next week", "notes", false, 0, vec![]),
        (
            &bob,
            "Bob's first post",
            "bob-first-post",
            true,
            42,
            vec![python],
        ),
    ];
    for (author, title, slug, published, views, tags) in posts {
        let post = Post::objects().create(
            &db,
            NewPost::new()
                .title(title)
                .slug(slug)
                .body(format!("{title}: the full text."))
                .author(author)
                .published(published)
                .view_count(views),
        )?;
        post.tags().set(&db, &tags)?;
    }
    println!(
        "Created {} authors, {} tags and {} posts\n",
        Author::objects().count(&db)?,
        Tag::objects().count(&db)?,
        Post::objects().count(&db)?
    );

    println!("Published posts, most read first (authors joined in the same query):");
    let published = Post::objects()
        .filter(post::published.eq(true))
        .order_by([post::view_count.desc()])
        .select_related(post::author)
        .all(&db)?;
    for post in &published {
        let author = post.author(&db)?;
        println!(
            "  {:<24} by {:<15} {:>5} views",
            post.title, author.name, post.view_count
        );
    }

    println!("\nAuthors with their posts and tags (three queries in all):");
    let authors = Author::objects()
        .order_by([author::name.asc()])
        .prefetch_related(author::posts.then(post::tags))
        .all(&db)?;
    for author in &authors {
        for post in author.posts().loaded().unwrap_or_default() {
            let tags: Vec<&str> = post
                .tags()
                .loaded()
                .unwrap_or_default()
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            println!("  {:<15} {:<24} {tags:?}", author.name, post.title);
        }
    }

    let rust_authors: Vec<String> = Author::objects()
        .filter(author::posts.some(post::tags.some(tag::slug.eq("rust"))))
        .all(&db)?
        .into_iter()
        .map(|a| a.name)
        .collect();
    println!("Authors with a post tagged rust: {rust_authors:?}");

    println!(
        "\nGrace has {} posts; {} are tagged rust; her avatar is {:?}",
        grace.posts().count(&db)?,
        rust.posts()
            .filter(post::author_id.eq(grace.id))
            .count(&db)?,
        grace.user_profile(&db)?.avatar.as_deref().unwrap_or("none")
    );

    let popular = Post::objects()
        .filter(post::view_count.gte(300))
        .count(&db)?;
    println!("\nPosts with at least 300 views: {popular}");

    let about_rust = Post::objects()
        .filter(post::title.icontains("RUST"))
        .all(&db)?;
    println!("Posts whose title mentions rust: {:?}", titles(&about_rust));

    let tags: Vec<String> = Tag::objects()
        .all(&db)?
        .into_iter()
        .map(|t| t.name)
        .collect();
    println!("Tags, in their default order: {tags:?}");

    let without_bio = Author::objects()
        .filter(author::bio.isnull(true))
        .all(&db)?;
    println!(
        "Authors without a bio: {:?}",
        without_bio.iter().map(|a| &a.name).collect::<Vec<_>>()
    );

    let drafts = Post::objects().exclude(post::published.eq(true));
    let made_public = drafts.update(&db, [post::published.set(true)])?;
    println!("\nPublished {made_public} draft(s) in one UPDATE");

    let mut intro = Post::objects().get(&db, post::slug.eq("introducing-pookie"))?;
    intro.view_count += 1;
    intro.save(&db)?;
    println!(
        "'{}' now has {} views",
        intro.title,
        Post::get(&db, intro.id)?.view_count
    );

    match Post::objects().get(&db, post::slug.eq("missing")) {
        Err(error) => println!("Looking up a missing post: {error}"),
        Ok(post) => println!("unexpectedly found {}", post.title),
    }

    let first_tag = Tag::objects()
        .filter(tag::slug.is_in(["orm", "rust"]))
        .first(&db)?;
    println!(
        "First of the orm/rust tags: {:?}",
        first_tag.map(|t| t.name)
    );

    bob.delete(&db)?;
    println!(
        "\nDeleted Bob and, by CASCADE, his posts: {} posts left",
        Post::objects().count(&db)?
    );
    Ok(())
}

fn titles(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.title.as_str()).collect()
}
