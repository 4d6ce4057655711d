//! The demo consortium of SPEC section 11: loaded by `guichet demo`, and at first start when
//! `demo = true`, into an empty database only. Every demo account has the password `demo`.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{account, account_role, offer, organisation, team, team_member};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};

use crate::{db::Unscoped, password};

mod evolutions;
mod faqs;

/// The password of every demo account.
pub const PASSWORD: &str = "demo";

/// An organisation of the demo: code, name, parent code, is_client, is_provider.
const ORGANISATIONS: &[(&str, &str, Option<&str>, bool, bool)] = &[
    ("ESUP", "ESUP-Portail", None, false, true),
    ("AMU", "Aix-Marseille Université", Some("ESUP"), true, true),
    (
        "UP1",
        "Université Paris 1 Panthéon-Sorbonne",
        Some("ESUP"),
        true,
        true,
    ),
    (
        "UNISTRA",
        "Université de Strasbourg",
        Some("ESUP"),
        true,
        true,
    ),
    ("UTLN", "Université de Toulon", Some("ESUP"), true, false),
    ("ULR", "La Rochelle Université", Some("ESUP"), true, false),
    ("UR2", "Université Rennes 2", Some("ESUP"), true, false),
    (
        "URN",
        "Université de Rouen Normandie",
        Some("ESUP"),
        true,
        false,
    ),
];

/// A provider team: organisation code, name.
const TEAMS: &[(&str, &str)] = &[
    ("ESUP", "Coordination générale"),
    ("ESUP", "Coordination technique"),
    ("AMU", "Équipe GEFORP"),
    ("UP1", "Équipe SMS-U"),
    ("UNISTRA", "Équipe EVA"),
];

/// An offer: code, name, provider code, description.
const OFFERS: &[(&str, &str, &str, &str)] = &[
    (
        "GEFORP",
        "ESUP GEFORP",
        "AMU",
        "Gestion des offres de formation pour les personnels : catalogue, inscriptions, \
         convocations et attestations.",
    ),
    (
        "SMS-U",
        "ESUP SMS-U",
        "UP1",
        "Envoi de SMS à destination des étudiants et des personnels universitaires.",
    ),
    (
        "EVA",
        "ESUP EVA",
        "UNISTRA",
        "Gestion des modalités de contrôle des connaissances et des règles d'évaluation.",
    ),
    (
        "ESUP-HEB",
        "Offres hébergées ESUP",
        "ESUP",
        "L'offre générale du consortium : accompagnement, conventions et questions communes \
         à toutes les offres hébergées.",
    ),
];

/// A demo account: e-mail, display name, organisation code, roles, teams.
pub struct DemoAccount {
    /// Sign-in address.
    pub email: &'static str,
    /// Shown name.
    pub name: &'static str,
    /// Code of the organisation.
    pub organisation: &'static str,
    /// Roles held.
    pub roles: &'static [&'static str],
    /// Teams joined, by name.
    pub teams: &'static [&'static str],
}

