//! A request's history: each step recorded with who took it and why, the requester and the
//! supporting contacts told in the step's transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{account, evolution, evolution_history, evolution_support};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{committees_see, labels, parents_writable, row};
use crate::{
    db::{Ctx, Handle},
    domain::evolution::State,
    i18n::Lang,
    services::{error::ServiceResult, notifications},
};

pub use entity::evolution_history::StepNote;

/// Why a step was taken: what the platform says of it (a code and what it names), stored as
/// such and rendered in each reader's language, and what a person wrote, stored as written.
#[derive(Debug, Clone, Default)]
pub struct Why {
    /// The platform's note and what it names.
    pub note: Option<(StepNote, String)>,
    /// A person's words (a committee's reason, a steering comment).
    pub reason: Option<String>,
}

impl From<Option<String>> for Why {
    fn from(reason: Option<String>) -> Self {
        Self { note: None, reason }
    }
}

impl Why {
    /// The platform's `note` about `about`, with a person's `reason` if they gave one.
    pub fn noted(note: StepNote, about: impl Into<String>, reason: Option<String>) -> Self {
        Self {
            note: Some((note, about.into())),
            reason: reason.filter(|r| !r.trim().is_empty()),
        }
    }
}

/// Records `why` as the reason the request stands in its new state (a deferral, a refusal, a
/// removal from a release), replacing the previous one.
pub fn state_why(
    update: sea_orm::UpdateMany<evolution::Entity>,
    why: &Why,
) -> sea_orm::UpdateMany<evolution::Entity> {
    use sea_orm::sea_query::Expr;
    update
        .col_expr(
            evolution::Column::StateReason,
            Expr::value(why.reason.clone()),
        )
        .col_expr(
            evolution::Column::StateNote,
            Expr::value(why.note.as_ref().map(|(note, _)| *note)),
        )
        .col_expr(
            evolution::Column::StateNoteAbout,
            Expr::value(why.note.as_ref().map(|(_, about)| about.clone())),
        )
}

/// A step's note and reason as `lang` reads them: the note in words, then the person's.
pub fn told(
    lang: Lang,
    note: Option<StepNote>,
    about: Option<&str>,
    reason: Option<&str>,
) -> Option<String> {
    let note = note.map(|n| {
        lang.t_args(
            &format!("evo-note-{}", n.to_value()),
            &[("about", about.unwrap_or_default().to_owned())],
        )
    });
    match (note, reason) {
        (Some(note), Some(reason)) => Some(format!("{note} {reason}")),
        (Some(note), None) => Some(note),
        (None, reason) => reason.map(str::to_owned),
    }
}

/// Records a step in the history and tells the requester and the supporting contacts (not the
/// actor) and the webhooks that asked for it, in the change's transaction, at its instant.
pub async fn step<C: Handle>(
    tx: &Ctx<C>,
    row: &evolution::Model,
    from: Option<State>,
    to: State,
    actor: Option<i64>,
    why: Why,
) -> ServiceResult<()> {
    steps(tx, &[(row, from)], to, actor, why).await
}

