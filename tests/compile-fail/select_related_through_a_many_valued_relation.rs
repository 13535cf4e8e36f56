mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, post, Author, Post};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    // A reverse foreign key holds many rows: prefetch_related, not select_related.
    let _ = Author::objects().select_related(author::posts).all(&db);
    // So does a path through one, however it ends.
    let _ = Post::objects()
        .select_related(post::author.then(author::posts))
        .all(&db);
}
