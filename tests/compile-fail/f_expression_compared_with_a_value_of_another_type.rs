mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};
use pookie::F;

fn main() {
    let _ = Post::objects().filter(F(post::view_count).gt("many"));
    let _ = post::view_count.set_expr(F(post::title));
}
