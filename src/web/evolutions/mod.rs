//! The pages of evolution requests and the committees: the portal's "Évolutions" (list, request
//! page with its support button, new request) and "Feuille de route"; the desk's committee
//! queue, request page with actions and assessment, release builder (reordered with buttons, so
//! keyboard-operable without script), steering ballot and decision record, and sessions.

mod releases;
mod requests;
mod sessions;
mod steering;

use serde_json::{Value, json};

pub use self::{
    releases::{
        release_act, release_create, release_decide, release_items, release_show, release_vote,
        releases_list,
    },
    requests::{
        act, assess, create, give_support, list, new_form, roadmap, show, withdraw_support,
    },
    sessions::{session_create, session_markdown, session_show, sessions},
    steering::{criteria, set_criteria, set_steering, steering},
};
use crate::{
    access::Caller,
    db::Ctx,
    error::AppError,
    services::{
        PageRequest,
        catalogue::offers::{self, OfferFilter},
        organisations,
    },
};

fn base(caller: &Caller) -> &'static str {
    if caller.is_staff() {
        "/desk"
    } else {
        "/portal"
    }
}

/// The offers the caller reads, for a filter's choice (the evolutions' lists, the reports).
pub(crate) async fn offer_codes(ctx: &Ctx) -> Result<Value, AppError> {
    let offers = offers::list(
        ctx,
        &OfferFilter {
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
            ..OfferFilter::default()
        },
    )
    .await?;
    Ok(json!(offers.items))
}

/// The establishments the caller reads, for a filter's choice (those that file requests).
pub(crate) async fn organisation_choices(ctx: &Ctx) -> Result<Value, AppError> {
    let all = PageRequest {
        page: 1,
        per_page: crate::services::MAX_PER_PAGE,
    };
    let clients: Vec<_> = organisations::list(ctx, all)
        .await?
        .items
        .into_iter()
        .filter(|o| o.is_client)
        .collect();
    Ok(json!(clients))
}
