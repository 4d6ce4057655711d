//! Identity providers: which CAS or OpenID Connect server signs each establishment's people in.
//! Administrators configure them (through the desk, the API or `config.toml`); their secrets
//! are written, never read back. Signing in through one maps the asserted e-mail to an account
//! of that establishment only.

use entity::{account, identity_provider, organisation};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Problems,
    accounts::{self, NewAccount},
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::{
    auth::organisation_subtree,
    db::{Ctx, Handle},
    domain::{role::Role, web_address::is_web_address},
    sso::{
        Asserted,
        refusal::{self, Found, Mapping, Refusal},
    },
};

/// The protocols a provider may speak.
pub const KINDS: [&str; 3] = ["cas", "cas2", "oidc"];

/// A provider as administrators read it: everything but the secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderView {
    /// Id.
    pub id: i64,
    /// The establishment whose people it signs in.
    pub organisation_id: i64,
    /// `cas` (CAS 3.0, `p3/serviceValidate`), `cas2` (CAS 2.0, `serviceValidate`) or `oidc`.
    pub kind: String,
    /// What the sign-in button says after "Se connecter avec".
    pub label: String,
    /// The CAS server's base URL, or the OpenID Connect issuer.
    pub server_url: String,
    /// OpenID Connect client id.
    pub client_id: Option<String>,
    /// Whether a client secret is set (the secret itself is never read back).
    pub client_secret_set: bool,
    /// CAS attribute holding the e-mail.
    pub email_attribute: String,
    /// CAS attribute holding the display name.
    pub name_attribute: String,
    /// Domains its e-mails may have; any other is refused.
    pub email_domains: Vec<String>,
    /// Whether an unknown person of an allowed domain becomes a contact of the establishment.
    pub create_contacts: bool,
    /// Whether signing out also ends the provider's session.
    pub single_logout: bool,
    /// Whether it is offered on the sign-in page.
    pub enabled: bool,
}

impl From<identity_provider::Model> for ProviderView {
    fn from(m: identity_provider::Model) -> Self {
        Self {
            id: m.id,
            organisation_id: m.organisation_id,
            kind: m.kind,
            label: m.label,
            server_url: m.server_url,
            client_id: m.client_id,
            client_secret_set: m.client_secret.is_some_and(|s| !s.is_empty()),
            email_attribute: m.email_attribute,
            name_attribute: m.name_attribute,
            email_domains: refusal::domains(&m.email_domains),
            create_contacts: m.create_contacts,
            single_logout: m.single_logout,
            enabled: m.enabled,
        }
    }
}

fn mail() -> String {
    "mail".to_owned()
}

fn cn() -> String {
    "cn".to_owned()
}

fn yes() -> bool {
    true
}

/// A new provider.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "organisation_id": 7, "kind": "cas", "label": "Université de Toulon",
    "server_url": "https://cas.univ-tln.fr/cas", "email_domains": ["univ-tln.fr"],
    "create_contacts": false
}))]
pub struct NewProvider {
    /// The establishment (an organisation) whose people it signs in.
    pub organisation_id: i64,
    /// `cas`, `cas2` or `oidc`.
    pub kind: String,
    /// What the sign-in button says after "Se connecter avec".
    pub label: String,
    /// The CAS server's base URL (`https://cas.univ.fr/cas`), or the OpenID Connect issuer.
    pub server_url: String,
    /// OpenID Connect client id (required for `oidc`).
    #[serde(default)]
    pub client_id: Option<String>,
    /// OpenID Connect client secret (required for `oidc`; never read back).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// CAS attribute holding the e-mail (`mail`).
    #[serde(default = "mail")]
    pub email_attribute: String,
    /// CAS attribute holding the display name (`cn`).
    #[serde(default = "cn")]
    pub name_attribute: String,
    /// Domains its e-mails may have (at least one).
    pub email_domains: Vec<String>,
    /// Whether an unknown person of an allowed domain becomes a contact (default no).
    #[serde(default)]
    pub create_contacts: bool,
    /// Whether signing out also ends the provider's session (default yes).
    #[serde(default = "yes")]
    pub single_logout: bool,
}

/// A provider as the sign-in page offers it.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// Id.
    pub id: i64,
    /// Its label.
    pub label: String,
}

fn admins_only<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<()> {
    if ctx.scope().admin {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "refused-identity-providers-admin",
            vec![],
        ))
    }
}

/// Every provider (administrators only).
pub async fn list<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<ProviderView>> {
    admins_only(ctx)?;
    Ok(ctx
        .find::<identity_provider::Entity>()
        .order_by_asc(identity_provider::Column::Label)
        .all(ctx)
        .await?
        .into_iter()
        .map(ProviderView::from)
        .collect())
}

