//! Concerns (policy clause i) in a real browser: a member of staff raises
//! one with a screenshot and the head deals with it; a concern about the
//! head goes to the chair, and the head finds no trace of it.

use std::path::{Path, PathBuf};

use custodian::people::domain::Role;

use crate::driver::Browser;
use crate::helpers::{self, ReceivedEmail, TestApp};

/// A real 1x1 PNG: the app reads a file's type from its first bytes.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\
    \x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\
    \x00\x00\x00\x0bIDAT\x78\x9c\x63\x60\x00\x02\x00\x00\x05\x00\x01\x7a\x5e\xab\x3f\
    \x00\x00\x00\x00IEND\xae\x42\x60\x82";

/// Writes a file to choose in the browser's file field.
fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the file to attach");
    path
}

/// An email carries none of these, in its subject, text or HTML.
fn assert_email_leaves_out(email: &ReceivedEmail, secrets: &[&str]) {
    for secret in secrets {
        for (part, text) in [
            ("subject", &email.subject),
            ("text", &email.text),
            ("HTML", &email.html),
        ] {
            assert!(
                !text.contains(secret),
                "the email '{}' has '{secret}' in its {part}:\n{text}",
                email.subject
            );
        }
    }
}

/// A member of staff raises a concern about a colleague with a screenshot
/// (a text file passed off as a picture is refused first, and what was
/// typed is kept); the head, emailed only a reference, classifies it,
/// records what was done, adds a note and closes it; the raiser is emailed
/// the outcome and sees it, but not the head's notes or summary.
#[tokio::test]
async fn staff_raise_a_concern_with_a_screenshot_and_the_head_closes_it() {
    const WHAT_HAPPENED: &str = "On the class page, Sam replied to a parent's complaint \
                                 with a laughing emoji and named the pupil involved.";
    const ACTION_TEXT: &str = "We talked through the policy on replying to parents.";
    const NOTE: &str = "Sam was apologetic; the reply was taken down the same evening.";
    const SUMMARY: &str = "A first lapse of judgement, handled with advice; no pattern.";

    let app = TestApp::spawn().await;
    let Some(tom) = Browser::open(&app).await else {
        return;
    };
    let files = tempfile::tempdir().expect("a temp dir for the evidence");
    let screenshot = file(files.path(), "class-page.png", PNG);
    let not_a_picture = file(
        files.path(),
        "shot.png",
        b"Just some text, not a picture.\n",
    );
    let helen = app.add_person("Helen Carter", Role::Headteacher);
    let sam = app.add_person("Sam Fletcher", Role::Staff);
    let tom_person = tom.sign_in_as(&app, Role::Staff).await;

    // Tom goes to Concerns and sends the form empty: nothing is raised.
    tom.click_link("Concerns").await;
    tom.assert_heading("Concerns").await;
    tom.assert_text("You have not raised any concerns.").await;
    tom.click_link("Raise a concern").await;
    tom.assert_heading("Raise a concern").await;
    tom.click_button("Raise the concern").await;
    tom.assert_text("There is a problem").await;
    tom.assert_text("Choose what the concern is about").await;
    tom.assert_text("Describe what you saw or heard").await;
    tom.click_link("Cancel").await;
    tom.assert_heading("Concerns").await;
    tom.assert_text("You have not raised any concerns.").await;

    // He fills it in with a text file named like a screenshot: refused
    // beside the field, and what he typed is kept.
    tom.click_link("Raise a concern").await;
    tom.check("What is the concern about?", "A member of staff")
        .await;
    tom.choose("about_person", "Sam Fletcher (Staff)").await;
    tom.fill("happened_on", "2026-11-20").await;
    tom.fill("what_happened", WHAT_HAPPENED).await;
    tom.attach("evidence", &not_a_picture).await;
    tom.click_button("Raise the concern").await;
    tom.assert_heading("Raise a concern").await;
    tom.assert_text("There is a problem").await;
    // Beside the field, after its hidden "Error:" (the summary has no prefix).
    tom.assert_text("Error:\nshot.png is not a PNG or JPEG picture or a PDF document")
        .await;
    tom.assert_text("Choose your evidence files again").await;
    tom.assert_value("what_happened", WHAT_HAPPENED).await;
    tom.assert_value("happened_on", "2026-11-20").await;
    tom.assert_value("about_person", &sam.id.to_string()).await;

    // With the real screenshot it is raised, as C-1: the refusal used no
    // number.
    tom.attach("evidence", &screenshot).await;
    tom.click_button("Raise the concern").await;
    tom.assert_heading("Concern C-1").await;
    tom.assert_text(
        "Concern C-1 has been raised with the headteacher. You have been emailed a receipt.",
    )
    .await;
    tom.assert_text("Your concern is with the headteacher.")
        .await;
    tom.assert_text("A member of staff: Sam Fletcher").await;
    tom.assert_text("class-page.png (PNG picture, 1 KB)").await;
    tom.assert_no_text("Timeline").await;
    let concern = tom.current_path().await;
    tom.sign_out().await;

    // The head is emailed a reference and a link, never what was said; Tom
    // a receipt.
    let raised = app
        .email_to(&helen.email, "A concern has been raised with you")
        .await;
    assert!(raised.subject.contains("C-1"), "{}", raised.subject);
    assert_email_leaves_out(&raised, &[WHAT_HAPPENED, "laughing emoji", "Sam Fletcher"]);
    let receipt = app
        .email_to(&tom_person.email, "Your concern has been received")
        .await;
    assert_email_leaves_out(&receipt, &[WHAT_HAPPENED, "Sam Fletcher"]);

    // The head follows the link, signs in and sees the concern and its
    // evidence.
    let head = tom.another().await;
    head.follow_email_link(&raised).await;
    head.assert_heading("Sign in").await;
    head.fill("email", &helen.email).await;
    head.fill("password", helpers::PASSWORD).await;
    head.click_button("Sign in").await;
    head.assert_heading("Concern C-1").await;
    assert_eq!(head.current_path().await, concern);
    head.assert_text(WHAT_HAPPENED).await;
    head.assert_text("Raised\n24 Nov 2026, 08:00, by Tom Reed")
        .await;
    head.assert_text("class-page.png (PNG picture, 1 KB)").await;
    head.assert_text("Not yet classified").await;
    head.assert_text("No referral due").await;
    head.assert_text("Nothing recorded yet.").await;

    // It cannot be closed before it is classified, nor without an outcome.
    head.click_button("Close the concern").await;
    head.assert_text("There is a problem").await;
    head.assert_text("Choose the outcome").await;
    head.assert_text("Write the closing summary").await;

    // She classifies it, records what she did and adds a note.
    head.check(
        "How do you classify this concern?",
        "Low-level concern (below the harm threshold)",
    )
    .await;
    head.click_button("Record the classification").await;
    head.assert_text("The classification is recorded.").await;
    head.assert_text("Classified: Low-level concern (below the harm threshold)")
        .await;
    head.assert_text("No referral due").await;

    head.check("What was done?", "Spoke with the person concerned")
        .await;
    head.fill("action_on", "2026-11-24").await;
    head.fill("action_text", ACTION_TEXT).await;
    head.click_button("Record the action").await;
    head.assert_text("The action is recorded.").await;

    head.fill("note_text", NOTE).await;
    head.click_button("Add the note").await;
    head.assert_text("The note is added to the timeline.").await;

    // She closes it with advice given.
    head.check("Outcome", "Advice given").await;
    head.fill("summary", SUMMARY).await;
    head.click_button("Close the concern").await;
    head.assert_heading("Concern C-1").await;
    head.assert_text("The concern is closed. The person who raised it is emailed the outcome.")
        .await;
    head.assert_text("Closed").await;
    head.assert_text("Outcome: Advice given").await;
    head.assert_text("Reopen the concern").await;
    head.assert_no_text("Record the action").await;

    // The timeline has every step; the access list shows who opened it.
    head.assert_text("Spoke with the person concerned").await;
    head.assert_text("On 24 Nov 2026").await;
    head.assert_text(ACTION_TEXT).await;
    head.assert_text(NOTE).await;
    head.assert_text("Closed. Outcome: Advice given").await;
    head.assert_text(SUMMARY).await;
    head.assert_text("Who has opened this concern").await;
    head.assert_text("Helen Carter\tOpened the concern").await;
    head.assert_text("Tom Reed\tOpened the concern").await;

    // The closed concern is in her queue's recently closed.
    head.click_link("Back to concerns to review").await;
    head.assert_heading("Concerns to review").await;
    head.assert_text("No open concerns.").await;
    head.assert_text("Advice given").await;

    // Tom is emailed the outcome only.
    let closed = app
        .email_to(&tom_person.email, "Your concern has been closed")
        .await;
    assert!(
        closed.text.contains("The outcome: advice given."),
        "{}",
        closed.text
    );
    assert_email_leaves_out(&closed, &[SUMMARY, NOTE, ACTION_TEXT, WHAT_HAPPENED]);

    // He signs in and sees it closed, with its outcome, and nothing of the
    // head's notes or summary.
    tom.sign_in(&tom_person.email, helpers::PASSWORD).await;
    tom.assert_heading("Hello, Tom Reed").await;
    tom.click_link("Concerns").await;
    tom.assert_text("C-1").await;
    tom.assert_text("Closed").await;
    tom.assert_text("Advice given").await;
    tom.click_link("C-1").await;
    tom.assert_heading("Concern C-1").await;
    tom.assert_text("Closed").await;
    tom.assert_text("Outcome: Advice given").await;
    tom.assert_no_text(NOTE).await;
    tom.assert_no_text(SUMMARY).await;
    tom.assert_no_text(ACTION_TEXT).await;
    tom.assert_no_text("Timeline").await;
    tom.assert_no_text("Who has opened this concern").await;

    head.close().await;
    tom.close().await;
}

