//! Identity providers: which CAS or OpenID Connect server signs each establishment's people in.
//! Administrators configure them (through the desk, the API or `config.toml`); their secrets
//! are written, never read back. Signing in through one maps the asserted e-mail to an account
//! of that establishment only.

use entity::{account, identity_provider, organisation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Problems,
    accounts::{self, NewAccount},
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::{
    auth::{
        organisation_subtree,
        sealing::{Purpose, Sealer},
    },
    config::ConfiguredProvider,
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
    /// Its revision: a PATCH names it, and a stale one is refused with 409.
    pub revision: i32,
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
            revision: m.revision,
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
    /// OpenID Connect client secret (required for `oidc`; stored sealed, never read back).
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

/// Changes to a provider: absent fields stay as they are. Its establishment and protocol are
/// fixed (another establishment's or protocol's provider is a new provider).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "revision": 1, "label": "Université de Toulon (CAS)",
    "email_domains": ["univ-tln.fr", "etud.univ-tln.fr"], "create_contacts": true,
    "enabled": false
}))]
pub struct ProviderChanges {
    /// The revision read; another one answers 409.
    pub revision: i32,
    /// What the sign-in button says.
    pub label: Option<String>,
    /// The CAS server's base URL, or the OpenID Connect issuer.
    pub server_url: Option<String>,
    /// OpenID Connect client id.
    pub client_id: Option<String>,
    /// A new OpenID Connect client secret (absent: the stored one is kept).
    pub client_secret: Option<String>,
    /// CAS attribute holding the e-mail.
    pub email_attribute: Option<String>,
    /// CAS attribute holding the display name.
    pub name_attribute: Option<String>,
    /// Domains its e-mails may have (at least one).
    pub email_domains: Option<Vec<String>>,
    /// Whether an unknown person of an allowed domain becomes a contact.
    pub create_contacts: Option<bool>,
    /// Whether signing out also ends the provider's session.
    pub single_logout: Option<bool>,
    /// Whether it is offered on the sign-in page (a disabled provider's sign-ins are refused).
    pub enabled: Option<bool>,
}

/// A provider as the sign-in page offers it.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// Id.
    pub id: i64,
    /// Its label.
    pub label: String,
}