/// Checks a new provider's fields, naming each wrong one.
fn checked(new: &NewProvider) -> ServiceResult<(String, Vec<String>)> {
    let mut problems = Problems::default();
    if !KINDS.contains(&new.kind.as_str()) {
        problems.rule("kind", "field-identity-provider-kind", vec![]);
    }
    let label = required_text(&mut problems, "label", &new.label, 200);
    required_text(&mut problems, "server_url", &new.server_url, 500);
    if !is_web_address(&new.server_url) {
        problems.rule("server_url", "field-url-invalid", vec![]);
    }
    if new.kind == "oidc" {
        for (field, value) in [
            ("client_id", &new.client_id),
            ("client_secret", &new.client_secret),
        ] {
            required_text(&mut problems, field, value.as_deref().unwrap_or(""), 200);
        }
    }
    required_text(&mut problems, "email_attribute", &new.email_attribute, 100);
    required_text(&mut problems, "name_attribute", &new.name_attribute, 100);
    let domains = refusal::domains(&new.email_domains.join(" "));
    if domains.is_empty() {
        problems.rule("email_domains", "field-required", vec![]);
    }
    problems.into_result()?;
    Ok((label, domains))
}

/// Adds a provider (administrators only); 422 names the wrong field.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewProvider) -> ServiceResult<ProviderView> {
    admins_only(ctx)?;
    let (label, domains) = checked(&new)?;
    ctx.find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(new.organisation_id))
        .one(ctx)
        .await?
        .ok_or_else(|| ServiceError::field("organisation_id", "field-unknown", vec![]))?;
    let oidc = new.kind == "oidc";
    let created = identity_provider::ActiveModel {
        organisation_id: Set(new.organisation_id),
        kind: Set(new.kind),
        label: Set(label),
        server_url: Set(new.server_url.trim().to_owned()),
        client_id: Set(new.client_id.filter(|_| oidc)),
        client_secret: Set(new.client_secret.filter(|_| oidc)),
        email_attribute: Set(new.email_attribute.trim().to_owned()),
        name_attribute: Set(new.name_attribute.trim().to_owned()),
        email_domains: Set(domains.join(" ")),
        create_contacts: Set(new.create_contacts),
        single_logout: Set(new.single_logout),
        enabled: Set(true),
        created_at: Set(ctx.now()),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(created.into())
}

/// The enabled providers, for the sign-in page (the platform reads them: nobody is signed in).
pub async fn choices<C: Handle>(platform: &Ctx<C>) -> ServiceResult<Vec<Choice>> {
    Ok(platform
        .find::<identity_provider::Entity>()
        .filter(identity_provider::Column::Enabled.eq(true))
        .order_by_asc(identity_provider::Column::Label)
        .all(platform)
        .await?
        .into_iter()
        .map(|m| Choice {
            id: m.id,
            label: m.label,
        })
        .collect())
}

/// An enabled provider with its secret, for a sign-in (the platform reads it).
pub async fn enabled<C: Handle>(
    platform: &Ctx<C>,
    id: i64,
) -> ServiceResult<identity_provider::Model> {
    platform
        .find::<identity_provider::Entity>()
        .filter(identity_provider::Column::Id.eq(id))
        .filter(identity_provider::Column::Enabled.eq(true))
        .one(platform)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The account an identity asserted by `provider` signs in: its e-mail must be of an allowed
/// domain, and name an active account of the provider's establishment (its organisation or
/// below); with `create_contacts`, an unknown address becomes a contact of the establishment,
/// within the contact cap. Another establishment's account is never taken.
pub async fn account_for(
    platform: &Ctx,
    provider: &identity_provider::Model,
    asserted: &Asserted,
    max_contacts: u64,
) -> Result<Result<i64, Refusal>, ServiceError> {
    let email =
        match refusal::allowed_email(&refusal::domains(&provider.email_domains), &asserted.email) {
            Ok(email) => email,
            Err(refusal) => return Ok(Err(refusal)),
        };
    let subtree = organisation_subtree(platform, provider.organisation_id).await?;
    let found = match platform
        .find::<account::Entity>()
        .filter(account::Column::Email.eq(&email))
        .one(platform)
        .await?
    {
        Some(a) if subtree.contains(&a.organisation_id) => Found::Inside {
            id: a.id,
            active: a.active,
        },
        Some(_) => Found::Elsewhere,
        None => Found::Nowhere,
    };
    match refusal::map_account(found, provider.create_contacts) {
        Ok(Mapping::Account(id)) => Ok(Ok(id)),
        Ok(Mapping::CreateContact) => {
            let local = email.split('@').next().unwrap_or_default().to_owned();
            let new = NewAccount {
                email: email.clone(),
                display_name: asserted.name.clone().unwrap_or(local),
                organisation_id: provider.organisation_id,
                roles: vec![Role::Contact],
                language: "fr".to_owned(),
            };
            match accounts::create(platform, new, None, max_contacts).await {
                Ok(created) => Ok(Ok(created.account.id)),
                Err(ServiceError::Invalid(problems))
                    if problems.iter().any(|p| {
                        p.message
                            .as_ref()
                            .is_some_and(|m| m.key == "field-contacts-cap")
                    }) =>
                {
                    Ok(Err(Refusal::ContactCap))
                }
                Err(err) => Err(err),
            }
        }
        Err(refusal) => Ok(Err(refusal)),
    }
}
