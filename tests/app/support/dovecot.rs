//! A real IMAP server for the collector's tests: Debian's Dovecot (`dovecot-imapd`), run in the
//! foreground from a temporary directory holding its whole configuration — one user in a
//! password file, Maildir storage, a self-signed certificate for IMAPS and STARTTLS (the test
//! app trusts it through `mail_in_ca_file`), plaintext login allowed on the loopback address so
//! that the test itself can put messages in over plain IMAP. Stopped and removed when dropped.

use std::{
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use async_imap::Session;
use tokio::net::TcpStream;

use super::smtp::free_port;

/// The mailbox's login.
pub const USER: &str = "collector@guichet.test";
/// Its password.
pub const PASSWORD: &str = "collector-secret";

/// The running server.
pub struct Dovecot {
    child: Child,
    /// Port of plain IMAP (STARTTLS offered).
    pub imap_port: u16,
    /// Port of IMAPS.
    pub imaps_port: u16,
    /// The test authority's certificate (PEM), for the app to trust.
    pub ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its children; SIGKILL would leave them running.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn run(command: &mut Command) {
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command runs");
    assert!(status.success(), "{command:?} failed");
}

/// A test authority (`ca.pem`) and the server's certificate it signs (`cert.pem`, `key.pem`)
/// for `localhost` and 127.0.0.1. A self-signed server certificate would not do: it is an
/// authority's, which WebPKI refuses as a server's.
fn certificates(dir: &Path) {
    let openssl = |args: &[&str]| run(Command::new("openssl").current_dir(dir).args(args));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Guichet test authority",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "cert.pem",
    ]);
}

fn config(dir: &Path, imap: u16, imaps: u16, mail_user: &str) -> String {
    let d = dir.display();
    format!(
        "base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={d}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
"
    )
}

impl Dovecot {
    /// Starts a server with one empty mailbox and waits until it answers.
    pub fn start() -> Dovecot {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path();
        // Dovecot's own processes run as its users: they must reach the directory.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        for sub in ["run", "state", "home"] {
            std::fs::create_dir(path.join(sub)).unwrap();
        }
        let root = std::fs::metadata(path).unwrap().uid() == 0;
        // As root, mail is stored as Dovecot's own user (never as root); otherwise as ourselves.
        let mail_user = if root {
            run(Command::new("chown")
                .arg("dovecot:dovecot")
                .arg(path.join("home")));
            "dovecot".to_owned()
        } else {
            std::fs::metadata(path).unwrap().uid().to_string()
        };
        certificates(path);
        std::fs::write(path.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        std::fs::set_permissions(path.join("users"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        let (imap_port, imaps_port) = (free_port(), free_port());
        let conf = path.join("dovecot.conf");
        std::fs::write(&conf, config(path, imap_port, imaps_port, &mail_user)).unwrap();
        let child = Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot starts (Debian's dovecot-imapd)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", imaps_port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "dovecot did not start: {}",
                std::fs::read_to_string(path.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Dovecot {
            child,
            imap_port,
            imaps_port,
            ca_file: path.join("ca.pem"),
            _dir: dir,
        }
    }

    /// A plain IMAP session as the mailbox's user (allowed on the loopback address).
    async fn session(&self) -> Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.imap_port))
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().expect("a greeting");
        client
            .login(USER, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .expect("login")
    }

    /// Puts a message in the inbox, unseen, as a mail server delivers it.
    pub async fn deliver(&self, raw: &str) {
        let mut session = self.session().await;
        session
            .append("INBOX", None, None, raw.as_bytes())
            .await
            .expect("append");
        session.logout().await.unwrap();
    }

    /// How many messages `folder` holds (none when it does not exist).
    pub async fn count(&self, folder: &str) -> u32 {
        let mut session = self.session().await;
        let count = match session.examine(folder).await {
            Ok(mailbox) => mailbox.exists,
            Err(_) => 0,
        };
        session.logout().await.unwrap();
        count
    }
}
