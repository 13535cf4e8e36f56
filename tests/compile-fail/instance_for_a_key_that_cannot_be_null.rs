mod library {
    pookie::include_models!("library");
}
mod relations {
    pookie::include_models!("relations");
}

use relations::{NewRedemption, Voucher};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let voucher = Voucher::get(&db, 1).unwrap();
    // `Redemption.voucher` is NOT NULL and points at `Voucher.code`, which can
    // be NULL: the form takes the code, not a voucher that may have none.
    let _ = NewRedemption::new().voucher(&voucher);
}
