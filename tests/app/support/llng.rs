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
    /// The port it listens on (the public URL's, unless it runs behind a relay).
    pub port: u16,
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

fn users_db<S: AsRef<str>>(path: &Path, users: &[(S, S, S)]) {
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
        command.args([login.as_ref(), mail.as_ref(), name.as_ref()]);
    }
    run(&mut command);
}

impl Llng {
    /// The portal on a free port, with `users` (login, also the password; e-mail; display
    /// name), knowing Guichet at `guichet` (its base URL) as
    /// a CAS service and as the OpenID Connect client [`OIDC_CLIENT`].
    pub fn start<S: AsRef<str>>(guichet: &str, users: &[(S, S, S)]) -> Llng {
        Self::start_at(guichet, users, None)
    }

    /// The portal, naming itself (as CAS server and OpenID Connect issuer) at
    /// `http://localhost:<public_port>/` while it listens on a port of its own: something
    /// else (a test's relay) answers at the public port and passes requests on.
    pub fn start_behind<S: AsRef<str>>(
        guichet: &str,
        users: &[(S, S, S)],
        public_port: u16,
    ) -> Llng {
        Self::start_at(guichet, users, Some(public_port))
    }

    fn start_at<S: AsRef<str>>(
        guichet: &str,
        users: &[(S, S, S)],
        public_port: Option<u16>,
    ) -> Llng {
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
        let url = format!("http://localhost:{}/", public_port.unwrap_or(port));
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
            port,
            _dir: dir,
        };
        llng.wait_ready();
        llng
    }

    /// Waits until the portal serves its OpenID Connect discovery document.
    fn wait_ready(&self) {
        let address = format!("127.0.0.1:{}", self.port);
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

    /// Where it listens, whatever it calls itself.
    pub fn direct_url(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a redirection")
        .to_owned()
}

/// Starts a sign-in at `app` with `provider` and signs in at the portal as `user` (whose
/// password is their login): the callback URL the portal sends the browser back to, not
/// followed.
pub async fn at_provider(
    client: &reqwest::Client,
    app: &super::TestApp,
    provider: i64,
    user: &str,
) -> String {
    let start = client
        .get(app.url(&format!("/login/sso?provider={provider}")))
        .send()
        .await
        .expect("start");
    assert_eq!(start.status(), reqwest::StatusCode::SEE_OTHER);
    let login = location(&start);
    let page = client
        .get(&login)
        .send()
        .await
        .expect("portal")
        .text()
        .await
        .expect("html");
    let mut fields: Vec<(String, String)> = {
        let doc = scraper::Html::parse_document(&page);
        let hidden = scraper::Selector::parse("form#lform input[type=hidden]").expect("selector");
        doc.select(&hidden)
            .filter_map(|i| {
                let name = i.value().attr("name")?;
                Some((
                    name.to_owned(),
                    i.value().attr("value").unwrap_or("").to_owned(),
                ))
            })
            .collect()
    };
    fields.push(("user".to_owned(), user.to_owned()));
    fields.push(("password".to_owned(), user.to_owned()));
    let signed = client
        .post(&login)
        .form(&fields)
        .send()
        .await
        .expect("portal sign-in");
    assert_eq!(
        signed.status(),
        reqwest::StatusCode::FOUND,
        "{}",
        signed.text().await.unwrap_or_default()
    );
    let callback = location(&signed);
    assert!(
        callback.starts_with(&app.url("/login/sso/callback")),
        "{callback}"
    );
    callback
}

/// The identity provider that `TEST_SIGN_IN=sso` signs every account in through: the portal
/// knows every account of the database (login = e-mail = password) and one CAS provider of
/// each top organisation allows every domain they use, so the tests that sign accounts in run
/// unchanged on sessions opened by single sign-on.
pub struct SignInThrough {
    _llng: Llng,
    /// The provider of each top organisation, by its id.
    providers: Vec<(i64, i64)>,
}

impl SignInThrough {
    /// The portal and the providers for `app`'s accounts as they are now.
    pub async fn start(app: &super::TestApp) -> SignInThrough {
        use entity::{account, organisation};
        use sea_orm::{ColumnTrait, QueryFilter};
        let accounts = guichet::db::Unscoped::find::<account::Entity>()
            .all(&app.conn)
            .await
            .expect("accounts");
        let users: Vec<(String, String, String)> = accounts
            .iter()
            .map(|a| (a.email.clone(), a.email.clone(), a.display_name.clone()))
            .collect();
        let llng = Llng::start(&app.url(""), &users);
        let mut domains: Vec<String> = accounts
            .iter()
            .filter_map(|a| a.email.rsplit_once('@').map(|(_, d)| d.to_owned()))
            .collect();
        domains.sort();
        domains.dedup();
        let tops = guichet::db::Unscoped::find::<organisation::Entity>()
            .filter(organisation::Column::ParentId.is_null())
            .all(&app.conn)
            .await
            .expect("organisations");
        let platform = app.state.platform();
        let mut providers = Vec::new();
        for top in tops {
            let new = guichet::services::identity_providers::NewProvider {
                organisation_id: top.id,
                kind: "cas".to_owned(),
                label: top.name.clone(),
                server_url: format!("{}cas", llng.url),
                client_id: None,
                client_secret: None,
                email_attribute: "mail".to_owned(),
                name_attribute: "cn".to_owned(),
                email_domains: domains.clone(),
                create_contacts: false,
                single_logout: true,
            };
            let created =
                guichet::services::identity_providers::create(&platform, &app.state.sealer, new)
                    .await
                    .expect("the test provider");
            providers.push((top.id, created.id));
        }
        SignInThrough {
            _llng: llng,
            providers,
        }
    }

    /// A new browser signed in as `email` through the provider of its top organisation.
    pub async fn browser(&self, app: &super::TestApp, email: &str) -> reqwest::Client {
        use entity::account;
        use sea_orm::{ColumnTrait, QueryFilter};
        let account = guichet::db::Unscoped::find::<account::Entity>()
            .filter(account::Column::Email.eq(email))
            .one(&app.conn)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("{email}: no such account to sign in through SSO"));
        let mut top = account.organisation_id;
        while let Some(parent) = guichet::db::Unscoped::find::<entity::organisation::Entity>()
            .filter(entity::organisation::Column::Id.eq(top))
            .one(&app.conn)
            .await
            .expect("query")
            .and_then(|o| o.parent_id)
        {
            top = parent;
        }
        let provider = self
            .providers
            .iter()
            .find(|(org, _)| *org == top)
            .map(|(_, p)| *p)
            .expect("a provider of the top organisation");
        let client = super::client();
        let callback = at_provider(&client, app, provider, email).await;
        let response = client.get(&callback).send().await.expect("callback");
        assert_eq!(
            response.status(),
            reqwest::StatusCode::SEE_OTHER,
            "SSO sign-in of {email}: {}",
            response.text().await.unwrap_or_default()
        );
        // The session says it came through the provider, so nothing signed in another way.
        let account = client
            .get(app.url("/account/notifications"))
            .send()
            .await
            .expect("account page")
            .text()
            .await
            .expect("html");
        assert!(
            account.contains("class=\"signed-via\""),
            "{email}: not signed in via SSO"
        );
        client
    }

    /// A bearer token of `email` made by its SSO session on the personal tokens page.
    pub async fn token(&self, app: &super::TestApp, email: &str) -> String {
        let browser = self.browser(app, email).await;
        let page = browser
            .get(app.url("/account/tokens"))
            .send()
            .await
            .expect("tokens page")
            .text()
            .await
            .expect("html");
        let csrf = super::csrf_of(&page);
        let created = browser
            .post(app.url("/account/tokens"))
            .form(&[("_csrf", csrf.as_str()), ("name", "sso"), ("days", "1")])
            .send()
            .await
            .expect("token creation")
            .text()
            .await
            .expect("html");
        let doc = scraper::Html::parse_document(&created);
        let code = scraper::Selector::parse("#new-token").expect("selector");
        doc.select(&code)
            .next()
            .map(|c| c.text().collect::<String>())
            .unwrap_or_else(|| panic!("no token made by the SSO session of {email}"))
    }
}
