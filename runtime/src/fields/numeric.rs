//! Exact decimals: `rust_decimal::Decimal` (up to 28 significant digits) and
//! `bigdecimal::BigDecimal` (any precision), and PostgreSQL's binary NUMERIC
//! format, which no maintained crate provides for `BigDecimal`.
//!
//! Both types travel as plain decimal text ([`Param::Decimal`]): SQLite stores
//! that text as is (a TEXT-affinity column keeps every digit), and the codec
//! below turns it into NUMERIC and back for PostgreSQL. One codec serves both
//! types, so that a 65-digit value and a 5-digit one take the same path.

use std::borrow::Cow;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use bytes::{BufMut, BytesMut};
use postgres::types::{FromSql as PgFromSql, Type};
use rusqlite::types::ValueRef;
use rust_decimal::Decimal;

use crate::row::{postgres_get, sqlite_type_error, FromSql};
use crate::value::{Param, ToParam};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

const NUMERIC_POSITIVE: u16 = 0x0000;
const NUMERIC_NEGATIVE: u16 = 0x4000;

/// Writes the plain decimal `text` (`-12.50`) in PostgreSQL's binary NUMERIC
/// format: base-10000 digit groups aligned on the decimal point.
pub(crate) fn encode_numeric(text: &str, out: &mut BytesMut) -> Result<(), BoxError> {
    let invalid = || format!("`{text}` is not a plain decimal number");
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if (integer.is_empty() && fraction.is_empty())
        || !integer
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(invalid().into());
    }
    let integer = integer.trim_start_matches('0');
    let scale = u16::try_from(fraction.len()).map_err(|_| invalid())?;

    // Pad the integer part on the left and the fraction on the right to whole groups.
    let lead = (4 - integer.len() % 4) % 4;
    let integer_groups = (integer.len() + lead) / 4;
    let mut digits: Vec<i16> = Vec::with_capacity(integer_groups + fraction.len() / 4 + 1);
    let padded_integer = std::iter::repeat_n(b'0', lead).chain(integer.bytes());
    let trail = (4 - fraction.len() % 4) % 4;
    let padded_fraction = fraction.bytes().chain(std::iter::repeat_n(b'0', trail));
    let mut group = 0i16;
    for (i, byte) in padded_integer.chain(padded_fraction).enumerate() {
        group = group * 10 + i16::from(byte - b'0');
        if i % 4 == 3 {
            digits.push(group);
            group = 0;
        }
    }
    let mut weight = i32::try_from(integer_groups).map_err(|_| invalid())? - 1;
    let leading_zeros = digits.iter().take_while(|&&d| d == 0).count();
    digits.drain(..leading_zeros);
    weight -= i32::try_from(leading_zeros).map_err(|_| invalid())?;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        weight = 0;
    }
    let ndigits = i16::try_from(digits.len()).map_err(|_| invalid())?;
    let weight = i16::try_from(weight).map_err(|_| invalid())?;
    out.put_i16(ndigits);
    out.put_i16(weight);
    out.put_u16(if negative && !digits.is_empty() {
        NUMERIC_NEGATIVE
    } else {
        NUMERIC_POSITIVE
    });
    out.put_u16(scale);
    for digit in digits {
        out.put_i16(digit);
    }
    Ok(())
}

/// Reads PostgreSQL's binary NUMERIC format as plain decimal text, with as many
/// fractional digits as the value's scale.
pub(crate) fn decode_numeric(raw: &[u8]) -> Result<String, BoxError> {
    let read = |at: usize| -> Result<u16, BoxError> {
        raw.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated NUMERIC value".into())
    };
    let ndigits = read(0)? as i16;
    let weight = i32::from(read(2)? as i16);
    let sign = read(4)?;
    let scale = usize::from(read(6)?);
    match sign {
        NUMERIC_POSITIVE | NUMERIC_NEGATIVE => {}
        0xC000 => return Err("NaN cannot be read as an exact decimal".into()),
        _ => return Err("an infinite NUMERIC cannot be read as an exact decimal".into()),
    }
    let digits = (0..usize::try_from(ndigits).unwrap_or(0))
        .map(|i| read(8 + 2 * i).map(|d| d as i16))
        .collect::<Result<Vec<i16>, _>>()?;
    let digit = |index: i32| -> i16 {
        usize::try_from(index)
            .ok()
            .and_then(|i| digits.get(i))
            .copied()
            .unwrap_or(0)
    };
    let mut text =
        String::with_capacity(usize::try_from(weight.max(0) + 1).unwrap_or(0) * 4 + scale + 2);
    if sign == NUMERIC_NEGATIVE {
        text.push('-');
    }
    if weight < 0 {
        text.push('0');
    } else {
        text.push_str(&digit(0).to_string());
        for i in 1..=weight {
            text.push_str(&format!("{:04}", digit(i)));
        }
    }
    if scale > 0 {
        text.push('.');
        let start = text.len();
        let mut index = weight + 1;
        while text.len() - start < scale {
            text.push_str(&format!("{:04}", digit(index)));
            index += 1;
        }
        text.truncate(start + scale);
    }
    Ok(text)
}