/// Administrators only; anyone else is told nothing exists here (404).
fn admins_only<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<()> {
    if ctx.scope().admin {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
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

/// One provider (administrators only).
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<ProviderView> {
    Ok(row(ctx, id).await?.into())
}

async fn row<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<identity_provider::Model> {
    admins_only(ctx)?;
    ctx.find::<identity_provider::Entity>()
        .filter(identity_provider::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The longest client secret, in bytes: sealed (nonce and tag added, then base64) it still
/// fits the 500 characters of its column.
const SECRET_MAX_BYTES: usize = 300;

/// A provider's fields once checked: trimmed, domains normalised.
struct Checked {
    label: String,
    server_url: String,
    client_id: Option<String>,
    email_attribute: String,
    name_attribute: String,
    domains: Vec<String>,
}

/// Checks a provider's fields, naming each wrong one. `secret_stored`: an OpenID Connect
/// provider that already has a secret may be given none (it keeps its own).
fn checked(new: &NewProvider, secret_stored: bool) -> ServiceResult<Checked> {
    let mut problems = Problems::default();
    if !KINDS.contains(&new.kind.as_str()) {
        problems.rule("kind", "field-identity-provider-kind", vec![]);
    }
    let label = required_text(&mut problems, "label", &new.label, 200);
    let server_url = required_text(&mut problems, "server_url", &new.server_url, 500);
    if !server_url.is_empty() && !is_web_address(&server_url) {
        problems.rule("server_url", "field-url-invalid", vec![]);
    }
    let oidc = new.kind == "oidc";
    let client_id = if oidc {
        Some(required_text(
            &mut problems,
            "client_id",
            new.client_id.as_deref().unwrap_or(""),
            200,
        ))
    } else {
        None
    };
    match new.client_secret.as_deref().filter(|s| !s.is_empty()) {
        Some(secret) if oidc && secret.len() > SECRET_MAX_BYTES => problems.rule(
            "client_secret",
            "field-too-long",
            vec![("max", SECRET_MAX_BYTES.to_string())],
        ),
        None if oidc && !secret_stored => problems.rule("client_secret", "field-required", vec![]),
        _ => {}
    }
    let email_attribute =
        required_text(&mut problems, "email_attribute", &new.email_attribute, 100);
    let name_attribute = required_text(&mut problems, "name_attribute", &new.name_attribute, 100);
    let domains = refusal::domains(&new.email_domains.join(" "));
    if domains.is_empty() {
        problems.rule("email_domains", "field-required", vec![]);
    } else if domains.iter().any(|d| !refusal::is_domain(d)) {
        problems.rule("email_domains", "field-identity-provider-domains", vec![]);
    } else if domains.join(" ").chars().count() > 2000 {
        problems.rule(
            "email_domains",
            "field-too-long",
            vec![("max", "2000".to_owned())],
        );
    }
    problems.into_result()?;
    Ok(Checked {
        label,
        server_url,
        client_id,
        email_attribute,
        name_attribute,
        domains,
    })
}

/// The stored form of a secret typed in: sealed, or none for a CAS provider.
fn sealed_secret(
    sealer: &Sealer,
    kind: &str,
    secret: Option<&str>,
) -> ServiceResult<Option<String>> {
    match secret.filter(|s| kind == "oidc" && !s.is_empty()) {
        Some(secret) => Ok(Some(
            sealer
                .seal(Purpose::ClientSecret, secret)
                .map_err(ServiceError::Internal)?,
        )),
        None => Ok(None),
    }
}

/// A second provider of one establishment with the same protocol and server is refused on its
/// server field (the unique index decides, so two at once cannot both pass).
fn taken(err: sea_orm::DbErr) -> ServiceError {
    if crate::db::is_unique_violation(&err) {
        ServiceError::field("server_url", "field-identity-provider-taken", vec![])
    } else {
        err.into()
    }
}

/// Adds a provider (administrators only), its secret sealed; 422 names the wrong field.
pub async fn create<C: Handle>(
    ctx: &Ctx<C>,
    sealer: &Sealer,
    new: NewProvider,
) -> ServiceResult<ProviderView> {
    admins_only(ctx)?;
    let checked = checked(&new, false)?;
    ctx.find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(new.organisation_id))
        .one(ctx)
        .await?
        .ok_or_else(|| ServiceError::field("organisation_id", "field-unknown", vec![]))?;
    let secret = sealed_secret(sealer, &new.kind, new.client_secret.as_deref())?;
    let created = identity_provider::ActiveModel {
        organisation_id: Set(new.organisation_id),
        kind: Set(new.kind),
        label: Set(checked.label),
        server_url: Set(checked.server_url),
        client_id: Set(checked.client_id),
        client_secret: Set(secret),
        email_attribute: Set(checked.email_attribute),
        name_attribute: Set(checked.name_attribute),
        email_domains: Set(checked.domains.join(" ")),
        create_contacts: Set(new.create_contacts),
        single_logout: Set(new.single_logout),
        enabled: Set(true),
        created_at: Set(ctx.now()),
        revision: Set(1),
        ..Default::default()
    }
    .insert(ctx)
    .await
    .map_err(taken)?;
    Ok(created.into())
}

/// Changes a provider (administrators only): one compare-and-set on its revision, so a stale
/// edit is a 409 and never overwrites; 422 names the wrong field, and nothing changes.
pub async fn update<C: Handle>(
    ctx: &Ctx<C>,
    sealer: &Sealer,
    id: i64,
    changes: ProviderChanges,
) -> ServiceResult<ProviderView> {
    let current = row(ctx, id).await?;
    if current.revision != changes.revision {
        return Err(ServiceError::stale());
    }
    let merged = NewProvider {
        organisation_id: current.organisation_id,
        kind: current.kind.clone(),
        label: changes.label.unwrap_or_else(|| current.label.clone()),
        server_url: changes
            .server_url
            .unwrap_or_else(|| current.server_url.clone()),
        client_id: changes.client_id.or_else(|| current.client_id.clone()),
        client_secret: changes.client_secret,
        email_attribute: changes
            .email_attribute
            .unwrap_or_else(|| current.email_attribute.clone()),
        name_attribute: changes
            .name_attribute
            .unwrap_or_else(|| current.name_attribute.clone()),
        email_domains: changes
            .email_domains
            .unwrap_or_else(|| refusal::domains(&current.email_domains)),
        create_contacts: changes.create_contacts.unwrap_or(current.create_contacts),
        single_logout: changes.single_logout.unwrap_or(current.single_logout),
    };
    let has_secret = current
        .client_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty());
    let checked = checked(&merged, has_secret)?;
    let secret = match sealed_secret(sealer, &merged.kind, merged.client_secret.as_deref())? {
        Some(sealed) => Some(sealed),
        None => current.client_secret.clone(),
    };
    let result = ctx
        .update_many::<identity_provider::Entity>()
        .col_expr(identity_provider::Column::Label, Expr::value(checked.label))
        .col_expr(
            identity_provider::Column::ServerUrl,
            Expr::value(checked.server_url),
        )
        .col_expr(
            identity_provider::Column::ClientId,
            Expr::value(checked.client_id),
        )
        .col_expr(identity_provider::Column::ClientSecret, Expr::value(secret))
        .col_expr(
            identity_provider::Column::EmailAttribute,
            Expr::value(checked.email_attribute),
        )
        .col_expr(
            identity_provider::Column::NameAttribute,
            Expr::value(checked.name_attribute),
        )
        .col_expr(
            identity_provider::Column::EmailDomains,
            Expr::value(checked.domains.join(" ")),
        )
        .col_expr(
            identity_provider::Column::CreateContacts,
            Expr::value(merged.create_contacts),
        )
        .col_expr(
            identity_provider::Column::SingleLogout,
            Expr::value(merged.single_logout),
        )
        .col_expr(
            identity_provider::Column::Enabled,
            Expr::value(changes.enabled.unwrap_or(current.enabled)),
        )
        .col_expr(
            identity_provider::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .filter(identity_provider::Column::Id.eq(id))
        .filter(identity_provider::Column::Revision.eq(current.revision))
        .exec(ctx)
        .await
        .map_err(taken)?;
    if result.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
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

/// A provider to sign in with (the platform reads it): 404 if there is none by this id,
/// [`Refusal::Disabled`] if an administrator turned it off (a sign-in started before then is
/// refused at its return).
pub async fn for_sign_in<C: Handle>(
    platform: &Ctx<C>,
    id: i64,
) -> ServiceResult<Result<identity_provider::Model, Refusal>> {
    let provider = platform
        .find::<identity_provider::Entity>()
        .filter(identity_provider::Column::Id.eq(id))
        .one(platform)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(if provider.enabled {
        Ok(provider)
    } else {
        Err(Refusal::Disabled)
    })
}

/// The provider's client secret in clear, for the code exchange: none for CAS; a value that
/// does not open (another key, or stored in clear before secrets were sealed and not sealed
/// since) is [`Refusal::Secret`], never sent as it is.
pub fn client_secret(
    sealer: &Sealer,
    provider: &identity_provider::Model,
) -> Result<String, Refusal> {
    match provider.client_secret.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(String::new()),
        Some(sealed) => sealer.open(Purpose::ClientSecret, sealed).map_err(|_| {
            tracing::warn!(
                provider = provider.id,
                "an identity provider's client secret does not open"
            );
            Refusal::Secret
        }),
    }
}

/// Seals the client secrets stored in clear before Guichet sealed them (values without the
/// sealed prefix), each by a compare-and-set on the clear value, so several processes
/// starting at once seal each once. Answers how many it sealed.
pub async fn seal_clear_secrets<C: Handle>(
    platform: &Ctx<C>,
    sealer: &Sealer,
) -> ServiceResult<u64> {
    let clear = platform
        .find::<identity_provider::Entity>()
        .filter(identity_provider::Column::ClientSecret.is_not_null())
        .filter(identity_provider::Column::ClientSecret.not_like("v1:%"))
        .filter(identity_provider::Column::ClientSecret.ne(""))
        .all(platform)
        .await?;
    let mut sealed = 0;
    for provider in clear {
        let Some(plain) = provider.client_secret else {
            continue;
        };
        let value = sealer
            .seal(Purpose::ClientSecret, &plain)
            .map_err(ServiceError::Internal)?;
        sealed += platform
            .update_many::<identity_provider::Entity>()
            .col_expr(identity_provider::Column::ClientSecret, Expr::value(value))
            .filter(identity_provider::Column::Id.eq(provider.id))
            .filter(identity_provider::Column::ClientSecret.eq(plain))
            .exec(platform)
            .await?
            .rows_affected;
    }
    Ok(sealed)
}

/// What a server does at start: seals the secrets stored in clear before, then applies the
/// providers its configuration declares.
pub async fn at_start(state: &crate::AppState) -> anyhow::Result<Applied> {
    let platform = state.platform();
    let sealed = seal_clear_secrets(&platform, &state.sealer).await?;
    if sealed > 0 {
        tracing::info!(sealed, "client secrets stored in clear are now sealed");
    }
    apply_configured(&platform, &state.sealer, &state.config.identity_providers).await
}

/// What applying the configured providers did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Providers created.
    pub created: usize,
    /// Providers changed to match the configuration.
    pub updated: usize,
    /// Providers that matched it already.
    pub unchanged: usize,
}

/// Makes the providers declared in `config.toml` exist as declared: each is found by its
/// establishment, protocol and server (the unique index), created if missing and updated if
/// any field differs, so applying twice changes nothing. A declaration naming an unknown
/// establishment or a wrong field is an error that names it (the start stops).
pub async fn apply_configured(
    platform: &Ctx,
    sealer: &Sealer,
    configured: &[ConfiguredProvider],
) -> anyhow::Result<Applied> {
    let mut applied = Applied::default();
    for (index, declared) in configured.iter().enumerate() {
        let named = |err: ServiceError| {
            anyhow::anyhow!(
                "identity_providers[{index}] ({}): {}",
                declared.label,
                describe(&err)
            )
        };
        let organisation = platform
            .find::<organisation::Entity>()
            .filter(organisation::Column::Code.eq(declared.organisation.trim()))
            .one(platform)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "identity_providers[{index}] ({}): no organisation has the code `{}`",
                    declared.label,
                    declared.organisation
                )
            })?;
        let new = declared.as_new(organisation.id);
        // A few times at most: a provider another process creates or changes between the
        // look-up and the write is then found again and compared afresh (two processes settle
        // within three rounds: create, turn off, nothing left to do).
        let mut attempts = 0;
        loop {
            attempts += 1;
            let existing = platform
                .find::<identity_provider::Entity>()
                .filter(identity_provider::Column::OrganisationId.eq(organisation.id))
                .filter(identity_provider::Column::Kind.eq(&new.kind))
                .filter(identity_provider::Column::ServerUrl.eq(new.server_url.trim()))
                .one(platform)
                .await?;
            let outcome = match existing {
                None => match create(platform, sealer, new.clone()).await {
                    Ok(created) => {
                        applied.created += 1;
                        // Created on, as the API creates; turned off if declared so (a lost
                        // race here is retried like any other).
                        if declared.enabled {
                            Ok(())
                        } else {
                            let off = ProviderChanges {
                                revision: created.revision,
                                enabled: Some(false),
                                ..ProviderChanges::default()
                            };
                            update(platform, sealer, created.id, off).await.map(|_| ())
                        }
                    }
                    Err(err) => Err(err),
                },
                Some(current) => match changes_to(sealer, &current, declared) {
                    None => {
                        applied.unchanged += 1;
                        Ok(())
                    }
                    Some(changes) => update(platform, sealer, current.id, changes)
                        .await
                        .map(|_| applied.updated += 1),
                },
            };
            match outcome {
                Ok(()) => break,
                Err(err) if attempts < 4 && is_race(&err) => continue,
                Err(err) => return Err(named(err)),
            }
        }
    }
    Ok(applied)
}

