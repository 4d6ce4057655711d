//! The desk's administration pages: organisations, accounts and teams. Contacts have no desk:
//! every page here answers them 404.

pub mod accounts;
pub mod agreements;
pub mod catalogue;
pub mod identity_providers;
pub mod mail_address;
pub mod mailboxes;
pub mod organisations;
pub mod sla_form;
pub mod slas;
pub mod teams;
pub mod webhooks;

use crate::{
    access::Caller,
    db::Ctx,
    error::AppError,
    services::{MAX_PER_PAGE, PageRequest, organisations::OrganisationView},
};

/// The organisations the context's caller manages (the first [`MAX_PER_PAGE`] it reads).
pub async fn managed_by(ctx: &Ctx) -> Result<Vec<OrganisationView>, AppError> {
    let all = PageRequest {
        page: 1,
        per_page: MAX_PER_PAGE,
    };
    Ok(crate::services::organisations::list(ctx, all)
        .await?
        .items
        .into_iter()
        .filter(|o| ctx.scope().manages_organisation(o.id))
        .collect())
}

/// The administration pages' guard, as a route layer: staff pass; a signed-in contact gets the
/// 404 of a page that does not exist for them; nobody signed in goes on to the handler, whose
/// extractor sends them to the sign-in page.
pub async fn staff_guard(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let refused = request
        .extensions()
        .get::<crate::access::Identity>()
        .and_then(|identity| identity.0.as_ref())
        .is_some_and(|caller| !caller.is_staff());
    if refused {
        return AppError::NotFound.into_response();
    }
    next.run(request).await
}

/// Lets staff through; a contact gets the 404 of a page that does not exist for them.
pub fn staff_only(caller: &Caller) -> Result<(), AppError> {
    if caller.is_staff() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A checkbox: present in the form when ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.is_some()
}
