//! The demo's evolution requests and releases (SPEC section 11), made through the services as
//! people would: requests on SMS-U and GEFORP in every committee state, some supported by
//! several establishments; SMS-U 2.4.0 released (one of its requests closed), SMS-U 3.0.0
//! approved with amendments, GEFORP 1.7.1 in development and GEFORP 1.8.0 proposed.

use std::sync::Arc;

use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};

use crate::{
    auth::load_caller,
    db::{Ctx, Unscoped},
    domain::{evolution::Action, steering::Vote},
    services::{
        error::ServiceError,
        evolutions::{self, EvolutionActionInput, NewEvolution, assessments, support},
        releases::{self, BallotInput, NewRelease, ReleaseAction, ReleaseItems, SteeringSettings},
    },
};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const COMMITTEE: &str = "comite@demo.guichet";
const CHAIR: &str = "copil@demo.guichet";
const STEERING_2: &str = "copil2@demo.guichet";
const ADMIN: &str = "admin@demo.guichet";

/// A demo account acting on the database at the application clock's instant.
async fn as_account(db: &DatabaseConnection, email: &str) -> anyhow::Result<Ctx> {
    // Unscoped: the demo loader finds its own accounts by address before anyone signs in.
    let row = Unscoped::find::<entity::account::Entity>()
        .filter(entity::account::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?;
    let caller = load_caller(db, row.id, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} inactive"))?;
    Ok(Ctx::new(
        db.clone(),
        Arc::new(caller),
        crate::clock::Clock::default().now(),
    ))
}

fn fail(e: ServiceError) -> anyhow::Error {
    anyhow::anyhow!("demo evolution: {e:?}")
}

/// How far a demo request goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    Submitted,
    UnderReview,
    NeedsInfo,
    Qualified,
    Deferred,
    Rejected,
}

/// Which establishment files a demo request.
#[derive(Clone, Copy)]
enum Filer {
    Toulon,
    Rochelle,
}

/// The demo's requests: who files, offer, title, how far, supported by La Rochelle too, value.
const REQUESTS: &[(Filer, &str, &str, Goal, bool, u8)] = &[
    (
        Filer::Toulon,
        "SMS-U",
        "Envois récurrents programmés",
        Goal::Qualified,
        true,
        5,
    ),
    (
        Filer::Rochelle,
        "SMS-U",
        "Accusés de réception agrégés par campagne",
        Goal::Qualified,
        false,
        4,
    ),
    (
        Filer::Toulon,
        "SMS-U",
        "Modèles de messages partagés entre composantes",
        Goal::Qualified,
        true,
        3,
    ),
    (
        Filer::Toulon,
        "SMS-U",
        "Liste noire des numéros en erreur",
        Goal::Qualified,
        false,
        3,
    ),
    (
        Filer::Rochelle,
        "SMS-U",
        "Statistiques d'envoi par service",
        Goal::Qualified,
        false,
        2,
    ),
    (
        Filer::Toulon,
        "SMS-U",
        "Envoi de SMS depuis l'ENT",
        Goal::UnderReview,
        true,
        0,
    ),
    (
        Filer::Rochelle,
        "SMS-U",
        "Signature personnalisée des messages",
        Goal::NeedsInfo,
        false,
        0,
    ),
    (
        Filer::Toulon,
        "SMS-U",
        "Réponse par SMS des étudiants",
        Goal::Submitted,
        false,
        0,
    ),
    (
        Filer::Toulon,
        "GEFORP",
        "Export des attestations en lot",
        Goal::Qualified,
        false,
        4,
    ),
    (
        Filer::Toulon,
        "GEFORP",
        "Signature électronique des attestations",
        Goal::Qualified,
        false,
        5,
    ),
    (
        Filer::Toulon,
        "GEFORP",
        "Tableau de bord des présences par session",
        Goal::Qualified,
        false,
        2,
    ),
    (
        Filer::Toulon,
        "GEFORP",
        "Inscription en liste d'attente automatique",
        Goal::Deferred,
        false,
        0,
    ),
    (
        Filer::Toulon,
        "GEFORP",
        "Thème sombre",
        Goal::Rejected,
        false,
        0,
    ),
    (
        Filer::Toulon,
        "GEFORP",
        "Rappel automatique la veille des sessions",
        Goal::Submitted,
        false,
        0,
    ),
];

/// The people of the demo, each acting through their own context.
struct Cast {
    toulon: Ctx,
    rochelle: Ctx,
    committee: Ctx,
    chair: Ctx,
    steering_2: Ctx,
    admin: Ctx,
}

impl Cast {
    async fn load(db: &DatabaseConnection) -> anyhow::Result<Cast> {
        Ok(Cast {
            toulon: as_account(db, TOULON).await?,
            rochelle: as_account(db, ROCHELLE).await?,
            committee: as_account(db, COMMITTEE).await?,
            chair: as_account(db, CHAIR).await?,
            steering_2: as_account(db, STEERING_2).await?,
            admin: as_account(db, ADMIN).await?,
        })
    }

