mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, post, Post};

fn main() {
    let _ = Post::objects().only(author::name);
    let _ = Post::objects().defer((post::body, author::bio));
}