/// [`step`] for several requests taking the same step (a release's items): one statement for
/// the history, one for the supporters, and the notifications written together.
pub async fn steps<C: Handle>(
    tx: &Ctx<C>,
    rows: &[(&evolution::Model, Option<State>)],
    to: State,
    actor: Option<i64>,
    why: Why,
) -> ServiceResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
    parents_writable::<evolution_history::Entity, _>(tx, &ids).await?;
    evolution_history::Entity::insert_many(rows.iter().map(|(row, from)| {
        evolution_history::ActiveModel {
            evolution_id: Set(row.id),
            actor_id: Set(actor),
            from_state: Set(from.map(Into::into)),
            to_state: Set(to.into()),
            reason: Set(why.reason.clone()),
            note: Set(why.note.as_ref().map(|(note, _)| *note)),
            note_about: Set(why.note.as_ref().map(|(_, about)| about.clone())),
            created_at: Set(tx.now()),
            ..Default::default()
        }
    }))
    .exec_without_returning(tx)
    .await?;
    let mut supporters: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let pairs: Vec<(i64, i64)> = tx
        .find::<evolution_support::Entity>()
        .select_only()
        .column(evolution_support::Column::EvolutionId)
        .column(evolution_support::Column::AccountId)
        .filter(evolution_support::Column::EvolutionId.is_in(ids))
        .into_tuple()
        .all(tx)
        .await?;
    for (evolution_id, account_id) in pairs {
        supporters
            .entry(evolution_id)
            .or_default()
            .insert(account_id);
    }
    // The mail is written once for all its recipients, in the platform's language.
    let said = told(
        Lang::Fr,
        why.note.as_ref().map(|(note, _)| *note),
        why.note.as_ref().map(|(_, about)| about.as_str()),
        why.reason.as_deref(),
    );
    let moved: Vec<&evolution::Model> = rows.iter().map(|(row, _)| *row).collect();
    crate::services::webhooks::events::evolution_events(tx, &moved, to, said.as_deref()).await?;
    let detail = match &said {
        Some(said) => format!("{} — {said}", to.as_str()),
        None => to.as_str().to_owned(),
    };
    let events: Vec<(BTreeSet<i64>, notifications::MailData)> = rows
        .iter()
        .map(|(row, _)| {
            let mut people = supporters.remove(&row.id).unwrap_or_default();
            people.insert(row.requester_id);
            if let Some(actor) = actor {
                people.remove(&actor);
            }
            let data = notifications::MailData {
                kind: notifications::Kind::Evolution,
                reference: row.reference.clone(),
                title: row.title.clone(),
                path: format!("/portal/evolutions/{}", row.reference),
                actor: None,
                detail: Some(detail.clone()),
                detail_en: None,
                status: None,
                offer: Some(row.offer_id),
            };
            (people, data)
        })
        .collect();
    notifications::notify_many(tx, &events).await?;
    Ok(())
}

/// One step of a request's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvolutionStep {
    /// Before.
    pub from: Option<String>,
    /// After.
    pub to: String,
    /// Why.
    pub reason: Option<String>,
    /// Who (committees and the requesting establishment see names; others "—").
    pub actor: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A request's history, oldest first (at most 200 steps).
pub async fn history<C: Handle>(
    ctx: &Ctx<C>,
    reference: &str,
) -> ServiceResult<Vec<EvolutionStep>> {
    let current = row(ctx, reference).await?;
    let of_it = || {
        ctx.find::<evolution_history::Entity>()
            .filter(evolution_history::Column::EvolutionId.eq(current.id))
    };
    let steps = of_it()
        .order_by_asc(evolution_history::Column::Id)
        .limit(200)
        .all(ctx)
        .await?;
    let caller = ctx.caller();
    let named = committees_see(caller) || caller.organisation_id == current.organisation_id;
    let names = if named {
        labels::<_, account::Entity, _>(
            ctx,
            of_it(),
            evolution_history::Column::ActorId,
            account::Column::Id,
            account::Column::DisplayName,
        )
        .await?
    } else {
        HashMap::new()
    };
    Ok(steps
        .into_iter()
        .map(|s| EvolutionStep {
            actor: s.actor_id.and_then(|a| names.get(&a).cloned()),
            from: s.from_state.map(|f| f.to_value()),
            to: s.to_state.to_value(),
            reason: told(
                caller.language,
                s.note,
                s.note_about.as_deref(),
                s.reason.as_deref(),
            ),
            at: s.created_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{Lang, StepNote, told};

    #[test]
    fn a_note_is_told_in_the_readers_language_before_the_persons_words() {
        let removed = |lang| {
            told(
                lang,
                Some(StepNote::RemovedBySteering),
                Some("2027.1"),
                Some("Trop tôt."),
            )
        };
        assert_eq!(
            removed(Lang::Fr).as_deref(),
            Some("Retirée par le comité de pilotage (2027.1). Trop tôt.")
        );
        assert_eq!(
            removed(Lang::En).as_deref(),
            Some("Taken out by the steering committee (2027.1). Trop tôt.")
        );
        assert_eq!(
            told(Lang::En, Some(StepNote::MergedHere), Some("E-000004"), None).as_deref(),
            Some("E-000004 merged here.")
        );
        assert_eq!(
            told(Lang::Fr, None, None, Some("Hors périmètre")).as_deref(),
            Some("Hors périmètre")
        );
        assert_eq!(told(Lang::Fr, None, None, None), None);
    }
}
