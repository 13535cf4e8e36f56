mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Post::objects().filter(post::view_count.icontains("12")).all(&db);
}