//! Every CSV download is safe to open in a spreadsheet: it starts with a
//! byte-order mark so Excel shows names as written, and no cell that a
//! person typed can run as a formula.

use custodian::people::domain::Role;
use reqwest::StatusCode;

use crate::helpers::TestApp;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads a download as a spreadsheet would, after checking its first bytes.
async fn cells_of(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8",
        "{path}"
    );
    let bytes = response.bytes().await.expect("the whole download");
    assert!(
        bytes.starts_with(BYTE_ORDER_MARK),
        "{path} starts with a byte-order mark"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[BYTE_ORDER_MARK.len()..]);
    reader
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect()
}

/// No cell would be read as a formula by Excel or LibreOffice.
fn assert_no_formula(path: &str, rows: &[Vec<String>]) {
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{path}: the cell {cell:?} would run as a formula"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_export_starts_with_a_byte_order_mark_and_neutralises_formulas() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Headteacher).await;
    app.add_person("Zoë Ørsted", Role::Staff);
    let account = app.open_account("@StJamesCE").await;
    let response = app
        .post_form(
            &format!("/accounts/{account}/moderation"),
            &[
                ("kind", "comment_removed"),
                ("occurred_on", "2026-11-20"),
                ("reason", "offensive"),
                ("note", "=HYPERLINK(\"http://evil.example\",\"click\")"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let accounts = cells_of(&app, "/accounts/export.csv").await;
    assert!(
        accounts.iter().flatten().any(|c| c == "'@StJamesCE"),
        "an ordinary handle is kept, made plain text: {accounts:?}"
    );
    let moderation = cells_of(&app, &format!("/accounts/{account}/moderation.csv")).await;
    assert!(moderation
        .iter()
        .flatten()
        .any(|c| c.starts_with("'=HYPERLINK")));
    let audit = cells_of(&app, "/audit/export.csv").await;
    assert!(
        audit.iter().flatten().any(|c| c.contains("Zoë Ørsted")),
        "names come through as written"
    );

    for path in [
        "/accounts/export.csv".to_owned(),
        format!("/accounts/{account}/history.csv"),
        format!("/accounts/{account}/moderation.csv"),
        "/audit/export.csv".to_owned(),
        "/reports/governors.csv".to_owned(),
    ] {
        let rows = cells_of(&app, &path).await;
        assert!(rows.len() > 1, "{path} has rows below its header");
        assert_no_formula(&path, &rows);
    }
}
