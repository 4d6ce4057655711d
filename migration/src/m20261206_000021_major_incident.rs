//! Major incidents: an incident declared major becomes the master of an outage on its offer;
//! each establishment concerned joins it with a child incident of its own (`ticket.parent_id`).
//! The master's public title and what a child must carry to be filed (its subcategory and the
//! extra fields the subcategory requires, copied from the master) are kept here, as the
//! establishments that join read the outage without reading the master ticket (it belongs to
//! another establishment).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MajorIncident {
    Table,
    Id,
    TicketId,
    OfferId,
    Title,
    SubcategoryId,
    Module,
    AffectedVersion,
    Environment,
    PageUrl,
    EventAt,
    DeclaredBy,
    DeclaredAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum Ticket {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MajorIncident::Table)
                    .col(big_pk_auto(MajorIncident::Id))
                    // One declaration per master: a second one is a conflict.
                    .col(big_integer(MajorIncident::TicketId).unique_key())
                    .col(big_integer(MajorIncident::OfferId))
                    .col(string_len(MajorIncident::Title, 200))
                    .col(big_integer(MajorIncident::SubcategoryId))
                    .col(string_len_null(MajorIncident::Module, 100))
                    .col(string_len_null(MajorIncident::AffectedVersion, 100))
                    .col(string_len_null(MajorIncident::Environment, 100))
                    .col(string_len_null(MajorIncident::PageUrl, 500))
                    .col(timestamp_with_time_zone(MajorIncident::EventAt))
                    .col(big_integer_null(MajorIncident::DeclaredBy))
                    .col(timestamp_with_time_zone(MajorIncident::DeclaredAt))
                    .col(timestamp_with_time_zone_null(MajorIncident::EndedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MajorIncident::Table, MajorIncident::TicketId)
                            .to(Ticket::Table, Ticket::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MajorIncident::Table, MajorIncident::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_major_incident_offer")
                    .table(MajorIncident::Table)
                    .col(MajorIncident::OfferId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MajorIncident::Table).to_owned())
            .await
    }
}
