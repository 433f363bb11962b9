//! Journeys in a real browser (Debian's Chromium through chromedriver)
//! against the real app, with every page checked by axe-core for WCAG 2.2
//! A and AA and for sideways scrolling at 375px. Without Chromium,
//! chromedriver or axe-core (`cd tests && npm ci`) the journeys say they
//! are skipped and pass, unless `CI=true`.
//!
//! Each later issue adds its journeys here; see `driver` for the helpers.

#[path = "../app/helpers/mod.rs"]
mod helpers;

mod concerns;
mod driver;
mod oversight;
mod policy;

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

/// Official accounts (policy clause j), end to end: an SLT member opens the
/// school's Facebook account and gives a member of staff access for a trip;
/// he confirms from the emailed record, on his own computer; access is
/// revoked and the password change recorded; then a second grant and a
/// termly access review, which keeps one grant and revokes the other.
#[tokio::test]
async fn slt_open_an_account_give_and_revoke_access_and_review_it() {
    let app = TestApp::spawn().await;
    let Some(slt) = Browser::open(&app).await else {
        return;
    };
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let tom = app.add_person("Tom Reed", Role::Staff);
    app.add_person("Amira Hussain", Role::Staff);
    slt.sign_in_as(&app, Role::Slt).await;

    // The register is empty; a new account sent empty shows its errors.
    slt.visit("/accounts").await;
    slt.assert_text("No official accounts are recorded yet")
        .await;
    slt.click_link("Open a new account").await;
    slt.assert_heading("Open a new account").await;
    slt.click_button("Save the account").await;
    slt.assert_text("There is a problem").await;
    slt.choose("platform", "Facebook").await;
    slt.fill("handle", "Oakfield Primary").await;
    slt.fill("profile_url", "https://www.facebook.com/oakfield.example")
        .await;
    slt.fill("purpose", "News and events for families").await;
    slt.click_button("Save the account").await;
    slt.assert_heading("Oakfield Primary").await;
    slt.assert_text("David Okafor").await;
    slt.assert_text("No one has been given access to this account")
        .await;
    app.email_to(&head.email, "Official account recorded").await;

    // Tom is given access for the Year 6 trip; the form sent empty first.
    slt.click_link("Give someone access").await;
    slt.assert_heading("Give someone access to Oakfield Primary")
        .await;
    slt.click_button("Give access").await;
    slt.assert_text("There is a problem").await;
    slt.choose("grantee", "Tom Reed (Staff)").await;
    slt.check(
        "Which aim of the policy",
        "Publicise school events and fundraising",
    )
    .await;
    slt.fill("purpose", "Posting from the Year 6 trip").await;
    slt.fill("ends_on", "2026-12-19").await;
    slt.click_button("Give access").await;
    slt.assert_heading("Access to Oakfield Primary for Tom Reed")
        .await;
    slt.assert_text("Live, not yet confirmed").await;
    slt.assert_text("19 Dec 2026").await;
    let first_grant = slt.current_path().await;
    let record = app
        .email_to(&tom.email, "Record of access to Oakfield Primary")
        .await;

    // Tom, on his own computer, follows the link in the record, signs in
    // and confirms.
    let tom_browser = slt.another().await;
    tom_browser.follow_email_link(&record).await;
    tom_browser.assert_heading("Sign in").await;
    tom_browser.fill("email", &tom.email).await;
    tom_browser.fill("password", helpers::PASSWORD).await;
    tom_browser.click_button("Sign in").await;
    tom_browser
        .assert_heading("Access to Oakfield Primary for Tom Reed")
        .await;
    assert_eq!(tom_browser.current_path().await, first_grant);
    tom_browser
        .click_button("I have received access and will follow these guidelines")
        .await;
    tom_browser
        .assert_text("Thank you: your confirmation is recorded.")
        .await;
    tom_browser.assert_no_text("Please confirm").await;

    // He sees the register, with his own access, and the account.
    tom_browser.visit("/accounts").await;
    tom_browser
        .assert_text("You have access until 19 Dec 2026")
        .await;
    tom_browser.click_link("Oakfield Primary").await;
    tom_browser.assert_heading("Oakfield Primary").await;
    tom_browser.assert_text("Your access").await;
    tom_browser.assert_no_text("Custodians").await;

    // The trip is over: access is revoked, with a reason (none first).
    slt.visit("/accounts").await;
    slt.click_link("Oakfield Primary").await;
    slt.assert_text("Live").await;
    slt.click_link("Tom Reed").await;
    slt.assert_heading("Access to Oakfield Primary for Tom Reed")
        .await;
    slt.click_button("Revoke access").await;
    slt.assert_text("Give the reason").await;
    slt.fill("reason", "The trip is over").await;
    slt.click_button("Revoke access").await;
    slt.assert_heading("Oakfield Primary").await;
    slt.assert_text("Password change due").await;
    slt.assert_text("Revoked").await;
    app.email_to(&tom.email, "password change due").await;

    // Tom's grant now shows it ended, and offers nothing to confirm.
    tom_browser.visit(&first_grant).await;
    tom_browser.assert_text("The trip is over").await;
    tom_browser.sign_out().await;

    // The custodian changes the password and records it; a date in the
    // future is refused first.
    slt.click_link("Record a password change").await;
    slt.assert_heading("Record a password change for Oakfield Primary")
        .await;
    slt.fill("changed_on", "2026-12-25").await;
    slt.click_button("Record the change").await;
    slt.assert_text("cannot be in the future").await;
    slt.fill("changed_on", "2026-11-24").await;
    slt.fill("note", "Changed after the Year 6 trip").await;
    slt.click_button("Record the change").await;
    slt.assert_heading("Oakfield Primary").await;
    slt.assert_no_text("Password change due").await;
    app.email_to(&head.email, "Password change recorded").await;

    // Amira is given access with no end date, and Tom again.
    for (person, aim) in [
        (
            "Amira Hussain (Staff)",
            "Highlight positive school achievements",
        ),
        (
            "Tom Reed (Staff)",
            "Publicise school events and fundraising",
        ),
    ] {
        slt.click_link("Give someone access").await;
        slt.choose("grantee", person).await;
        slt.check("Which aim of the policy", aim).await;
        slt.fill("purpose", "Sharing class news").await;
        slt.click_button("Give access").await;
        slt.assert_text("No end date").await;
        slt.click_link("Back to Oakfield Primary").await;
    }

    // The termly review: every grant needs a decision (none first).
    slt.click_link("Review access").await;
    slt.assert_heading("Review access to Oakfield Primary")
        .await;
    slt.check("Amira Hussain", "Keep").await;
    slt.click_button("Record the review").await;
    slt.assert_text("Choose keep or revoke for every person")
        .await;
    slt.check("Amira Hussain", "Keep").await;
    slt.check("Tom Reed", "Revoke").await;
    slt.fill("notes", "Autumn term review").await;
    slt.click_button("Record the review").await;
    slt.assert_heading("Oakfield Primary").await;
    slt.assert_text("Revoked at an access review").await;
    slt.assert_text("1 kept, 1 revoked").await;
    slt.assert_text("Password change due").await;

    // The register, and Tom's page, show it all.
    slt.visit("/accounts").await;
    slt.assert_text("Password change due").await;
    slt.visit("/people").await;
    slt.click_link("Tom Reed").await;
    slt.assert_heading("Tom Reed").await;
    slt.assert_text("Revoked at an access review").await;
    slt.click_link("Oakfield Primary").await;
    slt.assert_heading("Oakfield Primary").await;

    tom_browser.close().await;
    slt.close().await;
}

