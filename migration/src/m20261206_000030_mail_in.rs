//! Inbound e-mail: the address of each offer that opens tickets by mail (with the subcategory
//! new mails are filed in), and one row per message taken in, unique on its Message-ID so that
//! a message fetched twice (two collectors, a mail server retrying a pipe) is handled once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OfferMailAddress {
    Table,
    Id,
    OfferId,
    Address,
    SubcategoryId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InboundMail {
    Table,
    Id,
    MessageId,
    Sender,
    Outcome,
    TicketId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ServiceSubcategory {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OfferMailAddress::Table)
                    .col(big_pk_auto(OfferMailAddress::Id))
                    .col(big_integer_uniq(OfferMailAddress::OfferId))
                    .col(string_len_uniq(OfferMailAddress::Address, 254))
                    .col(big_integer(OfferMailAddress::SubcategoryId))
                    .col(timestamp_with_time_zone(OfferMailAddress::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OfferMailAddress::Table, OfferMailAddress::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OfferMailAddress::Table, OfferMailAddress::SubcategoryId)
                            .to(ServiceSubcategory::Table, ServiceSubcategory::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InboundMail::Table)
                    .col(big_pk_auto(InboundMail::Id))
                    // RFC 5322 puts no bound on a Message-ID; longer ones are kept by their hash.
                    .col(string_len_uniq(InboundMail::MessageId, 200))
                    .col(string_len(InboundMail::Sender, 254))
                    .col(string_len(InboundMail::Outcome, 32))
                    .col(big_integer_null(InboundMail::TicketId))
                    .col(timestamp_with_time_zone(InboundMail::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        // The per-sender rate limit counts a sender's recent messages.
        manager
            .create_index(
                Index::create()
                    .name("ix_inbound_mail_sender_received")
                    .table(InboundMail::Table)
                    .col(InboundMail::Sender)
                    .col(InboundMail::ReceivedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InboundMail::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OfferMailAddress::Table).to_owned())
            .await
    }
}