/// Every demo account, as listed in the README.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@demo.guichet",
        name: "Alice Admin",
        organisation: "ESUP",
        roles: &["admin"],
        teams: &[],
    },
    DemoAccount {
        email: "coordination@demo.guichet",
        name: "Claire Coordination",
        organisation: "ESUP",
        roles: &["coordinator"],
        teams: &["Coordination générale", "Coordination technique"],
    },
    DemoAccount {
        email: "agent.geforp@demo.guichet",
        name: "Gaston Geforp",
        organisation: "AMU",
        roles: &["agent"],
        teams: &["Équipe GEFORP"],
    },
    DemoAccount {
        email: "agent.smsu@demo.guichet",
        name: "Sophie Smsu",
        organisation: "UP1",
        roles: &["agent"],
        teams: &["Équipe SMS-U"],
    },
    DemoAccount {
        email: "agent.eva@demo.guichet",
        name: "Étienne Eva",
        organisation: "UNISTRA",
        roles: &["agent"],
        teams: &["Équipe EVA"],
    },
    DemoAccount {
        email: "contact@univ-toulon.demo.guichet",
        name: "Thomas Toulon",
        organisation: "UTLN",
        roles: &["contact"],
        teams: &[],
    },
    DemoAccount {
        email: "contact@univ-larochelle.demo.guichet",
        name: "Louise Larochelle",
        organisation: "ULR",
        roles: &["contact"],
        teams: &[],
    },
    DemoAccount {
        email: "contact2@univ-larochelle.demo.guichet",
        name: "Lucas Larochelle",
        organisation: "ULR",
        roles: &["contact"],
        teams: &[],
    },
    DemoAccount {
        email: "contact@univ-rennes2.demo.guichet",
        name: "Rose Rennes",
        organisation: "UR2",
        roles: &["contact"],
        teams: &[],
    },
    DemoAccount {
        email: "comite@demo.guichet",
        name: "Camille Comité",
        organisation: "ESUP",
        roles: &["committee"],
        teams: &[],
    },
    DemoAccount {
        email: "comite.toulon@demo.guichet",
        name: "Théo Comité-Toulon",
        organisation: "UTLN",
        roles: &["committee"],
        teams: &[],
    },
    DemoAccount {
        email: "copil@demo.guichet",
        name: "Paule Copil",
        organisation: "ESUP",
        roles: &["steering"],
        teams: &[],
    },
    DemoAccount {
        email: "copil2@demo.guichet",
        name: "Pierre Copil",
        organisation: "URN",
        roles: &["steering"],
        teams: &[],
    },
    DemoAccount {
        email: "copil3@demo.guichet",
        name: "Pia Copil",
        organisation: "UNISTRA",
        roles: &["steering"],
        teams: &[],
    },
];

/// Links, versions and modules of a demo offer.
#[expect(clippy::type_complexity, reason = "a row of demo data")]
fn offer_details(
    code: &str,
) -> (
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
) {
    match code {
        "GEFORP" => (
            Some("https://geforp.demo.esup-portail.example"),
            Some("https://www.esup-portail.org/wiki/display/GEFORP"),
            Some("https://github.com/EsupPortail/esup-geforp"),
            &["2.4", "2.3"],
            &["Catalogue", "Inscriptions", "Convocations", "Attestations"],
        ),
        "SMS-U" => (
            Some("https://smsu.demo.esup-portail.example"),
            Some("https://www.esup-portail.org/wiki/display/SMSU"),
            Some("https://github.com/EsupPortail/esup-smsu"),
            &["5.1", "5.0"],
            &["Envoi", "Listes de diffusion", "Quotas", "Statistiques"],
        ),
        "EVA" => (
            Some("https://eva.demo.esup-portail.example"),
            None,
            None,
            &["1.2", "1.1"],
            &["Règles", "Contrôles", "Exports"],
        ),
        _ => (
            None,
            Some("https://www.esup-portail.org/wiki"),
            None,
            &[],
            &[],
        ),
    }
}

/// The eight subcategories of the seed's catalogue: offer, name, kind, default team, required
/// extra fields.
const SUBCATEGORIES: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "GEFORP",
        "Déclarer un incident sur GEFORP",
        "incident",
        "Équipe GEFORP",
        &["version", "module", "page_url"],
    ),
    (
        "SMS-U",
        "Déclarer un incident sur SMS-U",
        "incident",
        "Équipe SMS-U",
        &["version", "module", "page_url"],
    ),
    (
        "ESUP-HEB",
        "Déclarer une anomalie concernant les offres hébergées ESUP",
        "incident",
        "Coordination générale",
        &["page_url", "event_at"],
    ),
    (
        "GEFORP",
        "Effectuer une demande de service concernant GEFORP",
        "request",
        "Équipe GEFORP",
        &[],
    ),
    (
        "SMS-U",
        "Effectuer une demande de service concernant SMS-U",
        "request",
        "Équipe SMS-U",
        &[],
    ),
    (
        "GEFORP",
        "Effectuer une demande de changement / évolution concernant GEFORP",
        "evolution",
        "Coordination générale",
        &["module"],
    ),
    (
        "SMS-U",
        "Effectuer une demande de changement / évolution concernant SMS-U",
        "evolution",
        "Coordination générale",
        &["module"],
    ),
    (
        "ESUP-HEB",
        "Effectuer une demande générale concernant les offres hébergées ESUP",
        "request",
        "Coordination générale",
        &[],
    ),
];

