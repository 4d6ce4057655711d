//! The service catalogue and agreements: offer details, service subcategories, SLAs,
//! conventions with the offers they cover, and attachments (convention documents, later tickets).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
    AppUrl,
    DocsUrl,
    SourceUrl,
    Versions,
    Modules,
    Environments,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Team {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ServiceSubcategory {
    Table,
    Id,
    OfferId,
    Name,
    Kind,
    Status,
    DefaultTeamId,
    RequiredFields,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sla {
    Table,
    Id,
    Name,
    ProviderId,
    TimeZone,
    Intervals,
    Holidays,
    Targets,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Convention {
    Table,
    Id,
    Kind,
    Title,
    ClientId,
    ProviderId,
    Status,
    StartDate,
    EndDate,
    Description,
    SlaId,
    OpenTicketCap,
    FeeGroup,
    YearlyAmountCents,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConventionOffer {
    Table,
    ConventionId,
    OfferId,
}

#[derive(DeriveIden)]
enum Attachment {
    Table,
    Id,
    OwnerKind,
    OwnerId,
    FileName,
    ContentType,
    Size,
    Sha256,
    UploadedBy,
    CreatedAt,
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            string_len_null(Offer::AppUrl, 500),
            string_len_null(Offer::DocsUrl, 500),
            string_len_null(Offer::SourceUrl, 500),
            text_null(Offer::Versions),
            text_null(Offer::Modules),
            text_null(Offer::Environments),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Offer::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ServiceSubcategory::Table)
                    .col(big_pk_auto(ServiceSubcategory::Id))
                    .col(big_integer(ServiceSubcategory::OfferId))
                    .col(string_len(ServiceSubcategory::Name, 200))
                    .col(string_len(ServiceSubcategory::Kind, 16))
                    .col(string_len(ServiceSubcategory::Status, 16))
                    .col(big_integer_null(ServiceSubcategory::DefaultTeamId))
                    .col(text(ServiceSubcategory::RequiredFields))
                    .col(integer(ServiceSubcategory::Revision))
                    .col(timestamp_with_time_zone(ServiceSubcategory::CreatedAt))
                    .col(timestamp_with_time_zone(ServiceSubcategory::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_subcategory_offer")
                            .from(ServiceSubcategory::Table, ServiceSubcategory::OfferId)
                            .to(Offer::Table, Offer::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_subcategory_team")
                            .from(ServiceSubcategory::Table, ServiceSubcategory::DefaultTeamId)
                            .to(Team::Table, Team::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_subcategory_offer",
                ServiceSubcategory::Table,
                vec![ServiceSubcategory::OfferId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_subcategory_team",
                ServiceSubcategory::Table,
                vec![ServiceSubcategory::DefaultTeamId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sla::Table)
                    .col(big_pk_auto(Sla::Id))
                    .col(string_len(Sla::Name, 200))
                    .col(big_integer(Sla::ProviderId))
                    .col(string_len(Sla::TimeZone, 64))
                    .col(text(Sla::Intervals))
                    .col(text(Sla::Holidays))
                    .col(text(Sla::Targets))
                    .col(integer(Sla::Revision))
                    .col(timestamp_with_time_zone(Sla::CreatedAt))
                    .col(timestamp_with_time_zone(Sla::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sla_provider")
                            .from(Sla::Table, Sla::ProviderId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_sla_provider",
                Sla::Table,
                vec![Sla::ProviderId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Convention::Table)
                    .col(big_pk_auto(Convention::Id))
                    .col(string_len(Convention::Kind, 16))
                    .col(string_len(Convention::Title, 300))
                    .col(big_integer(Convention::ClientId))
                    .col(big_integer(Convention::ProviderId))
                    .col(string_len(Convention::Status, 16))
                    .col(date(Convention::StartDate))
                    .col(date(Convention::EndDate))
                    .col(text(Convention::Description))
                    .col(big_integer_null(Convention::SlaId))
                    .col(integer_null(Convention::OpenTicketCap))
                    .col(string_len_null(Convention::FeeGroup, 100))
                    .col(big_integer_null(Convention::YearlyAmountCents))
                    .col(integer(Convention::Revision))
                    .col(timestamp_with_time_zone(Convention::CreatedAt))
                    .col(timestamp_with_time_zone(Convention::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_client")
                            .from(Convention::Table, Convention::ClientId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_provider")
                            .from(Convention::Table, Convention::ProviderId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_sla")
                            .from(Convention::Table, Convention::SlaId)
                            .to(Sla::Table, Sla::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_convention_client",
                Convention::Table,
                vec![
                    Convention::ClientId.into_iden(),
                    Convention::Status.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_convention_provider",
                Convention::Table,
                vec![Convention::ProviderId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ConventionOffer::Table)
                    .col(big_integer(ConventionOffer::ConventionId))
                    .col(big_integer(ConventionOffer::OfferId))
                    .primary_key(
                        Index::create()
                            .col(ConventionOffer::ConventionId)
                            .col(ConventionOffer::OfferId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_offer_convention")
                            .from(ConventionOffer::Table, ConventionOffer::ConventionId)
                            .to(Convention::Table, Convention::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_offer_offer")
                            .from(ConventionOffer::Table, ConventionOffer::OfferId)
                            .to(Offer::Table, Offer::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_convention_offer_offer",
                ConventionOffer::Table,
                vec![ConventionOffer::OfferId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachment::Table)
                    .col(big_pk_auto(Attachment::Id))
                    .col(string_len(Attachment::OwnerKind, 16))
                    .col(big_integer(Attachment::OwnerId))
                    .col(string_len(Attachment::FileName, 255))
                    .col(string_len(Attachment::ContentType, 100))
                    .col(big_integer(Attachment::Size))
                    .col(string_len(Attachment::Sha256, 64))
                    .col(big_integer(Attachment::UploadedBy))
                    .col(timestamp_with_time_zone(Attachment::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachment_account")
                            .from(Attachment::Table, Attachment::UploadedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_attachment_owner",
                Attachment::Table,
                vec![
                    Attachment::OwnerKind.into_iden(),
                    Attachment::OwnerId.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Attachment::Table.into_iden(),
            ConventionOffer::Table.into_iden(),
            Convention::Table.into_iden(),
            Sla::Table.into_iden(),
            ServiceSubcategory::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Offer::AppUrl,
            Offer::DocsUrl,
            Offer::SourceUrl,
            Offer::Versions,
            Offer::Modules,
            Offer::Environments,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Offer::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
