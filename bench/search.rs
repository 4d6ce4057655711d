//! Search over 100 000 tickets and 1 000 FAQs: builds a demo database, adds a generated French
//! corpus through the same index code the services use, then times the search service
//! (`services::search::everything`, tickets and FAQs together, as the search box calls it) for
//! an agent and a contact, and prints the median and 90th percentile.
//!
//! SQLite by default; `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres` (or a
//! MariaDB URL) creates a database on that server for the run and drops it after.
//! Run: `cargo bench --bench search` (see bench/README.md); `BENCH_KEEP=1` keeps a server
//! database afterwards, to look at query plans.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark fails loudly"
)]

use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{account, offer, service_subcategory, ticket};
use guichet::{
    auth::load_caller,
    db::{Ctx, Unscoped},
    services::{
        faqs::{self, NewFaq, Status},
        fulltext,
        search::{self, SearchRequest},
    },
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

const TICKETS: usize = 100_000;
const FAQS: usize = 1_000;
const RUNS: usize = 15;

/// Support vocabulary, most frequent first: words are drawn with a Zipf-like bias, as in real
/// tickets, so common words match thousands of rows and rare ones a handful.
const WORDS: &[&str] = &[
    "erreur",
    "connexion",
    "impossible",
    "utilisateur",
    "page",
    "message",
    "compte",
    "accès",
    "formation",
    "inscription",
    "session",
    "envoi",
    "sms",
    "quota",
    "export",
    "fichier",
    "liste",
    "étudiants",
    "notes",
    "moyenne",
    "jury",
    "attestation",
    "pdf",
    "navigateur",
    "lenteur",
    "affichage",
    "bouton",
    "validation",
    "circuit",
    "agent",
    "service",
    "paramétrage",
    "modèle",
    "logo",
    "courriel",
    "notification",
    "mot",
    "passe",
    "réinitialisation",
    "certificat",
    "serveur",
    "base",
    "données",
    "import",
    "csv",
    "colonne",
    "date",
    "calendrier",
    "planning",
    "rattrapage",
    "absence",
    "justifiée",
    "coefficient",
    "unité",
    "enseignement",
    "campagne",
    "destinataires",
    "numéro",
    "téléphone",
    "accusé",
    "réception",
    "opérateur",
    "passerelle",
    "délai",
    "priorité",
    "urgence",
    "bloquant",
    "régression",
    "version",
    "mise",
    "jour",
    "correctif",
    "documentation",
    "wiki",
    "droits",
    "profil",
    "gestionnaire",
    "responsable",
    "établissement",
    "composante",
    "convention",
    "facture",
    "tarif",
    "statistiques",
    "tableau",
    "bord",
    "graphique",
    "recherche",
    "filtre",
    "tri",
    "pagination",
    "archive",
    "suppression",
    "doublon",
    "fusion",
    "synchronisation",
    "annuaire",
    "ldap",
    "cas",
    "authentification",
    "jeton",
    "api",
    "webhook",
    "journal",
    "trace",
    "sauvegarde",
    "restauration",
    "maintenance",
    "interruption",
    "indisponible",
    "timeout",
    "mémoire",
    "disque",
    "saturé",
    "cache",
    "index",
    "requête",
    "lente",
    "rapport",
    "impression",
    "signature",
    "horodatage",
    "stagiaires",
    "présence",
    "feuille",
    "émargement",
    "salle",
    "formateur",
    "catalogue",
    "offre",
    "module",
    "évaluation",
    "règle",
    "calcul",
    "compensation",
    "plancher",
    "seconde",
    "publication",
    "résultats",
    "délibération",
    "relevé",
    "diplôme",
    "semestre",
    "année",
    "parcours",
];

/// A small deterministic generator: the corpus is the same on every run and database.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A word, biased towards the start of the list (rank r drawn with weight ~1/r).
    fn word(&mut self) -> &'static str {
        let n = WORDS.len() as f64;
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let rank = (n.powf(u) - 1.0) as usize;
        WORDS[rank.min(WORDS.len() - 1)]
    }

    fn sentence(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| self.word())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The database of the run, dropped after when it was created on a server.
struct BenchDb {
    url: String,
    server: Option<(String, String, bool)>,
    dir: tempfile::TempDir,
}

