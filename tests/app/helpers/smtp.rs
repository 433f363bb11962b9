//! A real SMTP server in-process (mailin-embedded) that keeps what it
//! receives, and can refuse or be started late to play an outage.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{response, Handler, Response, Server};

#[derive(Clone, Debug)]
pub struct ReceivedEmail {
    pub to: Vec<String>,
    pub message_id: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
pub struct MailServer {
    port: u16,
    received: Arc<Mutex<Vec<ReceivedEmail>>>,
    refusing: Arc<AtomicBool>,
    started: Arc<AtomicBool>,
}

#[derive(Clone)]
struct Collector {
    received: Arc<Mutex<Vec<ReceivedEmail>>>,
    refusing: Arc<AtomicBool>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn helo(&mut self, _ip: std::net::IpAddr, _domain: &str) -> Response {
        if self.refusing.load(Ordering::SeqCst) {
            response::NO_SERVICE
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let parsed = mail_parser::MessageParser::default().parse(&self.data[..]);
        let Some(message) = parsed else {
            return response::TRANSACTION_FAILED;
        };
        let email = ReceivedEmail {
            to: self.to.clone(),
            message_id: message.message_id().unwrap_or_default().to_owned(),
            subject: message.subject().unwrap_or_default().to_owned(),
            text: message
                .body_text(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            html: message
                .body_html(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
        };
        self.received.lock().expect("lock").push(email);
        response::OK
    }
}

impl MailServer {
    /// Picks a free port; nothing listens there until `start`.
    pub fn new() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        Self {
            port,
            received: Arc::default(),
            refusing: Arc::default(),
            started: Arc::default(),
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn start(&self) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("bind the SMTP port");
        let mut server = Server::new(Collector {
            received: self.received.clone(),
            refusing: self.refusing.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server.with_name("smtp.test").with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
    }

    /// While refusing, every connection gets "421 service not available".
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<ReceivedEmail> {
        self.received.lock().expect("lock").clone()
    }

    pub fn subjects(&self) -> Vec<String> {
        self.received().into_iter().map(|m| m.subject).collect()
    }

    /// Waits up to 10 seconds for a message matching `pred`.
    pub async fn wait_for(&self, pred: impl Fn(&ReceivedEmail) -> bool) -> Option<ReceivedEmail> {
        for _ in 0..200 {
            if let Some(found) = self.received().into_iter().find(|m| pred(m)) {
                return Some(found);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// Waits until `count` messages have arrived (or 10 seconds pass).
    pub async fn wait_for_count(&self, count: usize) -> Vec<ReceivedEmail> {
        for _ in 0..200 {
            if self.received().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.received()
    }
}