/// The other official-account pages, and their error states: an account
/// the school already had, custodians added and removed (one who has left
/// SLT flagged), an account closed, a review with no one to review, a
/// grant that ends on its end date, an overdue review, and what a member
/// of staff may not do.
#[tokio::test]
async fn every_official_account_page_passes_the_checks() {
    let app = TestApp::spawn().await;
    let Some(head) = Browser::open(&app).await else {
        return;
    };
    let priya = app.add_person("Priya Shah", Role::Slt);
    let tom = app.add_person("Tom Reed", Role::Staff);
    let helen = head.sign_in_as(&app, Role::Headteacher).await;

    // An account the school had before Custodian; sent empty first.
    head.visit("/accounts").await;
    head.click_link("Record an existing account").await;
    head.assert_heading("Record an existing account").await;
    head.click_button("Save the account").await;
    head.assert_text("There is a problem").await;
    head.choose("platform", "X (Twitter)").await;
    head.fill("handle", "@OakfieldPS").await;
    head.fill("profile_url", "https://x.com/OakfieldPS").await;
    head.fill("purpose", "Announcements").await;
    head.fill("opened_on", "2021-09-06").await;
    head.choose("opened_by", "Priya Shah").await;
    head.click_button("Save the account").await;
    head.assert_heading("@OakfieldPS").await;
    head.assert_text("6 Sep 2021 by Priya Shah (recorded later)")
        .await;

    // The opener and the person who entered it hold the login. The head
    // steps down as custodian and back; then Priya leaves SLT, and with it
    // her custody: she knew the login, so the password is due a change.
    head.click_button("Remove Helen Carter as custodian").await;
    head.choose("person_id", "Helen Carter (Headteacher)").await;
    head.click_button("Add custodian").await;
    head.assert_text("The custodian has been added").await;
    head.visit(&format!("/people/{}", priya.id)).await;
    head.choose("role", "Staff").await;
    head.click_button("Change role").await;
    head.visit("/accounts").await;
    head.click_link("@OakfieldPS").await;
    head.assert_text("Password change due").await;
    head.assert_no_text("Remove Priya Shah as custodian").await;
    head.assert_no_text("Left SLT or deactivated").await;

    // Tom is given access, then the account is closed (no reason first).
    head.click_link("Give someone access").await;
    head.choose("grantee", "Tom Reed (Staff)").await;
    head.check(
        "Which aim of the policy",
        "Announce updates that appear on the school website",
    )
    .await;
    head.fill("purpose", "Posting the newsletter").await;
    head.click_button("Give access").await;
    head.click_link("Back to @OakfieldPS").await;
    head.click_link("Close this account").await;
    head.assert_heading("Close @OakfieldPS").await;
    head.click_button("Close the account").await;
    head.assert_text("There is a problem").await;
    head.fill("reason", "Moving to the website").await;
    head.click_button("Close the account").await;
    head.assert_text("Closed").await;
    head.assert_text("Ended: the account was closed").await;
    head.assert_no_text("Give someone access").await;
    head.click_link("Tom Reed").await;
    head.assert_text("Moving to the website").await;
    app.email_to(&tom.email, "Access to @OakfieldPS ended")
        .await;

    // A new account reviewed with no one to review, then access to it
    // for the Christmas fair, ending on the day.
    head.visit("/accounts/new").await;
    head.choose("platform", "Instagram").await;
    head.fill("handle", "@oakfield_pta").await;
    head.fill("profile_url", "https://www.instagram.com/oakfield_pta")
        .await;
    head.fill("purpose", "The PTA's fairs and fundraising")
        .await;
    head.click_button("Save the account").await;
    head.click_link("Review access").await;
    head.assert_text("No one has access at the moment").await;
    head.click_button("Record the review").await;
    head.assert_heading("@oakfield_pta").await;
    head.click_link("Give someone access").await;
    head.choose("grantee", "Tom Reed (Staff)").await;
    head.check(
        "Which aim of the policy",
        "Publicise school events and fundraising",
    )
    .await;
    head.fill("purpose", "Photos from the Christmas fair").await;
    head.fill("ends_on", "2026-11-25").await;
    head.click_button("Give access").await;
    head.assert_text("25 Nov 2026").await;

    // Tom sees the register and his access, and may not do more.
    let tom_browser = head.another().await;
    tom_browser.sign_in(&tom.email, helpers::PASSWORD).await;
    tom_browser.visit("/accounts").await;
    tom_browser
        .assert_text("You have access until 25 Nov 2026")
        .await;
    tom_browser.click_link("@OakfieldPS").await;
    tom_browser
        .assert_text("Ended: the account was closed")
        .await;
    tom_browser.visit("/accounts/new").await;
    tom_browser.assert_heading("You cannot do this").await;
    tom_browser.close().await;

    // Four months on: Tom's access ended by itself on its end date, and
    // the review is overdue. The head signs in again.
    app.clock.advance(time::Duration::days(125));
    app.email_to(&tom.email, "password change due").await;
    head.visit("/accounts").await;
    head.assert_heading("Sign in").await;
    head.fill("email", &helen.email).await;
    head.fill("password", helpers::PASSWORD).await;
    head.click_button("Sign in").await;
    head.assert_heading("Official accounts").await;
    head.assert_text("Access review overdue").await;
    head.assert_text("Password change due").await;
    head.click_link("@oakfield_pta").await;
    head.assert_text("Ended on its end date").await;
    head.visit(&format!("/people/{}", tom.id)).await;
    head.assert_text("@oakfield_pta").await;
    head.assert_text("@OakfieldPS").await;

    head.close().await;
}