/// Realistic targets: time to own 30 min (critical) to 8 h (low), time to resolve 4 h to 40 h,
/// in business minutes, for incidents and requests.
fn demo_targets() -> Vec<crate::domain::sla::Target> {
    use crate::domain::{
        catalogue::RequestKind,
        sla::{Metric, Priority, Target},
    };
    let minutes = [
        (Priority::Critical, 30, 240),
        (Priority::High, 60, 480),
        (Priority::Medium, 240, 1200),
        (Priority::Low, 480, 2400),
    ];
    let mut targets = Vec::new();
    for kind in [RequestKind::Incident, RequestKind::Request] {
        for (priority, tto, ttr) in minutes {
            targets.push(Target {
                kind,
                priority,
                metric: Metric::Tto,
                minutes: tto,
            });
            targets.push(Target {
                kind,
                priority,
                metric: Metric::Ttr,
                minutes: ttr,
            });
        }
    }
    targets
}

/// The ids the demo's rows are named by (organisation, team and offer codes).
type Ids<'a> = std::collections::HashMap<&'a str, i64>;

/// The id the demo data names `key` by.
fn id_of(map: &Ids<'_>, key: &str) -> anyhow::Result<i64> {
    map.get(key)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("demo data names unknown {key}"))
}

/// Subcategories, one SLA per provider, and conventions: Toulon on every offer, La Rochelle on
/// SMS-U, an expired one for Rennes 2, and each provider's agreement with the consortium.
async fn load_catalogue(
    txn: &sea_orm::DatabaseTransaction,
    org_ids: &Ids<'_>,
    team_ids: &Ids<'_>,
    offer_ids: &Ids<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    load_subcategories(txn, team_ids, offer_ids, now).await?;
    let sla_ids = load_slas(txn, org_ids, now).await?;
    load_conventions(txn, org_ids, offer_ids, &sla_ids, now).await
}

