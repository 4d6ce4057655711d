//! The `guichet` binary as a newcomer runs it: first boot with the demo, the commands, and a
//! graceful stop on SIGTERM.

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use reqwest::StatusCode;

use crate::support::{TestDb, client};

const BIN: &str = env!("CARGO_BIN_EXE_guichet");

/// A `guichet` command in `dir`, on the test's database: the default SQLite file under `dir`,
/// or the server database when the suite runs on PostgreSQL or MariaDB.
fn guichet(dir: &std::path::Path, db: &TestDb) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env("GUICHET_LISTEN", "127.0.0.1:0");
    if !db.url.starts_with("sqlite:") {
        command.env("GUICHET_DATABASE_URL", &db.url);
    }
    command
}

/// Reads the child's standard output until it says where it listens; returns that and the lines.
fn wait_for_listen(child: &mut Child) -> (String, Vec<String>) {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if let Some(url) = line.strip_prefix("Guichet listens on ") {
            let url = url.to_owned();
            lines.push(line);
            return (url, lines);
        }
        lines.push(line);
    }
    panic!("guichet never said where it listens: {lines:?}");
}

#[tokio::test]
async fn first_boot_loads_the_demo_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path()).await;
    let mut child = guichet(dir.path(), &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, lines) = wait_for_listen(&mut child);
    let said = lines.join("\n");
    assert!(said.contains("admin@demo.guichet"), "{said}");
    assert!(said.contains("contact@univ-toulon.demo.guichet"), "{said}");
    if db.url.starts_with("sqlite:") {
        assert!(dir.path().join("data/guichet.db").exists());
    }

    let http = client();
    for path in ["/healthz", "/login", "/api/v1/openapi.json"] {
        let response = http.get(format!("{url}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }

    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_bad_setting_stops_the_start_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path()).await;
    let output = guichet(dir.path(), &db)
        .env("GUICHET_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.to_lowercase().contains("listen"), "{stderr}");
}

#[tokio::test]
async fn user_create_makes_an_account_and_refuses_bad_input_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path()).await;
    let demo = guichet(dir.path(), &db).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{demo:?}");

    let create = |email: &str, organisation: &str| {
        let mut child = guichet(dir.path(), &db)
            .args([
                "user",
                "create",
                "--email",
                email,
                "--name",
                "Nina Nouvelle",
                "--organisation",
                organisation,
                "--role",
                "agent",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"a long enough password\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let made = create("Nina@Univ-Toulon.example", "UTLN");
    assert!(made.status.success(), "{made:?}");
    assert!(String::from_utf8_lossy(&made.stdout).contains("nina@univ-toulon.example"));

    let again = create("nina@univ-toulon.example", "UTLN");
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("email: an account already uses this address"),
        "{stderr}"
    );

    let nowhere = create("other@univ-toulon.example", "NOPE");
    assert!(!nowhere.status.success());
    let stderr = String::from_utf8_lossy(&nowhere.stderr);
    assert!(
        stderr.contains("organisation: no organisation has this code"),
        "{stderr}"
    );
}

#[tokio::test]
async fn backup_copies_sqlite_and_explains_the_other_databases() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path()).await;
    let migrate = guichet(dir.path(), &db).arg("migrate").output().unwrap();
    assert!(migrate.status.success(), "{migrate:?}");
    let backup = guichet(dir.path(), &db)
        .args(["backup", "--output", "copy.db"])
        .output()
        .unwrap();
    if db.url.starts_with("sqlite:") {
        assert!(backup.status.success(), "{backup:?}");
        assert!(dir.path().join("copy.db").metadata().unwrap().len() > 0);
    } else {
        assert!(!backup.status.success());
        let stderr = String::from_utf8_lossy(&backup.stderr);
        assert!(stderr.contains("dump"), "{stderr}");
    }
}

#[tokio::test]
async fn token_create_prints_a_token_that_the_api_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path()).await;
    let demo = guichet(dir.path(), &db).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{demo:?}");
    let made = guichet(dir.path(), &db)
        .args([
            "token",
            "create",
            "agent.smsu@demo.guichet",
            "--name",
            "supervision",
            "--days",
            "7",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let token = String::from_utf8(made.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("gch_"), "{token}");
    let unknown = guichet(dir.path(), &db)
        .args(["token", "create", "nobody@nowhere.example"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());

    let mut child = guichet(dir.path(), &db)
        .env("GUICHET_DEMO", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, _) = wait_for_listen(&mut child);
    let me: serde_json::Value = client()
        .get(format!("{url}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "agent.smsu@demo.guichet");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Starts `guichet` listening on every address with `demo` as given (None: the shipped
/// default), and answers what it printed and whether its login page warns of demo accounts.
async fn open_start(demo: Option<&str>) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path()).await;
    let mut command = guichet(dir.path(), &db);
    command.env("GUICHET_LISTEN", "0.0.0.0:0");
    if let Some(demo) = demo {
        command.env("GUICHET_DEMO", demo);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, lines) = wait_for_listen(&mut child);
    let url = url.replace("0.0.0.0", "127.0.0.1");
    let page = client()
        .get(format!("{url}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    (lines.join("\n"), page.contains("demo-banner"))
}

#[tokio::test]
async fn the_demo_is_not_loaded_on_an_open_address_unless_asked_for() {
    let (said, warned) = open_start(None).await;
    assert!(said.contains("Demo data NOT loaded"), "{said}");
    assert!(!said.contains("admin@demo.guichet"), "{said}");
    assert!(!warned);

    let (said, warned) = open_start(Some("true")).await;
    assert!(said.contains("Demo data loaded."), "{said}");
    assert!(said.contains("admin@demo.guichet"), "{said}");
    assert!(warned, "every page warns while demo accounts exist");
}
