//! The knowledge base's pages: the portal's FAQ (categories, search, an FAQ with "utile / pas
//! utile"), suggestions under a new request's title (an htmx fragment) and "Cela répond à ma
//! question"; the desk's FAQ management with preview, the search box over tickets and FAQs,
//! and the deflection button.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    auth::{Signed, csrf::CsrfForm},
    db::Ctx,
    error::AppError,
    services::{
        catalogue::offers::{self, OfferFilter},
        faqs::{
            self, FaqChanges, FaqFilter, NewFaq, Status, Visibility, categories, deflection,
            feedback,
        },
        listing::PagerView,
        search::{self, SearchRequest},
    },
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /portal/faqs`: categories, the search box and the FAQs found (or the latest).
pub async fn portal_list(ctx: Ctx, Query(filter): Query<FaqFilter>) -> Result<Page, AppError> {
    let filter = FaqFilter {
        status: None,
        ..filter
    };
    let found = faqs::list(&ctx, &filter).await?;
    let categories = categories::list(&ctx).await?;
    Ok(Page::new(
        "portal/faqs.html",
        json!({ "found": found, "filter": filter, "categories": categories }),
    ))
}

/// Query of an FAQ page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shown {
    /// Set after "Cela répond à ma question".
    answered: Option<String>,
}

/// `GET /portal/faqs/{id}`.
pub async fn portal_show(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Page, AppError> {
    let faq = faqs::get(&ctx, id).await?;
    Ok(Page::new(
        "portal/faq.html",
        json!({ "faq": faq, "answered": shown.answered.is_some() }),
    ))
}

/// The feedback form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackForm {
    helpful: String,
}

/// `POST /faqs/{id}/feedback`.
pub async fn give_feedback(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<FeedbackForm>,
) -> Result<Redirect, AppError> {
    feedback::give(&ctx, id, form.helpful == "yes").await?;
    Ok(Redirect::to(&format!("/portal/faqs/{id}")))
}

/// Query of the suggestions fragment: the subcategory being filed on and the title so far.
#[derive(Debug, Deserialize)]
pub struct Typing {
    subcategory: i64,
    #[serde(default)]
    title: String,
}

/// `GET /portal/faq-suggestions`: the suggestions under the title, as an HTML fragment for htmx.
pub async fn suggestions(ctx: Ctx, Query(typing): Query<Typing>) -> Result<Page, AppError> {
    let sub = offers::subcategory(&ctx, typing.subcategory).await?;
    let hits = deflection::suggest(&ctx, sub.offer_id, &typing.title).await?;
    let offer = offers::code_of(&ctx, sub.offer_id).await?;
    Ok(Page::new(
        "portal/faq_suggestions.html",
        json!({ "hits": hits, "offer": offer, "title": typing.title }),
    ))
}

/// The deflection: the offer the contact was filing on. It is posted by a button of the new
/// request's form, so that form's other fields come along and are ignored.
#[derive(Debug, Deserialize)]
pub struct DeflectForm {
    deflect_offer: String,
}

/// `POST /portal/faqs/{id}/deflect`: "Cela répond à ma question"; the form is left unfiled.
pub async fn deflect(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DeflectForm>,
) -> Result<Response, AppError> {
    let offer = faqs::offer_id(&ctx, &form.deflect_offer).await?;
    deflection::deflect(&ctx, id, offer).await?;
    let to = format!("/portal/faqs/{id}?answered=1");
    // The suggestion's button posts through htmx, which follows this header instead.
    if headers.contains_key("hx-request") {
        return Ok(([("hx-redirect", to)], StatusCode::NO_CONTENT).into_response());
    }
    Ok(Redirect::to(&to).into_response())
}

/// `GET /desk/faqs`: every FAQ the caller reads, in every status it may see: filters as
/// selects, sortable headers, numbered pages; with `format=csv`, the whole list as a CSV file.
pub async fn desk_list(ctx: Ctx, Query(filter): Query<FaqFilter>) -> Result<Response, AppError> {
    let filter = FaqFilter {
        status: filter.status.clone().or(Some("all".to_owned())),
        ..filter
    };
    if filter.format.as_deref() == Some("csv") {
        let chunks = faqs::export(ctx, filter).await?;
        return crate::http::csv_stream("faqs.csv", chunks);
    }
    let found = faqs::list(&ctx, &filter).await?;
    // With words and no sort, the search's relevance order is in force: no column is marked.
    let default_sort = if filter.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        ""
    } else {
        "updated"
    };
    let pager = PagerView::new(&found, &filter.pairs(), default_sort);
    let categories = categories::list(&ctx).await?;
    Ok(Page::new(
        "desk/faqs.html",
        json!({ "found": found, "pager": pager, "filter": filter, "categories": categories,
                "offers": crate::web::evolutions::offer_codes(&ctx).await?,
                "coordinator": ctx.scope().admin || !ctx.scope().managed.is_empty() }),
    )
    .into_response())
}

/// `POST /desk/faq-categories`: a new heading (coordinators), back to the FAQ management page.
pub async fn create_category(
    ctx: Ctx,
    CsrfForm(form): CsrfForm<categories::NewCategory>,
) -> Result<Redirect, AppError> {
    let form = categories::NewCategory {
        offer: form.offer.filter(|o| !o.trim().is_empty()),
        ..form
    };
    categories::create(&ctx, form).await?;
    Ok(Redirect::to("/desk/faqs"))
}

/// The FAQ form's fields.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaqForm {
    title: String,
    #[serde(default)]
    summary: String,
    body: String,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    error_code: String,
    #[serde(default)]
    offer: String,
    #[serde(default)]
    category: String,
    visibility: Visibility,
    status: Status,
    revision: Option<i32>,
}

impl FaqForm {
    fn category(&self) -> Result<Option<i64>, AppError> {
        match self.category.trim() {
            "" => Ok(None),
            id => id
                .parse()
                .map(Some)
                .map_err(|_| AppError::field_message("category", "field-unknown", vec![])),
        }
    }
}

async fn form_page(
    ctx: &Ctx,
    status: StatusCode,
    faq: Value,
    form: Value,
    errors: Value,
) -> Result<Response, AppError> {
    let offers = offers::list(
        ctx,
        &OfferFilter {
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
            ..OfferFilter::default()
        },
    )
    .await?;
    let categories = categories::list(ctx).await?;
    let versions = match faq.get("id").and_then(Value::as_i64) {
        Some(id) => json!(faqs::versions(ctx, id).await?),
        None => json!([]),
    };
    Ok((
        status,
        Page::new(
            "desk/faq.html",
            json!({ "faq": faq, "form": form, "errors": errors, "offers": offers.items,
                    "categories": categories, "versions": versions }),
        ),
    )
        .into_response())
}

/// `GET /desk/faqs/new`.
pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    let form = json!({ "visibility": "everyone", "status": "draft" });
    form_page(&ctx, StatusCode::OK, Value::Null, form, json!({})).await
}

/// `POST /desk/faqs`.
pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<FaqForm>) -> Result<Response, AppError> {
    let new = NewFaq {
        title: form.title.clone(),
        summary: form.summary.clone(),
        body: form.body.clone(),
        keywords: form.keywords.clone(),
        error_code: Some(form.error_code.clone()),
        offer: Some(form.offer.clone()),
        category: form.category()?,
        visibility: Some(form.visibility),
        status: Some(form.status),
        from_ticket: None,
    };
    match faqs::create(&ctx, new).await {
        Ok(faq) => Ok(Redirect::to(&format!("/desk/faqs/{}", faq.id)).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            form_page(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Value::Null,
                json!(form),
                json!(errors),
            )
            .await
        }
    }
}

/// `GET /desk/faqs/{id}`: the FAQ as its readers see it, its form and its versions.
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let faq = faqs::get(&ctx, id).await?;
    let form = json!(faq);
    form_page(&ctx, StatusCode::OK, json!(faq), form, json!({})).await
}

/// `POST /desk/faqs/{id}`.
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<FaqForm>,
) -> Result<Response, AppError> {
    let changes = FaqChanges {
        revision: form.revision.unwrap_or_default(),
        title: Some(form.title.clone()),
        summary: Some(form.summary.clone()),
        body: Some(form.body.clone()),
        keywords: Some(form.keywords.clone()),
        error_code: Some(form.error_code.clone()),
        category: Some(form.category()?.unwrap_or(0)),
        visibility: Some(form.visibility),
        status: Some(form.status),
    };
    match faqs::update(&ctx, id, changes).await {
        Ok(_) => Ok(Redirect::to(&format!("/desk/faqs/{id}")).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let faq = faqs::get(&ctx, id).await?;
            form_page(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                json!(faq),
                json!(form),
                json!(errors),
            )
            .await
        }
    }
}

/// The preview form.
#[derive(Debug, Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    body: String,
}

/// `POST /desk/faqs/preview`: the answer being written, rendered as readers will see it (an
/// htmx fragment; sanitised like every rendering).
pub async fn preview(
    Signed(_caller): Signed,
    CsrfForm(form): CsrfForm<PreviewForm>,
) -> Result<Html<String>, AppError> {
    let body: String = form.body.chars().take(50_000).collect();
    Ok(Html(crate::markdown::to_safe_html(&body)))
}

/// `POST /tickets/{reference}/faq`: a draft FAQ from a resolved ticket, opened for editing.
pub async fn from_ticket(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    let faq = faqs::create(
        &ctx,
        NewFaq {
            from_ticket: Some(reference),
            ..NewFaq::default()
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/desk/faqs/{}", faq.id)))
}

/// Query of the search page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

/// `GET /search`: tickets and FAQs the caller reads (the search box of both fronts).
pub async fn search_page(ctx: Ctx, Query(query): Query<SearchQuery>) -> Result<Response, AppError> {
    if query.q.trim().is_empty() {
        return Ok(Page::new("search.html", json!({ "q": "" })).into_response());
    }
    let request = SearchRequest {
        q: query.q.clone(),
        page: query.page,
    };
    match search::everything(&ctx, &request).await {
        Ok(results) => Ok(Page::new(
            "search.html",
            json!({ "q": query.q, "results": results, "staff": ctx.caller().is_staff() }),
        )
        .into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new("search.html", json!({ "q": query.q, "errors": errors })),
            )
                .into_response())
        }
    }
}
