//! `Sum` and `Avg` of decimal columns on SQLite, exact: SQLite keeps decimals
//! as text and its own `SUM`/`AVG` would go through floats, so each
//! connection gets two aggregates that add the texts as `BigDecimal`s and
//! return decimal text (read back as `Decimal` or `BigDecimal`).

use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode};
use pookie_dialect::{SQLITE_DECIMAL_AVG_FUNCTION, SQLITE_DECIMAL_SUM_FUNCTION};
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;

/// The fractional digits of a mean that does not end, as PostgreSQL gives
/// at least 16 significant digits for `AVG` of NUMERIC.
const MEAN_SCALE: i64 = 16;

/// The running total of one group: the sum, how many values, and the
/// largest scale among them.
#[derive(Default)]
struct Total {
    sum: BigDecimal,
    count: u64,
    scale: i64,
}

/// `pookie_decimal_sum` (`mean: false`) or `pookie_decimal_avg` (`mean: true`).
struct DecimalAggregate {
    mean: bool,
}

fn value(context: &Context<'_>) -> rusqlite::Result<Option<BigDecimal>> {
    let invalid = |text: &str| {
        rusqlite::Error::UserFunctionError(
            format!("`{text}` in a decimal column is not a decimal number").into(),
        )
    };
    Ok(match context.get_raw(0) {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(BigDecimal::from(n)),
        ValueRef::Real(x) => {
            let text = x.to_string();
            Some(BigDecimal::from_str(&text).map_err(|_| invalid(&text))?)
        }
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            Some(BigDecimal::from_str(text.trim()).map_err(|_| invalid(&text))?)
        }
    })
}

impl Aggregate<Total, Option<String>> for DecimalAggregate {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Total> {
        Ok(Total::default())
    }

    fn step(&self, context: &mut Context<'_>, total: &mut Total) -> rusqlite::Result<()> {
        if let Some(value) = value(context)? {
            total.scale = total.scale.max(value.fractional_digit_count());
            total.sum += value;
            total.count += 1;
        }
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        total: Option<Total>,
    ) -> rusqlite::Result<Option<String>> {
        // As SQL's SUM and AVG: NULL over no (non-NULL) value.
        let Some(total) = total.filter(|total| total.count > 0) else {
            return Ok(None);
        };
        let result = if self.mean {
            let mean = total.sum / BigDecimal::from(total.count);
            mean.with_scale_round(total.scale.max(MEAN_SCALE), RoundingMode::HalfEven)
        } else {
            total.sum
        };
        Ok(Some(result.to_plain_string()))
    }
}

/// Registers both aggregates on `connection`.
pub(crate) fn register(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_aggregate_function(
        SQLITE_DECIMAL_SUM_FUNCTION,
        1,
        flags,
        DecimalAggregate { mean: false },
    )?;
    connection.create_aggregate_function(
        SQLITE_DECIMAL_AVG_FUNCTION,
        1,
        flags,
        DecimalAggregate { mean: true },
    )
}
