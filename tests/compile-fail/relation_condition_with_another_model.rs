mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, post, tag, Author, Post, Tag};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let rust: Tag = Tag::objects().get(&db, tag::slug.eq("rust")).unwrap();
    // `post::author` points at an Author: a Tag is not one.
    let _ = Post::objects().filter(post::author.eq(&rust)).all(&db);
    // A condition through the relation is on the related model's columns.
    let _ = Post::objects().filter(post::author.is(tag::name.eq("rust"))).all(&db);
    // A reverse relation's condition is on the rows pointing back.
    let _ = Author::objects().filter(author::posts.some(author::name.eq("Grace"))).all(&db);
}
