//! Where a message goes: the ticket it answers (by the Message-IDs of our notifications, or the
//! reference in its subject), or a new ticket of the offer whose address it was sent to, always
//! as the sender's own account, through the same services as the web.

use std::sync::Arc;

use entity::{notification, offer_mail_address, ticket};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};

use super::{
    Outcome, Refusal, Settings,
    parse::{Attached, Incoming},
    text,
};
use crate::{
    db::{Ctx, directory},
    domain::priority::{Impact, Urgency},
    mail::Mailer,
    services::{
        catalogue::attachments::{self, Upload},
        error::{ServiceError, ServiceResult},
        notifications::MailData,
        tickets::{
            self, NewTicket, Origin,
            log::{self, LogFile, NewLogEntry},
        },
    },
};

/// Adds the message where it belongs, as its sender; answers what became of it and the
/// ticket's id.
pub(super) async fn deliver(
    db: &DatabaseConnection,
    platform: &Ctx,
    incoming: &Incoming,
    settings: &Settings<'_>,
) -> ServiceResult<(Outcome, Option<i64>)> {
    let Some(account) = directory::active_account_by_email(platform, &incoming.sender).await?
    else {
        return Ok((Outcome::Stranger, None));
    };
    let Some(caller) = crate::auth::load_caller(platform, account, None).await? else {
        return Ok((Outcome::Stranger, None));
    };
    let sender = Ctx::new(db.clone(), Arc::new(caller), platform.now());
    let files = fitting(&incoming.attachments, settings.max_bytes);
    if let Some(reference) = thread(platform, incoming).await? {
        return append(&sender, &reference, incoming, files, settings).await;
    }
    let mut address = platform
        .find::<offer_mail_address::Entity>()
        .filter(offer_mail_address::Column::Address.is_in(incoming.recipients.clone()))
        .one(platform)
        .await?;
    if let (None, Some(offer)) = (&address, settings.served_offer) {
        address = platform
            .find::<offer_mail_address::Entity>()
            .filter(offer_mail_address::Column::OfferId.eq(offer))
            .one(platform)
            .await?;
    }
    match address {
        Some(address) => open(&sender, address.subcategory_id, incoming, files, settings).await,
        None => Ok((Outcome::Refused(Refusal::NoTicket), None)),
    }
}

/// The reference of the ticket a message answers: one of our notifications it replies to,
/// else the reference its subject carries.
async fn thread(platform: &Ctx, incoming: &Incoming) -> ServiceResult<Option<String>> {
    if !incoming.answers.is_empty() {
        let answered = platform
            .find::<notification::Entity>()
            .filter(notification::Column::MessageId.is_in(incoming.answers.clone()))
            .one(platform)
            .await?;
        if let Some(data) = answered.and_then(|n| serde_json::from_str::<MailData>(&n.data).ok()) {
            // Only ticket notifications name a ticket reference.
            if text::reference_in_subject(&format!("[{}]", data.reference)).is_some() {
                return Ok(Some(data.reference));
            }
        }
    }
    Ok(text::reference_in_subject(&incoming.subject))
}

/// The files within the web's size limit (the others are left out, and logged).
fn fitting(files: &[Attached], max_bytes: usize) -> Vec<Upload> {
    files
        .iter()
        .filter(|file| {
            let fits = !file.bytes.is_empty() && file.bytes.len() <= max_bytes;
            if !fits {
                tracing::warn!(file = %file.file_name, size = file.bytes.len(), "mail attachment left out");
            }
            fits
        })
        .map(|file| Upload {
            file_name: file.file_name.clone(),
            content_type: file.content_type.clone(),
            bytes: file.bytes.clone(),
        })
        .collect()
}

/// The public log entry, as the sender writes it on the web: refused when the sender may not.
async fn append(
    sender: &Ctx,
    reference: &str,
    incoming: &Incoming,
    mut files: Vec<Upload>,
    settings: &Settings<'_>,
) -> ServiceResult<(Outcome, Option<i64>)> {
    let first = (!files.is_empty()).then(|| files.remove(0));
    let entry = NewLogEntry {
        body: incoming.body.clone(),
        private: false,
    };
    let file = first.map(|upload| LogFile {
        data_dir: settings.data_dir,
        max_bytes: settings.max_bytes,
        upload,
    });
    let added = match log::add_log(sender, reference, entry, file).await {
        Ok(added) => added,
        Err(err) => return refused(err, Refusal::NotWriter),
    };
    for upload in files {
        attachments::store(
            sender,
            settings.data_dir,
            log::LOG_ATTACHMENT,
            added.id,
            upload,
            settings.max_bytes,
        )
        .await?;
    }
    let id = ticket_id(sender, reference).await?;
    Ok((Outcome::Appended(reference.to_owned()), id))
}

