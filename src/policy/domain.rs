//! The policy register's types and rules, with no I/O: a new version as the
//! head submits it, its Markdown made safe to show, and who is asked.

use std::collections::HashSet;
use std::fmt;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use time::Date;

use crate::error::FormErrors;
use crate::people::domain::Role;
use crate::web::form::{self, TextKind};

/// The longest policy text accepted, in characters (the policy of
/// shared/policy/ is about 15,000).
pub const MAX_BODY_CHARS: usize = 100_000;
/// The longest summary of what changed.
pub const MAX_SUMMARY_CHARS: usize = 2_000;

/// A required long text, with line endings as browsers send them (CRLF)
/// kept as LF, so the stored text is the same whoever typed it.
fn long_text(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    missing: &str,
) -> String {
    let raw = raw.replace("\r\n", "\n");
    form::required_text(errors, field, &raw, max, TextKind::Long, missing)
}

/// A version as the head submits it: checked, not yet published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVersion {
    body: String,
    effective_on: Date,
    summary: String,
}

impl NewVersion {
    /// Checks every field and names each problem: the text (Markdown), the
    /// date it takes effect (`YYYY-MM-DD`, as `<input type=date>` sends it)
    /// and what changed.
    pub fn parse(body: &str, effective_on: &str, summary: &str) -> Result<NewVersion, FormErrors> {
        let mut errors = FormErrors::new();
        let body = long_text(
            &mut errors,
            "body",
            body,
            MAX_BODY_CHARS,
            "Enter the text of the policy",
        );
        let effective = crate::clock::parse_date(effective_on);
        if effective.is_none() {
            errors.add(
                "effective_on",
                if effective_on.trim().is_empty() {
                    "Enter the date this version takes effect"
                } else {
                    "Enter a real date for this version to take effect, like 2026-12-01"
                },
            );
        }
        let summary = long_text(
            &mut errors,
            "summary",
            summary,
            MAX_SUMMARY_CHARS,
            "Say what changed in this version (for the first, say that it is the first)",
        );
        match effective {
            Some(effective_on) if errors.is_empty() => Ok(NewVersion {
                body,
                effective_on,
                summary,
            }),
            _ => Err(errors),
        }
    }

    /// The text, in Markdown.
    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn effective_on(&self) -> Date {
        self.effective_on
    }

    /// What changed from the version before.
    pub fn summary(&self) -> &str {
        &self.summary
    }
}

/// HTML made from the policy's Markdown and cleaned, so a template may show
/// it as markup. Made only by [`render_markdown`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// SECURITY: askama writes a `SafeHtml` unescaped. That is sound only because
// its one constructor, `render_markdown`, cleans it with ammonia.
impl askama::filters::HtmlSafe for SafeHtml {}

/// The policy's Markdown as HTML, safe to put in a page.
///
/// SECURITY: two layers. Raw HTML in the Markdown is turned into text, so it
/// shows as typed and never becomes markup (the head sees what they wrote
/// rather than losing it silently). Then ammonia keeps only harmless tags and
/// attributes (no script, no style, no event handlers: the CSP forbids inline
/// script and style anyway) and links only to http, https, mailto and tel,
/// so a `javascript:` link loses its target.
pub fn render_markdown(markdown: &str) -> SafeHtml {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // The page has its own h1, so the text's headings start at h2,
    // whatever level its author began at.
    let top = Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let shift = |level: HeadingLevel| {
        HeadingLevel::try_from((level as usize + 2).saturating_sub(top).clamp(2, 6))
            .unwrap_or(HeadingLevel::H6)
    };
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    let schemes: HashSet<&str> = ["http", "https", "mailto", "tel"].into_iter().collect();
    let clean = ammonia::Builder::default()
        .url_schemes(schemes)
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer"))
        .clean(&html)
        .to_string();
    SafeHtml(clean)
}

/// Who is asked to acknowledge the policy: everyone who works at the school
/// (staff, SLT and the head), while active. Governors read it, unasked.
pub fn is_asked(role: Role, active: bool) -> bool {
    active && role != Role::Chair
}

