//! A real SMTP server for tests: Python's `aiosmtpd` (from PyPI, installed by `.ci/run`),
//! writing what it receives to a Maildir that the test reads.

use std::{
    net::{SocketAddr, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A running SMTP server; stopped when dropped.
pub struct SmtpServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    maildir: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// A port nobody listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpServer {
    /// Starts `python3 -m aiosmtpd` on `port` and waits until it accepts connections.
    pub fn start(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let maildir = dir.path().join("maildir");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut server = SmtpServer {
            port,
            maildir,
            child,
            _dir: dir,
        };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "aiosmtpd exited ({status}): install it with `pip install aiosmtpd` \
                     (.ci/run does)"
                );
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// The URL the application sends through.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A header's value in a raw message, decoded (RFC 2047 words included).
pub fn header(message: &str, name: &str) -> Option<String> {
    let parsed = mailparse::parse_mail(message.as_bytes()).ok()?;
    use mailparse::MailHeaderMap;
    parsed.headers.get_first_value(name)
}

/// The decoded text of every part of a raw message, joined.
pub fn text_of(message: &str) -> String {
    fn walk(part: &mailparse::ParsedMail<'_>, out: &mut String) {
        if part.subparts.is_empty() {
            out.push_str(&part.get_body().unwrap_or_default());
        }
        for sub in &part.subparts {
            walk(sub, out);
        }
    }
    let mut out = String::new();
    if let Ok(parsed) = mailparse::parse_mail(message.as_bytes()) {
        walk(&parsed, &mut out);
    }
    out
}
