//! The establishments affected by a major incident, one row each: the child incident that
//! links it to the master and when it joined (or was linked by an agent). (major incident,
//! organisation) is unique, so two simultaneous joins from one establishment cannot both file a
//! child; a ticket is a member of one major incident at most. The children already linked are
//! carried over, the first of each establishment's.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MajorIncidentMember {
    Table,
    Id,
    MajorIncidentId,
    OfferId,
    OrganisationId,
    TicketId,
    JoinedBy,
    JoinedAt,
}

#[derive(DeriveIden)]
enum MajorIncident {
    Table,
    Id,
    OfferId,
    TicketId,
}

#[derive(DeriveIden)]
enum Ticket {
    Table,
    Id,
    ParentId,
    OrganisationId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

const UNIQUE_MEMBER: &str = "ux_major_incident_member_organisation";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MajorIncidentMember::Table)
                    .col(big_pk_auto(MajorIncidentMember::Id))
                    .col(big_integer(MajorIncidentMember::MajorIncidentId))
                    .col(big_integer(MajorIncidentMember::OfferId))
                    .col(big_integer(MajorIncidentMember::OrganisationId))
                    .col(big_integer(MajorIncidentMember::TicketId).unique_key())
                    .col(big_integer_null(MajorIncidentMember::JoinedBy))
                    .col(timestamp_with_time_zone(MajorIncidentMember::JoinedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MajorIncidentMember::Table,
                                MajorIncidentMember::MajorIncidentId,
                            )
                            .to(MajorIncident::Table, MajorIncident::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MajorIncidentMember::Table, MajorIncidentMember::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MajorIncidentMember::Table,
                                MajorIncidentMember::OrganisationId,
                            )
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MajorIncidentMember::Table, MajorIncidentMember::TicketId)
                            .to(Ticket::Table, Ticket::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE_MEMBER)
                    .table(MajorIncidentMember::Table)
                    .col(MajorIncidentMember::MajorIncidentId)
                    .col(MajorIncidentMember::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The children linked before: the first of each establishment's per major incident.
        let db = manager.get_connection();
        let children = Query::select()
            .expr_as(
                Expr::col((MajorIncident::Table, MajorIncident::Id)),
                Alias::new("major_id"),
            )
            .expr_as(
                Expr::col((MajorIncident::Table, MajorIncident::OfferId)),
                Alias::new("offer_id"),
            )
            .expr_as(
                Expr::col((Ticket::Table, Ticket::OrganisationId)),
                Alias::new("organisation_id"),
            )
            .expr_as(
                Expr::col((Ticket::Table, Ticket::Id)),
                Alias::new("ticket_id"),
            )
            .expr_as(
                Expr::col((Ticket::Table, Ticket::CreatedAt)),
                Alias::new("created_at"),
            )
            .from(MajorIncident::Table)
            .inner_join(
                Ticket::Table,
                Expr::col((Ticket::Table, Ticket::ParentId))
                    .equals((MajorIncident::Table, MajorIncident::TicketId)),
            )
            .order_by((Ticket::Table, Ticket::Id), Order::Asc)
            .to_owned();
        let mut seen = std::collections::HashSet::new();
        for row in db.query_all(&children).await? {
            let major: i64 = row.try_get("", "major_id")?;
            let organisation: i64 = row.try_get("", "organisation_id")?;
            if !seen.insert((major, organisation)) {
                continue;
            }
            let offer: i64 = row.try_get("", "offer_id")?;
            let ticket: i64 = row.try_get("", "ticket_id")?;
            let joined_at: sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc =
                row.try_get("", "created_at")?;
            let insert = Query::insert()
                .into_table(MajorIncidentMember::Table)
                .columns([
                    MajorIncidentMember::MajorIncidentId,
                    MajorIncidentMember::OfferId,
                    MajorIncidentMember::OrganisationId,
                    MajorIncidentMember::TicketId,
                    MajorIncidentMember::JoinedAt,
                ])
                .values_panic([
                    major.into(),
                    offer.into(),
                    organisation.into(),
                    ticket.into(),
                    joined_at.into(),
                ])
                .to_owned();
            db.execute(&insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MajorIncidentMember::Table).to_owned())
            .await
    }
}