/// A PostgreSQL NUMERIC (or integer) column read as decimal text.
pub(crate) struct PgNumeric(pub(crate) String);

impl<'a> PgFromSql<'a> for PgNumeric {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(PgNumeric(match *ty {
            Type::INT2 => i16::from_sql(ty, raw)?.to_string(),
            Type::INT4 => i32::from_sql(ty, raw)?.to_string(),
            Type::INT8 => i64::from_sql(ty, raw)?.to_string(),
            Type::TEXT | Type::VARCHAR => <&str>::from_sql(ty, raw)?.to_owned(),
            _ => decode_numeric(raw)?,
        }))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::NUMERIC | Type::INT2 | Type::INT4 | Type::INT8 | Type::TEXT | Type::VARCHAR
        )
    }
}

/// The text of an SQLite value holding a decimal: TEXT as stored, or a number
/// some other tool wrote.
fn sqlite_decimal_text(value: ValueRef<'_>) -> Result<Cow<'_, str>, String> {
    match value {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|error| format!("invalid UTF-8: {error}")),
        ValueRef::Integer(v) => Ok(Cow::Owned(v.to_string())),
        ValueRef::Real(v) => Ok(Cow::Owned(v.to_string())),
        other => Err(sqlite_type_error("a decimal", other)),
    }
}

macro_rules! decimal_type {
    ($ty:ty, $plain:expr, $what:literal) => {
        impl ToParam for $ty {
            fn to_param(&self) -> Param<'_> {
                Param::Decimal(Cow::Owned($plain(self)))
            }
        }

        impl From<$ty> for Param<'static> {
            fn from(value: $ty) -> Self {
                Param::Decimal(Cow::Owned($plain(&value)))
            }
        }

        impl FromSql for $ty {
            fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
                parse_decimal(&sqlite_decimal_text(value)?)
            }

            fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
                let PgNumeric(text) = postgres_get(row, index)?;
                parse_decimal(&text)
            }
        }

        impl DecimalText for $ty {
            fn parse_text(text: &str) -> Result<Self, String> {
                <$ty>::from_str(text)
                    .map_err(|error| format!("`{text}` does not fit {}: {error}", $what))
            }
        }
    };
}

/// Parses decimal text into one of the decimal types.
pub(crate) trait DecimalText: Sized {
    fn parse_text(text: &str) -> Result<Self, String>;
}

pub(crate) fn parse_decimal<T: DecimalText>(text: &str) -> Result<T, String> {
    T::parse_text(text.trim())
}

decimal_type!(
    Decimal,
    Decimal::to_string,
    "a rust_decimal::Decimal (28 digits at most)"
);
decimal_type!(BigDecimal, BigDecimal::to_plain_string, "a BigDecimal");

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let mut out = BytesMut::new();
        encode_numeric(text, &mut out).unwrap();
        decode_numeric(&out).unwrap()
    }

    #[test]
    fn numeric_binary_format_round_trips_exact_text() {
        for (input, output) in [
            ("0", "0"),
            ("0.00", "0.00"),
            ("-0.5", "-0.5"),
            ("1", "1"),
            ("10000", "10000"),
            ("123456789.000100", "123456789.000100"),
            ("0.00001234", "0.00001234"),
            (
                "-99999999999999999999999999999999999.999999999999999999999999999999",
                "-99999999999999999999999999999999999.999999999999999999999999999999",
            ),
            ("007.5", "7.5"),
            ("+3", "3"),
            (".25", "0.25"),
        ] {
            assert_eq!(round_trip(input), output, "{input}");
        }
    }

    #[test]
    fn numeric_groups_follow_postgres() {
        // 12345.678 is the groups 1, 2345, 6780 with weight 1 and scale 3.
        let mut out = BytesMut::new();
        encode_numeric("12345.678", &mut out).unwrap();
        assert_eq!(
            &out[..],
            &[0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1a, 0x7c]
        );
    }

    #[test]
    fn malformed_decimal_text_is_refused() {
        for text in ["", "-", "1e5", "1.2.3", "abc", "1 000"] {
            assert!(
                encode_numeric(text, &mut BytesMut::new()).is_err(),
                "{text}"
            );
        }
    }
}
