//! Committee sessions (SPEC section 7): when the project or the steering committee met, who
//! attended, what it examined, what it decided, and its minutes in Markdown; printable and
//! exported as Markdown. The committees' own (`ScopedEntity for committee_session`).

use chrono::{DateTime, NaiveDate, Utc};
use entity::committee_session::{self, Committee};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    db::{Ctx, Handle},
    domain::role::Role,
    services::{
        PageRequest, Paged, Problems,
        error::{ServiceError, ServiceResult},
        required_text,
    },
};

/// A session as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    /// Id.
    pub id: i64,
    /// `project` or `steering`.
    pub committee: String,
    /// When it met.
    pub held_on: NaiveDate,
    /// Title.
    pub title: String,
    /// Who attended.
    pub attendees: Vec<String>,
    /// What was examined: request references, release labels.
    pub agenda: Vec<String>,
    /// What was decided.
    pub decisions: String,
    /// Minutes (Markdown).
    pub minutes: String,
    /// Minutes rendered and sanitised.
    pub minutes_html: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

impl From<committee_session::Model> for SessionView {
    fn from(s: committee_session::Model) -> Self {
        SessionView {
            id: s.id,
            minutes_html: crate::markdown::to_safe_html(&s.minutes),
            committee: s.committee.to_value(),
            held_on: s.held_on,
            title: s.title,
            attendees: serde_json::from_str(&s.attendees).unwrap_or_default(),
            agenda: serde_json::from_str(&s.agenda).unwrap_or_default(),
            decisions: s.decisions,
            minutes: s.minutes,
            created_at: s.created_at,
        }
    }
}

/// A new session.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"committee": "project", "held_on": "2030-01-14", "title": "Priorisation SMS-U de janvier", "attendees": ["Camille Comité", "Théo Comité-Toulon"], "agenda": ["Réponse par SMS des étudiants", "Statistiques d'envoi par service"], "decisions": "La réponse par SMS est qualifiée.", "minutes": "Séance consacrée aux demandes **SMS-U**."}))]
pub struct NewSession {
    /// `project` or `steering`.
    pub committee: String,
    /// When it met.
    pub held_on: NaiveDate,
    /// Title.
    pub title: String,
    /// Who attended.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// What was examined.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// What was decided.
    #[serde(default)]
    pub decisions: String,
    /// Minutes (Markdown).
    #[serde(default)]
    pub minutes: String,
}

/// The list's paging.
#[derive(Debug, Default, Clone, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionFilter {
    /// `project` or `steering`.
    pub committee: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
}

/// The sessions the caller reads (the committees'), latest first.
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    filter: &SessionFilter,
) -> ServiceResult<Paged<SessionView>> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: 50,
    }
    .checked()?;
    let mut select = ctx.find::<committee_session::Entity>();
    if let Some(word) = filter.committee.as_ref().filter(|c| !c.is_empty()) {
        // An unknown committee met never: an empty list, as any filter that matches nothing.
        select = match Committee::try_from_value(word) {
            Ok(committee) => select.filter(committee_session::Column::Committee.eq(committee)),
            Err(_) => select.filter(Expr::value(false)),
        };
    }
    let total = select.clone().count(ctx).await?;
    let rows = select
        .order_by_desc(committee_session::Column::HeldOn)
        .order_by_desc(committee_session::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?;
    Ok(Paged {
        items: rows.into_iter().map(SessionView::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One session (404 for anyone outside the committees).
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<SessionView> {
    ctx.find::<committee_session::Entity>()
        .filter(committee_session::Column::Id.eq(id))
        .one(ctx)
        .await?
        .map(SessionView::from)
        .ok_or(ServiceError::NotFound)
}

/// Records a session: a member of that committee (or an administrator), 403 otherwise.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewSession) -> ServiceResult<SessionView> {
    let caller = ctx.caller();
    let committee = Committee::try_from_value(&new.committee)
        .map_err(|_| ServiceError::field("committee", "session-committee-known", vec![]))?;
    let member = match committee {
        Committee::Project => caller.has(Role::Committee),
        Committee::Steering => caller.has(Role::Steering),
    };
    if !(member || caller.scope.admin) {
        return Err(ServiceError::forbidden("session-by-members", vec![]));
    }
    let mut problems = Problems::default();
    let title = required_text(&mut problems, "title", &new.title, 200);
    let list = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let attendees = list(&new.attendees);
    let agenda = list(&new.agenda);
    if attendees.len() > 100 || attendees.iter().any(|a| a.chars().count() > 200) {
        problems.rule("attendees", "session-attendees-limits", vec![]);
    }
    if agenda.len() > 200 || agenda.iter().any(|a| a.chars().count() > 200) {
        problems.rule("agenda", "session-agenda-limits", vec![]);
    }
    if new.decisions.chars().count() > 20_000 {
        problems.rule(
            "decisions",
            "field-too-long",
            vec![("max", "20000".to_owned())],
        );
    }
    if new.minutes.chars().count() > 100_000 {
        problems.rule(
            "minutes",
            "field-too-long",
            vec![("max", "100000".to_owned())],
        );
    }
    problems.into_result()?;
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned());
    let row = committee_session::ActiveModel {
        committee: Set(committee),
        held_on: Set(new.held_on),
        title: Set(title),
        attendees: Set(json(&attendees)),
        agenda: Set(json(&agenda)),
        decisions: Set(new.decisions.trim().to_owned()),
        minutes: Set(new.minutes),
        created_by: Set(caller.account_id),
        created_at: Set(ctx.now()),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// A session as a Markdown document, for the record.
pub fn markdown(session: &SessionView) -> String {
    let committee = if session.committee == "steering" {
        "Comité de pilotage"
    } else {
        "Comité de projet"
    };
    let bullets = |items: &[String]| items.iter().map(|i| format!("- {i}\n")).collect::<String>();
    format!(
        "# {} — {}\n\n{committee}, séance du {}\n\n## Présents\n\n{}\n## Ordre du jour\n\n{}\n## Décisions\n\n{}\n\n## Compte rendu\n\n{}\n",
        session.title,
        session.held_on.format("%d/%m/%Y"),
        session.held_on.format("%d/%m/%Y"),
        bullets(&session.attendees),
        bullets(&session.agenda),
        session.decisions,
        session.minutes
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    #[test]
    fn the_markdown_export_carries_every_part() {
        let session = super::SessionView {
            id: 1,
            committee: "project".to_owned(),
            held_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            title: "Priorisation SMS-U".to_owned(),
            attendees: vec!["Camille Comité".to_owned()],
            agenda: vec!["E-000001".to_owned()],
            decisions: "E-000001 qualifiée.".to_owned(),
            minutes: "Séance **calme**.".to_owned(),
            minutes_html: String::new(),
            created_at: chrono::DateTime::UNIX_EPOCH,
        };
        let md = super::markdown(&session);
        for part in [
            "# Priorisation SMS-U — 20/11/2026",
            "- Camille Comité",
            "- E-000001",
            "E-000001 qualifiée.",
            "Séance **calme**.",
        ] {
            assert!(md.contains(part), "{part} in {md}");
        }
    }
}
