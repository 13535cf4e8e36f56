mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, Post};

fn main() {
    let _ = Post::objects().values_list(author::name);
}
