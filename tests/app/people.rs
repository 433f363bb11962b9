//! Managing people: adding, roles, leavers.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slt_add_staff_but_only_the_head_makes_someone_slt() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let (status, html) = app.page("/people/new").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains(r#"value="slt""#),
        "SLT are not offered senior roles"
    );

    let response = app
        .post_form(
            "/people/new",
            &[
                ("name", "Sam Fletcher"),
                ("email", "sam@oakfield.example"),
                ("role", "slt"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Only the headteacher can make someone SLT"));
    assert!(html.contains(r#"value="Sam Fletcher""#), "entries kept");

    let response = app
        .post_form(
            "/people/new",
            &[
                ("name", "Sam Fletcher"),
                ("email", "sam@oakfield.example"),
                ("role", "staff"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/people").await;
    assert!(html.contains("Sam Fletcher"));
    assert!(html.contains("Invited"));
    app.email_to("sam@oakfield.example", "invited").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_email_is_named_beside_its_field_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    app.add_person("Tom Reed", Role::Staff);
    let events_before = app.audit_actions().len();
    let response = app
        .post_form(
            "/people/new",
            &[
                ("name", "Thomas Reed"),
                ("email", "TOM.REED@oakfield.example"),
                ("role", "staff"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("already in Custodian"));
    assert!(
        html.contains(r##"href="#email""##),
        "the error summary links to the field"
    );
    assert!(html.contains(r#"value="Thomas Reed""#));
    assert_eq!(
        app.audit_actions().len(),
        events_before,
        "nothing half-done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_applies_at_once_and_is_emailed() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let staff = app.add_person("Tom Reed", Role::Staff);
    let staff_browser = TestApp::spawn_client(&app);
    staff_browser.sign_in(&staff.email, PASSWORD).await;
    assert_eq!(staff_browser.get("/").await.status(), 200);

    let response = app
        .post_form(&format!("/people/{}/role", staff.id), &[("role", "slt")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Their session ended; signing in again gives the new role.
    assert_eq!(staff_browser.get("/").await.status(), StatusCode::SEE_OTHER);
    staff_browser.sign_in(&staff.email, PASSWORD).await;
    assert_eq!(staff_browser.get("/people").await.status(), 200);

    let email = app
        .email_to(&staff.email, "role in Custodian has changed")
        .await;
    assert!(email.to.contains(&head.email), "the head is copied");
    assert!(email.text.contains("from Staff to Senior Leadership Team"));
    assert!(app
        .audit_actions()
        .contains(&"person.role_changed".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slt_cannot_change_senior_roles() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Slt).await;
    let head = app.add_person("Helen Carter", Role::Headteacher);
    let response = app
        .post_form(&format!("/people/{}/role", head.id), &[("role", "staff")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .post_form(&format!("/people/{}/deactivate", head.id), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaver_is_deactivated_signed_out_and_kept() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let slt = app.add_person("Priya Shah", Role::Slt);
    let staff = app.add_person("Tom Reed", Role::Staff);
    let staff_browser = TestApp::spawn_client(&app);
    staff_browser.sign_in(&staff.email, PASSWORD).await;

    let response = app
        .post_form(&format!("/people/{}/deactivate", staff.id), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(staff_browser.get("/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        staff_browser.sign_in(&staff.email, PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a leaver cannot sign in"
    );
    let (_, html) = app.page("/people").await;
    assert!(html.contains("Tom Reed") && html.contains("Deactivated"));

    let email = app.email_to(&slt.email, "has been deactivated").await;
    assert!(email.to.contains(&head.email));
    assert!(!email.to.contains(&staff.email));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_deactivates_themselves() {
    let app = TestApp::spawn().await;
    let head = app.sign_in_as(Role::Headteacher).await;
    let response = app
        .post_form(&format!("/people/{}/deactivate", head.id), &[])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("You cannot deactivate yourself"));
}
