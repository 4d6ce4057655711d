//! The HTML side: portal and desk pages, sign-in, the language switcher, static assets.

mod account;
mod assets;
mod charts;
pub mod desk;
mod evolutions;
mod faqs;
pub mod forms;
mod home;
mod language;
pub mod login;
mod portal;
mod preferences;
mod reports;
mod sso;
mod status;
mod tickets;
mod tokens;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

/// The routes of the pages, by area.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(public_routes())
        .merge(home_routes())
        .merge(ticket_routes())
        .merge(admin_routes())
        .merge(knowledge_routes())
        .merge(evolution_routes())
        .merge(status_routes())
}

/// The service status board and pages, major incidents.
fn status_routes() -> Router<AppState> {
    Router::new()
        .route("/status", get(status::board))
        .route("/status/feed.atom", get(status::feed_atom))
        .route("/status/feed", post(status::feed_token))
        .route("/status/feed/remove", post(status::feed_remove))
        .route("/status/{code}", get(status::offer).post(status::set))
        .route("/status/{code}/maintenance", post(status::publish))
        .route(
            "/status/{code}/maintenance/{id}",
            get(status::window).post(status::edit_window),
        )
        .route(
            "/status/{code}/maintenance/{id}/cancel",
            post(status::cancel_window),
        )
        .route(
            "/status/{code}/major",
            get(status::major_form).post(status::open_major),
        )
        .route("/major-incidents/{id}/join", post(status::join))
        .route("/tickets/{reference}/major", post(status::declare))
        .route("/tickets/{reference}/major/link", post(status::link))
}

/// Signing in and out, the language switcher, static assets: no identity needed.
fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::root))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/login/sso", get(sso::start))
        .route("/login/sso/callback", get(sso::callback))
        .route(
            "/password/forgot",
            get(login::forgot_form).post(login::forgot_submit),
        )
        .route(
            "/password/reset",
            get(login::reset_form).post(login::reset_submit),
        )
        .route("/lang", get(language::switch))
        .route("/static/{*path}", get(assets::serve))
}

/// Homes, the caller's own settings, conventions and files, reports.
fn home_routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home::portal))
        .route("/portal/conventions", get(portal::conventions))
        .route("/attachments/{id}", get(portal::attachment))
        .route("/desk", get(home::desk))
        .route("/account", get(account::show).post(account::save))
        .route("/account/digests", post(account::save_digest))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route(
            "/account/notifications",
            get(preferences::show).post(preferences::save),
        )
        .route("/desk/reports", get(reports::index))
        .route("/desk/reports/sla", get(reports::sla))
        .route("/desk/reports/deflection", get(reports::deflection))
        .route("/desk/reports/volumes/{by}", get(reports::volumes))
        .route("/desk/reports/times", get(reports::times))
        .route("/desk/reports/satisfaction", get(reports::satisfaction))
        .route("/desk/reports/pipeline", get(reports::pipeline))
        .route("/desk/reports/availability", get(reports::availability))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
}

/// Filing, lists and the ticket page, for the portal and the desk.
fn ticket_routes() -> Router<AppState> {
    Router::new()
        .route("/portal/new", get(portal::new_request))
        .route(
            "/portal/new/{subcategory}",
            get(tickets::new_form).post(tickets::create),
        )
        .route("/portal/tickets", get(tickets::list))
        .route("/portal/tickets/{reference}", get(tickets::show))
        .route("/desk/tickets", get(tickets::list))
        .route("/desk/tickets/bulk", post(tickets::bulk::bulk))
        .route("/desk/new", get(portal::desk_new_request))
        .route(
            "/desk/new/{subcategory}",
            get(tickets::desk_new_form).post(tickets::desk_create),
        )
        .route("/desk/tickets/{reference}", get(tickets::show))
        .route("/tickets/{reference}/actions/{action}", post(tickets::act))
        .route("/tickets/{reference}/log", post(tickets::log))
        .route("/tickets/views", post(tickets::save_view))
        .route("/tickets/views/{id}/delete", post(tickets::delete_view))
        .route(
            "/tickets/{reference}/participants",
            post(tickets::participants),
        )
        .route("/tickets/{reference}/changes", post(tickets::change))
}

