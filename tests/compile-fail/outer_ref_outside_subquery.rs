mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, post, Post};
use pookie::OuterRef;

// An OuterRef names the row of an enclosing query: a query set with no
// enclosing query has none, so a condition with one is not a `Q`.
fn main() {
    let _ = Post::objects().filter(OuterRef(author::id).eq(post::author_id));
}