/// A new ticket in the offer's mail subcategory, filed by the sender through the filing rule.
async fn open(
    sender: &Ctx,
    subcategory: i64,
    incoming: &Incoming,
    files: Vec<Upload>,
    settings: &Settings<'_>,
) -> ServiceResult<(Outcome, Option<i64>)> {
    let title = text::title_of(&incoming.subject);
    let description = if incoming.body.is_empty() {
        title.clone()
    } else {
        incoming.body.clone()
    };
    let new = NewTicket {
        subcategory,
        title,
        description,
        // What a mail cannot say is asked for later by the agent; the lowest levels meanwhile.
        impact: Impact::Person,
        urgency: Urgency::Low,
        visibility: None,
        module: None,
        affected_version: None,
        environment: None,
        page_url: None,
        event_at: None,
        people_affected: None,
        requester: None,
    };
    let filed = match tickets::create::create(sender, new, Origin::Email).await {
        Ok(filed) => filed,
        Err(ServiceError::NotFound) => return Ok((Outcome::Refused(Refusal::NoConvention), None)),
        Err(err) => return refused(err, Refusal::Incomplete),
    };
    let id = ticket_id(sender, &filed.reference).await?;
    if let Some(id) = id {
        for upload in files {
            attachments::store(
                sender,
                settings.data_dir,
                log::TICKET_ATTACHMENT,
                id,
                upload,
                settings.max_bytes,
            )
            .await?;
        }
    }
    Ok((Outcome::Opened(filed.reference), id))
}

/// A refusal for what the rules refuse; a failure on our side stays an error (retried).
fn refused(err: ServiceError, why: Refusal) -> ServiceResult<(Outcome, Option<i64>)> {
    match err {
        ServiceError::NotFound | ServiceError::Forbidden(_) => Ok((Outcome::Refused(why), None)),
        ServiceError::Invalid(_) => Ok((Outcome::Refused(Refusal::Incomplete), None)),
        err => Err(err),
    }
}

async fn ticket_id(sender: &Ctx, reference: &str) -> ServiceResult<Option<i64>> {
    Ok(sender
        .find::<ticket::Entity>()
        .filter(ticket::Column::Reference.eq(reference))
        .one(sender)
        .await?
        .map(|t| t.id))
}

/// Tells a known account once why its mail was not added: at most one explanation per sender
/// per hour, so that a system answering it cannot start a ping-pong. A failure to send is
/// logged: the message itself was handled.
pub(super) async fn explain(
    db: &DatabaseConnection,
    platform: &Ctx,
    mailer: &Mailer,
    sender: &str,
    why: Refusal,
) {
    let told_lately = async {
        let recent = platform
            .find::<entity::inbound_mail::Entity>()
            .filter(entity::inbound_mail::Column::Sender.eq(sender))
            .filter(entity::inbound_mail::Column::Outcome.starts_with("refused_"))
            .filter(
                entity::inbound_mail::Column::ReceivedAt
                    .gt(platform.now() - chrono::Duration::hours(1)),
            );
        sea_orm::PaginatorTrait::count(recent, db).await
    };
    match told_lately.await {
        Ok(count) if count <= 1 => {}
        Ok(_) => return,
        Err(err) => {
            tracing::warn!(error = ?err, "mail in: explanation not sent");
            return;
        }
    }
    let lang = match directory::active_account_by_email(platform, sender).await {
        Ok(Some(id)) => match crate::auth::load_caller(platform, id, None).await {
            Ok(Some(caller)) => caller.language,
            _ => return,
        },
        _ => return,
    };
    let subject = lang.t("mail-in-refused-subject");
    let body = format!(
        "{}\n\n{}\n",
        lang.t(&format!("mail-in-refused-{}", why.word().replace('_', "-"))),
        lang.t("mail-signature")
    );
    if let Err(err) = mailer.send(sender, &subject, &body).await {
        tracing::warn!(error = ?err, "mail in: explanation not sent");
    }
}