/// A concern about the headteacher goes to the chair, who classifies it as
/// an allegation, records the referral to the LADO and closes it; the head,
/// signed in meanwhile, finds it in no list, log or email, and is refused
/// its page as if it did not exist.
#[tokio::test]
async fn a_concern_about_the_head_goes_to_the_chair_and_the_head_sees_nothing() {
    const WHAT_HAPPENED: &str = "The headteacher shared a photo of the Year 4 trip, \
                                 with pupils' faces, on a personal Instagram account.";
    const SUMMARY: &str = "The photo was from a parent's public post; no breach by the head.";

    let app = TestApp::spawn().await;
    let Some(tom) = Browser::open(&app).await else {
        return;
    };
    let helen = app.add_person("Helen Carter", Role::Headteacher);
    let margaret = app.add_person("Margaret Ellis", Role::Chair);
    let tom_person = tom.sign_in_as(&app, Role::Staff).await;

    // Tom raises a concern about the headteacher.
    tom.click_link("Concerns").await;
    tom.click_link("Raise a concern").await;
    tom.check("What is the concern about?", "The headteacher")
        .await;
    tom.fill("happened_on", "2026-11-23").await;
    tom.fill("what_happened", WHAT_HAPPENED).await;
    tom.click_button("Raise the concern").await;
    // Its reference is the chair's, and counts nothing: "G-" and six
    // random digits.
    let heading = tom.heading().await;
    let reference = heading.strip_prefix("Concern ").unwrap_or(&heading);
    assert!(
        regex::Regex::new(r"^G-\d{6}$").unwrap().is_match(reference),
        "{heading}"
    );
    let reference = reference.to_owned();
    tom.assert_text(&format!(
        "Concern {reference} has been raised with the chair of governors."
    ))
    .await;
    tom.assert_text("Your concern is with the chair of governors.")
        .await;
    let concern = tom.current_path().await;
    tom.sign_out().await;

    // The chair is emailed, without details; Tom gets his receipt.
    let raised = app
        .email_to(&margaret.email, "A concern has been raised with you")
        .await;
    assert_email_leaves_out(&raised, &[WHAT_HAPPENED, "Helen Carter", "Instagram"]);
    app.email_to(&tom_person.email, "Your concern has been received")
        .await;

    // The head, signed in on her own computer, finds nothing.
    let head = tom.another().await;
    head.sign_in(&helen.email, helpers::PASSWORD).await;
    head.assert_heading("Hello, Helen Carter").await;
    head.click_link("Concerns").await;
    head.assert_text("Concerns awaiting your review: 0 open.")
        .await;
    head.assert_no_text(&reference).await;
    head.visit("/concerns/review").await;
    head.assert_text("No open concerns.").await;
    head.assert_no_text(&reference).await;
    head.visit(&concern).await;
    head.assert_heading("You cannot do this").await;
    head.assert_no_text(&reference).await;
    head.assert_no_text(WHAT_HAPPENED).await;

    // The chair signs in and opens it from her queue.
    let chair = tom;
    chair.sign_in(&margaret.email, helpers::PASSWORD).await;
    chair.assert_heading("Hello, Margaret Ellis").await;
    chair.click_link("Concerns about the headteacher").await;
    chair.assert_heading("Concerns to review").await;
    chair
        .assert_text("You review these as the chair of governors.")
        .await;
    chair.assert_text("The headteacher: Helen Carter").await;
    chair.assert_text("Not yet classified").await;
    chair.click_link(&reference).await;
    chair.assert_heading(&format!("Concern {reference}")).await;
    assert_eq!(chair.current_path().await, concern);
    chair.assert_text(WHAT_HAPPENED).await;
    chair.assert_text("No referral due").await;

    // An allegation: the referral to the LADO is due within a working day.
    chair
        .check(
            "How do you classify this concern?",
            "Allegation that may meet the harm threshold",
        )
        .await;
    chair.click_button("Record the classification").await;
    chair.assert_text("The classification is recorded.").await;
    chair.assert_text("LADO referral due").await;
    chair.assert_text("25 Nov 2026, 08:00").await;
    chair.assert_no_text("No referral due").await;

    // It cannot be closed before the referral is recorded.
    chair.check("Outcome", "Unsubstantiated").await;
    chair.fill("summary", SUMMARY).await;
    chair.click_button("Close the concern").await;
    chair.assert_text("There is a problem").await;
    chair
        .assert_text("Record the referral to the LADO before closing an allegation.")
        .await;
    chair.assert_value("summary", SUMMARY).await;

    // She records the referral, with the LADO's reference.
    chair.check("What was done?", "Referred to the LADO").await;
    chair.fill("action_on", "2026-11-24").await;
    chair.fill("action_reference", "LADO/2026/118").await;
    chair.click_button("Record the action").await;
    chair.assert_text("The action is recorded.").await;
    chair.assert_text("Referred to the LADO").await;
    chair
        .assert_text("On 24 Nov 2026, reference LADO/2026/118")
        .await;

    // And closes it as unsubstantiated.
    chair.check("Outcome", "Unsubstantiated").await;
    chair.fill("summary", SUMMARY).await;
    chair.click_button("Close the concern").await;
    chair
        .assert_text("The concern is closed. The person who raised it is emailed the outcome.")
        .await;
    chair.assert_text("Outcome: Unsubstantiated").await;
    chair.assert_text("Closed. Outcome: Unsubstantiated").await;
    chair
        .assert_text("Margaret Ellis\tOpened the concern")
        .await;
    chair.assert_no_text("Helen Carter\tOpened").await;

    // The chair's audit log has it.
    chair.click_link("Audit log").await;
    chair
        .assert_text(&format!("Margaret Ellis closed concern {reference}"))
        .await;

    let closed = app
        .email_to(&tom_person.email, "Your concern has been closed")
        .await;
    assert!(
        closed.text.contains("The outcome: unsubstantiated."),
        "{}",
        closed.text
    );
    assert_email_leaves_out(&closed, &[SUMMARY, "LADO/2026/118", WHAT_HAPPENED]);

    // The head still finds no trace: not in her queue, her audit log or
    // her email log, and its page is refused.
    head.visit("/concerns/review").await;
    head.assert_text("No open concerns.").await;
    head.assert_text("None closed yet.").await;
    head.assert_no_text(&reference).await;
    head.visit("/audit").await;
    head.assert_heading("Audit log").await;
    head.assert_no_text(&reference).await;
    head.visit("/emails").await;
    head.assert_no_text(&reference).await;
    head.assert_no_text("A concern has been raised").await;
    head.assert_no_text("Your concern has been").await;
    head.visit(&concern).await;
    head.assert_heading("You cannot do this").await;
    head.assert_no_text(WHAT_HAPPENED).await;
    assert!(
        app.mail
            .received()
            .iter()
            .all(|m| !m.to.contains(&helen.email)),
        "the head was emailed about the concern about her: {:?}",
        app.mail.subjects()
    );

    head.close().await;
    chair.close().await;
}
