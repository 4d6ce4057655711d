//! The HTML side: portal and desk pages, sign-in, the language switcher, static assets.

mod assets;
pub mod desk;
pub mod forms;
mod home;
mod language;
pub mod login;
mod tokens;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

/// The routes of the pages.
pub fn routes() -> Router<AppState> {
    use desk::{accounts, organisations, teams};
    Router::new()
        .route("/", get(home::root))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/password/forgot",
            get(login::forgot_form).post(login::forgot_submit),
        )
        .route(
            "/password/reset",
            get(login::reset_form).post(login::reset_submit),
        )
        .route("/portal", get(home::portal))
        .route("/desk", get(home::desk))
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
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/lang", get(language::switch))
        .route("/static/{*path}", get(assets::serve))
}
