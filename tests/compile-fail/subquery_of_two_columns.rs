mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, post, Post};
use pookie::{OuterRef, Subquery};

// A subquery used as a value selects one column or expression, not a tuple.
fn main() {
    let _ = Subquery::new(
        Post::objects().values_list((post::title, post::slug)),
        OuterRef(author::id).eq(post::author_id),
    );
}
