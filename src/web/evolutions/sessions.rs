//! The committees' sessions: the list, the record form, the printable page and its Markdown.

use axum::{
    extract::{Path, Query},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    i18n::Lang,
    services::committee_sessions::{self, NewSession, SessionFilter},
    services::error::ServiceError,
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /desk/sessions`.
pub async fn sessions(ctx: Ctx, Query(filter): Query<SessionFilter>) -> Result<Page, AppError> {
    let found = committee_sessions::list(&ctx, &filter).await?;
    Ok(Page::new(
        "evolutions/sessions.html",
        json!({ "found": found, "errors": {}, "form": {} }),
    ))
}

/// The session form: lists one item per line.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SessionForm {
    committee: String,
    held_on: String,
    title: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    decisions: String,
    #[serde(default)]
    minutes: String,
}

/// `POST /desk/sessions`.
pub async fn session_create(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(form): CsrfForm<SessionForm>,
) -> Result<Response, AppError> {
    let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
    let held_on = chrono::NaiveDate::parse_from_str(form.held_on.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::field("held_on", "field-date", vec![]));
    let result = match held_on {
        Ok(held_on) => {
            committee_sessions::create(
                &ctx,
                NewSession {
                    committee: form.committee.clone(),
                    held_on,
                    title: form.title.clone(),
                    attendees: lines(&form.attendees),
                    agenda: lines(&form.agenda),
                    decisions: form.decisions.clone(),
                    minutes: form.minutes.clone(),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => Ok(Redirect::to(&format!("/desk/sessions/{}", s.id)).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            let found = committee_sessions::list(&ctx, &SessionFilter::default()).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/sessions.html",
                    json!({ "found": found, "errors": errors, "form": form }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/sessions/{id}`: printable.
pub async fn session_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    let session = committee_sessions::get(&ctx, id).await?;
    Ok(Page::new(
        "evolutions/session.html",
        json!({ "s": session }),
    ))
}

/// `GET /desk/sessions/{id}/minutes.md`: the Markdown export.
pub async fn session_markdown(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let session = committee_sessions::get(&ctx, id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"seance-{id}.md\""),
            ),
        ],
        committee_sessions::markdown(&session),
    )
        .into_response())
}
