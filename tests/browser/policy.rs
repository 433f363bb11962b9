//! The Social Networking Policy in a real browser: the head publishes a
//! version (a form sent without what changed comes back first), a member of
//! staff follows the emailed link and confirms, and the head sees who has.

use custodian::people::domain::Role;

use crate::driver::Browser;
use crate::helpers::TestApp;

/// A policy with what a real one has: headings at two levels, lists, bold
/// text, a table, a long address that must wrap on a phone, and raw HTML
/// that must show as typed.
const POLICY: &str = "## Safer Social Networking Practice\n\n\
    Adults should **never** make a 'friend' of a pupil at the school.\n\n\
    ### Communications and Social Contact\n\n\
    - a) All adults must adhere to this document.\n\
    - b) Review your own profiles when you join.\n\n\
    | Platform | Who runs it |\n| --- | --- |\n| Facebook | The office |\n\n\
    See https://www.example.org/a/very/long/address/that/has/no/spaces/in/it/at/all/anywhere/whatsoever \
    and <b>this</b>.\n\n\
    ## Appendix\n\n\
    The school's accounts are run by the Senior Leadership Team, who keep their logins, \
    never share them, and record who holds them, when access was given and why. \
    Comments that name individuals negatively, advertise, or identify children are removed.\n\n\
    Parents are asked not to post photographs of children other than their own, and not to \
    send friend requests to staff. Concerns go to the headteacher, in person or by email.\n";

#[tokio::test]
async fn the_head_publishes_the_policy_and_staff_confirm_it() {
    let app = TestApp::spawn().await;
    let Some(head) = Browser::open(&app).await else {
        return;
    };
    head.sign_in_as(&app, Role::Headteacher).await;
    let tom = app.add_person("Tom Reed", Role::Staff);

    // Nothing published yet: the head is offered to publish the first.
    head.visit("/policy").await;
    head.assert_text("No version of the policy has been published")
        .await;
    head.click_link("Publish the first version").await;
    head.assert_heading("Publish version 1 of the policy").await;

    // Sent without what changed, the form comes back with the text kept.
    head.fill("body", POLICY).await;
    head.fill("effective_on", "2026-12-01").await;
    head.click_button("Publish version 1").await;
    head.assert_text("There is a problem").await;
    head.assert_text("Say what changed in this version").await;
    head.fill("summary", "The first version in Custodian.")
        .await;
    head.click_button("Publish version 1").await;
    head.assert_heading("Social Networking Policy, version 1")
        .await;
    head.assert_text("Version 1 is published").await;
    head.assert_text("<b>this</b>").await;

    // A next version starts from this one's text.
    head.visit("/policy/new").await;
    head.assert_heading("Publish version 2 of the policy").await;

    // Tom is emailed, reads it and confirms.
    let ask = app
        .email_to(&tom.email, "Please read the Social Networking Policy")
        .await;
    let staff = head.another().await;
    staff.sign_in(&tom.email, crate::helpers::PASSWORD).await;
    staff.follow_email_link(&ask).await;
    staff
        .assert_heading("Social Networking Policy, version 1")
        .await;
    staff.assert_text("The first version in Custodian.").await;
    staff
        .click_button("I have read this policy and reviewed my own social networking profiles")
        .await;
    staff.assert_text("You confirmed on 24 Nov 2026").await;

    // The head sees who has confirmed, and who has not.
    head.visit("/policy/1").await;
    head.click_link("Who has confirmed version 1").await;
    head.assert_heading("Who has confirmed version 1 of the policy")
        .await;
    head.assert_text("1 of 2 people who work at the school have confirmed (50%)")
        .await;

    staff.close().await;
    head.close().await;
}