/// The roles of those asked, as the queries of whom to ask filter them.
pub fn asked_roles() -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|role| is_asked(*role, true))
        .collect()
}

/// "92%": the share that acknowledged, rounded down so that 100% means
/// everyone; `None` when nobody is asked.
pub fn percentage(acknowledged: i64, asked: i64) -> Option<i64> {
    (asked > 0).then(|| acknowledged.clamp(0, asked) * 100 / asked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_field_is_checked_and_named() {
        let errors = NewVersion::parse("  ", "31/12/2026", "").unwrap_err();
        for field in ["body", "effective_on", "summary"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(errors.get("effective_on").unwrap().contains("real date"));
        let errors = NewVersion::parse("Text", "", "First").unwrap_err();
        assert_eq!(
            errors.get("effective_on"),
            Some("Enter the date this version takes effect")
        );
        let errors = NewVersion::parse("Text", "2026-02-30", "First").unwrap_err();
        assert!(errors.get("effective_on").is_some(), "no 30 February");
        let long = "x".repeat(MAX_BODY_CHARS + 1);
        assert!(NewVersion::parse(&long, "2026-12-01", "First")
            .unwrap_err()
            .get("body")
            .is_some());
    }

    #[test]
    fn a_good_version_is_kept_as_typed_less_the_edges() {
        let new =
            NewVersion::parse("# Policy\r\n\r\nText\r\n", " 2026-12-01 ", " First \n").unwrap();
        assert_eq!(new.body(), "# Policy\n\nText");
        assert_eq!(new.effective_on(), date!(2026 - 12 - 01));
        assert_eq!(new.summary(), "First");
    }

    #[test]
    fn markdown_is_rendered_with_headings_below_the_page_title() {
        let html = render_markdown("## Rationale\n\nWe **share** news.\n\n### Aims\n\n- a) one\n");
        let html = html.as_str();
        assert!(html.contains("<h2>Rationale</h2>"), "{html}");
        assert!(html.contains("<h3>Aims</h3>"), "{html}");
        assert!(html.contains("<strong>share</strong>"), "{html}");
        assert!(html.contains("<li>a) one</li>"), "{html}");
        let html = render_markdown("# Top\n\n###### Deep");
        assert!(html.as_str().contains("<h2>Top</h2>"));
        assert!(html.as_str().contains("<h6>Deep</h6>"));
    }

    #[test]
    fn raw_html_and_script_links_never_become_markup() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\nHello <img src=x onerror=alert(2)> there\n\n\
             [click](javascript:alert(3)) and [ok](https://example.org/) \
             <a href=\"javascript:alert(4)\">raw</a>\n",
        );
        let html = html.as_str();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        // Markup never links to javascript: (as text, shown as typed, it is harmless).
        assert!(!html.contains("<a href=\"javascript"), "{html}");
        assert!(
            html.contains("&lt;a href="),
            "raw HTML shown as text: {html}"
        );
        assert!(html.contains("&lt;script&gt;"), "shown as typed: {html}");
        assert!(
            html.contains("<a href=\"https://example.org/\" rel=\"noopener noreferrer\">ok</a>"),
            "{html}"
        );
        assert!(html.contains(">click</a>"), "the words stay: {html}");
    }

    #[test]
    fn the_chair_and_leavers_are_not_asked() {
        for role in [Role::Staff, Role::Slt, Role::Headteacher] {
            assert!(is_asked(role, true));
            assert!(!is_asked(role, false));
        }
        assert!(!is_asked(Role::Chair, true));
        assert_eq!(asked_roles(), [Role::Staff, Role::Slt, Role::Headteacher]);
    }

    #[test]
    fn percentages_round_down_so_all_means_all() {
        assert_eq!(percentage(13, 14), Some(92));
        assert_eq!(percentage(14, 14), Some(100));
        assert_eq!(percentage(0, 14), Some(0));
        assert_eq!(percentage(0, 0), None);
    }
}