/// The desk's administration: offers, conventions, SLAs, organisations, accounts, teams. Staff
/// only, checked once here: anyone else finds nothing (404).
fn admin_routes() -> Router<AppState> {
    use desk::{
        accounts, agreements, catalogue, identity_providers, mail_address, mailboxes,
        organisations, slas, teams, webhooks,
    };
    Router::new()
        .route("/desk/offers", get(catalogue::list).post(catalogue::create))
        .route("/desk/offers/new", get(catalogue::new_form))
        .route(
            "/desk/offers/{code}",
            get(catalogue::show).post(catalogue::update),
        )
        .route(
            "/desk/offers/{code}/subcategories",
            post(catalogue::add_subcategory),
        )
        .route(
            "/desk/subcategories/{id}",
            post(catalogue::update_subcategory),
        )
        .route(
            "/desk/conventions",
            get(agreements::list).post(agreements::create),
        )
        .route("/desk/conventions/new", get(agreements::new_form))
        .route(
            "/desk/conventions/{id}",
            get(agreements::show).post(agreements::update),
        )
        .route(
            "/desk/conventions/{id}/terminate",
            post(agreements::terminate),
        )
        .route("/desk/conventions/{id}/documents", post(agreements::upload))
        .route("/desk/slas", get(slas::list).post(slas::create_sla))
        .route("/desk/slas/new", get(slas::new_sla))
        .route(
            "/desk/slas/{id}",
            get(slas::show_sla).post(slas::update_sla),
        )
        .route("/desk/slas/{id}/simulate", get(slas::simulate))
        .route(
            "/desk/organisations",
            get(organisations::list).post(organisations::create),
        )
        .route("/desk/organisations/new", get(organisations::new_form))
        .route(
            "/desk/organisations/{id}",
            get(organisations::show).post(organisations::update),
        )
        .route("/desk/accounts", get(accounts::list).post(accounts::create))
        .route("/desk/accounts/new", get(accounts::new_form))
        .route(
            "/desk/accounts/{id}",
            get(accounts::show).post(accounts::update),
        )
        .route("/desk/accounts/{id}/reset", post(accounts::send_reset))
        .route("/desk/teams", get(teams::list).post(teams::create))
        .route("/desk/teams/new", get(teams::new_form))
        .route("/desk/teams/{id}", get(teams::show).post(teams::update))
        .route("/desk/teams/{id}/members", post(teams::add_member))
        .route(
            "/desk/teams/{id}/members/{account_id}/remove",
            post(teams::remove_member),
        )
        .route(
            "/desk/mailboxes",
            get(mailboxes::list).post(mailboxes::create),
        )
        .route("/desk/mailboxes/new", get(mailboxes::new_form))
        .route(
            "/desk/mailboxes/{id}",
            get(mailboxes::show).post(mailboxes::update),
        )
        .route("/desk/mailboxes/{id}/delete", post(mailboxes::delete))
        .route(
            "/desk/offers/{code}/mail-address",
            get(mail_address::show).post(mail_address::save),
        )
        .route(
            "/desk/offers/{code}/mail-address/delete",
            post(mail_address::delete),
        )
        .route("/desk/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/desk/webhooks/{id}", get(webhooks::show))
        .route("/desk/webhooks/{id}/delete", post(webhooks::delete))
        .route(
            "/desk/webhook-deliveries/{id}/resend",
            post(webhooks::resend),
        )
        .route(
            "/desk/identity-providers",
            get(identity_providers::list).post(identity_providers::create),
        )
        .route(
            "/desk/identity-providers/new",
            get(identity_providers::new_form),
        )
        .route(
            "/desk/identity-providers/{id}",
            get(identity_providers::edit_form).post(identity_providers::update),
        )
        .route(
            "/desk/identity-providers/{id}/enabled",
            post(identity_providers::switch),
        )
        .route_layer(axum::middleware::from_fn(desk::staff_guard))
}

/// FAQs, their categories and search.
fn knowledge_routes() -> Router<AppState> {
    Router::new()
        .route("/portal/faqs", get(faqs::portal_list))
        .route("/portal/faqs/{id}", get(faqs::portal_show))
        .route("/portal/faqs/{id}/deflect", post(faqs::deflect))
        .route("/portal/faq-suggestions", get(faqs::suggestions))
        .route("/faqs/{id}/feedback", post(faqs::give_feedback))
        .route("/desk/faqs", get(faqs::desk_list).post(faqs::create))
        .route("/desk/faqs/new", get(faqs::new_form))
        .route("/desk/faq-categories", post(faqs::create_category))
        .route("/desk/faqs/preview", post(faqs::preview))
        .route("/desk/faqs/{id}", get(faqs::show).post(faqs::update))
        .route("/tickets/{reference}/faq", post(faqs::from_ticket))
        .route("/search", get(faqs::search_page))
}

/// Evolution requests, releases, the committees' sessions and settings.
fn evolution_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/portal/evolutions",
            get(evolutions::list).post(evolutions::create),
        )
        .route("/portal/evolutions/new", get(evolutions::new_form))
        .route("/portal/evolutions/{reference}", get(evolutions::show))
        .route("/portal/roadmap", get(evolutions::roadmap))
        .route("/desk/committee", get(evolutions::list))
        .route("/desk/evolutions/{reference}", get(evolutions::show))
        .route(
            "/evolutions/{reference}/support",
            post(evolutions::give_support),
        )
        .route(
            "/evolutions/{reference}/withdraw",
            post(evolutions::withdraw_support),
        )
        .route(
            "/evolutions/{reference}/actions/{action}",
            post(evolutions::act),
        )
        .route(
            "/evolutions/{reference}/assessment",
            post(evolutions::assess),
        )
        .route(
            "/desk/releases",
            get(evolutions::releases_list).post(evolutions::release_create),
        )
        .route("/desk/releases/{id}", get(evolutions::release_show))
        .route("/desk/releases/{id}/items", post(evolutions::release_items))
        .route(
            "/desk/releases/{id}/actions/{action}",
            post(evolutions::release_act),
        )
        .route(
            "/desk/releases/{id}/ballots",
            post(evolutions::release_vote),
        )
        .route(
            "/desk/releases/{id}/decision",
            post(evolutions::release_decide),
        )
        .route(
            "/desk/offers/{code}/criteria",
            get(evolutions::criteria).post(evolutions::set_criteria),
        )
        .route(
            "/desk/settings/steering",
            get(evolutions::steering).post(evolutions::set_steering),
        )
        .route(
            "/desk/sessions",
            get(evolutions::sessions).post(evolutions::session_create),
        )
        .route("/desk/sessions/{id}", get(evolutions::session_show))
        .route(
            "/desk/sessions/{id}/minutes.md",
            get(evolutions::session_markdown),
        )
}