    fn filer(&self, filer: Filer) -> &Ctx {
        match filer {
            Filer::Toulon => &self.toulon,
            Filer::Rochelle => &self.rochelle,
        }
    }
}

/// Loads the steering settings (chair: the demo's chair), the requests and the releases.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let cast = Cast::load(db).await?;
    releases::set_steering_settings(
        &cast.admin,
        SteeringSettings {
            chair: Some(cast.chair.caller().account_id),
            ..SteeringSettings::default()
        },
    )
    .await
    .map_err(fail)?;
    let mut qualified_smsu = Vec::new();
    for request in REQUESTS.iter().copied() {
        if let Some(reference) = file_one(&cast, request).await? {
            qualified_smsu.push(reference);
        }
    }
    merge_duplicate(&cast).await?;
    ship_smsu_240(&cast, &qualified_smsu[..2]).await?;
    approve_smsu_300(&cast, &qualified_smsu[2..]).await?;
    build_geforp_171(&cast).await?;
    propose_geforp_180(&cast).await
}

/// The committee takes an action on a request; its new revision.
async fn committee_acts(
    cast: &Cast,
    reference: &str,
    action: Action,
    reason: Option<&str>,
    revision: i32,
) -> anyhow::Result<i32> {
    evolutions::act(
        &cast.committee,
        reference,
        action,
        EvolutionActionInput {
            revision,
            reason: reason.map(str::to_owned),
            of: None,
        },
    )
    .await
    .map_err(fail)
    .map(|v| v.revision)
}

/// Files one demo request and takes it as far as its goal; its reference when it ends
/// qualified on SMS-U.
async fn file_one(
    cast: &Cast,
    (filer, offer, title, goal, shared, value): (Filer, &str, &str, Goal, bool, u8),
) -> anyhow::Result<Option<String>> {
    let filed = evolutions::file(
        cast.filer(filer),
        NewEvolution {
            offer: offer.to_owned(),
            title: title.to_owned(),
            description: format!("{title}.\n\nDemande formulée par le correspondant de l'établissement, besoin partagé par plusieurs services."),
            module: Some("Général".to_owned()),
        },
    )
    .await
    .map_err(fail)?;
    let reference = filed.reference;
    if shared {
        support::give(&cast.rochelle, &reference)
            .await
            .map_err(fail)?;
    }
    let revision = filed.revision;
    match goal {
        Goal::Submitted => {}
        Goal::Rejected => {
            let why = Some("Hors du périmètre de l'offre.");
            committee_acts(cast, &reference, Action::Reject, why, revision).await?;
        }
        Goal::Deferred => {
            let why = Some("À revoir après la refonte des inscriptions.");
            committee_acts(cast, &reference, Action::Defer, why, revision).await?;
        }
        Goal::UnderReview | Goal::NeedsInfo | Goal::Qualified => {
            let revision = committee_acts(cast, &reference, Action::Review, None, revision).await?;
            if goal == Goal::NeedsInfo {
                let why = Some("Quels services sont concernés ?");
                committee_acts(cast, &reference, Action::RequestInfo, why, revision).await?;
            } else if goal == Goal::Qualified {
                qualify(cast, &reference, value).await?;
                return Ok((offer == "SMS-U").then_some(reference));
            }
        }
    }
    Ok(None)
}

/// The committee assesses a request under review and qualifies it.
async fn qualify(cast: &Cast, reference: &str, value: u8) -> anyhow::Result<()> {
    let assessed = assessments::put(
        &cast.committee,
        reference,
        assessments::AssessmentInput {
            value,
            clarity: 4,
            complexity_days: u32::from(value) * 3,
            regulatory: false,
            comment: None,
        },
    )
    .await
    .map_err(fail)?;
    let why = Some("Besoin clair et partagé.");
    committee_acts(cast, reference, Action::Qualify, why, assessed.revision).await?;
    Ok(())
}

/// A duplicate: La Rochelle asks again for what Toulon asked, and it is merged.
async fn merge_duplicate(cast: &Cast) -> anyhow::Result<()> {
    let again = evolutions::file(
        &cast.rochelle,
        NewEvolution {
            offer: "SMS-U".to_owned(),
            title: "Permettre aux étudiants de répondre aux SMS".to_owned(),
            description: "Les étudiants voudraient répondre aux messages reçus.".to_owned(),
            module: None,
        },
    )
    .await
    .map_err(fail)?;
    let survivor = evolutions::list(
        &cast.committee,
        &evolutions::EvolutionFilter {
            offer: Some("SMS-U".to_owned()),
            state: Some("submitted".to_owned()),
            ..evolutions::EvolutionFilter::default()
        },
    )
    .await
    .map_err(fail)?
    .items
    .into_iter()
    .find(|e| e.title == "Réponse par SMS des étudiants")
    .ok_or_else(|| anyhow::anyhow!("demo survivor missing"))?;
    evolutions::act(
        &cast.committee,
        &again.reference,
        Action::MarkDuplicate,
        EvolutionActionInput {
            revision: again.revision,
            reason: None,
            of: Some(survivor.reference),
        },
    )
    .await
    .map_err(fail)?;
    Ok(())
}

