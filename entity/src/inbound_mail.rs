//! A message taken in by e-mail, kept by its Message-ID so that it is handled once.

use sea_orm::entity::prelude::*;

/// A row of `inbound_mail`: what became of one message (`outcome`, a word of
/// `services::mail_in::Outcome`), and the ticket it went to, if any.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_mail")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub message_id: String,
    pub sender: String,
    pub outcome: String,
    pub ticket_id: Option<i64>,
    pub received_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
