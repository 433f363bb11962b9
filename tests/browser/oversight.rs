//! Running the policy in a real browser: each person's "What needs you",
//! the moderation log of an official account (Appendix 2's community
//! guidelines), the governors' report and the weekly digest switch.

use custodian::people::domain::Role;

use crate::driver::Browser;
use crate::helpers::{self, TestApp};

/// What Tom removed: a parent's comment naming a pupil.
const TOMS_NOTE: &str = "A parent named a Year 6 pupil under the sports day photos.";
/// What the deputy head blocked: a follower advertising.
const DAVIDS_NOTE: &str = "A follower kept posting adverts for a tutoring company.";

/// The moderation log, end to end: SLT open an account and give a member
/// of staff access; he sees the grant to confirm on his home page, confirms
/// it from its email, and records a comment removed (the form sent empty
/// first); SLT record another for a different reason and filter the log by
/// reason; a member of staff without access is refused the log.
#[tokio::test]
async fn slt_and_a_member_of_staff_with_access_keep_an_account_to_appendix_2() {
    let app = TestApp::spawn().await;
    let Some(slt) = Browser::open(&app).await else {
        return;
    };
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    slt.sign_in_as(&app, Role::Slt).await;

    // The deputy head opens the school's Facebook account.
    slt.click_link("Official accounts").await;
    slt.click_link("Open a new account").await;
    slt.choose("platform", "Facebook").await;
    slt.fill("handle", "Oakfield Primary").await;
    slt.fill("profile_url", "https://www.facebook.com/oakfield.example")
        .await;
    slt.fill("purpose", "News and events for families").await;
    slt.click_button("Save the account").await;
    slt.assert_heading("Oakfield Primary").await;
    slt.assert_text("Moderation").await;
    slt.assert_text("Nothing has been recorded on this account yet.")
        .await;
    let account = slt.current_path().await;
    app.email_to(&head.email, "Official account recorded").await;

    // Tom is given access to moderate the comments.
    slt.click_link("Give someone access").await;
    slt.choose("grantee", "Tom Reed (Staff)").await;
    slt.check(
        "Which aim of the policy",
        "Publicise school events and fundraising",
    )
    .await;
    slt.fill("purpose", "Moderating comments on sports day posts")
        .await;
    slt.click_button("Give access").await;
    slt.assert_heading("Access to Oakfield Primary for Tom Reed")
        .await;
    let record = app
        .email_to(&tom.email, "Record of access to Oakfield Primary")
        .await;

    // Tom, on his own computer, sees the grant on his home page.
    let tom_browser = slt.another().await;
    tom_browser.sign_in(&tom.email, helpers::PASSWORD).await;
    tom_browser.assert_heading("Hello, Tom Reed").await;
    tom_browser.assert_text("What needs you").await;
    tom_browser
        .assert_text("1 grant of access to confirm")
        .await;
    tom_browser
        .click_link(
            "1 grant of access to confirm: use the link in its email, or open it from Official \
             accounts",
        )
        .await;
    tom_browser.assert_heading("Official accounts").await;

    // He confirms it from its email, and it no longer needs him.
    tom_browser.follow_email_link(&record).await;
    tom_browser
        .assert_heading("Access to Oakfield Primary for Tom Reed")
        .await;
    tom_browser
        .click_button("I have received access and will follow these guidelines")
        .await;
    tom_browser
        .assert_text("Thank you: your confirmation is recorded.")
        .await;
    tom_browser.click_link("Home").await;
    tom_browser
        .assert_no_text("1 grant of access to confirm")
        .await;

    // From the account's page he goes to record a moderation action, and
    // sends the form empty first: the summary, and each error by its field.
    tom_browser.click_link("Official accounts").await;
    tom_browser.click_link("Oakfield Primary").await;
    tom_browser.assert_text("Moderation").await;
    tom_browser.click_link("Record a moderation action").await;
    tom_browser
        .assert_heading("Moderation log of Oakfield Primary")
        .await;
    tom_browser.assert_value("occurred_on", "2026-11-24").await;
    tom_browser.click_button("Record the action").await;
    tom_browser.assert_text("There is a problem").await;
    tom_browser
        .assert_text("Error:\nChoose what was done")
        .await;
    tom_browser
        .assert_text("Error:\nChoose the reason, from the community guidelines")
        .await;
    tom_browser
        .assert_text("Error:\nSay briefly what it was and what was done")
        .await;
    tom_browser
        .assert_text("Nothing has been recorded on this account yet.")
        .await;

    // He records the comment he removed.
    tom_browser
        .check("What was done?", "A comment removed")
        .await;
    tom_browser
        .check(
            "Which guideline did it break?",
            "Comments that identify children",
        )
        .await;
    tom_browser.fill("note", TOMS_NOTE).await;
    tom_browser.click_button("Record the action").await;
    tom_browser
        .assert_heading("Moderation log of Oakfield Primary")
        .await;
    tom_browser
        .assert_text("The moderation action is recorded in the log.")
        .await;
    tom_browser.assert_no_text("There is a problem").await;
    tom_browser.assert_text(TOMS_NOTE).await;
    tom_browser.assert_text("A comment removed").await;
    tom_browser
        .assert_text("Comments that identify children")
        .await;
    tom_browser.assert_text("Tom Reed").await;

    // The deputy head sees it on the account's page, and records a
    // follower blocked for advertising.
    slt.visit(&account).await;
    slt.assert_text(TOMS_NOTE).await;
    slt.click_link("Record a moderation action").await;
    slt.check("What was done?", "A follower blocked").await;
    slt.check(
        "Which guideline did it break?",
        "Advertising products or services",
    )
    .await;
    slt.fill("note", DAVIDS_NOTE).await;
    slt.click_button("Record the action").await;
    slt.assert_text("The moderation action is recorded in the log.")
        .await;
    slt.assert_text(DAVIDS_NOTE).await;
    slt.assert_text(TOMS_NOTE).await;
    slt.assert_text("Download the whole log as CSV").await;

    // Filtered by reason, only Tom's entry is left, and the CSV link
    // offers those entries.
    slt.choose("filter-reason", "Comments that identify children")
        .await;
    slt.click_button("Filter").await;
    slt.assert_text(TOMS_NOTE).await;
    slt.assert_no_text(DAVIDS_NOTE).await;
    assert!(
        slt.current_path()
            .await
            .contains("reason=identifying_children"),
        "the filter is in the address: {}",
        slt.current_path().await
    );
    slt.assert_text("Download these entries as CSV").await;
    slt.click_link("Clear the filter").await;
    slt.assert_text(DAVIDS_NOTE).await;

    // Amira holds no access to the account: its log is refused her.
    tom_browser.sign_out().await;
    tom_browser.sign_in(&amira.email, helpers::PASSWORD).await;
    tom_browser.assert_heading("Hello, Amira Hussain").await;
    tom_browser.visit(&format!("{account}/moderation")).await;
    tom_browser.assert_heading("You cannot do this").await;
    tom_browser.assert_no_text(TOMS_NOTE).await;
    tom_browser.visit(&account).await;
    tom_browser
        .assert_no_text("Record a moderation action")
        .await;
    tom_browser.assert_no_text(TOMS_NOTE).await;

    tom_browser.close().await;
    slt.close().await;
}

