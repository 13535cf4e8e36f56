mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};
use pookie::{RowNumber, Window};

// SQL computes window functions after WHERE: a window cannot be compared in a filter.
fn main() {
    let by_views = Window::new().order_by([post::view_count.desc()]);
    let _ = Post::objects().filter(RowNumber().over(by_views).lte(3));
}
