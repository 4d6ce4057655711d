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
    releases::{releases_list, release_create, release_show, release_items, release_act, release_vote, release_decide},
    requests::{list, new_form, create, show, give_support, withdraw_support, act, assess, roadmap},
    sessions::{sessions, session_create, session_show, session_markdown},
    steering::{criteria, set_criteria, steering, set_steering},
};
use crate::{
    access::Caller,
    db::Ctx,
    error::AppError,
    services::catalogue::offers::{self, OfferFilter},
};

fn base(caller: &Caller) -> &'static str {
    if caller.is_staff() {
        "/desk"
    } else {
        "/portal"
    }
}

async fn offer_codes(ctx: &Ctx) -> Result<Value, AppError> {
    let offers = offers::list(
        &ctx.scoped(),
        &OfferFilter {
            q: None,
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
        },
    )
    .await?;
    Ok(json!(offers.items))
}