/// Release 2.4.0 of SMS-U: released with the two best requests, the first one's delivery
/// confirmed and closed by the committee.
async fn ship_smsu_240(cast: &Cast, items: &[String]) -> anyhow::Result<()> {
    let shipped = release(cast, "SMS-U", "2.4.0", "minor", items).await?;
    vote(&cast.chair, shipped, Vote::Approve, &[]).await?;
    vote(&cast.steering_2, shipped, Vote::Approve, &[]).await?;
    move_on(
        cast,
        shipped,
        &[ReleaseAction::Start, ReleaseAction::Release],
    )
    .await?;
    let Some(delivered) = items.first() else {
        return Ok(());
    };
    let revision = evolutions::get(&cast.committee, delivered)
        .await
        .map_err(fail)?
        .revision;
    committee_acts(cast, delivered, Action::Close, None, revision).await?;
    Ok(())
}

/// Release 3.0.0: approved with amendments, the last item removed.
async fn approve_smsu_300(cast: &Cast, items: &[String]) -> anyhow::Result<()> {
    let next = release(cast, "SMS-U", "3.0.0", "major", items).await?;
    vote(&cast.chair, next, Vote::Approve, &[]).await?;
    let removed = items.last().cloned().unwrap_or_default();
    vote(
        &cast.steering_2,
        next,
        Vote::ApproveWithAmendments,
        &[removed],
    )
    .await
}

/// GEFORP 1.7.1: approved, being built, with the electronic signature alone.
async fn build_geforp_171(cast: &Cast) -> anyhow::Result<()> {
    let signature = qualified(cast, "GEFORP", "Signature").await?;
    let building = release(cast, "GEFORP", "1.7.1", "minor", &signature).await?;
    vote(&cast.chair, building, Vote::Approve, &[]).await?;
    vote(&cast.steering_2, building, Vote::Approve, &[]).await?;
    move_on(cast, building, &[ReleaseAction::Start]).await
}

/// GEFORP 1.8.0: proposed, before the steering committee, with the batch export; the
/// attendance dashboard stays qualified, for a later release.
async fn propose_geforp_180(cast: &Cast) -> anyhow::Result<()> {
    let export = qualified(cast, "GEFORP", "Export").await?;
    release(cast, "GEFORP", "1.8.0", "minor", &export).await?;
    Ok(())
}

/// The references of the qualified requests of an offer whose title starts so.
async fn qualified(cast: &Cast, offer: &str, title: &str) -> anyhow::Result<Vec<String>> {
    Ok(evolutions::list(
        &cast.committee,
        &evolutions::EvolutionFilter {
            offer: Some(offer.to_owned()),
            state: Some("qualified".to_owned()),
            ..evolutions::EvolutionFilter::default()
        },
    )
    .await
    .map_err(fail)?
    .items
    .into_iter()
    .filter(|e| e.title.starts_with(title))
    .map(|e| e.reference)
    .collect())
}

/// Takes an approved release through these steps.
async fn move_on(cast: &Cast, id: i64, steps: &[ReleaseAction]) -> anyhow::Result<()> {
    for action in steps.iter().copied() {
        let revision = releases::get(&cast.committee, id)
            .await
            .map_err(fail)?
            .revision;
        releases::act(&cast.committee, id, action, revision)
            .await
            .map_err(fail)?;
    }
    Ok(())
}

/// A release of an offer with these requests, proposed.
async fn release(
    cast: &Cast,
    offer: &str,
    version: &str,
    kind: &str,
    items: &[String],
) -> anyhow::Result<i64> {
    let committee = &cast.committee;
    let created = releases::create(
        committee,
        NewRelease {
            offer: offer.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
            target_date: None,
            capacity_days: 20,
        },
    )
    .await
    .map_err(fail)?;
    let built = releases::set_items(
        committee,
        created.id,
        ReleaseItems {
            revision: created.revision,
            items: items.to_vec(),
        },
    )
    .await
    .map_err(fail)?;
    releases::act(
        committee,
        created.id,
        ReleaseAction::Propose,
        built.revision,
    )
    .await
    .map_err(fail)?;
    Ok(created.id)
}

async fn vote(member: &Ctx, id: i64, vote: Vote, removed: &[String]) -> anyhow::Result<()> {
    releases::vote(
        member,
        id,
        BallotInput {
            vote,
            removed: removed.to_vec(),
            comment: String::new(),
        },
    )
    .await
    .map_err(fail)?;
    Ok(())
}
