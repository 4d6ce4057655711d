//! The knowledge base through the API: French search that agrees on the three databases,
//! visibility of FAQs and tickets in search results, writing and versions, feedback, and
//! deflection while filing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const LA_ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const SMSU_AGENT: &str = "agent.smsu@demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";

/// Publishes an FAQ as `token`; answers its id.
async fn faq(app: &TestApp, token: &str, fields: Value) -> i64 {
    let mut body = json!({ "status": "published", "summary": "" });
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, created) = call(app, Method::POST, "/api/v1/faqs", token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn search(app: &TestApp, token: &str, q: &str) -> Value {
    let path = format!(
        "/api/v1/faqs?q={}",
        url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    );
    let (status, page) = call(app, Method::GET, &path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{q}: {page}");
    page
}

struct Corpus {
    portal: i64,
    limit: i64,
    pupils: i64,
    quota: i64,
    internal: i64,
    draft: i64,
    enrolment: i64,
}

async fn corpus(app: &TestApp) -> Corpus {
    // The demo's own FAQs are archived, so that the assertions speak of this corpus alone.
    use sea_orm::sea_query::Expr;
    guichet::db::Unscoped::update_many::<entity::faq::Entity>()
        .col_expr(entity::faq::Column::Status, Expr::value("archived"))
        .exec(&app.conn)
        .await
        .unwrap();
    let smsu = app.token(SMSU_AGENT).await;
    let geforp = app.token(GEFORP_AGENT).await;
    Corpus {
        portal: faq(app, &smsu, json!({
            "offer": "SMS-U", "title": "Connexion impossible au portail SMS-U",
            "body": "Vérifiez votre **mot de passe** puis videz le cache du navigateur.",
            "error_code": "sms-401"
        })).await,
        limit: faq(app, &smsu, json!({
            "offer": "SMS-U", "title": "Limite d'envoi quotidienne",
            "body": "Chaque établissement peut envoyer 10 000 messages par jour. Au-delà, les connexions sont refusées jusqu'à minuit.",
            "keywords": "plafond, volume"
        })).await,
        pupils: faq(app, &smsu, json!({
            "offer": "SMS-U", "title": "Élèves sans numéro de téléphone",
            "body": "Les eleves sans numéro de mobile ne reçoivent aucun message."
        })).await,
        quota: faq(app, &smsu, json!({
            "offer": "SMS-U", "title": "Quota dépassé", "visibility": "subscribers",
            "body": "Le code signale que le quota annuel de la convention est atteint.",
            "error_code": "SMS-429"
        })).await,
        internal: faq(app, &smsu, json!({
            "offer": "SMS-U", "title": "Relance de la passerelle opérateur", "visibility": "agents",
            "body": "Redémarrer la passerelle quand les connexions tombent."
        })).await,
        draft: faq(app, &smsu, json!({
            "offer": "SMS-U", "title": "Connexion lente (brouillon)", "status": "draft",
            "body": "À compléter."
        })).await,
        enrolment: faq(app, &geforp, json!({
            "offer": "GEFORP", "title": "Inscriptions aux formations fermées", "visibility": "subscribers",
            "body": "Les inscriptions ferment dix jours avant la session."
        })).await,
    }
}

#[tokio::test]
async fn french_search_finds_forms_of_words_and_ranks_titles_first() {
    let app = TestApp::with_demo().await;
    let c = corpus(&app).await;
    let toulon = app.token(TOULON).await;

    // Plural and singular, upper case: the title hit before the body hit; the agents-only FAQ
    // and the draft are not the contact's.
    for q in ["connexions", "connexion", "CONNEXION", "Connexions"] {
        assert_eq!(
            ids(&search(&app, &toulon, q).await),
            [c.portal, c.limit],
            "{q}"
        );
    }
    // With and without accents, either way round.
    for q in ["élève", "eleve", "ÉLÈVES", "eleves"] {
        assert_eq!(ids(&search(&app, &toulon, q).await), [c.pupils], "{q}");
    }
    // A verb in another form than the text's ("envoyer").
    assert_eq!(ids(&search(&app, &toulon, "envoie").await), [c.limit]);
    // A word only in the body; one only in the keywords.
    assert_eq!(ids(&search(&app, &toulon, "minuit").await), [c.limit]);
    assert_eq!(ids(&search(&app, &toulon, "plafond").await), [c.limit]);
    // Every word must be found.
    assert_eq!(
        ids(&search(&app, &toulon, "connexion navigateur").await),
        [c.portal]
    );
    assert!(ids(&search(&app, &toulon, "connexion zorglub").await).is_empty());
    // An error code exactly, whatever its case, comes first.
    let quota = search(&app, &toulon, "sms-429").await;
    assert_eq!(ids(&quota)[0], c.quota);
    let portal = search(&app, &toulon, "SMS-401").await;
    assert_eq!(ids(&portal)[0], c.portal);
    // Snippets mark the words found, escaped.
    let hit = &search(&app, &toulon, "minuit").await["items"][0];
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>minuit</mark>"),
        "{hit}"
    );
    // Paged, with the total.
    let first = call(
        &app,
        Method::GET,
        "/api/v1/faqs?q=connexion&per_page=1",
        &toulon,
        None,
    )
    .await
    .1;
    assert_eq!(
        (ids(&first), first["total"].as_i64()),
        (vec![c.portal], Some(2))
    );
    let second = call(
        &app,
        Method::GET,
        "/api/v1/faqs?q=connexion&per_page=1&page=2",
        &toulon,
        None,
    )
    .await
    .1;
    assert_eq!(ids(&second), [c.limit]);
    // Nothing searchable: the list, latest first; bad input is a 422.
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/faqs?status=bogus",
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let _ = c.draft;
}

#[tokio::test]
async fn search_never_reveals_what_a_read_would_answer_404_to() {
    let app = TestApp::with_demo().await;
    let c = corpus(&app).await;
    let rennes = app.token(RENNES).await;
    let la_rochelle = app.token(LA_ROCHELLE).await;
    let geforp = app.token(GEFORP_AGENT).await;
    let smsu = app.token(SMSU_AGENT).await;

    // Rennes 2 has no convention in force on SMS-U: the subscribers' FAQ is neither found nor
    // counted, and reading it is a 404; the FAQs for everyone are found.
    let quota = search(&app, &rennes, "quota").await;
    assert_eq!((ids(&quota), quota["total"].as_i64()), (vec![], Some(0)));
    assert!(ids(&search(&app, &rennes, "SMS-429").await).is_empty());
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/faqs/{}", c.quota),
        &rennes,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        ids(&search(&app, &rennes, "connexion").await),
        [c.portal, c.limit]
    );
    // La Rochelle subscribes to SMS-U, not GEFORP.
    assert_eq!(ids(&search(&app, &la_rochelle, "quota").await), [c.quota]);
    let enrolment = search(&app, &la_rochelle, "inscriptions").await;
    assert_eq!(
        (ids(&enrolment), enrolment["total"].as_i64()),
        (vec![], Some(0))
    );
    // The agents-only FAQ is for SMS-U's agents, not GEFORP's; the draft for its writers.
    assert_eq!(ids(&search(&app, &smsu, "passerelle").await), [c.internal]);
    assert!(ids(&search(&app, &geforp, "passerelle").await).is_empty());
    let drafts = call(
        &app,
        Method::GET,
        "/api/v1/faqs?status=draft&q=connexion",
        &smsu,
        None,
    )
    .await
    .1;
    assert_eq!(ids(&drafts), [c.draft]);
    let drafts = call(
        &app,
        Method::GET,
        "/api/v1/faqs?status=draft",
        &geforp,
        None,
    )
    .await
    .1;
    assert!(ids(&drafts).is_empty());
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/faqs/{}", c.draft),
        &la_rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let _ = c.enrolment;

    // Tickets: Toulon files on GEFORP; the agent writes a private and a public entry.
    let toulon = app.token(TOULON).await;
    let request = subcategory(&app, &toulon, "GEFORP", "demande de service").await;
    let (status, ticket) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &toulon,
        Some(json!({
            "subcategory": request, "title": "Lenteur extrême des inscriptions",
            "description": "Les pages d'inscription mettent une minute à s'afficher.",
            "impact": "person", "urgency": "low"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let reference = ticket["ref"].as_str().unwrap().to_owned();
    for (body, private) in [
        ("Le serveur zorglub est saturé.", true),
        ("Nous analysons les journaux.", false),
    ] {
        let (status, entry) = call(
            &app,
            Method::POST,
            &format!("/api/v1/tickets/{reference}/log"),
            &geforp,
            Some(json!({ "body": body, "private": private })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
    }
    let found = |v: &Value| -> Vec<String> {
        v["tickets"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["reference"].as_str().unwrap().to_owned())
            .collect()
    };
    let everything = |token: String, q: &'static str| {
        let app = &app;
        async move {
            call(
                app,
                Method::GET,
                &format!("/api/v1/search?q={q}"),
                &token,
                None,
            )
            .await
            .1
        }
    };
    // The agent finds it by its private log, and the snippet does not quote it.
    let agent_view = everything(geforp.clone(), "zorglub").await;
    assert_eq!(found(&agent_view), std::slice::from_ref(&reference));
    assert!(
        !agent_view["tickets"]["items"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("zorglub")
    );
    // The requester does not, not even as a count; the public entry is found.
    let requester_view = everything(toulon.clone(), "zorglub").await;
    assert_eq!(
        (
            found(&requester_view),
            requester_view["tickets"]["total"].as_i64()
        ),
        (vec![], Some(0))
    );
    assert_eq!(
        found(&everything(toulon.clone(), "analysons").await),
        std::slice::from_ref(&reference)
    );
    assert_eq!(
        found(&everything(toulon.clone(), "lenteurs").await),
        std::slice::from_ref(&reference)
    );
    // Another establishment's contact and another provider's agent find nothing.
    for token in [la_rochelle.clone(), smsu.clone()] {
        let view = everything(token, "lenteur").await;
        assert_eq!(
            (found(&view), view["tickets"]["total"].as_i64()),
            (vec![], Some(0))
        );
    }
    // The reference, exactly.
    let by_ref = call(
        &app,
        Method::GET,
        &format!("/api/v1/search?q={}", reference.to_lowercase()),
        &toulon,
        None,
    )
    .await
    .1;
    assert_eq!(found(&by_ref), std::slice::from_ref(&reference));
    let by_ref = call(
        &app,
        Method::GET,
        &format!("/api/v1/search?q={reference}"),
        &la_rochelle,
        None,
    )
    .await
    .1;
    assert_eq!(by_ref["tickets"]["total"], 0);
}

#[tokio::test]
async fn writers_keep_versions_and_readers_give_feedback() {
    let app = TestApp::with_demo().await;
    let smsu = app.token(SMSU_AGENT).await;
    let geforp = app.token(GEFORP_AGENT).await;
    let toulon = app.token(TOULON).await;
    let rennes = app.token(RENNES).await;
    let id = faq(
        &app,
        &smsu,
        json!({ "offer": "SMS-U", "title": "Accusés de réception", "body": "Activez-les." }),
    )
    .await;

    // Bad input: named fields, nothing written.
    let (status, refused) = call(
        &app,
        Method::POST,
        "/api/v1/faqs",
        &smsu,
        Some(json!({
            "offer": "SMS-U", "title": "", "body": "", "error_code": "pas un code!"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = refused["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "body", "error_code"]);
    // Only the offer's provider writes its FAQs: an offer one does not read is a wrong field.
    for (token, refused) in [
        (&geforp, StatusCode::UNPROCESSABLE_ENTITY),
        (&toulon, StatusCode::FORBIDDEN),
    ] {
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/faqs",
            token,
            Some(json!({
                "offer": "SMS-U", "title": "Intrus", "body": "Non."
            })),
        )
        .await;
        assert_eq!(status, refused);
        let (status, _) = call(
            &app,
            Method::PATCH,
            &format!("/api/v1/faqs/{id}"),
            token,
            Some(json!({ "revision": 1, "title": "Intrus" })),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/faqs/{id}"),
        &rennes,
        Some(json!({ "revision": 1, "title": "Intrus" })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an FAQ for everyone is read, not written"
    );

    // A change is a version; the search follows in the same transaction; a stale one is a 409.
    let (status, changed) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/faqs/{id}"),
        &smsu,
        Some(json!({ "revision": 1, "title": "Accusés de réception horodatés" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["revision"], 2);
    assert_eq!(ids(&search(&app, &toulon, "horodaté").await), [id]);
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/faqs/{id}"),
        &smsu,
        Some(json!({ "revision": 1, "title": "Perdu" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let versions = call(
        &app,
        Method::GET,
        &format!("/api/v1/faqs/{id}/versions"),
        &smsu,
        None,
    )
    .await
    .1;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/faqs/{id}/versions"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Feedback: one opinion per person, changeable.
    for helpful in [true, true, false] {
        let (status, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/faqs/{id}/feedback"),
            &toulon,
            Some(json!({ "helpful": helpful })),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let seen = call(
        &app,
        Method::GET,
        &format!("/api/v1/faqs/{id}"),
        &toulon,
        None,
    )
    .await
    .1;
    assert_eq!(
        (
            seen["helpful"].as_i64(),
            seen["unhelpful"].as_i64(),
            seen["my_feedback"].as_bool()
        ),
        (Some(0), Some(1), Some(false))
    );
    // Archived: gone for readers.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/faqs/{id}"),
        &smsu,
        Some(json!({ "revision": 2, "status": "archived" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        format!("/api/v1/faqs/{id}"),
        format!("/api/v1/faqs/{id}/versions"),
    ] {
        let (status, _) = call(&app, Method::GET, &path, &toulon, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/faqs/{id}/feedback"),
        &toulon,
        Some(json!({ "helpful": true })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_resolved_ticket_becomes_a_draft_faq() {
    let app = TestApp::with_demo().await;
    let toulon = app.token(TOULON).await;
    let geforp = app.token(GEFORP_AGENT).await;
    let smsu = app.token(SMSU_AGENT).await;
    let request = subcategory(&app, &toulon, "GEFORP", "demande de service").await;
    let (_, ticket) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &toulon,
        Some(json!({
            "subcategory": request, "title": "Exporter la liste des stagiaires",
            "description": "Comment ?", "impact": "person", "urgency": "low"
        })),
    )
    .await;
    let reference = ticket["ref"].as_str().unwrap().to_owned();
    let from = json!({ "from_ticket": reference });
    // Not resolved yet.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/faqs",
        &geforp,
        Some(from.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(&app, Method::POST, &format!("/api/v1/tickets/{reference}/actions/resolve"), &geforp,
        Some(json!({ "revision": ticket["revision"], "solution": "Menu Stagiaires, bouton **Exporter**." }))).await;
    assert_eq!(status, StatusCode::OK);
    // Another provider's agent and the requester cannot.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/faqs",
        &smsu,
        Some(from.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/faqs",
        &toulon,
        Some(from.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, draft) = call(&app, Method::POST, "/api/v1/faqs", &geforp, Some(from)).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["title"], "Exporter la liste des stagiaires");
    assert_eq!(draft["body"], "Menu Stagiaires, bouton **Exporter**.");
    assert_eq!(
        (draft["status"].as_str(), draft["offer"].as_str()),
        (Some("draft"), Some("GEFORP"))
    );
    assert_eq!(draft["source_ticket"], reference);
}

#[tokio::test]
async fn suggestions_deflections_and_filings_are_counted_per_offer_and_month() {
    let app = TestApp::with_demo().await;
    let c = corpus(&app).await;
    let toulon = app.token(TOULON).await;
    let la_rochelle = app.token(LA_ROCHELLE).await;
    let smsu = app.token(SMSU_AGENT).await;
    let geforp = app.token(GEFORP_AGENT).await;

    // Typing "connex" on SMS-U: the two FAQs that answer it (the last word as a prefix).
    let (status, shown) = call(
        &app,
        Method::GET,
        "/api/v1/faq-suggestions?offer=SMS-U&q=connex",
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let shown: Vec<i64> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, [c.portal, c.limit]);
    // Typing on: counted once.
    call(
        &app,
        Method::GET,
        "/api/v1/faq-suggestions?offer=SMS-U&q=connexion%20impos",
        &toulon,
        None,
    )
    .await;
    // La Rochelle does not file on GEFORP.
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/faq-suggestions?offer=GEFORP&q=inscr",
        &la_rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/faqs/{}/deflections", c.enrolment),
        &la_rochelle,
        Some(json!({ "offer": "GEFORP" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // It answered the question.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/faqs/{}/deflections", c.portal),
        &toulon,
        Some(json!({ "offer": "SMS-U" })),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Another time, Toulon files anyway after seeing suggestions.
    let sub = subcategory(&app, &toulon, "SMS-U", "demande de service").await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &toulon,
        Some(json!({
            "subcategory": sub, "title": "Connexion impossible", "description": "Toujours pas.",
            "impact": "person", "urgency": "low"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, report) = call(&app, Method::GET, "/api/v1/reports/deflection", &smsu, None).await;
    assert_eq!(status, StatusCode::OK);
    let rows = report.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(rows[0]["offer"], "SMS-U");
    assert_eq!(
        (
            rows[0]["shown"].as_i64(),
            rows[0]["deflected"].as_i64(),
            rows[0]["filed_after_suggestion"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    // Other providers and the contacts do not see SMS-U's figures.
    for token in [&geforp, &toulon] {
        let (status, report) =
            call(&app, Method::GET, "/api/v1/reports/deflection", token, None).await;
        assert_eq!((status, report), (StatusCode::OK, json!([])));
    }
}

#[tokio::test]
async fn the_indexes_are_rebuilt_from_the_rows() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::with_demo().await;
    let toulon = app.token(TOULON).await;
    let geforp = app.token(GEFORP_AGENT).await;
    let request = subcategory(&app, &toulon, "GEFORP", "demande de service").await;
    let (_, ticket) = call(&app, Method::POST, "/api/v1/tickets", &toulon, Some(json!({
        "subcategory": request, "title": "Salle de formation introuvable",
        "description": "Le planning n'affiche plus les salles.", "impact": "person", "urgency": "low"
    }))).await;
    let reference = ticket["ref"].as_str().unwrap().to_owned();
    call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/log"),
        &geforp,
        Some(json!({ "body": "Vue matérialisée zorglub à recalculer.", "private": true })),
    )
    .await;
    let tickets = |token: String, q: &'static str| {
        let app = &app;
        async move {
            call(
                app,
                Method::GET,
                &format!("/api/v1/search?q={q}"),
                &token,
                None,
            )
            .await
            .1["tickets"]["total"]
                .as_i64()
                .unwrap()
        }
    };
    let faqs_found = |q: &'static str| {
        let app = &app;
        let token = toulon.clone();
        async move { search(app, &token, q).await["total"].as_i64().unwrap() }
    };
    assert_eq!(faqs_found("navigateurs").await, 1);

    // An index lost (or made under other rules) finds nothing…
    let backend = app.conn.get_database_backend();
    let tables: &[&str] = match backend {
        sea_orm::DbBackend::Sqlite => &["faq_fts", "ticket_fts"],
        sea_orm::DbBackend::MySql => &["faq_search", "ticket_term"],
        _ => &["faq_search", "ticket_search"],
    };
    for table in tables {
        app.conn
            .execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .unwrap();
    }
    assert_eq!(faqs_found("navigateurs").await, 0);
    assert_eq!(tickets(geforp.clone(), "zorglub").await, 0);

    // …until it is rebuilt, private text still the provider's only.
    let (faqs, indexed) = guichet::services::fulltext::reindex(&app.state.platform())
        .await
        .unwrap();
    assert_eq!(faqs, 30);
    assert!(indexed > 5, "{indexed}");
    assert_eq!(faqs_found("navigateurs").await, 1);
    assert_eq!(tickets(geforp.clone(), "zorglub").await, 1);
    assert_eq!(tickets(toulon.clone(), "zorglub").await, 0);
    assert_eq!(tickets(toulon.clone(), "salles").await, 1);
}

#[tokio::test]
async fn a_word_in_more_tickets_than_are_counted_is_ranked_among_the_newest() {
    use guichet::{
        db::Unscoped,
        domain::search_terms::Query,
        services::fulltext::{self, Corpus, Private, Reach},
    };
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};

    let app = TestApp::with_demo().await;
    let toulon = app.token(TOULON).await;
    let request = subcategory(&app, &toulon, "GEFORP", "demande de service").await;
    // Oldest first: the word in the title of the oldest and of the newest, in the body of the
    // three between.
    let mut ids = Vec::new();
    for (title, description) in [
        (
            "Photocopieuse des attestations en panne",
            "Plus rien ne sort.",
        ),
        (
            "Attestations illisibles",
            "La photocopieuse imprime des traits.",
        ),
        (
            "Relevés de notes pâles",
            "Toner de la photocopieuse à changer ?",
        ),
        (
            "Bourrage au secrétariat",
            "La photocopieuse bloque au bac 2.",
        ),
        ("Photocopieuse du rez-de-chaussée", "Elle redémarre seule."),
    ] {
        let (status, ticket) = call(
            &app,
            Method::POST,
            "/api/v1/tickets",
            &toulon,
            Some(json!({
                "subcategory": request, "title": title, "description": description,
                "impact": "person", "urgency": "low"
            })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
        let row = Unscoped::find::<entity::ticket::Entity>()
            .filter(entity::ticket::Column::Reference.eq(ticket["ref"].as_str().unwrap()))
            .one(&app.conn)
            .await
            .unwrap()
            .unwrap();
        ids.push(row.id);
    }
    let (oldest, newest) = (ids[0], ids[4]);

    // Under the cap (a thousand), every match is ranked: the two title hits first.
    let (_, found) = call(
        &app,
        Method::GET,
        "/api/v1/search?q=photocopieuses",
        &toulon,
        None,
    )
    .await;
    assert_eq!(found["tickets"]["total"], 5, "{found}");
    assert_eq!(found["more_tickets"], false, "all five are counted");
    let titles: Vec<&str> = found["tickets"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    let mut first_two = titles[..2].to_vec();
    first_two.sort_unstable();
    assert_eq!(
        first_two,
        [
            "Photocopieuse des attestations en panne",
            "Photocopieuse du rez-de-chaussée"
        ]
    );

    // Over the cap, relevance orders the newest matches only. The service's cap is a thousand;
    // the same code with a cap of three shows the line it draws without filing a thousand
    // tickets.
    let db = &app.conn;
    let ranked = |reach: Reach| async move {
        let select = fulltext::matching(
            db.get_database_backend(),
            Corpus::Ticket,
            fulltext::statement(
                Unscoped::find::<entity::ticket::Entity>()
                    .select_only()
                    .column(entity::ticket::Column::Id),
            ),
            &Query::parse("photocopieuse", false),
            Private::Everywhere,
        );
        fulltext::page_of_ids(db, Corpus::Ticket, select, 0, 20, reach)
            .await
            .unwrap()
    };
    let (all, total) = ranked(Reach::All).await;
    assert_eq!(total, 5);
    let mut title_hits = all[..2].to_vec();
    title_hits.sort_unstable();
    assert_eq!(title_hits, [oldest, newest]);
    let (window, total) = ranked(Reach::Newest(3)).await;
    assert_eq!(total, 3, "the count stops at the cap");
    assert_eq!(window[0], newest, "the title hit still ranks first");
    let mut window_sorted = window.clone();
    window_sorted.sort_unstable();
    assert_eq!(
        window_sorted,
        ids[2..],
        "the three newest matches, the oldest left out"
    );
    // A cap that the matches do not reach changes nothing.
    assert_eq!(ranked(Reach::Newest(5)).await, (all, 5));
}
