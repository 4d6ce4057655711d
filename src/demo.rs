//! The demo consortium of SPEC section 11: loaded by `guichet demo`, and at first start when
//! `demo = true`, into an empty database only. Every demo account has the password `demo`.

use chrono::Utc;
use entity::{account, account_role, offer, organisation, team, team_member};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait,
    TransactionTrait,
};

use crate::{db::Unscoped, password};

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

/// Whether the database holds no organisation yet, i.e. the demo may be loaded.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    Ok(Unscoped::find::<organisation::Entity>().count(db).await? == 0)
}

/// Loads the demo consortium in one transaction. Refuses a database that already has data.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    if !is_empty(db).await? {
        anyhow::bail!("the database already holds organisations: the demo loads into an empty one");
    }
    // Hash before opening the transaction: hashing is slow, and SQLite has a single writer.
    let mut hashes = Vec::with_capacity(ACCOUNTS.len());
    for _ in ACCOUNTS {
        hashes.push(password::hash_blocking(PASSWORD.to_owned()).await?);
    }
    let now = Utc::now();
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

    for (code, name, provider, description) in OFFERS {
        offer::ActiveModel {
            code: Set((*code).to_owned()),
            name: Set((*name).to_owned()),
            description: Set((*description).to_owned()),
            provider_id: Set(org(provider)?),
            status: Set("production".to_owned()),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }

    for (demo, hash) in ACCOUNTS.iter().zip(hashes) {
        let row = account::ActiveModel {
            email: Set(demo.email.to_owned()),
            display_name: Set(demo.name.to_owned()),
            organisation_id: Set(org(demo.organisation)?),
            password_hash: Set(Some(hash)),
            language: Set("fr".to_owned()),
            active: Set(true),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let roles = demo.roles.iter().map(|role| account_role::ActiveModel {
            account_id: Set(row.id),
            role: Set((*role).to_owned()),
        });
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