/// The head's morning: a declaration awaits her review and a concern has
/// been raised with her; her home page says so and leads to each queue.
/// She reads the governors' report for the term, then for dates (the last
/// day before the first, refused first), and switches her weekly digest
/// off. A member of staff may not see the report.
#[tokio::test]
async fn the_heads_morning() {
    let app = TestApp::spawn().await;
    let Some(head) = Browser::open(&app).await else {
        return;
    };
    let helen = app.add_person("Helen Carter", Role::Headteacher);
    let tom = app.add_person("Tom Reed", Role::Staff);
    let amira = app.add_person("Amira Hussain", Role::Staff);
    app.add_person("Sam Fletcher", Role::Staff);
    app.add_person("David Okafor", Role::Slt);

    // Amira declared a contact yesterday evening (a form post: the
    // declarations journey drives that form in the browser).
    let amira_client = TestApp::spawn_client(&app);
    amira_client.sign_in(&amira.email, helpers::PASSWORD).await;
    let sent = amira_client
        .post_form(
            "/declarations/new",
            &[
                ("contact_name", "Chris Morgan"),
                ("link", "parent_carer"),
                ("class_or_year", "Year 2"),
                ("nature", "neighbour"),
                ("in_person", "yes"),
                ("since", "2019"),
                ("description", "They live next door."),
            ],
        )
        .await;
    assert_eq!(sent.status(), reqwest::StatusCode::SEE_OTHER);

    // Tom raises a concern about a colleague.
    let tom_browser = head.another().await;
    tom_browser.sign_in(&tom.email, helpers::PASSWORD).await;
    tom_browser.click_link("Concerns").await;
    tom_browser.click_link("Raise a concern").await;
    tom_browser
        .check("What is the concern about?", "A member of staff")
        .await;
    tom_browser
        .choose("about_person", "Sam Fletcher (Staff)")
        .await;
    tom_browser.fill("happened_on", "2026-11-23").await;
    tom_browser
        .fill(
            "what_happened",
            "Sam accepted a friend request from a Year 5 pupil's older sister.",
        )
        .await;
    tom_browser.click_button("Raise the concern").await;
    tom_browser.assert_heading("Concern C-1").await;
    app.email_to(&helen.email, "A concern has been raised with you")
        .await;
    app.email_to(&helen.email, "A declaration awaits your review")
        .await;

    // The head signs in: what needs her, each leading to its queue.
    head.sign_in(&helen.email, helpers::PASSWORD).await;
    head.assert_heading("Hello, Helen Carter").await;
    head.assert_text("What needs you").await;
    head.assert_text("1 declaration awaits your review").await;
    head.assert_text("1 open concern").await;
    head.click_link("1 declaration awaits your review").await;
    head.assert_heading("Declarations to review").await;
    head.assert_text("Chris Morgan").await;
    head.click_link("Home").await;
    head.click_link("1 open concern").await;
    head.assert_heading("Concerns to review").await;
    head.assert_text("C-1").await;

    // The governors' report for this term, from the navigation.
    head.click_link("Governors' report").await;
    head.assert_heading("Governors' report: Autumn term 2026")
        .await;
    head.assert_text("Declarations made").await;
    head.assert_text("Concerns raised").await;
    head.assert_text("Moderation actions").await;
    head.assert_text("Staff who answered the 2026/27 reconfirmation")
        .await;

    // Dates, the last before the first: refused beside the field.
    head.fill("from", "2026-11-30").await;
    head.fill("until", "2026-11-01").await;
    head.click_button("Show these dates").await;
    head.assert_text("There is a problem").await;
    head.assert_text("Error:\nThe last day must be on or after the first")
        .await;
    head.assert_value("from", "2026-11-30").await;
    head.assert_value("until", "2026-11-01").await;

    // Then the first half of the term.
    head.fill("from", "2026-09-01").await;
    head.fill("until", "2026-11-30").await;
    head.click_button("Show these dates").await;
    head.assert_no_text("There is a problem").await;
    head.assert_heading("Governors' report: 1 Sep 2026 to 30 Nov 2026")
        .await;
    head.assert_text("Declarations made").await;
    head.assert_text("Download as CSV").await;

    // Her details: the weekly digest is on, and she switches it off.
    head.click_link("Your details").await;
    head.assert_heading("Your details").await;
    head.assert_text("The weekly digest").await;
    head.click_button("Switch the weekly digest off").await;
    head.assert_text("The weekly digest is off").await;
    head.assert_text("Switch the weekly digest on").await;

    // A member of staff may not read the report.
    tom_browser.visit("/reports/governors").await;
    tom_browser.assert_heading("You cannot do this").await;
    tom_browser.assert_no_text("Declarations made").await;
    tom_browser.assert_no_text("Governors' report").await;

    tom_browser.close().await;
    head.close().await;
}