/// A lost race with another process applying the same configuration.
fn is_race(err: &ServiceError) -> bool {
    match err {
        ServiceError::Conflict { .. } => true,
        ServiceError::Invalid(problems) => problems.iter().any(|p| {
            p.message
                .as_ref()
                .is_some_and(|m| m.key == "field-identity-provider-taken")
        }),
        _ => false,
    }
}

/// A service error in the words of the start's log: the fields and their rule codes.
fn describe(err: &ServiceError) -> String {
    match err {
        ServiceError::Invalid(problems) => problems
            .iter()
            .map(|p| {
                let rule = p.message.as_ref().map_or("invalid", |m| m.key);
                format!("`{}` {rule}", p.field)
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The changes that make `current` what `declared` says, or `None` if it says so already.
fn changes_to(
    sealer: &Sealer,
    current: &identity_provider::Model,
    declared: &ConfiguredProvider,
) -> Option<ProviderChanges> {
    let secret = declared
        .client_secret
        .as_deref()
        .filter(|s| current.kind == "oidc" && !s.is_empty());
    let secret_differs = secret.is_some_and(|s| {
        current
            .client_secret
            .as_deref()
            .and_then(|sealed| sealer.open(Purpose::ClientSecret, sealed).ok())
            .as_deref()
            != Some(s)
    });
    let domains = refusal::domains(&declared.email_domains.join(" "));
    let client_id = declared.client_id.as_deref().map(str::trim);
    let same = current.label == declared.label.trim()
        && (current.kind != "oidc" || current.client_id.as_deref() == client_id)
        && !secret_differs
        && current.email_attribute == declared.email_attribute.trim()
        && current.name_attribute == declared.name_attribute.trim()
        && refusal::domains(&current.email_domains) == domains
        && current.create_contacts == declared.create_contacts
        && current.single_logout == declared.single_logout
        && current.enabled == declared.enabled;
    (!same).then(|| ProviderChanges {
        revision: current.revision,
        label: Some(declared.label.clone()),
        server_url: None,
        client_id: declared.client_id.clone(),
        client_secret: secret.filter(|_| secret_differs).map(str::to_owned),
        email_attribute: Some(declared.email_attribute.clone()),
        name_attribute: Some(declared.name_attribute.clone()),
        email_domains: Some(declared.email_domains.clone()),
        create_contacts: Some(declared.create_contacts),
        single_logout: Some(declared.single_logout),
        enabled: Some(declared.enabled),
    })
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
