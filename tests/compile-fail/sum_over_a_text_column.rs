mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Post::objects().aggregate(&db, pookie::Sum(post::title));
}
