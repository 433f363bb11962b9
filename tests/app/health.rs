use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let (status, body) = app.page("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
    let (status, _) = app.page("/readyz").await;
    assert_eq!(status, 200);
}
