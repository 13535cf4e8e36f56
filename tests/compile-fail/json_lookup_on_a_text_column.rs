mod lookups {
    pookie::include_models!("lookups");
}

use lookups::{event, Event};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Event::objects().filter(event::name.key("type").eq("click")).all(&db);
    let _ = Event::objects().filter(event::name.has_key("type")).all(&db);
}
