//! The address at which an offer takes in new requests by mail, set from its provider's side.

use entity::offer_mail_address;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, SqlErr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::Ctx,
    services::{
        catalogue::subcategories,
        error::{ServiceError, ServiceResult},
        status::{offer_by_code, provided},
    },
};

/// An offer's mail address as set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"address": "geforp@guichet.esup-portail.org", "subcategory": 12}))]
pub struct MailAddressInput {
    /// The address mail servers deliver to Guichet for this offer.
    pub address: String,
    /// The subcategory (of this offer) new mails are filed in.
    pub subcategory: i64,
}

/// An offer's mail address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailAddressView {
    /// The offer's code.
    pub offer: String,
    /// The address, lower case.
    pub address: String,
    /// The subcategory new mails are filed in.
    pub subcategory: i64,
}

/// The mail address of an offer the caller reads; none when it takes no mail.
pub async fn get(ctx: &Ctx, code: &str) -> ServiceResult<Option<MailAddressView>> {
    let offer = offer_by_code(ctx, code).await?;
    Ok(ctx
        .find::<offer_mail_address::Entity>()
        .filter(offer_mail_address::Column::OfferId.eq(offer.id))
        .one(ctx)
        .await?
        .map(|row| MailAddressView {
            offer: offer.code,
            address: row.address,
            subcategory: row.subcategory_id,
        }))
}

/// Sets (or replaces) an offer's mail address, from its provider's side (403 otherwise): a
/// valid address no other offer uses, and a subcategory of this offer (422 otherwise).
pub async fn set(ctx: &Ctx, code: &str, input: MailAddressInput) -> ServiceResult<MailAddressView> {
    let offer = provided(ctx, code).await?;
    let address = input.address.trim().to_lowercase();
    let well_formed = address.len() <= 254
        && address.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        })
        && !address.chars().any(|c| c.is_whitespace() || c.is_control());
    if !well_formed {
        return Err(ServiceError::field(
            "address",
            "mail-address-invalid",
            vec![],
        ));
    }
    let subcategory = subcategories::subcategory(ctx, input.subcategory)
        .await
        .ok()
        .filter(|s| s.offer_id == offer.id)
        .ok_or_else(|| ServiceError::field("subcategory", "mail-address-subcategory", vec![]))?;
    let tx = ctx.begin().await?;
    tx.delete_many::<offer_mail_address::Entity>()
        .filter(offer_mail_address::Column::OfferId.eq(offer.id))
        .exec(&tx)
        .await?;
    let inserted = offer_mail_address::ActiveModel {
        offer_id: Set(offer.id),
        address: Set(address.clone()),
        subcategory_id: Set(subcategory.id),
        created_at: Set(ctx.now()),
        ..Default::default()
    }
    .insert(&tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(ServiceError::field("address", "mail-address-taken", vec![]));
        }
        Err(err) => return Err(err.into()),
    }
    tx.commit().await?;
    Ok(MailAddressView {
        offer: offer.code,
        address,
        subcategory: subcategory.id,
    })
}

/// Stops an offer from taking mail (provider side only).
pub async fn remove(ctx: &Ctx, code: &str) -> ServiceResult<()> {
    let offer = provided(ctx, code).await?;
    ctx.delete_many::<offer_mail_address::Entity>()
        .filter(offer_mail_address::Column::OfferId.eq(offer.id))
        .exec(ctx)
        .await?;
    Ok(())
}
