//! Keeping passwords out of every message: the connection strings a user
//! writes are shown with their passwords replaced by `***`, whatever their
//! form, even when they cannot be parsed.

/// The text of a connection string with every password replaced by `***`:
/// the password of a URL's user part (`postgresql://user:secret@host/db`,
/// found up to the last `@`, so that an unencoded `/`, `?` or `@` in it is
/// hidden too), and the value of any `password=` or `sslpassword=` setting in
/// a URL's query or in the keyword form (`host=h password='it''s'`).
pub(crate) fn redact(text: &str) -> String {
    redact_settings(&redact_user_part(text))
}

/// The passwords [`redact`] hides in `text`, to scrub them from messages
/// built out of a driver's errors about it.
pub(crate) fn passwords_in(text: &str) -> Vec<String> {
    let shown = redact(text);
    // What `redact` removed: walk both texts, collecting what `***` stands for.
    let mut secrets = Vec::new();
    let (mut original, mut redacted) = (text, shown.as_str());
    while let Some(star) = redacted.find("***") {
        let same = &redacted[..star];
        if !original.starts_with(same) {
            break;
        }
        original = &original[star..];
        redacted = &redacted[star + 3..];
        let next = redacted
            .find("***")
            .map_or(redacted, |next| &redacted[..next]);
        let end = if next.is_empty() {
            original.len()
        } else {
            match original.find(next) {
                Some(end) => end,
                None => break,
            }
        };
        secrets.push(original[..end].to_owned());
        original = &original[end..];
    }
    secrets
}

fn redact_user_part(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    // The password may hold any character, `/`, `?` and `@` included when the
    // user forgot to encode them: everything between the user's `:` and the
    // last `@` is hidden. A URL without a password has no `:` before its `@`.
    let Some(at) = rest.rfind('@') else {
        return text.to_owned();
    };
    let credentials = &rest[..at];
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

/// Hides the value of every `password=` setting (any case, `sslpassword`
/// too), quoted or not, in a query string or the keyword form.
fn redact_settings(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find("password") {
        let key_end = search + found + "password".len();
        search = key_end;
        let after_key = &text[key_end..];
        let trimmed = after_key.trim_start();
        let Some(value) = trimmed.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let value_start = text.len() - value.len();
        let value_end = value_start + value_length(value);
        out.push_str(&text[copied..value_start]);
        out.push_str("***");
        copied = value_end;
        search = value_end.max(search);
    }
    out.push_str(&text[copied..]);
    out
}

/// The length of a setting's value: up to the closing quote of a quoted one
/// (`\'` and `''` stay inside), else up to a space or `&`.
fn value_length(value: &str) -> usize {
    let bytes = value.as_bytes();
    if bytes.first() == Some(&b'\'') {
        let mut index = 1;
        while index < bytes.len() {
            match bytes[index] {
                b'\\' => index += 2,
                b'\'' if bytes.get(index + 1) == Some(&b'\'') => index += 2,
                b'\'' => return index + 1,
                _ => index += 1,
            }
        }
        return bytes.len();
    }
    value
        .find(|c: char| c.is_whitespace() || c == '&')
        .unwrap_or(value.len())
}

/// `message` with every occurrence of `secret` (and of its URL-encoded and
/// decoded forms) replaced by `***`: for messages built from a driver's
/// errors, which may quote what they could not parse.
pub(crate) fn scrub(message: &str, secrets: &[String]) -> String {
    let mut out = message.to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        for form in [
            secret.clone(),
            percent_decode(secret),
            percent_encode(secret),
        ] {
            if !form.is_empty() {
                out = out.replace(&form, "***");
            }
        }
    }
    out
}

pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            if let Some(byte) = text
                .get(index + 1..index + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(byte);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_password_is_hidden() {
        for (text, secret) in [
            (
                "postgresql://app:s3cret@db:5432/app?sslmode=require",
                "s3cret",
            ),
            ("postgresql://app:pa/ss?wo@rd@db/app", "pa/ss?wo@rd"),
            (
                "postgresql://app@db/app?password=s3cret&sslmode=disable",
                "s3cret",
            ),
            ("postgresql://app@db/app?PASSWORD=s3cret", "s3cret"),
            ("host=db user=app password=s3cret dbname=x", "s3cret"),
            ("host=db password = 's3 cr\\'et' dbname=x", "s3 cr\\'et"),
            ("host=db password='it''s' dbname=x", "it''s"),
            ("mysql://root:hunter2@localhost/db", "hunter2"),
        ] {
            let shown = redact(text);
            assert!(!shown.contains(secret), "{text} -> {shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        assert_eq!(redact("postgresql://app@db/app"), "postgresql://app@db/app");
        assert_eq!(
            redact("host=db password=x dbname=y"),
            "host=db password=*** dbname=y"
        );
    }

    #[test]
    fn scrub_hides_encoded_and_decoded_forms() {
        assert_eq!(scrub("bad a%2Fb here", &["a/b".into()]), "bad *** here");
        assert_eq!(scrub("bad a/b here", &["a%2Fb".into()]), "bad *** here");
        assert_eq!(
            passwords_in("postgresql://u:pa/ss@h/db?password=two&x=1"),
            vec!["pa/ss".to_owned(), "two".to_owned()]
        );
        assert_eq!(
            passwords_in("host=h password='a b' user=u"),
            vec!["'a b'".to_owned()]
        );
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