/// The family a member of staff declares a contact with (policy clause g).
const FAMILY: &str = "Jordan Whitfield";

/// Declarations (policy clause g), end to end: a member of staff declares
/// a contact (the form sent empty first); the head, from the email, asks
/// for more detail (with no note first, refused); he updates it from his
/// email, the earlier version kept; the head acknowledges it with an
/// agreed condition, and he sees that; the head browses the current
/// declarations by class and by person; he ends it (a future date first).
#[tokio::test]
async fn staff_declare_a_contact_the_head_asks_for_detail_then_acknowledges_it() {
    let app = TestApp::spawn().await;
    let Some(head) = Browser::open(&app).await else {
        return;
    };
    let helen = head.sign_in_as(&app, Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);

    // Tom, on his own computer, has declared nothing yet.
    let tom_browser = head.another().await;
    tom_browser.sign_in(&tom.email, helpers::PASSWORD).await;
    tom_browser.click_link("Declarations").await;
    tom_browser.assert_heading("Your declarations").await;
    tom_browser
        .assert_text("You have not declared any contacts.")
        .await;
    tom_browser
        .assert_text("You have not yet confirmed your declarations for this school year.")
        .await;

    // He declares a contact; the form sent empty first shows its errors.
    tom_browser.click_link("Declare a contact").await;
    tom_browser.assert_heading("Declare a social contact").await;
    tom_browser.assert_text("the headteacher").await;
    tom_browser.click_button("Send to my reviewer").await;
    tom_browser.assert_text("There is a problem").await;
    tom_browser.assert_text("Choose how they are linked").await;
    tom_browser.assert_text("Describe the contact").await;
    tom_browser.fill("contact_name", FAMILY).await;
    tom_browser
        .check(
            "How are they linked to the school?",
            "Parent or carer of a pupil",
        )
        .await;
    tom_browser.fill("class_or_year", "Year 4").await;
    tom_browser
        .check("What is the nature of the contact?", "Club or faith group")
        .await;
    tom_browser
        .check("Where does the contact happen?", "In person")
        .await;
    tom_browser
        .check("Where does the contact happen?", "WhatsApp")
        .await;
    tom_browser.fill("since", "September 2021").await;
    tom_browser
        .fill("description", "We sing in the same church choir.")
        .await;
    tom_browser.click_button("Send to my reviewer").await;
    tom_browser.assert_heading("Declaration by Tom Reed").await;
    tom_browser.assert_text("Awaiting review").await;
    tom_browser.assert_text("In person, WhatsApp").await;
    tom_browser
        .assert_text("Your declaration has been sent to your reviewer")
        .await;
    let declaration = tom_browser.current_path().await;

    // The head opens the email (which names no one) and asks for more
    // detail; with no note first, which is refused.
    let awaits = app
        .email_to(&helen.email, "A declaration awaits your review")
        .await;
    assert!(
        !awaits.text.contains(FAMILY),
        "no family names in the email"
    );
    head.follow_email_link(&awaits).await;
    head.assert_heading("Declaration by Tom Reed").await;
    assert_eq!(head.current_path().await, declaration);
    head.assert_text("We sing in the same church choir.").await;
    head.assert_no_text("Update this declaration").await;
    head.click_button("Return for more detail").await;
    head.assert_text("There is a problem").await;
    head.assert_text("Say what more detail you need").await;
    head.fill("notes", "Which choir, and how often?").await;
    head.click_button("Return for more detail").await;
    head.assert_heading("Declarations to review").await;
    head.assert_text("The declaration is returned for more detail")
        .await;
    head.assert_text("Nothing awaits your review.").await;
    head.assert_text("More detail asked for").await;

    // Tom updates it from his email.
    let returned = app
        .email_to(&tom.email, "More detail is asked for on your declaration")
        .await;
    tom_browser.follow_email_link(&returned).await;
    tom_browser.assert_heading("Declaration by Tom Reed").await;
    tom_browser.assert_text("More detail asked for").await;
    tom_browser.assert_text("Which choir, and how often?").await;
    tom_browser.click_link("Update this declaration").await;
    tom_browser.assert_heading("Update your declaration").await;
    tom_browser.fill("class_or_year", "Year 5").await;
    tom_browser.fill("description", "").await;
    tom_browser.click_button("Send to my reviewer").await;
    tom_browser.assert_text("There is a problem").await;
    tom_browser
        .fill(
            "description",
            "St Mary's church choir, every Thursday evening.",
        )
        .await;
    tom_browser.click_button("Send to my reviewer").await;
    tom_browser.assert_heading("Declaration by Tom Reed").await;
    tom_browser.assert_text("Version 2").await;
    tom_browser.assert_text("Awaiting review").await;
    tom_browser.assert_text("the earlier version is kept").await;

    // The head sees what changed, and acknowledges it with a condition.
    let updated = app
        .mail
        .wait_for(|m| m.to.contains(&helen.email) && m.text.contains("has been updated"))
        .await
        .expect("an email to the head about the update");
    head.follow_email_link(&updated).await;
    head.assert_heading("Declaration by Tom Reed").await;
    head.assert_text("Version 2").await;
    head.assert_text("Class or year group, Description").await;
    head.assert_text("Earlier versions").await;
    head.fill("notes", "Thank you for the detail.").await;
    head.fill(
        "conditions",
        "No discussion of school matters on social media",
    )
    .await;
    head.click_button("Acknowledge").await;
    head.assert_heading("Declarations to review").await;
    head.assert_text("The declaration is acknowledged").await;

    // Tom sees it acknowledged, with the condition.
    let acknowledged = app
        .email_to(&tom.email, "Your declaration has been acknowledged")
        .await;
    tom_browser.follow_email_link(&acknowledged).await;
    tom_browser.assert_text("Acknowledged").await;
    tom_browser.assert_text("Agreed conditions").await;
    tom_browser
        .assert_text("No discussion of school matters on social media")
        .await;
    tom_browser.assert_text("Thank you for the detail.").await;
    tom_browser.click_link("Declarations").await;
    tom_browser.assert_text(FAMILY).await;
    tom_browser.assert_text("Acknowledged").await;
    tom_browser
        .assert_no_text("I have no contacts to declare this school year")
        .await;

    // Amira declares a contact in Year 2 (as a form post: her browser
    // journey is the same as Tom's).
    let amira_client = TestApp::spawn_client(&app);
    amira_client.sign_in(&amira.email, helpers::PASSWORD).await;
    let sent = amira_client
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", "Chris Morgan"),
                ("link", "other_relative"),
                ("class_or_year", "Year 2"),
                ("nature", "neighbour"),
                ("in_person", "yes"),
                ("since", "2019"),
                ("description", "They live next door."),
            ],
        )
        .await;
    assert_eq!(sent.status(), reqwest::StatusCode::SEE_OTHER);

    // The head browses the current declarations by class and by person.
    head.visit("/declarations/review").await;
    head.assert_text("Chris Morgan").await;
    head.assert_text(FAMILY).await;
    head.choose("class", "Year 5").await;
    head.click_button("Filter").await;
    head.assert_text(FAMILY).await;
    head.assert_text("Club or faith group").await;
    head.assert_no_text("They live next door").await;
    head.assert_text("Acknowledged").await;
    head.choose("class", "Year 2").await;
    head.click_button("Filter").await;
    head.assert_text("Chris Morgan").await;
    head.choose("class", "All classes and years").await;
    head.choose("person", "Tom Reed").await;
    head.click_button("Filter").await;
    head.assert_text(FAMILY).await;
    head.assert_text("Chris Morgan").await; // still in the queue
    head.click_link("Chris Morgan").await;
    head.assert_heading("Declaration by Amira Hussain").await;

    // The pupil leaves: Tom ends the declaration (a date to come first).
    tom_browser.click_link(FAMILY).await;
    tom_browser.fill("ended_on", "2026-12-01").await;
    tom_browser
        .fill("end_reason", "The pupil has left the school")
        .await;
    tom_browser.click_button("End the declaration").await;
    tom_browser.assert_text("There is a problem").await;
    tom_browser.fill("ended_on", "2026-11-20").await;
    tom_browser.click_button("End the declaration").await;
    tom_browser.assert_text("Ended 20 Nov 2026").await;
    tom_browser.assert_no_text("Update this declaration").await;
    head.visit("/declarations/review").await;
    head.assert_no_text(FAMILY).await;

    tom_browser.close().await;
    head.close().await;
}

