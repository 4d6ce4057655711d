//! A real SMTP server for tests, inside the test binary: the `mailin` crate speaks the protocol
//! (its RFC 5321 state machine answers every command), and this module only carries lines between
//! it and a socket, a thread per connection. What it receives is kept for the test to read.

use std::{
    io::{BufRead, BufReader, BufWriter, Write},
    net::{IpAddr, TcpListener, TcpStream},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread,
};

use mailin::{Action, Handler, Response, SessionBuilder, response};

/// A running SMTP server on 127.0.0.1; stopped when dropped.
pub struct SmtpServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    received: Arc<Mutex<Vec<String>>>,
    stopping: Arc<AtomicBool>,
}

/// A port nobody listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Keeps each message as it arrives; one clone per connection.
#[derive(Clone)]
struct Collector {
    received: Arc<Mutex<Vec<String>>>,
    current: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.current.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = String::from_utf8_lossy(&self.current).into_owned();
        self.received.lock().expect("messages").push(message);
        response::OK
    }
}

/// One SMTP conversation, until the client quits or hangs up.
fn converse(stream: TcpStream, collector: Collector) -> std::io::Result<()> {
    let remote = stream
        .peer_addr()
        .map_or(IpAddr::from([127, 0, 0, 1]), |a| a.ip());
    let mut session = SessionBuilder::new("guichet-tests").build(remote, collector);
    // Each answer leaves in one segment, at once: `mailin` writes an answer in several
    // pieces, and with Nagle's algorithm the second piece waited for the client's delayed
    // acknowledgement (40 ms), which held every message for a few of them.
    stream.set_nodelay(true)?;
    let mut writer = BufWriter::new(stream.try_clone()?);
    let mut reader = BufReader::new(stream);
    session.greeting().write_to(&mut writer)?;
    writer.flush()?;
    let mut line = Vec::with_capacity(128);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let answer = session.process(&line);
        match answer.action {
            Action::NoReply => {}
            Action::Reply | Action::UpgradeTls => {
                answer.write_to(&mut writer)?;
                writer.flush()?;
            }
            Action::Close => {
                answer.write_to(&mut writer)?;
                return writer.flush();
            }
        }
    }
}

impl SmtpServer {
    /// Listens on `port` of 127.0.0.1 and answers in the background.
    pub fn start(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("the SMTP port is free");
        let received = Arc::new(Mutex::new(Vec::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let collector = Collector {
            received: received.clone(),
            current: Vec::new(),
        };
        let stop = stopping.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                if let Ok(stream) = stream {
                    let collector = collector.clone();
                    thread::spawn(move || converse(stream, collector));
                }
            }
        });
        SmtpServer {
            port,
            received,
            stopping,
        }
    }

    /// The URL the application sends through.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        self.received.lock().expect("messages").clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // The accepting thread sees the flag at its next connection: this one.
        self.stopping.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
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
