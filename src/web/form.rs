//! The form kit every register shares: the choices of a select or a set
//! of radios (`Choice`), coded enums (`coded!`, `Coded`), text checks that
//! collect each field's error (control characters, length), the body size
//! every form needs, and what a body that could not be read becomes. Ids
//! come from the path as typed values (`web::Path<AccountId>`): see `ids`.

use crate::error::{AppError, FormErrors};
pub(crate) use crate::web::coded::coded;
pub use crate::web::coded::Coded;

/// One option of a select, a set of radios or of checkboxes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn of(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }

    /// Every value of a coded enum (or those given), with the one whose
    /// code is `selected` chosen.
    pub fn options<C: Coded>(values: &[C], selected: &str) -> Vec<Self> {
        values
            .iter()
            .map(|v| Self::of(v.as_str(), v.label(), v.as_str() == selected))
            .collect()
    }

    /// Options from `(value, label)` pairs, with the one whose value is
    /// `selected` chosen.
    pub fn from_pairs<V, L>(pairs: impl IntoIterator<Item = (V, L)>, selected: &str) -> Vec<Self>
    where
        V: Into<String>,
        L: Into<String>,
    {
        pairs
            .into_iter()
            .map(|(value, label)| {
                let value = value.into();
                let chosen = value == selected;
                Self::of(value, label, chosen)
            })
            .collect()
    }
}

/// What a text field may hold besides printable characters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TextKind {
    /// One line (a name, a handle, a reason): no control characters at all.
    Line,
    /// Long text (notes, details): tab and line breaks allowed.
    Long,
}

