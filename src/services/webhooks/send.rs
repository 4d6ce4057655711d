//! Sending one delivery (the `webhook` job): signed POST, each attempt logged; an answer other
//! than 2xx is an error, so the queue tries again after its back-off, until the delivery is
//! given up after [`MAX_ATTEMPTS`].

use std::time::{Duration, Instant};

use entity::{webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ExprTrait, QueryFilter, sea_query::Expr,
};

use super::{events::MAX_ATTEMPTS, signing, target};
use crate::{
    db::Ctx,
    services::error::{ServiceError, ServiceResult},
};

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How much of an answer the log keeps.
const EXCERPT_CHARS: usize = 500;

/// Sends the delivery `event_id` once (platform context). `Err` when it should be tried again.
pub async fn deliver(ctx: &Ctx, allow_loopback_http: bool, event_id: &str) -> ServiceResult<()> {
    let Some(delivery) = ctx
        .find::<webhook_delivery::Entity>()
        .filter(webhook_delivery::Column::EventId.eq(event_id))
        .one(ctx)
        .await?
    else {
        return Ok(());
    };
    let Some(endpoint) = ctx
        .find::<webhook_endpoint::Entity>()
        .filter(webhook_endpoint::Column::Id.eq(delivery.endpoint_id))
        .filter(webhook_endpoint::Column::Active.eq(true))
        .one(ctx)
        .await?
    else {
        return Ok(());
    };
    let (status, excerpt, took) = if target::acceptable(&endpoint.url, allow_loopback_http) {
        post(&endpoint, &delivery, ctx.now().timestamp()).await
    } else {
        (None, "endpoint address refused".to_owned(), Duration::ZERO)
    };
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    webhook_attempt::ActiveModel {
        delivery_id: Set(delivery.id),
        attempted_at: Set(ctx.now()),
        status_code: Set(status),
        duration_ms: Set(i64::try_from(took.as_millis()).unwrap_or(i64::MAX)),
        excerpt: Set(excerpt),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    let attempts = delivery.attempts + 1;
    let state = match (delivered, attempts >= MAX_ATTEMPTS) {
        (true, _) => "delivered",
        (false, true) => "failed",
        (false, false) => "pending",
    };
    ctx.update_many::<webhook_delivery::Entity>()
        .col_expr(webhook_delivery::Column::State, Expr::value(state))
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .exec(ctx)
        .await?;
    if state == "pending" {
        return Err(ServiceError::Internal(anyhow::anyhow!(
            "webhook {event_id}: answered {status:?}, tried again later"
        )));
    }
    Ok(())
}

/// One signed POST: the status (none when no answer came), the start of the answer or the
/// error, and how long it took.
async fn post(
    endpoint: &webhook_endpoint::Model,
    delivery: &webhook_delivery::Model,
    timestamp: i64,
) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let Some(signature) = signing::sign(
        &endpoint.secret,
        &delivery.event_id,
        timestamp,
        &delivery.payload,
    ) else {
        return (None, "unreadable secret".to_owned(), Duration::ZERO);
    };
    // reqwest is built without a TLS provider of its own: the process's (ring) is installed
    // here if nothing installed one yet.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(err) => return (None, excerpt(&err.to_string()), started.elapsed()),
    };
    let sent = client
        .post(&endpoint.url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.payload.clone())
        .send()
        .await;
    match sent {
        Ok(mut response) => {
            let status = i32::from(response.status().as_u16());
            // Only the start of the answer is kept: a receiver's large body is not read whole.
            let mut start = Vec::new();
            while start.len() < EXCERPT_CHARS * 4 {
                match response.chunk().await {
                    Ok(Some(chunk)) => start.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            let text = String::from_utf8_lossy(&start);
            (Some(status), excerpt(&text), started.elapsed())
        }
        Err(err) => (None, excerpt(&err.to_string()), started.elapsed()),
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(EXCERPT_CHARS).collect()
}
