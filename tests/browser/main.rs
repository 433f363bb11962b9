//! Journeys in a real browser (Debian's Chromium through chromedriver)
//! against the real app, with every page checked by axe-core for WCAG 2.2
//! A and AA and for sideways scrolling at 375px. Without Chromium,
//! chromedriver or axe-core (`cd tests && npm ci`) the journeys say they
//! are skipped and pass, unless `CI=true`.
//!
//! Each later issue adds its journeys here; see `driver` for the helpers.

#[path = "../app/helpers/mod.rs"]
mod helpers;

mod driver;

use custodian::people::domain::Role;
use driver::Browser;
use helpers::TestApp;

/// The school's first day with Custodian: the head sets it up and invites
/// a member of staff, who sets, changes and resets their password, and is
/// refused a page their role may not see.
#[tokio::test]
async fn head_sets_up_and_invites_staff_who_manages_their_password() {
    let app = TestApp::spawn().await;
    let Some(head) = Browser::open(&app).await else {
        return;
    };
    let setup_link = app
        .setup_link
        .clone()
        .expect("a setup link on an empty database");

    // The head follows the setup link and creates their account; a form
    // sent empty first shows its errors.
    head.visit(&setup_link).await;
    head.assert_heading("Set up Custodian").await;
    head.click_button("Save and continue").await;
    head.assert_text("There is a problem").await;
    head.fill("name", "Helen Carter").await;
    head.fill("email", "helen.carter@oakfield.example").await;
    head.fill("password", "autumn leaves on the school field")
        .await;
    head.fill("confirm", "autumn leaves on the school field")
        .await;
    head.click_button("Save and continue").await;
    head.assert_text("Your account is ready").await;

    head.sign_in(
        "helen.carter@oakfield.example",
        "autumn leaves on the school field",
    )
    .await;
    head.assert_heading("Hello, Helen Carter").await;

    // The head adds a member of staff, who is emailed an invitation.
    head.visit("/people").await;
    head.click_link("Add a person").await;
    head.fill("name", "Tom Reed").await;
    head.fill("email", "tom.reed@oakfield.example").await;
    head.choose("role", "Staff").await;
    head.click_button("Add and send invitation").await;
    head.assert_heading("Tom Reed").await;
    let invitation = app
        .email_to("tom.reed@oakfield.example", "You have been invited")
        .await;

    // Tom, on his own computer, follows the link and chooses a password.
    let tom = head.another().await;
    tom.follow_email_link(&invitation).await;
    tom.assert_heading("Choose your password").await;
    tom.fill("password", "a blue kettle by the window").await;
    tom.fill("confirm", "a blue kettle by the window").await;
    tom.click_button("Save and continue").await;
    tom.assert_text("Your password is set").await;
    tom.sign_in("tom.reed@oakfield.example", "a blue kettle by the window")
        .await;
    tom.assert_heading("Hello, Tom Reed").await;

    // He changes his password; a wrong current password is refused first.
    tom.visit("/password").await;
    tom.fill("current", "not my password at all").await;
    tom.fill("password", "seven swans on the village pond")
        .await;
    tom.fill("confirm", "seven swans on the village pond").await;
    tom.click_button("Change password").await;
    tom.assert_text("Your current password is not right").await;
    tom.fill("current", "a blue kettle by the window").await;
    tom.fill("password", "seven swans on the village pond")
        .await;
    tom.fill("confirm", "seven swans on the village pond").await;
    tom.click_button("Change password").await;
    tom.assert_text("Your password has been changed").await;
    tom.sign_out().await;

    // He forgets it, and resets it through the emailed link.
    tom.click_link("I have forgotten my password").await;
    tom.click_button("Send the link").await;
    tom.assert_text("There is a problem").await;
    tom.fill("email", "tom.reed@oakfield.example").await;
    tom.click_button("Send the link").await;
    tom.assert_heading("Check your email").await;
    let reset = app
        .email_to("tom.reed@oakfield.example", "Reset your Custodian password")
        .await;
    tom.follow_email_link(&reset).await;
    tom.assert_heading("Choose a new password").await;
    tom.fill("password", "a quiet library after lunch").await;
    tom.fill("confirm", "a quiet library after lunch").await;
    tom.click_button("Save and continue").await;
    tom.sign_in("tom.reed@oakfield.example", "a quiet library after lunch")
        .await;
    tom.assert_heading("Hello, Tom Reed").await;

    // Staff may not manage people.
    tom.visit("/people").await;
    tom.assert_heading("You cannot do this").await;

    tom.close().await;
    head.close().await;
}

/// Every page the head can reach, and the pages anyone can reach signed
/// out, including error states.
#[tokio::test]
async fn every_page_so_far_passes_the_checks() {
    let app = TestApp::spawn().await;
    let Some(browser) = Browser::open(&app).await else {
        return;
    };
    // First, the checker itself: a page with known problems fails it.
    browser.visit("/login").await;
    browser
        .replace_body(&format!(
            r#"<p data-style="color:#aaa">Faint text</p><input type="text"><p data-style="white-space:pre">{}</p>"#,
            "x".repeat(300)
        ))
        .await;
    let found = browser.axe_rule_ids().await;
    for rule in ["color-contrast", "label"] {
        assert!(
            found.iter().any(|id| id == rule),
            "axe-core missed {rule}: {found:?}"
        );
    }
    assert!(browser.scrolls_sideways_at_phone_width().await.is_some());

    // Signed out: the sign-in page with an error, a used link, a missing
    // page and the accessibility statement.
    browser.visit("/login").await;
    browser.fill("email", "someone@oakfield.example").await;
    browser.fill("password", "not the password").await;
    browser.click_button("Sign in").await;
    browser.assert_text("There is a problem").await;
    browser.visit("/invitation?token=not-a-real-token").await;
    browser.assert_heading("This link no longer works").await;
    browser.visit("/no-such-page").await;
    browser.click_link("Accessibility statement").await;
    browser
        .assert_heading("Accessibility statement for Custodian")
        .await;

    // Signed in as the head.
    browser.sign_in_as(&app, Role::Headteacher).await;
    browser.visit("/people/new").await;
    browser.click_button("Add and send invitation").await;
    browser.assert_text("There is a problem").await;
    browser.fill("name", "David Okafor").await;
    browser.fill("email", "david.okafor@oakfield.example").await;
    browser.choose("role", "Senior Leadership Team").await;
    browser.click_button("Add and send invitation").await;
    app.email_to("david.okafor@oakfield.example", "You have been invited")
        .await;

    browser.visit("/people").await;
    browser.click_link("David Okafor").await;
    browser.choose("role", "Staff").await;
    browser.click_button("Change role").await;
    browser.assert_text("Staff").await;
    app.email_to(
        "david.okafor@oakfield.example",
        "role in Custodian has changed",
    )
    .await;

    browser.visit("/audit").await;
    browser.click_button("Verify the chain now").await;
    browser.visit("/audit?from=not-a-date").await;

    browser.visit("/emails").await;
    browser
        .click_link("Oakfield Primary School: You have been invited to Custodian")
        .await;
    browser
        .assert_heading("Oakfield Primary School: You have been invited to Custodian")
        .await;

    browser.visit("/password").await;
    browser.click_button("Change password").await;
    browser.assert_text("There is a problem").await;
    browser.visit("/accessibility").await;
    browser.visit("/").await;

    browser.close().await;
}
