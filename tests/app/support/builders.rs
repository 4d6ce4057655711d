//! Data builders: organisations, accounts, teams, offers, SLAs, conventions, tickets and
//! evolution requests, made through the API as an administrator. A test says what it needs
//! instead of leaning on the demo data set, and what it builds goes through the same rules as a
//! person's input.
#![allow(dead_code, reason = "each test module uses the builders it needs")]

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{Duration, Utc};
use entity::{account, account_role, api_token, organisation};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};

use super::{TestApp, call};

/// An account made by a builder, with a bearer token of its own.
#[derive(Debug, Clone)]
pub struct Person {
    /// Its id.
    pub id: i64,
    /// Its sign-in address.
    pub email: String,
    /// A token that the API accepts for it.
    pub token: String,
}

/// An offer made by a builder, with its two subcategories.
#[derive(Debug, Clone)]
pub struct Offer {
    /// Its code.
    pub code: String,
    /// The incident subcategory.
    pub incident: i64,
    /// The service request subcategory.
    pub request: i64,
}

/// Makes data through the API as the platform's administrator.
pub struct Builder<'a> {
    app: &'a TestApp,
    /// The administrator's token.
    pub admin: String,
    serial: AtomicU32,
}

impl TestApp {
    /// A builder on this application: seeds one administrator (the only row written directly,
    /// since someone must be able to call the API first).
    pub async fn builder(&self) -> Builder<'_> {
        let db = &self.conn;
        let now = Utc::now();
        let platform = organisation::ActiveModel {
            code: Set("PLATEFORME".to_owned()),
            name: Set("Plateforme".to_owned()),
            parent_id: Set(None),
            is_client: Set(false),
            is_provider: Set(false),
            active: Set(true),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("the platform organisation");
        let admin = seed_account(self, platform.id, "admin@plateforme.test").await;
        Builder {
            app: self,
            admin: admin.token,
            serial: AtomicU32::new(0),
        }
    }
}