/// The yearly reconfirmation (policy clause g), from its email: a member
/// of staff with nothing to declare makes a nil return; one who has a
/// declaration is refused a nil return and confirms it is up to date; the
/// head sees who is confirmed, due and has never answered. Then the head
/// declares a contact of her own: the chair reviews it, and a deputy head
/// is refused it.
#[tokio::test]
async fn the_yearly_reconfirmation_nil_returns_and_the_heads_own_declaration() {
    let app =
        TestApp::spawn_configured(helpers::Smtp::Running, |s| s.send_reconfirmations = true).await;
    let Some(head) = Browser::open(&app).await else {
        return;
    };
    let helen = head.sign_in_as(&app, Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    app.add_person("Sam Fletcher", Role::Staff);
    let deputy = app.add_person("David Okafor", Role::Slt);
    let chair = app.add_person("Margaret Ellis", Role::Chair);

    // Tom follows the email, signs in, and makes a nil return.
    let ask = app
        .email_to(&tom.email, "Please reconfirm your declarations for 2026/27")
        .await;
    let tom_browser = head.another().await;
    tom_browser.follow_email_link(&ask).await;
    tom_browser.assert_heading("Sign in").await;
    tom_browser.fill("email", &tom.email).await;
    tom_browser.fill("password", helpers::PASSWORD).await;
    tom_browser.click_button("Sign in").await;
    tom_browser.assert_heading("Your declarations").await;
    tom_browser.assert_text("This school year (2026/27)").await;
    tom_browser
        .click_button("I have no contacts to declare this school year")
        .await;
    tom_browser
        .assert_text("Thank you: your answer for this school year is recorded.")
        .await;
    tom_browser.assert_text("You made a nil return on").await;
    tom_browser
        .assert_no_text("I have no contacts to declare this school year")
        .await;
    tom_browser.sign_out().await;

    // Amira opens the page, then declares a contact elsewhere (a form
    // post); the nil return her page still offers is refused.
    let ask = app.email_to(&amira.email, "Please reconfirm").await;
    let amira_browser = tom_browser;
    amira_browser.follow_email_link(&ask).await;
    amira_browser.fill("email", &amira.email).await;
    amira_browser.fill("password", helpers::PASSWORD).await;
    amira_browser.click_button("Sign in").await;
    amira_browser.assert_heading("Your declarations").await;
    let amira_client = TestApp::spawn_client(&app);
    amira_client.sign_in(&amira.email, helpers::PASSWORD).await;
    let sent = amira_client
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", "Chris Morgan"),
                ("link", "parent_carer"),
                ("class_or_year", "Year 1"),
                ("nature", "social_circle"),
                ("platforms", "Facebook"),
                ("since", "2022"),
                ("description", "Friends from university."),
            ],
        )
        .await;
    assert_eq!(sent.status(), reqwest::StatusCode::SEE_OTHER);
    amira_browser
        .click_button("I have no contacts to declare this school year")
        .await;
    amira_browser.assert_text("There is a problem").await;
    amira_browser
        .assert_text("declarations that still apply")
        .await;

    // The head sees Amira due and Sam never answered, then Amira confirms.
    head.click_link("Declarations").await;
    head.click_link("See what awaits you").await;
    head.assert_heading("Declarations to review").await;
    head.assert_text("Reconfirmation, 2026/27").await;
    head.assert_text("1 confirmed").await;
    head.assert_text("Due").await;
    head.assert_text("Never answered").await;
    amira_browser.visit("/declarations").await;
    amira_browser
        .click_button("My declarations are up to date")
        .await;
    amira_browser
        .assert_text("You confirmed your declarations on")
        .await;
    amira_browser.sign_out().await;
    head.visit("/declarations/review").await;
    head.assert_text("2 confirmed, 0 due").await;
    head.assert_text("Sam Fletcher").await;
    head.assert_text("Never answered").await;

    // The head declares a contact of her own, which goes to the chair.
    head.visit("/declarations").await;
    head.click_link("Declare a contact").await;
    head.assert_text("the chair of governors").await;
    head.fill("contact_name", "Pat Lewis").await;
    head.check(
        "How are they linked to the school?",
        "Another relative of a pupil",
    )
    .await;
    head.fill("class_or_year", "Year 3").await;
    head.check("What is the nature of the contact?", "A relative of mine")
        .await;
    head.check("Where does the contact happen?", "In person")
        .await;
    head.fill("since", "Always").await;
    head.fill("description", "My cousin; we meet at family gatherings.")
        .await;
    head.click_button("Send to my reviewer").await;
    head.assert_heading("Declaration by Helen Carter").await;
    let own = head.current_path().await;
    head.visit("/declarations/review").await;
    head.assert_no_text("Pat Lewis").await;

    // A deputy head may not see it.
    let other = amira_browser;
    other.sign_in(&deputy.email, helpers::PASSWORD).await;
    other.visit(&own).await;
    other.assert_heading("You cannot do this").await;
    other.assert_no_text("Pat Lewis").await;
    other.visit("/declarations/review").await;
    other.assert_heading("You cannot do this").await;
    other.sign_out().await;

    // The chair reviews it from the email.
    let awaits = app
        .email_to(&chair.email, "A declaration awaits your review")
        .await;
    other.follow_email_link(&awaits).await;
    other.fill("email", &chair.email).await;
    other.fill("password", helpers::PASSWORD).await;
    other.click_button("Sign in").await;
    other.assert_heading("Declaration by Helen Carter").await;
    other
        .assert_text("My cousin; we meet at family gatherings.")
        .await;
    other.fill("notes", "Noted.").await;
    other
        .fill(
            "conditions",
            "Another member of staff writes Year 3's reports",
        )
        .await;
    other.click_button("Acknowledge").await;
    other.assert_heading("Declarations to review").await;
    other.assert_text("chair of governors").await;
    other.assert_text("Pat Lewis").await;
    other.assert_text("Acknowledged").await;
    other.assert_no_text(FAMILY).await;
    other.assert_no_text("Chris Morgan").await;
    other.assert_no_text("Sam Fletcher").await;
    other.assert_text("Helen Carter").await;
    other.click_link("Declarations").await;
    other.assert_heading("Declarations to review").await;

    // The head sees it acknowledged.
    app.email_to(&helen.email, "Your declaration has been acknowledged")
        .await;
    head.visit(&own).await;
    head.assert_text("Acknowledged").await;
    head.assert_text("Another member of staff writes Year 3's reports")
        .await;
    other.sign_out().await;

    // A school year on, everyone is asked again. Tom's nil return for
    // 2026/27 is kept as history, and he makes this year's; the head sees
    // Amira, who answered last year, due.
    app.clock.advance(time::Duration::weeks(41));
    let ask = app
        .email_to(&tom.email, "Please reconfirm your declarations for 2027/28")
        .await;
    let tom_browser = other;
    tom_browser.follow_email_link(&ask).await;
    tom_browser.fill("email", &tom.email).await;
    tom_browser.fill("password", helpers::PASSWORD).await;
    tom_browser.click_button("Sign in").await;
    tom_browser.assert_text("This school year (2027/28)").await;
    tom_browser.assert_text("Your answers in past years").await;
    tom_browser
        .assert_text("2026/27: No contacts to declare")
        .await;
    tom_browser
        .click_button("I have no contacts to declare this school year")
        .await;
    tom_browser.assert_text("You made a nil return on").await;
    head.visit("/declarations/review").await;
    head.fill("email", &helen.email).await;
    head.fill("password", helpers::PASSWORD).await;
    head.click_button("Sign in").await;
    head.assert_heading("Declarations to review").await;
    head.assert_text("Reconfirmation, 2027/28").await;
    head.assert_text("1 confirmed, 2 due").await;

    tom_browser.close().await;
    head.close().await;
}
