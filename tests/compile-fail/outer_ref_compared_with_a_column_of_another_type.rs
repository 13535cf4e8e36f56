mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, post, Post};
use pookie::{Exists, OuterRef};

// An author's id is an integer: it cannot be compared with a post's title.
fn main() {
    let _ = Exists::new(Post::objects(), OuterRef(author::id).eq(post::title));
}