/// An administrator with a token, written directly.
async fn seed_account(app: &TestApp, organisation_id: i64, email: &str) -> Person {
    let db = &app.conn;
    let now = Utc::now();
    let row = account::ActiveModel {
        email: Set(email.to_owned()),
        display_name: Set(email.to_owned()),
        organisation_id: Set(organisation_id),
        password_hash: Set(None),
        language: Set(account::AccountLanguage::Fr),
        active: Set(true),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("an account");
    account_role::ActiveModel {
        account_id: Set(row.id),
        role: Set(account_role::AccountRole::Admin),
    }
    .insert(db)
    .await
    .expect("its role");
    let token = format!("test-token-{}-{}", row.id, uuid::Uuid::new_v4().simple());
    issue_token(app, row.id, &token).await;
    Person {
        id: row.id,
        email: email.to_owned(),
        token,
    }
}

/// A token for `account_id`, written directly (the API issues tokens only to their owner).
async fn issue_token(app: &TestApp, account_id: i64, token: &str) {
    let now = Utc::now();
    api_token::ActiveModel {
        account_id: Set(account_id),
        name: Set("test".to_owned()),
        token_hash: Set(guichet::auth::secret::digest(token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(1)),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&app.conn)
    .await
    .expect("a token");
}

impl Builder<'_> {
    fn next(&self) -> u32 {
        self.serial.fetch_add(1, Ordering::Relaxed) + 1
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = call(self.app, Method::POST, path, &self.admin, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {answer}");
        answer
    }

    /// An establishment (client) organisation, under `parent` if given; answers its id.
    pub async fn establishment(&self, code: &str, parent: Option<i64>) -> i64 {
        self.organisation(code, parent, true, false).await
    }

    /// A provider organisation; answers its id.
    pub async fn provider(&self, code: &str) -> i64 {
        self.organisation(code, None, false, true).await
    }

    /// An organisation; answers its id.
    pub async fn organisation(
        &self,
        code: &str,
        parent: Option<i64>,
        client: bool,
        provider: bool,
    ) -> i64 {
        self.post(
            "/api/v1/organisations",
            json!({ "code": code, "name": format!("Organisation {code}"), "parent_id": parent,
                    "is_client": client, "is_provider": provider }),
        )
        .await["id"]
            .as_i64()
            .expect("an organisation id")
    }

    /// An account of `organisation` holding `roles`, with a token of its own.
    pub async fn account(&self, organisation: i64, roles: &[&str]) -> Person {
        let email = format!("personne{}@test.example", self.next());
        let created = self
            .post(
                "/api/v1/accounts",
                json!({ "email": email, "display_name": format!("Personne {email}"),
                        "organisation_id": organisation, "roles": roles, "language": "fr" }),
            )
            .await;
        let id = created["id"].as_i64().expect("an account id");
        let token = format!("test-token-{id}-{}", uuid::Uuid::new_v4().simple());
        issue_token(self.app, id, &token).await;
        Person { id, email, token }
    }

    /// A team of `organisation` with `members`; answers its id.
    pub async fn team(&self, organisation: i64, members: &[&Person]) -> i64 {
        let team = self
            .post(
                "/api/v1/teams",
                json!({ "organisation_id": organisation, "name": format!("Équipe {}", self.next()) }),
            )
            .await["id"]
            .as_i64()
            .expect("a team id");
        for member in members {
            let (status, answer) = call(
                self.app,
                Method::PUT,
                &format!("/api/v1/teams/{team}/members/{}", member.id),
                &self.admin,
                None,
            )
            .await;
            assert!(status.is_success(), "adding a member: {answer}");
        }
        team
    }

    /// An offer of `provider`, in production, whose incident and request subcategories go to
    /// `team`.
    pub async fn offer(&self, code: &str, provider: i64, team: i64) -> Offer {
        self.post(
            "/api/v1/offers",
            json!({ "code": code, "name": format!("Offre {code}"), "description": "Une offre de test",
                    "provider_id": provider, "status": "production",
                    "versions": ["2.0", "1.0"], "modules": ["Général"] }),
        )
        .await;
        let mut ids = Vec::new();
        for (kind, name) in [("incident", "Incident"), ("request", "Demande")] {
            let sub = self
                .post(
                    &format!("/api/v1/offers/{code}/subcategories"),
                    json!({ "name": format!("{name} {code}"), "kind": kind, "default_team_id": team }),
                )
                .await;
            ids.push(sub["id"].as_i64().expect("a subcategory id"));
        }
        Offer {
            code: code.to_owned(),
            incident: ids[0],
            request: ids[1],
        }
    }

    /// An SLA of `provider` covering weekdays 8:00–18:00 in Paris; answers its id.
    pub async fn sla(&self, provider: i64) -> i64 {
        let intervals: Vec<Value> = (0..5)
            .map(|day| json!({ "weekday": day, "start": "08:00", "end": "18:00" }))
            .collect();
        self.post(
            "/api/v1/slas",
            json!({ "name": format!("SLA {}", self.next()), "provider_id": provider,
                    "targets": [{"kind": "incident", "priority": "critical", "metric": "tto", "minutes": 60}],
                    "coverage_window": {"time_zone": "Europe/Paris", "intervals": intervals, "holidays": []} }),
        )
        .await["id"]
            .as_i64()
            .expect("an SLA id")
    }

    /// A usage convention in force between `client` and `provider` on `offers`; answers its id.
    pub async fn convention(
        &self,
        client: i64,
        provider: i64,
        offers: &[&Offer],
        sla: Option<i64>,
    ) -> i64 {
        let today = Utc::now().date_naive();
        let codes: Vec<&str> = offers.iter().map(|o| o.code.as_str()).collect();
        self.post(
            "/api/v1/conventions",
            json!({ "kind": "usage", "title": format!("Convention {}", self.next()),
                    "client_id": client, "provider_id": provider, "offers": codes,
                    "status": "production",
                    "start_date": (today - Duration::days(30)).to_string(),
                    "end_date": (today + Duration::days(335)).to_string(),
                    "sla_id": sla }),
        )
        .await["id"]
            .as_i64()
            .expect("a convention id")
    }

    /// A ticket filed by `requester` in `subcategory`; answers it as the API shows it.
    pub async fn ticket(&self, requester: &Person, subcategory: i64, title: &str) -> Value {
        let (status, ticket) = call(
            self.app,
            Method::POST,
            "/api/v1/tickets",
            &requester.token,
            Some(json!({ "subcategory": subcategory, "title": title,
                         "description": format!("{title} : ce qui se passe."),
                         "impact": "person", "urgency": "medium" })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "filing a ticket: {ticket}");
        ticket
    }

    /// An evolution request filed by `requester` on `offer`; answers it as the API shows it.
    pub async fn evolution(&self, requester: &Person, offer: &Offer, title: &str) -> Value {
        let (status, request) = call(
            self.app,
            Method::POST,
            "/api/v1/evolutions",
            &requester.token,
            Some(json!({ "offer": offer.code, "title": title,
                         "description": format!("{title} : pourquoi et pour qui.") })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "filing a request: {request}");
        request
    }
}

/// Two establishments, each with a contact, subscribing to one provider's offer that an agent
/// works: the smallest world in which one organisation must not see the other's tickets.
pub struct TwoEstablishments {
    /// The offer both subscribe to.
    pub offer: Offer,
    /// The provider's agent.
    pub agent: Person,
    /// The first establishment's contact.
    pub first: Person,
    /// The second establishment's contact.
    pub second: Person,
}

impl Builder<'_> {
    /// See [`TwoEstablishments`].
    pub async fn two_establishments(&self) -> TwoEstablishments {
        let provider = self.provider("FOURNISSEUR").await;
        let agent = self.account(provider, &["agent"]).await;
        let team = self.team(provider, &[&agent]).await;
        let offer = self.offer("OFFRE", provider, team).await;
        let sla = self.sla(provider).await;
        let mut contacts = Vec::new();
        for code in ["ETAB-A", "ETAB-B"] {
            let establishment = self.establishment(code, None).await;
            self.convention(establishment, provider, &[&offer], Some(sla))
                .await;
            contacts.push(self.account(establishment, &["contact"]).await);
        }
        let second = contacts.pop().expect("two contacts");
        let first = contacts.pop().expect("two contacts");
        TwoEstablishments {
            offer,
            agent,
            first,
            second,
        }
    }
}
