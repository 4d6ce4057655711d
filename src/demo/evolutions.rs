//! The demo's evolution requests and releases (SPEC section 11), made through the services as
//! people would: requests on SMS-U and GEFORP in every committee state, some supported by
//! several establishments; SMS-U 2.4.0 released (one of its requests closed), SMS-U 3.0.0
//! approved with amendments, GEFORP 1.7.1 in development and GEFORP 1.8.0 proposed.

use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};

use crate::{
    access::Caller,
    auth::load_caller,
    db::{Scoped, Unscoped},
    domain::{evolution::Action, steering::Vote},
    services::{
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

async fn caller(db: &DatabaseConnection, email: &str) -> anyhow::Result<Caller> {
    let row = Unscoped::find::<entity::account::Entity>()
        .filter(entity::account::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?;
    load_caller(db, row.id, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} inactive"))
}

fn fail(e: crate::error::AppError) -> anyhow::Error {
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

/// Loads the steering settings (chair: the demo's chair), the requests and the releases.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let toulon = caller(db, TOULON).await?;
    let rochelle = caller(db, ROCHELLE).await?;
    let committee = caller(db, COMMITTEE).await?;
    let chair = caller(db, CHAIR).await?;
    let steering_2 = caller(db, STEERING_2).await?;
    let admin = caller(db, ADMIN).await?;
    releases::set_steering_settings(
        db,
        &admin,
        SteeringSettings {
            chair: Some(chair.account_id),
            ..SteeringSettings::default()
        },
    )
    .await
    .map_err(fail)?;

    // (who files, offer, title, how far, supported by La Rochelle too, value)
    let requests: &[(&Caller, &str, &str, Goal, bool, u8)] = &[
        (
            &toulon,
            "SMS-U",
            "Envois récurrents programmés",
            Goal::Qualified,
            true,
            5,
        ),
        (
            &rochelle,
            "SMS-U",
            "Accusés de réception agrégés par campagne",
            Goal::Qualified,
            false,
            4,
        ),
        (
            &toulon,
            "SMS-U",
            "Modèles de messages partagés entre composantes",
            Goal::Qualified,
            true,
            3,
        ),
        (
            &toulon,
            "SMS-U",
            "Liste noire des numéros en erreur",
            Goal::Qualified,
            false,
            3,
        ),
        (
            &rochelle,
            "SMS-U",
            "Statistiques d'envoi par service",
            Goal::Qualified,
            false,
            2,
        ),
        (
            &toulon,
            "SMS-U",
            "Envoi de SMS depuis l'ENT",
            Goal::UnderReview,
            true,
            0,
        ),
        (
            &rochelle,
            "SMS-U",
            "Signature personnalisée des messages",
            Goal::NeedsInfo,
            false,
            0,
        ),
        (
            &toulon,
            "SMS-U",
            "Réponse par SMS des étudiants",
            Goal::Submitted,
            false,
            0,
        ),
        (
            &toulon,
            "GEFORP",
            "Export des attestations en lot",
            Goal::Qualified,
            false,
            4,
        ),
        (
            &toulon,
            "GEFORP",
            "Signature électronique des attestations",
            Goal::Qualified,
            false,
            5,
        ),
        (
            &toulon,
            "GEFORP",
            "Tableau de bord des présences par session",
            Goal::Qualified,
            false,
            2,
        ),
        (
            &toulon,
            "GEFORP",
            "Inscription en liste d'attente automatique",
            Goal::Deferred,
            false,
            0,
        ),
        (&toulon, "GEFORP", "Thème sombre", Goal::Rejected, false, 0),
        (
            &toulon,
            "GEFORP",
            "Rappel automatique la veille des sessions",
            Goal::Submitted,
            false,
            0,
        ),
    ];
    let mut qualified_smsu = Vec::new();
    for (who, offer, title, goal, shared, value) in requests.iter().copied() {
        let scoped = Scoped::new(db, &who.scope);
        let filed = evolutions::file(
            &scoped,
            who,
            NewEvolution {
                offer: offer.to_owned(),
                title: title.to_owned(),
                description: format!("{title}.\n\nDemande formulée par le correspondant de l'établissement, besoin partagé par plusieurs services."),
                module: Some("Général".to_owned()),
            },
        )
        .await
        .map_err(fail)?;
        if shared {
            support::give(
                &Scoped::new(db, &rochelle.scope),
                &rochelle,
                &filed.reference,
            )
            .await
            .map_err(fail)?;
        }
        let reference = filed.reference.clone();
        let as_committee = Scoped::new(db, &committee.scope);
        let mut revision = filed.revision;
        let step = |action: Action, reason: Option<&str>, revision: i32| {
            let as_committee = &as_committee;
            let committee = &committee;
            let reference = reference.clone();
            let reason = reason.map(str::to_owned);
            async move {
                evolutions::act(
                    as_committee,
                    committee,
                    &reference,
                    action,
                    EvolutionActionInput {
                        revision,
                        reason,
                        of: None,
                    },
                )
                .await
                .map_err(fail)
                .map(|v| v.revision)
            }
        };
        match goal {
            Goal::Submitted => {}
            Goal::Rejected => {
                step(
                    Action::Reject,
                    Some("Hors du périmètre de l'offre."),
                    revision,
                )
                .await?;
            }
            Goal::Deferred => {
                step(
                    Action::Defer,
                    Some("À revoir après la refonte des inscriptions."),
                    revision,
                )
                .await?;
            }
            Goal::UnderReview | Goal::NeedsInfo | Goal::Qualified => {
                revision = step(Action::Review, None, revision).await?;
                if goal == Goal::NeedsInfo {
                    step(
                        Action::RequestInfo,
                        Some("Quels services sont concernés ?"),
                        revision,
                    )
                    .await?;
                } else if goal == Goal::Qualified {
                    let assessed = assessments::put(
                        &as_committee,
                        &committee,
                        &reference,
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
                    step(
                        Action::Qualify,
                        Some("Besoin clair et partagé."),
                        assessed.revision,
                    )
                    .await?;
                    if offer == "SMS-U" {
                        qualified_smsu.push(reference.clone());
                    }
                }
            }
        }
    }

    // A duplicate: La Rochelle asks again for what Toulon asked, and it is merged.
    let again = evolutions::file(
        &Scoped::new(db, &rochelle.scope),
        &rochelle,
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
        &Scoped::new(db, &committee.scope),
        &committee,
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
        &Scoped::new(db, &committee.scope),
        &committee,
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

    // Release 2.4.0 of SMS-U: released with the two best requests.
    let as_committee = Scoped::new(db, &committee.scope);
    let shipped = release(
        db,
        &committee,
        "SMS-U",
        "2.4.0",
        "minor",
        &qualified_smsu[..2],
    )
    .await?;
    vote(db, &chair, shipped, Vote::Approve, &[]).await?;
    vote(db, &steering_2, shipped, Vote::Approve, &[]).await?;
    move_on(
        db,
        &committee,
        shipped,
        &[ReleaseAction::Start, ReleaseAction::Release],
    )
    .await?;
    // Its first item's delivery is confirmed: the committee closes it.
    let delivered = &qualified_smsu[0];
    let revision = evolutions::get(&as_committee, &committee, delivered)
        .await
        .map_err(fail)?
        .revision;
    evolutions::act(
        &as_committee,
        &committee,
        delivered,
        Action::Close,
        EvolutionActionInput {
            revision,
            reason: None,
            of: None,
        },
    )
    .await
    .map_err(fail)?;
    // Release 3.0.0: approved with amendments, the last item removed.
    let next = release(
        db,
        &committee,
        "SMS-U",
        "3.0.0",
        "major",
        &qualified_smsu[2..],
    )
    .await?;
    vote(db, &chair, next, Vote::Approve, &[]).await?;
    let removed = qualified_smsu.last().cloned().unwrap_or_default();
    vote(
        db,
        &steering_2,
        next,
        Vote::ApproveWithAmendments,
        &[removed],
    )
    .await?;
    // GEFORP 1.7.1: approved, being built, with the electronic signature alone.
    let signature = qualified(db, &committee, "GEFORP")
        .await?
        .into_iter()
        .filter(|(_, title)| title.starts_with("Signature"))
        .map(|(reference, _)| reference)
        .collect::<Vec<_>>();
    let building = release(db, &committee, "GEFORP", "1.7.1", "minor", &signature).await?;
    vote(db, &chair, building, Vote::Approve, &[]).await?;
    vote(db, &steering_2, building, Vote::Approve, &[]).await?;
    move_on(db, &committee, building, &[ReleaseAction::Start]).await?;
    // GEFORP 1.8.0: proposed, before the steering committee, with the batch export; the
    // attendance dashboard stays qualified, for a later release.
    let geforp: Vec<String> = qualified(db, &committee, "GEFORP")
        .await?
        .into_iter()
        .filter(|(_, title)| title.starts_with("Export"))
        .map(|(reference, _)| reference)
        .collect();
    release(db, &committee, "GEFORP", "1.8.0", "minor", &geforp).await?;
    Ok(())
}

/// The qualified requests of an offer, as (reference, title).
async fn qualified(
    db: &DatabaseConnection,
    committee: &Caller,
    offer: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    Ok(evolutions::list(
        &Scoped::new(db, &committee.scope),
        committee,
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
    .map(|e| (e.reference, e.title))
    .collect())
}

/// Takes an approved release through these steps.
async fn move_on(
    db: &DatabaseConnection,
    committee: &Caller,
    id: i64,
    steps: &[ReleaseAction],
) -> anyhow::Result<()> {
    let scoped = Scoped::new(db, &committee.scope);
    for action in steps.iter().copied() {
        let revision = releases::get(&scoped, committee, id)
            .await
            .map_err(fail)?
            .revision;
        releases::act(&scoped, committee, id, action, revision)
            .await
            .map_err(fail)?;
    }
    Ok(())
}

/// A release of an offer with these requests, proposed.
async fn release(
    db: &DatabaseConnection,
    committee: &Caller,
    offer: &str,
    version: &str,
    kind: &str,
    items: &[String],
) -> anyhow::Result<i64> {
    let scoped = Scoped::new(db, &committee.scope);
    let created = releases::create(
        &scoped,
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
        &scoped,
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
        &scoped,
        committee,
        created.id,
        ReleaseAction::Propose,
        built.revision,
    )
    .await
    .map_err(fail)?;
    Ok(created.id)
}

async fn vote(
    db: &DatabaseConnection,
    member: &Caller,
    id: i64,
    vote: Vote,
    removed: &[String],
) -> anyhow::Result<()> {
    releases::vote(
        &Scoped::new(db, &member.scope),
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
