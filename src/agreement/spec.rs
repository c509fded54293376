//! What an agreement file (`ratify agreement add FILE`, TOML) may say, checked key by key.

/// A slug: 1–64 characters of a–z, 0–9 and inner hyphens ("hos-2027"); it is part of URLs.
pub fn parse_slug(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "\"{text}\" är ingen giltig kortadress för ett avtal (1–64 tecken a–z, 0–9 och bindestreck, t.ex. hos-2027)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(parse_slug("hos-2027").as_deref(), Ok("hos-2027"));
        for bad in ["", "-a", "a-", "Hos", "a b", "å", &"a".repeat(65)] {
            assert!(parse_slug(bad).is_err(), "{bad:?}");
        }
    }
}