async fn bench_db() -> BenchDb {
    let dir = tempfile::tempdir().unwrap();
    let base = std::env::var("BENCH_DATABASE_URL").unwrap_or_default();
    let postgres = base.starts_with("postgres");
    if !(postgres || base.starts_with("mysql")) {
        return BenchDb {
            url: format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("bench.db").display()
            ),
            server: None,
            dir,
        };
    }
    let name = format!("guichet_bench_{}", std::process::id());
    let admin = Database::connect(&base).await.unwrap();
    let create = if postgres {
        format!("CREATE DATABASE \"{name}\"")
    } else {
        format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    };
    admin.execute_unprepared(&create).await.unwrap();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&format!("/{name}"));
    BenchDb {
        url: url.to_string(),
        server: Some((base, name, postgres)),
        dir,
    }
}

async fn drop_db(db: BenchDb) {
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let _ = db.dir.keep();
        println!("kept: {}", db.url);
        return;
    }
    if let Some((base, name, postgres)) = db.server {
        let admin = Database::connect(&base).await.unwrap();
        let sql = if postgres {
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
        } else {
            format!("DROP DATABASE IF EXISTS `{name}`")
        };
        admin.execute_unprepared(&sql).await.unwrap();
    }
}

async fn id_of_account(db: &DatabaseConnection, email: &str) -> (i64, i64) {
    let row = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (row.id, row.organisation_id)
}

