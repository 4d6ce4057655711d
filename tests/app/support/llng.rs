//! A real identity provider for the single sign-on tests: LemonLDAP::NG's portal (Debian's
//! `liblemonldap-ng-portal-perl`) serving CAS and OpenID Connect, run under `plackup` (Starman) from a
//! temporary directory that holds its whole configuration (a file configuration, file session
//! stores, an RSA signing key) and a small user base (an SQLite table read by its DBI backend).
//! Stopped and removed when dropped.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::json;

use super::smtp::free_port;

/// A user of the identity provider: login (also the password), e-mail, display name.
pub type User = (&'static str, &'static str, &'static str);

/// The relying parties registered at the provider.
pub const OIDC_CLIENT: &str = "guichet";
/// Its secret.
pub const OIDC_SECRET: &str = "guichet-secret";
/// A second relying party, whose ID tokens are not for Guichet.
pub const OTHER_CLIENT: &str = "other-app";
/// Its secret.
pub const OTHER_SECRET: &str = "other-secret";

/// The running portal.
pub struct Llng {
    child: Child,
    /// Its base URL, as it names itself (CAS server URL and OpenID Connect issuer).
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Llng {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(command: &mut Command) {
    let status = command.status().expect("the command runs");
    assert!(status.success(), "{command:?} failed");
}

fn users_db(path: &Path, users: &[User]) {
    // Perl's DBI with DBD::SQLite is what the portal reads the users with: no other tool needed.
    let mut script = String::from(
        "use DBI; my $d = DBI->connect('dbi:SQLite:dbname=' . shift, '', '', {RaiseError => 1}); \
         $d->do('CREATE TABLE users (login TEXT PRIMARY KEY, password TEXT, mail TEXT, cn TEXT)'); \
         my $s = $d->prepare('INSERT INTO users VALUES (?, ?, ?, ?)'); \
         while (@ARGV) { my ($l, $m, $c) = splice(@ARGV, 0, 3); $s->execute($l, $l, $m, $c); }",
    );
    script.push('\n');
    let mut command = Command::new("perl");
    command.arg("-e").arg(script).arg(path);
    for (login, mail, name) in users {
        command.args([login, mail, name]);
    }
    run(&mut command);
}

impl Llng {
    /// The portal on a free port, with `users`, knowing Guichet at `guichet` (its base URL) as
    /// a CAS service and as the OpenID Connect client [`OIDC_CLIENT`].
    pub fn start(guichet: &str, users: &[User]) -> Llng {
        assert!(
            Path::new("/usr/share/perl5/Lemonldap/NG/Portal/Main.pm").exists(),
            "LemonLDAP::NG is missing: `apt-get install liblemonldap-ng-portal-perl \
             starman libdbd-sqlite3-perl libxml-simple-perl openssl` (.ci/run does), or run the \
             tests without `--features sso`"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for sub in ["conf", "sessions", "psessions", "lock", "cache"] {
            std::fs::create_dir(root.join(sub)).expect("a folder");
        }
        let p = |sub: &str| root.join(sub).to_string_lossy().into_owned();
        run(Command::new("openssl")
            .args(["genrsa", "-out", &p("key.pem"), "2048"])
            .stderr(Stdio::null()));
        run(Command::new("openssl")
            .args([
                "rsa",
                "-in",
                &p("key.pem"),
                "-pubout",
                "-out",
                &p("pub.pem"),
            ])
            .stderr(Stdio::null()));
        users_db(&root.join("users.db"), users);

        let port = free_port();
        // `localhost`, not 127.0.0.1: the portal's cookie needs a domain name, and it keeps the
        // provider a different site from Guichet, as in real life.
        let url = format!("http://localhost:{port}/");
        let guichet = guichet.trim_end_matches('/');
        let callback = format!("{guichet}/login/sso/callback");
        let read = |sub: &str| std::fs::read_to_string(root.join(sub)).expect("the key");
        let cas_service = format!("{guichet}/");
        let logout_back = format!("{guichet}/login");
        let users_dsn = format!("dbi:SQLite:dbname={}", p("users.db"));
        let mut conf = json!({
            "cfgNum": 1, "cfgAuthor": "guichet tests", "cfgDate": "1700000000",
            "cfgVersion": "2.16.1",
            "portal": url, "domain": "localhost", "cookieName": "lemonldap",
            "securedCookie": 0, "timeout": 7200, "portalSkin": "bootstrap",
            "globalStorage": "Apache::Session::File",
            "globalStorageOptions": { "Directory": p("sessions"), "LockDirectory": p("lock") },
            "persistentStorage": "Apache::Session::File",
            "persistentStorageOptions": { "Directory": p("psessions"), "LockDirectory": p("lock") },
            "localSessionStorage": "Cache::FileCache",
            "localSessionStorageOptions": {
                "namespace": "llng-sessions", "cache_root": p("cache"), "default_expires_in": 600
            },
            "authentication": "DBI", "userDB": "Same", "passwordDB": "Null", "registerDB": "Null",
            "dbiAuthChain": users_dsn,
            "dbiAuthUser": "", "dbiAuthPassword": "",
            "dbiAuthTable": "users", "dbiUserTable": "users",
            "dbiAuthLoginCol": "login", "dbiAuthPasswordCol": "password",
            "dbiAuthPasswordHash": "",
            "dbiExportedVars": { "cn": "cn", "mail": "mail", "uid": "login" },
            "exportedVars": {}, "whatToTrace": "uid", "macros": {}, "groups": {},
            "locationRules": {}, "exportedHeaders": {}, "loginHistoryEnabled": 0
        });
        let issuers = json!({
            // CAS: Guichet is the one known service; others are refused.
            "issuerDBCASActivation": 1, "casAccessControlPolicy": "error",
            "casAppMetaDataOptions": {
                "guichet": { "casAppMetaDataOptionsService": cas_service }
            },
            "casAppMetaDataExportedVars": { "guichet": { "mail": "mail", "cn": "cn" } },
            // OpenID Connect: Guichet (claims from userinfo, PKCE required) and another client
            // (claims in its ID token, password grant allowed, to fetch one directly).
            "issuerDBOpenIDConnectActivation": 1,
            "oidcServicePrivateKeySig": read("key.pem"),
            "oidcServicePublicKeySig": read("pub.pem"),
            "oidcServiceKeyIdSig": "test-key",
            "oidcRPMetaDataOptions": {
                "guichet": {
                    "oidcRPMetaDataOptionsClientID": OIDC_CLIENT,
                    "oidcRPMetaDataOptionsClientSecret": OIDC_SECRET,
                    "oidcRPMetaDataOptionsRedirectUris": callback,
                    "oidcRPMetaDataOptionsPostLogoutRedirectUris": logout_back,
                    "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
                    "oidcRPMetaDataOptionsRequirePKCE": 1,
                    "oidcRPMetaDataOptionsBypassConsent": 1,
                    "oidcRPMetaDataOptionsPublic": 0
                },
                "other": {
                    "oidcRPMetaDataOptionsClientID": OTHER_CLIENT,
                    "oidcRPMetaDataOptionsClientSecret": OTHER_SECRET,
                    "oidcRPMetaDataOptionsRedirectUris": "http://127.0.0.1:9/cb",
                    "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
                    "oidcRPMetaDataOptionsIDTokenForceClaims": 1,
                    "oidcRPMetaDataOptionsBypassConsent": 1,
                    "oidcRPMetaDataOptionsAllowPasswordGrant": 1
                }
            },
            "oidcRPMetaDataExportedVars": {
                "guichet": { "email": "mail", "name": "cn" },
                "other": { "email": "mail", "name": "cn" }
            }
        });
        if let (Some(conf), Some(issuers)) = (conf.as_object_mut(), issuers.as_object()) {
            conf.extend(issuers.clone());
        }
        std::fs::write(
            root.join("conf/lmConf-1.json"),
            serde_json::to_string_pretty(&conf).expect("json"),
        )
        .expect("the configuration");
        std::fs::write(
            root.join("llng.ini"),
            format!(
                "[all]\nlogLevel = warn\ncheckTime = 1\n[configuration]\ntype = File\n\
                 dirName = {}\nlocalStorage = Cache::FileCache\nlocalStorageOptions = {{ \
                 'namespace' => 'llng-config', 'default_expires_in' => 600, 'cache_root' => \
                 '{}' }}\n[portal]\nstaticPrefix = /static\n\
                 templateDir = /usr/share/lemonldap-ng/portal/templates\nlanguages = fr, en\n",
                p("conf"),
                p("cache")
            ),
        )
        .expect("the ini file");
        std::fs::write(
            root.join("app.psgi"),
            "use Plack::Builder;\nuse Lemonldap::NG::Portal::Main;\n\
             my $portal = Lemonldap::NG::Portal::Main->run({});\n\
             builder { enable 'Static', path => qr{^/static/}, \
             root => '/usr/share/lemonldap-ng/portal/htdocs/'; $portal; };\n",
        )
        .expect("the PSGI file");
        let log = std::fs::File::create(root.join("portal.log")).expect("a log file");
        // Starman, several workers: a browser keeps idle connections open (pre-connections,
        // keep-alive), and a one-connection-at-a-time server would then leave Guichet's
        // back-channel calls (ticket validation, code exchange) waiting.
        let child = Command::new("plackup")
            .args(["-s", "Starman", "--workers", "6", "--preload-app"])
            .args(["--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg("--app")
            .arg(root.join("app.psgi"))
            .env("LLNG_DEFAULTCONFFILE", root.join("llng.ini"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("plackup starts");
        let llng = Llng {
            child,
            url,
            _dir: dir,
        };
        llng.wait_ready();
        llng
    }

    /// Waits until the portal serves its OpenID Connect discovery document.
    fn wait_ready(&self) {
        let address = format!("127.0.0.1:{}", self.port());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(mut stream) = std::net::TcpStream::connect(&address) {
                use std::io::{Read, Write};
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let request =
                    "GET /.well-known/openid-configuration HTTP/1.0\r\nHost: localhost\r\n\r\n";
                let mut answer = [0u8; 12];
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_exact(&mut answer).is_ok()
                    && answer.ends_with(b" 200")
                {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "LemonLDAP::NG did not start: {}",
                std::fs::read_to_string(self._dir.path().join("portal.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port")
    }
}
