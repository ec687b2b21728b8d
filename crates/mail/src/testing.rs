//! A real SMTP server on loopback for tests: Debian's `python3-aiosmtpd` storing every mail in
//! a maildir, read back with `mail-parser`.
//!
//! ```ignore
//! let Some(server) = SmtpServer::start() else { return }; // aiosmtpd missing and not required
//! let settings = SmtpSettings::parse(&server.url(), "Academy <no-reply@example.org>", None, timeout)?;
//! ```
// Test support: failing loudly is the point here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::{MessageParser, MimeHeaders};

use crate::Attachment;

const PYTHON: &str = "/usr/bin/python3";
const INSTALL_HINT: &str = "apt-get install -y python3-aiosmtpd (scripts/test.sh installs it)";

/// A mail as the server stored it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMail {
    /// Without the angle brackets.
    pub message_id: String,
    /// The first `To` address.
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// An aiosmtpd process on 127.0.0.1; killed on drop.
pub struct SmtpServer {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl SmtpServer {
    /// Starts a server on a free port and waits until it accepts connections. `None` when
    /// aiosmtpd is not installed, unless `MM_REQUIRE_SMTP=1`, which makes that a failure.
    pub fn start() -> Option<SmtpServer> {
        if !aiosmtpd_installed() {
            if std::env::var("MM_REQUIRE_SMTP").as_deref() == Ok("1") {
                panic!("MM_REQUIRE_SMTP=1 but {PYTHON} cannot import aiosmtpd: {INSTALL_HINT}");
            }
            eprintln!("skipping: no aiosmtpd for {PYTHON} ({INSTALL_HINT})");
            return None;
        }
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut server = SmtpServer { port, dir, child: None };
        server.spawn();
        Some(server)
    }

    /// `smtp://127.0.0.1:PORT?tls=none`, for [`crate::SmtpSettings::parse`].
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (mails already received stay readable).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port and maildir.
    pub fn start_again(&mut self) {
        self.stop();
        self.spawn();
    }

    /// How many mails are stored so far, without reading them (cheap enough to poll).
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir().join(sub)).ok())
            .map(|dir| dir.filter_map(Result::ok).count())
            .sum()
    }

    /// Every mail stored so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir().join(sub)).ok())
            .flat_map(|dir| dir.filter_map(Result::ok).map(|e| e.path()))
            .collect();
        // Maildir names start with the delivery time, `<seconds>.M<microseconds>P…`; Python
        // writes the microseconds unpadded, so they are compared as numbers, not as text.
        files.sort_by_key(|path| delivery_time(path));
        files.iter().map(|path| parse(path)).collect()
    }

    /// Waits until at least `n` mails are stored or `timeout` passes, then returns them all.
    /// It blocks the thread: call it after the sends completed.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.received();
            if mails.len() >= n || Instant::now() >= deadline {
                return mails;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("aiosmtpd.log")).expect("the server's log file");
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the server's log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {PYTHON} -m aiosmtpd: {e}"));
        self.child = Some(child);
        self.wait_until_accepting();
    }

    fn wait_until_accepting(&mut self) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            let exited = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                let log = std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default();
                panic!("aiosmtpd did not accept on {address} (exit {exited:?}); its output:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn aiosmtpd_installed() -> bool {
    Path::new(PYTHON).is_file()
        && Command::new(PYTHON)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn parse(path: &Path) -> ReceivedMail {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let message = MessageParser::default()
        .parse(&raw)
        .unwrap_or_else(|| panic!("{} is not a mail", path.display()));
    let to = message
        .to()
        .and_then(|to| to.first())
        .and_then(|addr| addr.address())
        .unwrap_or_default()
        .to_owned();
    let attachments = message
        .attachments()
        .map(|part| Attachment {
            filename: part.attachment_name().unwrap_or_default().to_owned(),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{sub}", ct.ctype()),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_default(),
            bytes: part.contents().to_vec(),
        })
        .collect();
    ReceivedMail {
        message_id: message.message_id().unwrap_or_default().to_owned(),
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
        attachments,
    }
}

/// When a Maildir file was delivered, from its name: (seconds, microseconds); unknown names first.
fn delivery_time(path: &std::path::Path) -> (u64, u64) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mut parts = name.split('.');
    let seconds = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let micros = parts
        .next()
        .and_then(|m| m.strip_prefix('M'))
        .and_then(|m| m.split('P').next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    (seconds, micros)
}

#[cfg(test)]
mod tests {
    use super::delivery_time;
    use std::path::Path;

    #[test]
    fn maildir_names_order_by_their_time_as_numbers() {
        let early = Path::new("new/1796601600.M99999P12Q1.host");
        let late = Path::new("new/1796601600.M100000P12Q2.host");
        assert!(delivery_time(early) < delivery_time(late));
        assert!(early > late, "as text they would sort the other way");
    }
}