async fn offer_and_subcategory(db: &DatabaseConnection, code: &str) -> (i64, i64) {
    let offer = Unscoped::find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let sub = Unscoped::find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::OfferId.eq(offer.id))
        .filter(service_subcategory::Column::Kind.eq("request"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (offer.id, sub.id)
}

/// 100 000 tickets of two establishments on two offers, inserted in batches, then indexed
/// through `fulltext::index_ticket` (the code filing uses), in transactions of 5 000.
async fn load_tickets(db: &DatabaseConnection, rng: &mut Lcg) {
    let toulon = id_of_account(db, "contact@univ-toulon.demo.guichet").await;
    let rochelle = id_of_account(db, "contact@univ-larochelle.demo.guichet").await;
    let geforp = offer_and_subcategory(db, "GEFORP").await;
    let smsu = offer_and_subcategory(db, "SMS-U").await;
    let statuses = [
        ticket::Status::New,
        ticket::Status::Assigned,
        ticket::Status::Pending,
        ticket::Status::Resolved,
        ticket::Status::Closed,
    ];
    let now = Utc::now();
    for batch in 0..TICKETS / 1000 {
        let rows = (0..1000).map(|i| {
            let n = batch * 1000 + i;
            let (account, org) = if n % 2 == 0 { toulon } else { rochelle };
            let (offer, sub) = if n % 3 == 0 { smsu } else { geforp };
            let at = now - chrono::Duration::minutes(n as i64);
            ticket::ActiveModel {
                reference: Set(format!("B-{n:07}")),
                kind: Set(ticket::Kind::Request),
                title: Set(rng.sentence(6)),
                description: Set(rng.sentence(40)),
                requester_id: Set(account),
                organisation_id: Set(org),
                offer_id: Set(offer),
                subcategory_id: Set(sub),
                impact: Set(ticket::Impact::Person),
                urgency: Set(ticket::Urgency::Low),
                priority: Set(ticket::Priority::Low),
                origin: Set(ticket::Origin::Api),
                status: Set(statuses[n % 5]),
                visibility: Set(ticket::Visibility::Organisation),
                created_at: Set(at),
                updated_at: Set(at),
                revision: Set(1),
                tto_spent_seconds: Set(0),
                ttr_spent_seconds: Set(0),
                tto_escalated: Set(0),
                ttr_escalated: Set(0),
                ..Default::default()
            }
        });
        ticket::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .unwrap();
    }
    let mut after = 0_i64;
    loop {
        let rows: Vec<(i64, String, String, String)> = Unscoped::find::<ticket::Entity>()
            .select_only()
            .columns([
                ticket::Column::Id,
                ticket::Column::Reference,
                ticket::Column::Title,
                ticket::Column::Description,
            ])
            .filter(ticket::Column::Id.gt(after))
            .filter(ticket::Column::Reference.starts_with("B-"))
            .order_by_asc(ticket::Column::Id)
            .limit(5000)
            .into_tuple()
            .all(db)
            .await
            .unwrap();
        let Some(last) = rows.last() else { break };
        after = last.0;
        let txn = db.begin().await.unwrap();
        for (id, reference, title, description) in &rows {
            fulltext::index_ticket(&txn, *id, reference, title, description)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
}

/// 1 000 FAQs on SMS-U and GEFORP, published through the FAQ service.
async fn load_faqs(db: &DatabaseConnection, rng: &mut Lcg) {
    for (n, email, code) in (0..FAQS).map(|n| {
        if n % 2 == 0 {
            (n, "agent.smsu@demo.guichet", "SMS-U")
        } else {
            (n, "agent.geforp@demo.guichet", "GEFORP")
        }
    }) {
        let author = load_caller(db, id_of_account(db, email).await.0, None)
            .await
            .unwrap()
            .unwrap();
        faqs::create(
            &guichet::db::Ctx::new(
                db.clone(),
                std::sync::Arc::new(author),
                guichet::clock::wall_now(),
            ),
            NewFaq {
                title: format!("{} ({n})", rng.sentence(6)),
                summary: rng.sentence(12),
                body: rng.sentence(120),
                keywords: rng.sentence(3),
                error_code: (n % 50 == 0).then(|| format!("BENCH-{n}")),
                offer: Some(code.to_owned()),
                status: Some(Status::Published),
                ..NewFaq::default()
            },
        )
        .await
        .unwrap();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // BENCH_REUSE names a database kept by an earlier run (BENCH_KEEP=1): its corpus is searched
    // again, so that a change to the search code is measured without loading the corpus again.
    let reused = std::env::var("BENCH_REUSE")
        .ok()
        .filter(|url| !url.is_empty());
    let bench = match &reused {
        Some(url) => BenchDb {
            url: url.clone(),
            server: None,
            dir: tempfile::tempdir().unwrap(),
        },
        None => bench_db().await,
    };
    let db = Database::connect(&bench.url).await.unwrap();
    if reused.is_none() {
        guichet::db::migrate(&db).await.unwrap();
        guichet::demo::load(&db, guichet::clock::wall_now())
            .await
            .unwrap();
        let mut rng = Lcg(42);
        let started = Instant::now();
        load_tickets(&db, &mut rng).await;
        let tickets_loaded = started.elapsed();
        load_faqs(&db, &mut rng).await;
        println!(
            "corpus: {TICKETS} tickets indexed in {:.1} s, {FAQS} FAQs in {:.1} s",
            tickets_loaded.as_secs_f64(),
            (started.elapsed() - tickets_loaded).as_secs_f64()
        );
    }
    println!("database: {}", db.get_database_backend().as_str());
    // Fresh statistics, as a database in service has (MariaDB keeps its own up to date).
    if db.get_database_backend() != sea_orm::DbBackend::MySql {
        db.execute_unprepared("ANALYZE").await.unwrap();
    }

    let queries = [
        "erreur",
        "connexion impossible",
        "inscriptions formation",
        "quota sms envoi",
        "lenteur page",
        "attestation pdf signature",
        "diplôme délibération",
        "B-0050000",
        "BENCH-500",
        "zorglub",
    ];
    println!("\n| caller | query | median ms | p90 ms | tickets found | FAQs found |");
    println!("|---|---|---|---|---|---|");
    let mut all = Vec::new();
    for email in [
        "agent.geforp@demo.guichet",
        "contact@univ-toulon.demo.guichet",
    ] {
        let caller = load_caller(&db, id_of_account(&db, email).await.0, None)
            .await
            .unwrap()
            .unwrap();
        let ctx = Ctx::new(db.clone(), std::sync::Arc::new(caller), Utc::now());
        for q in queries {
            let request = SearchRequest {
                q: q.to_owned(),
                page: None,
            };
            let mut times = Vec::with_capacity(RUNS);
            let mut found = (0, 0);
            for _ in 0..RUNS {
                let start = Instant::now();
                let results = search::everything(&ctx, &request).await.unwrap();
                times.push(start.elapsed());
                found = (results.tickets.total, results.faqs.total);
            }
            times.sort();
            all.extend(times.iter().copied());
            println!(
                "| {} | {q} | {:.1} | {:.1} | {} | {} |",
                email.split('@').next().unwrap_or(email),
                percentile(&times, 0.5).as_secs_f64() * 1000.0,
                percentile(&times, 0.9).as_secs_f64() * 1000.0,
                found.0,
                found.1
            );
        }
    }
    all.sort();
    println!(
        "\nall queries: median {:.1} ms, p90 {:.1} ms, max {:.1} ms over {} searches",
        percentile(&all, 0.5).as_secs_f64() * 1000.0,
        percentile(&all, 0.9).as_secs_f64() * 1000.0,
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        all.len()
    );
    db.close().await.unwrap();
    drop_db(bench).await;
}
