//! Hosted offers (services) and the organisation that provides each. The catalogue issue adds
//! links, versions, modules, environments and subcategories in later migrations.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
    Code,
    Name,
    Description,
    ProviderId,
    Status,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Offer::Table)
                    .col(big_pk_auto(Offer::Id))
                    .col(string_len_uniq(Offer::Code, 32))
                    .col(string_len(Offer::Name, 200))
                    .col(text(Offer::Description))
                    .col(big_integer(Offer::ProviderId))
                    .col(string_len(Offer::Status, 16))
                    .col(integer(Offer::Revision))
                    .col(timestamp_with_time_zone(Offer::CreatedAt))
                    .col(timestamp_with_time_zone(Offer::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_offer_provider")
                            .from(Offer::Table, Offer::ProviderId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_offer_provider")
                    .table(Offer::Table)
                    .col(Offer::ProviderId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Offer::Table).to_owned())
            .await
    }
}