/// SECURITY: a NUL byte is refused by PostgreSQL (a 500 before this check),
/// and other control characters hide text in pages, emails and CSV files;
/// every form refuses them beside the field. Tab, CR and LF are kept in
/// long text, where people type them.
pub fn has_control(value: &str, kind: TextKind) -> bool {
    value.chars().any(|c| {
        let allowed = kind == TextKind::Long && matches!(c, '\t' | '\r' | '\n');
        // SECURITY: in a one-line value (a name, a handle) a direction
        // embedding, override or isolate makes it show as something it is
        // not ("Evil \u{202E}gnp.exe"). Long text keeps them: right-to-left
        // languages use them in prose.
        let spoofing = kind == TextKind::Line
            && matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        spoofing || (!allowed && (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')))
    })
}

/// The message beside a field with control characters.
pub const CONTROL_MESSAGE: &str =
    "Remove the invisible control characters from this field (they may have come with a paste)";

/// Adds an error for `field` when `value` has control characters; true if
/// it was clean.
pub fn check_control(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    kind: TextKind,
) -> bool {
    if has_control(value, kind) {
        errors.add(field, CONTROL_MESSAGE);
        false
    } else {
        true
    }
}

/// Checks a text field: no control characters, at most `max` characters.
/// Returns it trimmed; never cuts it (too long is an error beside it).
pub fn text(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    kind: TextKind,
) -> String {
    let trimmed = raw.trim();
    if check_control(errors, field, trimmed, kind) {
        let count = trimmed.chars().count();
        if count > max {
            errors.add(
                field,
                format!("Use {max} characters or fewer (this has {count})"),
            );
        }
    }
    trimmed.to_owned()
}

/// Like `text`, and refused when empty with `missing`.
pub fn required_text(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    kind: TextKind,
    missing: &str,
) -> String {
    let text = text(errors, field, raw, max, kind);
    if text.is_empty() && errors.get(field).is_none() {
        errors.add(field, missing);
    }
    text
}

/// A choice the form must make: what was `parsed` from it (`None` when
/// nothing on the list was chosen), refused beside `field` with `missing`.
pub fn required_choice<T>(
    errors: &mut FormErrors,
    field: &'static str,
    parsed: Option<T>,
    missing: &str,
) -> Option<T> {
    if parsed.is_none() {
        errors.add(field, missing);
    }
    parsed
}

/// A date typed into a form that must be today or earlier; else the
/// message for it (`[missing, in the future, unreadable]`) beside the field.
pub fn past_date(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    today: time::Date,
    [missing, future, unreadable]: [&str; 3],
) -> Option<time::Date> {
    match crate::clock::parse_date(raw) {
        Some(d) if d <= today => Some(d),
        Some(_) => {
            errors.add(field, future);
            None
        }
        None if raw.trim().is_empty() => {
            errors.add(field, missing);
            None
        }
        None => {
            errors.add(field, unreadable);
            None
        }
    }
}

/// The most bytes `chars` characters can take in a URL-encoded form: four
/// UTF-8 bytes each, percent-encoded as three characters per byte.
pub const fn encoded_len(chars: usize) -> usize {
    chars * 12
}

/// The largest URL-encoded form any page sends: the longest text field
/// (10 000 characters: concern notes, declarations' details) and room for
/// the token and every other field of that form. Multipart (evidence) and
/// the policy text have their own limits.
pub const MAX_FORM_BODY: usize = encoded_len(10_000) + encoded_len(4_000);

/// What a body that could not be read becomes: 408 when it came too
/// slowly (`web::limits`), "too large" (413) past the limit, else a bad
/// request.
pub fn body_error(error: &actix_web::Error) -> AppError {
    if let Some(actix_web::error::PayloadError::Io(io)) =
        error.as_error::<actix_web::error::PayloadError>()
    {
        if io.kind() == std::io::ErrorKind::TimedOut {
            return AppError::Timeout;
        }
    }
    if error.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest("The form could not be read.".into())
    }
}

/// The highest page number a paged list takes: past it, the last page we
/// would show (so that an offset never overflows).
pub const MAX_PAGE: i64 = 1_000_000;

/// Whether every name and value of a URL-encoded form decodes to UTF-8.
/// SECURITY: the decoder would quietly put U+FFFD in place of bytes that
/// are not text, and the record would be saved other than as sent.
pub fn is_text(body: &[u8]) -> bool {
    body.split(|&b| b == b'&' || b == b'=').all(|part| {
        let mut decoded = Vec::with_capacity(part.len());
        let mut bytes = part.iter().copied();
        while let Some(b) = bytes.next() {
            match b {
                b'+' => decoded.push(b' '),
                b'%' => {
                    let hex = [bytes.next(), bytes.next()];
                    let value = match hex {
                        [Some(h), Some(l)] => std::str::from_utf8(&[h, l])
                            .ok()
                            .and_then(|h| u8::from_str_radix(h, 16).ok()),
                        _ => None,
                    };
                    match value {
                        Some(v) => decoded.push(v),
                        // Not an escape: kept as typed, as the decoder does.
                        None => decoded.extend([b'%'].into_iter().chain(hex.into_iter().flatten())),
                    }
                }
                other => decoded.push(other),
            }
        }
        std::str::from_utf8(&decoded).is_ok()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_form_is_text_only_when_every_escape_decodes_to_utf8() {
        assert!(super::is_text(b"name=Zo%C3%AB+Ball&note=100%25+sure"));
        assert!(super::is_text(b"name=%E2%80%AE&x=%zz"));
        assert!(!super::is_text(b"contact_name=a%ED%B3%BFb"));
        assert!(!super::is_text(b"note=%FF"));
        assert!(!super::is_text(b"n%C3=1"));
    }

    use super::*;

    #[test]
    fn choices_mark_the_one_chosen_by_its_value() {
        coded! {
            enum Size {
                Small = "s": "Small",
                Large = "l": "Large",
            }
        }
        let sizes = Choice::options(Size::ALL, "l");
        assert_eq!(Size::parse("s"), Some(Size::Small));
        assert_eq!(sizes[1], Choice::of("l", "Large", true));
        assert!(!sizes[0].selected);
        let none = Choice::from_pairs([("a", "A"), ("b", "B")], "");
        assert!(none.iter().all(|c| !c.selected));
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_in_long_text_are_kept() {
        assert!(has_control("a\0b", TextKind::Long));
        assert!(has_control("a\u{1b}[31m", TextKind::Long));
        assert!(has_control("a\u{7f}", TextKind::Line));
        assert!(has_control("a\u{85}", TextKind::Long));
        assert!(has_control("a\nb", TextKind::Line));
        assert!(!has_control("a\r\n\tb", TextKind::Long));
        assert!(!has_control("Zoë 北京 ф", TextKind::Line));
    }

    #[test]
    fn text_over_its_limit_is_an_error_never_cut() {
        let mut errors = FormErrors::new();
        let long = "ф".repeat(11);
        let kept = text(&mut errors, "note", &long, 10, TextKind::Long);
        assert_eq!(kept, long);
        assert!(errors.get("note").is_some());
        let mut errors = FormErrors::new();
        text(&mut errors, "note", &"ф".repeat(10), 10, TextKind::Long);
        assert!(errors.is_empty());
    }

    #[test]
    fn the_body_limit_holds_the_longest_field_in_any_script() {
        let longest = "𝄞".repeat(10_000);
        let encoded: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("note", &longest)
            .finish();
        assert!(encoded.len() < MAX_FORM_BODY);
    }
}
