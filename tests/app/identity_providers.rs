//! Identity providers administered: through the API (create, read, PATCH with revision, turn
//! off), the desk's pages (forms that keep what was typed) and `config.toml` (applied at
//! start, idempotently); administrators only, everyone else 404; client secrets sealed and
//! never read back.

use entity::identity_provider;
use guichet::auth::sealing::Purpose;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::json;

use crate::support::{TestApp, browser_signed_in, call, csrf_of};

const ADMIN: &str = "admin@demo.guichet";
const SECRET: &str = "tr3s-s3cret-value";

async fn organisation_id(app: &TestApp, token: &str, code: &str) -> i64 {
    let (_, orgs) = call(
        app,
        Method::GET,
        "/api/v1/organisations?per_page=200",
        token,
        None,
    )
    .await;
    orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn stored(app: &TestApp, id: i64) -> identity_provider::Model {
    guichet::db::Unscoped::find::<identity_provider::Entity>()
        .filter(identity_provider::Column::Id.eq(id))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap()
}

/// An OpenID Connect provider for La Rochelle, created by the administrator: its id.
async fn oidc_provider(app: &TestApp, admin: &str) -> i64 {
    let larochelle = organisation_id(app, admin, "ULR").await;
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/identity-providers",
        admin,
        Some(json!({
            "organisation_id": larochelle, "kind": "oidc", "label": "La Rochelle Université",
            "server_url": "https://idp.univ-larochelle.example/", "client_id": "guichet",
            "client_secret": SECRET, "email_domains": ["univ-larochelle.demo.guichet"]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn client_secrets_are_sealed_and_never_read_back() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let id = oidc_provider(&app, &admin).await;
    let row = stored(&app, id).await;
    let sealed = row.client_secret.clone().unwrap();
    assert!(
        sealed.starts_with("v1:") && !sealed.contains(SECRET),
        "{sealed}"
    );
    assert_eq!(
        app.state
            .sealer
            .open(Purpose::ClientSecret, &sealed)
            .unwrap(),
        SECRET
    );
    assert_eq!(
        guichet::services::identity_providers::client_secret(&app.state.sealer, &row).unwrap(),
        SECRET
    );
    // Neither the API nor the desk's pages give it back, sealed or not.
    for path in [
        "/api/v1/identity-providers".to_owned(),
        format!("/api/v1/identity-providers/{id}"),
    ] {
        let text = app
            .api(Method::GET, &path, &admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("\"client_secret_set\":true"), "{text}");
        assert!(
            !text.contains(SECRET) && !text.contains(&sealed),
            "{path}: {text}"
        );
    }
    let browser = browser_signed_in(&app, ADMIN, "demo").await;
    for path in [
        "/desk/identity-providers".to_owned(),
        format!("/desk/identity-providers/{id}"),
    ] {
        let page = browser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(!html.contains(SECRET) && !html.contains(&sealed), "{path}");
    }
    // A PATCH without a secret keeps the stored one; with one, it is sealed anew.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/identity-providers/{id}"),
        &admin,
        Some(json!({ "revision": 1, "label": "La Rochelle" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored(&app, id).await.client_secret.unwrap(), sealed);
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/identity-providers/{id}"),
        &admin,
        Some(json!({ "revision": 2, "client_secret": "another-one" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let resealed = stored(&app, id).await.client_secret.unwrap();
    assert_eq!(
        app.state
            .sealer
            .open(Purpose::ClientSecret, &resealed)
            .unwrap(),
        "another-one"
    );
}

#[tokio::test]
async fn secrets_stored_in_clear_are_sealed_at_start_and_unreadable_ones_refused() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let id = oidc_provider(&app, &admin).await;
    // As a database written before secrets were sealed holds it.
    guichet::db::Unscoped::update_many::<identity_provider::Entity>()
        .col_expr(
            identity_provider::Column::ClientSecret,
            sea_orm::sea_query::Expr::value("stored-in-clear"),
        )
        .filter(identity_provider::Column::Id.eq(id))
        .exec(&app.conn)
        .await
        .unwrap();
    let row = stored(&app, id).await;
    // Until the next start seals it, it is refused, never sent in clear.
    assert_eq!(
        guichet::services::identity_providers::client_secret(&app.state.sealer, &row),
        Err(guichet::sso::refusal::Refusal::Secret)
    );
    let applied = guichet::services::identity_providers::at_start(&app.state)
        .await
        .unwrap();
    assert_eq!(
        applied,
        guichet::services::identity_providers::Applied::default()
    );
    let row = stored(&app, id).await;
    assert!(row.client_secret.as_deref().unwrap().starts_with("v1:"));
    assert_eq!(
        guichet::services::identity_providers::client_secret(&app.state.sealer, &row).unwrap(),
        "stored-in-clear"
    );
    // Starting again changes nothing.
    guichet::services::identity_providers::at_start(&app.state)
        .await
        .unwrap();
    assert_eq!(stored(&app, id).await.client_secret, row.client_secret);

    // A sign-in with a provider whose secret does not open says so, in French.
    guichet::db::Unscoped::update_many::<identity_provider::Entity>()
        .col_expr(
            identity_provider::Column::ClientSecret,
            sea_orm::sea_query::Expr::value("v1:c2VhbGVkIHdpdGggYW5vdGhlciBrZXk="),
        )
        .filter(identity_provider::Column::Id.eq(id))
        .exec(&app.conn)
        .await
        .unwrap();
    let visitor = crate::support::client();
    let response = visitor
        .get(app.url(&format!("/login/sso?provider={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("un administrateur doit saisir à nouveau le secret client"),
        "{page}"
    );
}

#[tokio::test]
async fn only_administrators_reach_providers_others_get_404() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let id = oidc_provider(&app, &admin).await;
    let toulon = organisation_id(&app, &admin, "UTLN").await;
    for email in [
        "coordination@demo.guichet",
        "agent.geforp@demo.guichet",
        "contact@univ-toulon.demo.guichet",
    ] {
        let token = app.token(email).await;
        for (method, path, body) in [
            (Method::GET, "/api/v1/identity-providers".to_owned(), None),
            (
                Method::GET,
                format!("/api/v1/identity-providers/{id}"),
                None,
            ),
            (
                Method::POST,
                "/api/v1/identity-providers".to_owned(),
                Some(
                    json!({ "organisation_id": toulon, "kind": "cas", "label": "X",
                             "server_url": "https://cas.example.fr/cas", "email_domains": ["x.fr"] }),
                ),
            ),
            (
                Method::PATCH,
                format!("/api/v1/identity-providers/{id}"),
                Some(json!({ "revision": 1, "enabled": false })),
            ),
        ] {
            let (status, answer) = call(&app, method.clone(), &path, &token, body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{email} {method} {path}");
            assert_eq!(answer["error"]["code"], "not_found");
        }
        let browser = browser_signed_in(&app, email, "demo").await;
        for path in [
            "/desk/identity-providers".to_owned(),
            "/desk/identity-providers/new".to_owned(),
            format!("/desk/identity-providers/{id}"),
        ] {
            let response = browser.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{email} {path}");
        }
        // Nor may they post the desk's forms.
        let page = browser
            .get(app.url("/account/tokens"))
            .send()
            .await
            .unwrap();
        let csrf = csrf_of(&page.text().await.unwrap());
        let response = browser
            .post(app.url(&format!("/desk/identity-providers/{id}/enabled")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("enabled", "false"),
                ("revision", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{email}");
    }
    let row = stored(&app, id).await;
    assert!(row.enabled && row.revision == 1, "nothing changed");
}

#[tokio::test]
async fn a_stale_or_wrong_edit_changes_nothing_and_a_disabled_provider_leaves_the_sign_in_page() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let id = oidc_provider(&app, &admin).await;
    let path = format!("/api/v1/identity-providers/{id}");
    let before = stored(&app, id).await;
    for (body, status, field) in [
        (
            json!({ "revision": 7, "label": "Stale" }),
            StatusCode::CONFLICT,
            None,
        ),
        (
            json!({ "revision": 1, "email_domains": ["not a domain"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("email_domains"),
        ),
        (
            json!({ "revision": 1, "server_url": "ftp://idp" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("server_url"),
        ),
        (
            json!({ "revision": 1, "client_secret": "x".repeat(301) }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("client_secret"),
        ),
        (
            json!({ "revision": 1, "kind": "cas" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
    ] {
        let (got, answer) = call(&app, Method::PATCH, &path, &admin, Some(body.clone())).await;
        assert_eq!(got, status, "{body} {answer}");
        if let Some(field) = field {
            assert!(
                answer["error"]["details"].to_string().contains(field),
                "{answer}"
            );
        }
    }
    assert_eq!(stored(&app, id).await, before);

    // Two edits from the same read: one wins, the other is 409.
    let edits = [
        json!({ "revision": 1, "label": "Première" }),
        json!({ "revision": 1, "label": "Seconde" }),
    ];
    let answers = futures::future::join_all(
        edits
            .into_iter()
            .map(|body| call(&app, Method::PATCH, &path, &admin, Some(body))),
    )
    .await;
    let mut statuses: Vec<_> = answers.iter().map(|(s, _)| *s).collect();
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    assert_eq!(stored(&app, id).await.revision, 2);

    // Turned off: gone from the sign-in page, and its start refused in French.
    let login = app.get("/login").await.text().await.unwrap();
    assert!(login.contains(&format!("/login/sso?provider={id}")));
    let (status, view) = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(json!({ "revision": 2, "enabled": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["enabled"], false);
    let login = crate::support::client()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap();
    assert!(
        !login
            .text()
            .await
            .unwrap()
            .contains(&format!("/login/sso?provider={id}"))
    );
    let refused = crate::support::client()
        .get(app.url(&format!("/login/sso?provider={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("a été désactivée par un administrateur")
    );
    // And on again.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(json!({ "revision": 3, "enabled": true })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let login = app.get("/login").await.text().await.unwrap();
    assert!(login.contains(&format!("/login/sso?provider={id}")));
}

#[tokio::test]
async fn the_desk_forms_keep_what_was_typed_and_say_what_is_wrong() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let toulon = organisation_id(&app, &admin, "UTLN").await;
    let browser = browser_signed_in(&app, ADMIN, "demo").await;
    // The desk's home links to the page.
    let home = browser
        .get(app.url("/desk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("href=\"/desk/identity-providers\""));
    let page = browser
        .get(app.url("/desk/identity-providers/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_of(&page.text().await.unwrap());
    let toulon_id = toulon.to_string();
    let mut typed = vec![
        ("_csrf", csrf.clone()),
        ("organisation_id", toulon_id.clone()),
        ("kind", "oidc".to_owned()),
        ("label", "Université de Toulon".to_owned()),
        ("server_url", "pas une adresse".to_owned()),
        ("client_id", "guichet-tln".to_owned()),
        ("client_secret", String::new()),
        ("email_attribute", "mail".to_owned()),
        ("name_attribute", "cn".to_owned()),
        ("email_domains", "univ-tln.fr, etud univ".to_owned()),
        ("create_contacts", "on".to_owned()),
    ];
    let response = browser
        .post(app.url("/desk/identity-providers"))
        .form(&typed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let value = |name: &str| {
        let selector = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
        doc.select(&selector)
            .next()
            .and_then(|i| i.value().attr("value"))
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(value("label"), "Université de Toulon");
    assert_eq!(value("server_url"), "pas une adresse");
    assert_eq!(value("client_id"), "guichet-tln");
    let checked = scraper::Selector::parse("input[name=create_contacts][checked]").unwrap();
    assert!(
        doc.select(&checked).next().is_some(),
        "the ticked box stays ticked"
    );
    for (field, says) in [
        ("server_url", "doit être une adresse web complète"),
        ("client_secret", "obligatoire"),
        ("email_domains", "doit être une liste de noms de domaine"),
    ] {
        let selector = scraper::Selector::parse(&format!("#{field}-error")).unwrap();
        let error = doc
            .select(&selector)
            .next()
            .map(|e| e.text().collect::<String>());
        assert!(
            error.as_deref().is_some_and(|e| e.contains(says)),
            "{field}: {error:?}"
        );
    }
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/identity-providers",
        &admin,
        None,
    )
    .await;
    assert_eq!(list, json!([]), "nothing created");

    // Corrected, it is created, its secret sealed.
    for (name, value) in typed.iter_mut() {
        match *name {
            "server_url" => *value = "https://idp.univ-tln.fr/".to_owned(),
            "client_secret" => *value = SECRET.to_owned(),
            "email_domains" => *value = "univ-tln.fr, etud.univ-tln.fr".to_owned(),
            _ => {}
        }
    }
    let response = browser
        .post(app.url("/desk/identity-providers"))
        .form(&typed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/identity-providers",
        &admin,
        None,
    )
    .await;
    let created = &list[0];
    assert_eq!(
        created["email_domains"],
        json!(["univ-tln.fr", "etud.univ-tln.fr"])
    );
    assert_eq!(created["create_contacts"], true);
    let id = created["id"].as_i64().unwrap();
    assert!(
        stored(&app, id)
            .await
            .client_secret
            .unwrap()
            .starts_with("v1:")
    );

    // An edit from a stale page: 409, the form as typed, the reason in French.
    let edit = browser
        .get(app.url(&format!("/desk/identity-providers/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&edit);
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/identity-providers/{id}"),
        &admin,
        Some(json!({ "revision": 1, "single_logout": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let form = [
        ("_csrf", csrf.as_str()),
        ("revision", "1"),
        ("label", "Toulon, modifié"),
        ("server_url", "https://idp.univ-tln.fr/"),
        ("client_id", "guichet-tln"),
        ("client_secret", ""),
        ("email_attribute", "mail"),
        ("name_attribute", "cn"),
        ("email_domains", "univ-tln.fr"),
    ];
    let response = browser
        .post(app.url(&format!("/desk/identity-providers/{id}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains("Toulon, modifié"), "typed label kept");
    assert!(
        html.contains("a été modifié par quelqu’un d’autre"),
        "{html}"
    );
    let (_, view) = call(
        &app,
        Method::GET,
        &format!("/api/v1/identity-providers/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(view["label"], "Université de Toulon");

    // With the current revision it saves; the secret left blank is kept.
    let sealed = stored(&app, id).await.client_secret;
    let mut form = form;
    form[1] = ("revision", "2");
    let response = browser
        .post(app.url(&format!("/desk/identity-providers/{id}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let row = stored(&app, id).await;
    assert_eq!(row.label, "Toulon, modifié");
    assert_eq!(row.client_secret, sealed);
    assert!(!row.create_contacts, "the unticked box is off");

    // The switch turns it off from the list.
    let list = browser
        .get(app.url("/desk/identity-providers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&list);
    let response = browser
        .post(app.url(&format!("/desk/identity-providers/{id}/enabled")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("enabled", "false"),
            ("revision", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(!stored(&app, id).await.enabled);
}

/// The providers of a `config.toml`, read the way the server reads its file.
fn configured(toml: &str) -> Vec<guichet::config::ConfiguredProvider> {
    use figment::providers::{Format, Toml};
    guichet::config::Config::from_figment(
        guichet::config::Config::defaults().merge(Toml::string(toml)),
    )
    .unwrap()
    .identity_providers
}

const CONFIGURED: &str = r#"
[[identity_providers]]
organisation = "UTLN"
kind = "cas"
label = "Université de Toulon"
server_url = "https://cas.univ-tln.fr/cas"
email_domains = ["univ-toulon.demo.guichet"]
create_contacts = true

[[identity_providers]]
organisation = "ULR"
kind = "oidc"
label = "La Rochelle Université"
server_url = "https://idp.univ-larochelle.example/"
client_id = "guichet"
client_secret = "from-config"
email_domains = ["univ-larochelle.demo.guichet"]
enabled = false
"#;

#[tokio::test]
async fn providers_of_the_configuration_are_applied_idempotently_at_start() {
    use guichet::services::identity_providers::{Applied, apply_configured};
    let app = TestApp::with_demo().await;
    let platform = app.state.platform();
    let declared = configured(CONFIGURED);
    let applied = apply_configured(&platform, &app.state.sealer, &declared)
        .await
        .unwrap();
    assert_eq!(
        applied,
        Applied {
            created: 2,
            updated: 0,
            unchanged: 0
        }
    );
    let again = apply_configured(&platform, &app.state.sealer, &declared)
        .await
        .unwrap();
    assert_eq!(
        again,
        Applied {
            created: 0,
            updated: 0,
            unchanged: 2
        }
    );

    let admin = app.token(ADMIN).await;
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/identity-providers",
        &admin,
        None,
    )
    .await;
    let by_label = |label: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["label"] == label)
            .unwrap()
            .clone()
    };
    let cas = by_label("Université de Toulon");
    assert_eq!(cas["kind"], "cas");
    assert_eq!(cas["create_contacts"], true);
    assert_eq!(cas["enabled"], true);
    let oidc = by_label("La Rochelle Université");
    assert_eq!(oidc["enabled"], false);
    assert_eq!(oidc["client_secret_set"], true);
    let row = stored(&app, oidc["id"].as_i64().unwrap()).await;
    assert_eq!(
        app.state
            .sealer
            .open(Purpose::ClientSecret, row.client_secret.as_deref().unwrap())
            .unwrap(),
        "from-config"
    );

    // Changed in the file (label, domains, secret): updated in place, not duplicated.
    let changed = CONFIGURED
        .replace("label = \"Université de Toulon\"", "label = \"UTLN\"")
        .replace(
            "client_secret = \"from-config\"",
            "client_secret = \"rotated\"",
        );
    let applied = apply_configured(&platform, &app.state.sealer, &configured(&changed))
        .await
        .unwrap();
    assert_eq!(
        applied,
        Applied {
            created: 0,
            updated: 2,
            unchanged: 0
        }
    );
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/identity-providers",
        &admin,
        None,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let row = stored(&app, oidc["id"].as_i64().unwrap()).await;
    assert_eq!(
        app.state
            .sealer
            .open(Purpose::ClientSecret, row.client_secret.as_deref().unwrap())
            .unwrap(),
        "rotated"
    );

    // Several servers starting at once: each provider still exists once.
    let platform2 = app.state.platform();
    let more = CONFIGURED.replace("UTLN", "UR2").replace("ULR", "URN");
    let more = configured(&more);
    let (a, b) = tokio::join!(
        apply_configured(&platform, &app.state.sealer, &more),
        apply_configured(&platform2, &app.state.sealer, &more),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.created + b.created, 2, "{a:?} {b:?}");
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/identity-providers",
        &admin,
        None,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 4);

    // A declaration that names no organisation, or a wrong field, stops the start by name.
    let unknown = CONFIGURED.replace("UTLN", "NOPE");
    let err = apply_configured(&platform, &app.state.sealer, &configured(&unknown))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("identity_providers[0]") && err.contains("NOPE"),
        "{err}"
    );
    let wrong = CONFIGURED.replace("kind = \"cas\"", "kind = \"saml\"");
    let err = apply_configured(&platform, &app.state.sealer, &configured(&wrong))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`kind` field-identity-provider-kind"), "{err}");
}

/// The sign-in page with its establishments' buttons, and the administration page and form,
/// at 1366 and 390 px, into `target/screenshots/` (run with `--ignored` to look at them).
#[cfg(feature = "browser")]
#[tokio::test]
#[ignore = "writes pictures for people to look at; asserts nothing"]
async fn screenshots_of_the_sign_in_and_administration_pages() {
    use crate::browser::{Driver, Person};
    let app = TestApp::with_demo().await;
    let platform = app.state.platform();
    guichet::services::identity_providers::apply_configured(
        &platform,
        &app.state.sealer,
        &configured(CONFIGURED),
    )
    .await
    .unwrap();
    let admin = app.token(ADMIN).await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/identity-providers",
        &admin,
        Some(json!({ "organisation_id": organisation_id(&app, &admin, "UR2").await, "kind": "cas2",
                     "label": "Université Rennes 2", "server_url": "https://cas.univ-rennes2.fr/cas",
                     "email_domains": ["univ-rennes2.fr"] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let driver = Driver::start();
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/identity-providers",
        &admin,
        None,
    )
    .await;
    let first = list[0]["id"].as_i64().unwrap();
    for width in [1366, 390] {
        browser.set_window_size(width, 1100).await.unwrap();
        me.open("/login").await;
        std::fs::write(
            dir.join(format!("sso-sign-in-{width}.png")),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
    }
    browser.set_window_size(1366, 1100).await.unwrap();
    me.sign_in(ADMIN).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 1100).await.unwrap();
        for (name, path) in [
            ("identity-providers", "/desk/identity-providers".to_owned()),
            (
                "identity-provider-edit",
                format!("/desk/identity-providers/{first}"),
            ),
        ] {
            me.open(&path).await;
            std::fs::write(
                dir.join(format!("{name}-{width}.png")),
                browser.screenshot().await.unwrap(),
            )
            .unwrap();
        }
        // The new-provider form sent with mistakes: its errors beside the fields.
        me.open("/desk/identity-providers/new").await;
        me.type_in("input[name=label]", "Université de Rouen").await;
        me.type_in("input[name=email_domains]", "pas un domaine")
            .await;
        browser
            .execute(
                "document.querySelector('form.identity-provider-form').noValidate = true;",
                vec![],
            )
            .await
            .unwrap();
        me.click("form.identity-provider-form button[type=submit]")
            .await;
        me.css(".field-error").await;
        std::fs::write(
            dir.join(format!("identity-provider-errors-{width}.png")),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
    }
}
