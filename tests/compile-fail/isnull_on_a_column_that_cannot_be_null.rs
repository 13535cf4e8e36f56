mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};

fn main() {
    let _ = Post::objects().filter(post::title.isnull(true));
}
