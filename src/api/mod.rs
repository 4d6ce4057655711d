//! The JSON API under `/api/v1`, described by an OpenAPI 3 document generated from the handlers'
//! annotations, and its browsable documentation at `/api/docs`.

pub mod document;
pub mod idempotency;
pub mod v1;

use axum::{
    Router,
    http::{HeaderValue, header},
    middleware,
};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::state::AppState;

/// The document's header; paths are added by the routers of [`v1`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Guichet API",
        description = "The service desk of a consortium's hosted offers. Errors are \
            `{\"error\": {\"code\", \"message\", \"details\"}}` with the HTTP status that fits. \
            Every `POST` takes an optional `Idempotency-Key` header (1 to 200 visible ASCII \
            characters): the same key with the same request answers the first answer again, \
            with another request 422 `idempotency_key_reused`, while the first still runs 409."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "Health and documentation"),
        (name = "auth", description = "Signing in and out, password reset, the caller"),
        (name = "tokens", description = "Personal API tokens"),
        (name = "organisations", description = "The organisation hierarchy"),
        (name = "accounts", description = "Accounts and their roles"),
        (name = "teams", description = "Provider teams and their members"),
        (name = "identity-providers", description = "Establishments' single sign-on providers (CAS, OpenID Connect), administrators only"),
        (name = "catalogue", description = "Offers, subcategories and the filing rule"),
        (name = "agreements", description = "Conventions, their documents, and SLAs"),
        (name = "tickets", description = "Incidents and service requests"),
        (name = "faqs", description = "Knowledge base, search, suggestions and deflections"),
        (name = "evolutions", description = "Evolution requests, the committees, releases and roadmaps"),
        (name = "status", description = "Service status of offers, major incidents, planned maintenance"),
        (name = "mail", description = "Mail in: the addresses at which offers take in requests"),
        (name = "webhooks", description = "Webhook endpoints, their delivery log, sending again"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` security scheme the handlers refer to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes, the OpenAPI document at `/api/v1/openapi.json` and the docs UI; and apart,
/// documented with them, the probes (`/healthz`).
pub fn routes(state: &AppState) -> (Router<AppState>, Router<AppState>) {
    let (routes, probes) = v1::routes();
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes)
        .split_for_parts();
    let (probes, probes_doc) = probes.split_for_parts();
    openapi.merge(probes_doc);
    document::complete(&mut openapi);
    // Only on matched routes: an unknown path stays a plain 404, key or not.
    let router = router.route_layer(middleware::from_fn_with_state(
        state.clone(),
        idempotency::remember,
    ));
    // Swagger UI's page styles itself inline; only this page gets that allowance.
    let docs = Router::from(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; connect-src 'self'; object-src 'none'; \
                 base-uri 'self'; frame-ancestors 'none'",
            ),
        ));
    (router.merge(docs), probes)
}