/// Each offer's subcategories, with their default team.
async fn load_subcategories(
    txn: &sea_orm::DatabaseTransaction,
    team_ids: &Ids<'_>,
    offer_ids: &Ids<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use entity::service_subcategory;
    for (offer, name, kind, team, fields) in SUBCATEGORIES {
        service_subcategory::ActiveModel {
            offer_id: Set(id_of(offer_ids, offer)?),
            name: Set((*name).to_owned()),
            kind: Set(crate::domain::catalogue::RequestKind::parse(kind)
                .ok_or_else(|| anyhow::anyhow!("demo kind {kind}"))?
                .into()),
            status: Set(service_subcategory::SubcategoryStatus::Active),
            default_team_id: Set(Some(id_of(team_ids, team)?)),
            required_fields: Set(serde_json::to_string(fields)?),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// One SLA per provider, on business days; answers their ids by provider code.
async fn load_slas<'a>(
    txn: &sea_orm::DatabaseTransaction,
    org_ids: &Ids<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Ids<'a>> {
    use entity::sla;
    // Holidays from rules: Strasbourg, in Alsace, has two more.
    use crate::domain::holidays::PublicHolidays::{AlsaceMoselle, France};
    let window = crate::domain::sla::CoverageWindow::business_days();
    let mut sla_ids = Ids::new();
    for (provider, name, public_holidays) in [
        ("AMU", "SLA Aix-Marseille Université", France),
        ("UP1", "SLA Université Paris 1", France),
        ("UNISTRA", "SLA Université de Strasbourg", AlsaceMoselle),
        ("ESUP", "SLA ESUP-Portail", France),
    ] {
        let row = sla::ActiveModel {
            name: Set(name.to_owned()),
            provider_id: Set(id_of(org_ids, provider)?),
            time_zone: Set(window.time_zone.clone()),
            intervals: Set(serde_json::to_string(&window.intervals)?),
            holidays: Set("[]".to_owned()),
            public_holidays: Set(public_holidays.into()),
            targets: Set(serde_json::to_string(&demo_targets())?),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        sla_ids.insert(provider, row.id);
    }
    Ok(sla_ids)
}

/// A demo convention: kind, client, offer, start, end and open-ticket cap.
type DemoConvention = (
    &'static str,
    &'static str,
    &'static str,
    NaiveDate,
    NaiveDate,
    Option<i32>,
);

/// The demo's conventions around `today`: Toulon on every offer, La Rochelle on SMS-U (capped),
/// an expired one for Rennes 2, and each provider's agreement with the consortium.
fn demo_conventions(today: NaiveDate) -> Vec<DemoConvention> {
    let years = |n: i64| chrono::Duration::days(365 * n);
    let mut rows: Vec<DemoConvention> = ["GEFORP", "SMS-U", "EVA", "ESUP-HEB"]
        .into_iter()
        .map(|offer| {
            (
                "usage",
                "UTLN",
                offer,
                today - years(1),
                today + years(2),
                None,
            )
        })
        .collect();
    rows.push((
        "usage",
        "ULR",
        "SMS-U",
        today - years(1),
        today + years(1),
        Some(20),
    ));
    let expired = today - chrono::Duration::days(30);
    rows.push(("usage", "UR2", "GEFORP", today - years(3), expired, None));
    for offer in ["GEFORP", "SMS-U", "EVA"] {
        rows.push((
            "provider",
            "ESUP",
            offer,
            today - years(2),
            today + years(3),
            None,
        ));
    }
    rows
}

/// The conventions of [`demo_conventions`], each with its offer.
async fn load_conventions(
    txn: &sea_orm::DatabaseTransaction,
    org_ids: &Ids<'_>,
    offer_ids: &Ids<'_>,
    sla_ids: &Ids<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use entity::{convention, convention_offer};
    let provider_of = |offer: &str| match offer {
        "GEFORP" => "AMU",
        "SMS-U" => "UP1",
        "EVA" => "UNISTRA",
        _ => "ESUP",
    };
    let name_of = |offer: &str| match offer {
        "ESUP-HEB" => "Offres hébergées ESUP".to_owned(),
        other => format!("Offre hébergée {other}"),
    };
    let today = crate::services::catalogue::today(now);
    for (kind, client, offer, start, end, cap) in demo_conventions(today) {
        let provider = provider_of(offer);
        let title = if kind == "usage" {
            format!("Conditions Générales d'Utilisation {}", name_of(offer))
        } else {
            format!("Convention fournisseur de service {}", name_of(offer))
        };
        let row = convention::ActiveModel {
            kind: Set(crate::domain::catalogue::ConventionKind::parse(kind)
                .ok_or_else(|| anyhow::anyhow!("demo kind {kind}"))?
                .into()),
            title: Set(title),
            client_id: Set(id_of(org_ids, client)?),
            provider_id: Set(id_of(org_ids, provider)?),
            status: Set(convention::ConventionStatus::Production),
            start_date: Set(start),
            end_date: Set(end),
            description: Set(format!("Utilisation de {}.", name_of(offer))),
            sla_id: Set((kind == "usage")
                .then(|| sla_ids.get(provider).copied())
                .flatten()),
            open_ticket_cap: Set(cap),
            fee_group: Set(None),
            yearly_amount_cents: Set(None),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        convention_offer::ActiveModel {
            convention_id: Set(row.id),
            offer_id: Set(id_of(offer_ids, offer)?),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Whether the database holds no organisation yet, i.e. the demo may be loaded.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    Ok(Unscoped::find::<organisation::Entity>().count(db).await? == 0)
}

/// Whether any demo account can still sign in (active, with a password): while one can, anybody
/// who reads the README can sign in with it, and every page says so.
pub async fn accounts_exist(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    let count = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.is_in(ACCOUNTS.iter().map(|a| a.email)))
        .filter(account::Column::Active.eq(true))
        .filter(account::Column::PasswordHash.is_not_null())
        .count(db)
        .await?;
    Ok(count > 0)
}

/// Loads the demo consortium in one transaction. Refuses a database that already has data.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    if !is_empty(db).await? {
        anyhow::bail!("the database already holds organisations: the demo loads into an empty one");
    }
    // Hash before opening the transaction: hashing is slow, and SQLite has a single writer.
    // One hash serves every demo account: their password is public anyway, so a salt of their
    // own would protect nothing, and thirteen fewer hashes start the demo (and each test) faster.
    let hash = password::hash_blocking(PASSWORD.to_owned()).await?;
    let txn = db.begin().await?;

    let mut org_ids = std::collections::HashMap::new();
    for (code, name, parent, is_client, is_provider) in ORGANISATIONS {
        let parent_id = parent.and_then(|p| org_ids.get(p).copied());
        let row = organisation::ActiveModel {
            code: Set((*code).to_owned()),
            name: Set((*name).to_owned()),
            parent_id: Set(parent_id),
            is_client: Set(*is_client),
            is_provider: Set(*is_provider),
            active: Set(true),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        org_ids.insert(*code, row.id);
    }
    let org = |code: &str| {
        org_ids
            .get(code)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("demo data names unknown organisation {code}"))
    };

    let mut team_ids = std::collections::HashMap::new();
    for (org_code, name) in TEAMS {
        let row = team::ActiveModel {
            organisation_id: Set(org(org_code)?),
            name: Set((*name).to_owned()),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        team_ids.insert(*name, row.id);
    }

    let mut offer_ids = std::collections::HashMap::new();
    for (code, name, provider, description) in OFFERS {
        let (app, docs, source, versions, modules) = offer_details(code);
        let row = offer::ActiveModel {
            code: Set((*code).to_owned()),
            name: Set((*name).to_owned()),
            description: Set((*description).to_owned()),
            provider_id: Set(org(provider)?),
            status: Set(offer::OfferStatus::Production),
            app_url: Set(app.map(str::to_owned)),
            docs_url: Set(docs.map(str::to_owned)),
            source_url: Set(source.map(str::to_owned)),
            versions: Set(Some(serde_json::to_string(versions)?)),
            modules: Set(Some(serde_json::to_string(modules)?)),
            environments: Set(Some(serde_json::to_string(&[
                "production",
                "test",
                "formation",
            ])?)),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        offer_ids.insert(*code, row.id);
    }
    load_catalogue(&txn, &org_ids, &team_ids, &offer_ids, now).await?;

    for demo in ACCOUNTS {
        let row = account::ActiveModel {
            email: Set(demo.email.to_owned()),
            display_name: Set(demo.name.to_owned()),
            organisation_id: Set(org(demo.organisation)?),
            password_hash: Set(Some(hash.clone())),
            language: Set(account::AccountLanguage::Fr),
            active: Set(true),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let roles = demo
            .roles
            .iter()
            .map(|role| {
                let role = crate::domain::role::Role::parse(role)
                    .ok_or_else(|| anyhow::anyhow!("demo role {role} unknown"))?;
                Ok(account_role::ActiveModel {
                    account_id: Set(row.id),
                    role: Set(role.into()),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        account_role::Entity::insert_many(roles).exec(&txn).await?;
        for team_name in demo.teams {
            let team_id = team_ids
                .get(team_name)
                .copied()
                .ok_or_else(|| anyhow::anyhow!("demo data names unknown team {team_name}"))?;
            team_member::ActiveModel {
                team_id: Set(team_id),
                account_id: Set(row.id),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    load_tickets(db, now).await?;
    faqs::load(db).await?;
    evolutions::load(db).await
}

/// A demo ticket: requester, offer, subcategory words, title, description, impact, urgency,
/// and how far it goes (the agent's steps, then the requester's).
struct DemoTicket {
    requester: &'static str,
    agent: &'static str,
    offer: &'static str,
    subcategory: &'static str,
    title: &'static str,
    description: &'static str,
    impact: Impact,
    urgency: Urgency,
    steps: &'static [Step],
}

/// One thing done to a demo ticket.
enum Step {
    Assign,
    Pend(&'static str),
    Resolve(&'static str),
    Close(i16),
    Comment(&'static str),
    Note(&'static str),
}

use crate::domain::priority::{Impact, Urgency};

const TICKETS: &[DemoTicket] = &[
    DemoTicket {
        requester: "contact@univ-toulon.demo.guichet",
        agent: "agent.geforp@demo.guichet",
        offer: "GEFORP",
        subcategory: "incident",
        title: "Les convocations ne partent plus",
        description: "Depuis ce matin, aucune convocation n'est envoyée aux stagiaires inscrits.",
        impact: Impact::Establishment,
        urgency: Urgency::High,
        steps: &[],
    },
    DemoTicket {
        requester: "contact@univ-toulon.demo.guichet",
        agent: "agent.geforp@demo.guichet",
        offer: "GEFORP",
        subcategory: "incident",
        title: "Erreur 500 sur la page des inscriptions",
        description: "La page **Inscriptions** renvoie une erreur 500 pour certains agents.",
        impact: Impact::Service,
        urgency: Urgency::Medium,
        steps: &[
            Step::Assign,
            Step::Comment("Nous reproduisons le problème."),
        ],
    },
    DemoTicket {
        requester: "contact@univ-toulon.demo.guichet",
        agent: "agent.geforp@demo.guichet",
        offer: "GEFORP",
        subcategory: "demande de service",
        title: "Créer une session de formation « Sécurité incendie »",
        description: "Merci de créer la session du 12 janvier, 15 places.",
        impact: Impact::Person,
        urgency: Urgency::Low,
        steps: &[Step::Assign, Step::Pend("En attente du programme détaillé")],
    },
    DemoTicket {
        requester: "contact@univ-toulon.demo.guichet",
        agent: "agent.smsu@demo.guichet",
        offer: "SMS-U",
        subcategory: "incident",
        title: "SMS non reçus par les étudiants de licence",
        description: "Les SMS envoyés hier à 14 h ne sont pas arrivés.",
        impact: Impact::Establishment,
        urgency: Urgency::High,
        steps: &[
            Step::Assign,
            Step::Note("Quota opérateur atteint, à surveiller."),
            Step::Resolve("Le quota opérateur a été relevé ; les envois en attente sont repartis."),
        ],
    },
    DemoTicket {
        requester: "contact@univ-toulon.demo.guichet",
        agent: "coordination@demo.guichet",
        offer: "ESUP-HEB",
        subcategory: "demande générale",
        title: "Ajouter un correspondant technique",
        description: "Merci d'ajouter notre nouveau correspondant technique.",
        impact: Impact::Person,
        urgency: Urgency::Low,
        steps: &[Step::Assign, Step::Resolve("Compte créé."), Step::Close(1)],
    },
    DemoTicket {
        requester: "contact@univ-larochelle.demo.guichet",
        agent: "agent.smsu@demo.guichet",
        offer: "SMS-U",
        subcategory: "incident",
        title: "Accents mal affichés dans les SMS",
        description: "Les caractères accentués apparaissent comme des « ? ».",
        impact: Impact::Service,
        urgency: Urgency::Medium,
        steps: &[],
    },
    DemoTicket {
        requester: "contact@univ-larochelle.demo.guichet",
        agent: "agent.smsu@demo.guichet",
        offer: "SMS-U",
        subcategory: "demande de service",
        title: "Augmenter le quota mensuel",
        description: "Nous prévoyons une campagne en février.",
        impact: Impact::Establishment,
        urgency: Urgency::Low,
        steps: &[
            Step::Assign,
            Step::Comment("Quel volume prévoyez-vous ?"),
            Step::Note("Voir avec le fournisseur SMS."),
        ],
    },
    DemoTicket {
        requester: "contact@univ-larochelle.demo.guichet",
        agent: "agent.smsu@demo.guichet",
        offer: "SMS-U",
        subcategory: "incident",
        title: "Liste de diffusion introuvable",
        description: "La liste « L3 Droit » a disparu.",
        impact: Impact::Person,
        urgency: Urgency::Medium,
        steps: &[
            Step::Assign,
            Step::Resolve("La liste était archivée ; elle est restaurée."),
        ],
    },
];

/// Files the demo tickets through the same services as people do, so they carry their
/// history and obey every rule.
async fn load_tickets(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    use crate::{
        auth::load_caller,
        db::Ctx,
        domain::lifecycle::Action,
        services::tickets::{self, NewTicket, Origin, actions, log},
    };
    let caller_of = |email: &'static str| async move {
        let account = Unscoped::find::<account::Entity>()
            .filter(account::Column::Email.eq(email))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?;
        load_caller(db, account.id, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .ok_or_else(|| anyhow::anyhow!("demo account {email} inactive"))
    };
    let failed = |e: crate::services::error::ServiceError| anyhow::anyhow!("demo ticket: {e:?}");
    for demo in TICKETS {
        let requester = caller_of(demo.requester).await?;
        let agent = caller_of(demo.agent).await?;
        let agent_ctx = Ctx::new(db.clone(), std::sync::Arc::new(agent.clone()), now);
        let requester_ctx = Ctx::new(db.clone(), std::sync::Arc::new(requester.clone()), now);
        let offer = crate::services::catalogue::offers::get(&requester_ctx, demo.offer)
            .await
            .map_err(failed)?;
        let subcategory = offer
            .subcategories
            .iter()
            .find(|s| s.name.contains(demo.subcategory))
            .ok_or_else(|| {
                anyhow::anyhow!("no subcategory {} on {}", demo.subcategory, demo.offer)
            })?;
        let new = NewTicket {
            subcategory: subcategory.id,
            title: demo.title.to_owned(),
            description: demo.description.to_owned(),
            impact: demo.impact,
            urgency: demo.urgency,
            visibility: None,
            module: offer.modules.first().cloned(),
            affected_version: offer.versions.first().cloned(),
            environment: Some("production".to_owned()),
            page_url: offer.app_url.clone(),
            // Noticed an hour before it was reported.
            event_at: Some(now - chrono::Duration::hours(1)),
            people_affected: None,
            requester: None,
        };
        let ticket = tickets::create(&requester_ctx, new, Origin::Portal)
            .await
            .map_err(failed)?;
        let reference = ticket.reference;
        for step in demo.steps {
            let (who, action, input) = match step {
                Step::Assign => (
                    &agent,
                    Action::Assign,
                    actions::ActionInput {
                        team: agent.team_ids.first().copied(),
                        agent: Some(agent.account_id),
                        ..Default::default()
                    },
                ),
                Step::Pend(reason) => (
                    &agent,
                    Action::Pend,
                    actions::ActionInput {
                        reason: Some((*reason).to_owned()),
                        ..Default::default()
                    },
                ),
                Step::Resolve(solution) => (
                    &agent,
                    Action::Resolve,
                    actions::ActionInput {
                        solution: Some((*solution).to_owned()),
                        ..Default::default()
                    },
                ),
                Step::Close(rating) => (
                    &requester,
                    Action::Close,
                    actions::ActionInput {
                        satisfaction: Some(*rating),
                        ..Default::default()
                    },
                ),
                Step::Comment(body) | Step::Note(body) => {
                    let entry = log::NewLogEntry {
                        body: (*body).to_owned(),
                        private: matches!(step, Step::Note(_)),
                    };
                    log::add_log(&agent_ctx, &reference, entry, None)
                        .await
                        .map_err(failed)?;
                    continue;
                }
            };
            let who = Ctx::new(db.clone(), std::sync::Arc::new(who.clone()), now);
            actions::act(&who, &reference, action, input)
                .await
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// The demo accounts as lines for the console, e.g. at first start.
pub fn accounts_listing() -> String {
    let mut out = format!("Demo accounts (password \"{PASSWORD}\"):\n");
    for demo in ACCOUNTS {
        out.push_str(&format!(
            "  {:<40} {:<12} {}\n",
            demo.email,
            demo.roles.join(","),
            demo.organisation
        ));
    }
    out
}
