mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Author};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Author::objects().filter(post::slug.eq("hello")).all(&db);
}