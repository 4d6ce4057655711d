//! Tickets (incidents and service requests; evolution requests later share the table), their
//! public and private log, participants, field history, per-kind reference sequences, and
//! platform settings (the priority matrix).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TicketSequence {
    Table,
    Kind,
    NextValue,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Ticket {
    Table,
    Id,
    Ref,
    Kind,
    Title,
    Description,
    RequesterId,
    OrganisationId,
    OfferId,
    SubcategoryId,
    ConventionId,
    Impact,
    Urgency,
    Priority,
    Origin,
    Status,
    TeamId,
    AgentId,
    Visibility,
    Module,
    AffectedVersion,
    Environment,
    PageUrl,
    EventAt,
    PeopleAffected,
    PendingReason,
    Solution,
    Satisfaction,
    SatisfactionComment,
    ParentId,
    CreatedAt,
    UpdatedAt,
    AssignedAt,
    ResolvedAt,
    ClosedAt,
    Revision,
}

#[derive(DeriveIden)]
enum TicketParticipant {
    Table,
    TicketId,
    AccountId,
}

#[derive(DeriveIden)]
enum TicketLog {
    Table,
    Id,
    TicketId,
    AuthorId,
    Private,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TicketHistory {
    Table,
    Id,
    TicketId,
    ActorId,
    Field,
    OldValue,
    NewValue,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
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

#[derive(DeriveIden)]
enum ServiceSubcategory {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Team {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
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
        manager
            .create_table(
                Table::create()
                    .table(TicketSequence::Table)
                    .col(string_len(TicketSequence::Kind, 16).primary_key())
                    .col(big_integer(TicketSequence::NextValue))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(TicketSequence::Table)
                    .columns([TicketSequence::Kind, TicketSequence::NextValue])
                    .values_panic(["incident".into(), 1i64.into()])
                    .values_panic(["request".into(), 1i64.into()])
                    .values_panic(["evolution".into(), 1i64.into()])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Setting::Table)
                    .col(string_len(Setting::Key, 64).primary_key())
                    .col(text(Setting::Value))
                    .col(timestamp_with_time_zone(Setting::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Ticket::Table)
                    .col(big_pk_auto(Ticket::Id))
                    .col(string_len_uniq(Ticket::Ref, 16))
                    .col(string_len(Ticket::Kind, 16))
                    .col(string_len(Ticket::Title, 300))
                    .col(text(Ticket::Description))
                    .col(big_integer(Ticket::RequesterId))
                    .col(big_integer(Ticket::OrganisationId))
                    .col(big_integer(Ticket::OfferId))
                    .col(big_integer(Ticket::SubcategoryId))
                    .col(big_integer_null(Ticket::ConventionId))
                    .col(string_len(Ticket::Impact, 32))
                    .col(string_len(Ticket::Urgency, 16))
                    .col(string_len(Ticket::Priority, 16))
                    .col(string_len(Ticket::Origin, 16))
                    .col(string_len(Ticket::Status, 16))
                    .col(big_integer_null(Ticket::TeamId))
                    .col(big_integer_null(Ticket::AgentId))
                    .col(string_len(Ticket::Visibility, 16))
                    .col(string_len_null(Ticket::Module, 100))
                    .col(string_len_null(Ticket::AffectedVersion, 100))
                    .col(string_len_null(Ticket::Environment, 100))
                    .col(string_len_null(Ticket::PageUrl, 500))
                    .col(timestamp_with_time_zone_null(Ticket::EventAt))
                    .col(integer_null(Ticket::PeopleAffected))
                    .col(text_null(Ticket::PendingReason))
                    .col(text_null(Ticket::Solution))
                    .col(small_integer_null(Ticket::Satisfaction))
                    .col(text_null(Ticket::SatisfactionComment))
                    .col(big_integer_null(Ticket::ParentId))
                    .col(timestamp_with_time_zone(Ticket::CreatedAt))
                    .col(timestamp_with_time_zone(Ticket::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Ticket::AssignedAt))
                    .col(timestamp_with_time_zone_null(Ticket::ResolvedAt))
                    .col(timestamp_with_time_zone_null(Ticket::ClosedAt))
                    .col(integer(Ticket::Revision))
                    .foreign_key(&mut fk(
                        "fk_ticket_requester",
                        (Ticket::Table, Ticket::RequesterId),
                        (Account::Table, Account::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_organisation",
                        (Ticket::Table, Ticket::OrganisationId),
                        (Organisation::Table, Organisation::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_offer",
                        (Ticket::Table, Ticket::OfferId),
                        (Offer::Table, Offer::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_subcategory",
                        (Ticket::Table, Ticket::SubcategoryId),
                        (ServiceSubcategory::Table, ServiceSubcategory::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_team",
                        (Ticket::Table, Ticket::TeamId),
                        (Team::Table, Team::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_agent",
                        (Ticket::Table, Ticket::AgentId),
                        (Account::Table, Account::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_parent",
                        (Ticket::Table, Ticket::ParentId),
                        (Ticket::Table, Ticket::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The lists: a client organisation's tickets, a team's, an agent's, a requester's, an
        // offer's, by status and recency; the children of a parent; auto-close's resolved ones.
        for (name, columns) in [
            (
                "ix_ticket_organisation",
                vec![
                    Ticket::OrganisationId.into_iden(),
                    Ticket::Status.into_iden(),
                    Ticket::UpdatedAt.into_iden(),
                ],
            ),
            (
                "ix_ticket_team",
                vec![
                    Ticket::TeamId.into_iden(),
                    Ticket::Status.into_iden(),
                    Ticket::UpdatedAt.into_iden(),
                ],
            ),
            (
                "ix_ticket_agent",
                vec![
                    Ticket::AgentId.into_iden(),
                    Ticket::Status.into_iden(),
                    Ticket::UpdatedAt.into_iden(),
                ],
            ),
            (
                "ix_ticket_requester",
                vec![
                    Ticket::RequesterId.into_iden(),
                    Ticket::Status.into_iden(),
                    Ticket::UpdatedAt.into_iden(),
                ],
            ),
            (
                "ix_ticket_offer",
                vec![
                    Ticket::OfferId.into_iden(),
                    Ticket::Status.into_iden(),
                    Ticket::UpdatedAt.into_iden(),
                ],
            ),
            (
                "ix_ticket_convention",
                vec![Ticket::ConventionId.into_iden(), Ticket::Status.into_iden()],
            ),
            ("ix_ticket_parent", vec![Ticket::ParentId.into_iden()]),
            (
                "ix_ticket_status_resolved",
                vec![Ticket::Status.into_iden(), Ticket::ResolvedAt.into_iden()],
            ),
            ("ix_ticket_updated", vec![Ticket::UpdatedAt.into_iden()]),
        ] {
            manager
                .create_index(index(name, Ticket::Table, columns))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(TicketParticipant::Table)
                    .col(big_integer(TicketParticipant::TicketId))
                    .col(big_integer(TicketParticipant::AccountId))
                    .primary_key(
                        Index::create()
                            .col(TicketParticipant::TicketId)
                            .col(TicketParticipant::AccountId),
                    )
                    .foreign_key(&mut fk(
                        "fk_participant_ticket",
                        (TicketParticipant::Table, TicketParticipant::TicketId),
                        (Ticket::Table, Ticket::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_participant_account",
                        (TicketParticipant::Table, TicketParticipant::AccountId),
                        (Account::Table, Account::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_participant_account",
                TicketParticipant::Table,
                vec![TicketParticipant::AccountId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketLog::Table)
                    .col(big_pk_auto(TicketLog::Id))
                    .col(big_integer(TicketLog::TicketId))
                    .col(big_integer_null(TicketLog::AuthorId))
                    .col(boolean(TicketLog::Private))
                    .col(text(TicketLog::Body))
                    .col(timestamp_with_time_zone(TicketLog::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_log_ticket",
                        (TicketLog::Table, TicketLog::TicketId),
                        (Ticket::Table, Ticket::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_log_author",
                        (TicketLog::Table, TicketLog::AuthorId),
                        (Account::Table, Account::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_log_ticket",
                TicketLog::Table,
                vec![TicketLog::TicketId.into_iden(), TicketLog::Id.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketHistory::Table)
                    .col(big_pk_auto(TicketHistory::Id))
                    .col(big_integer(TicketHistory::TicketId))
                    .col(big_integer_null(TicketHistory::ActorId))
                    .col(string_len(TicketHistory::Field, 32))
                    .col(text_null(TicketHistory::OldValue))
                    .col(text_null(TicketHistory::NewValue))
                    .col(timestamp_with_time_zone(TicketHistory::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_history_ticket",
                        (TicketHistory::Table, TicketHistory::TicketId),
                        (Ticket::Table, Ticket::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_history_actor",
                        (TicketHistory::Table, TicketHistory::ActorId),
                        (Account::Table, Account::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_history_ticket",
                TicketHistory::Table,
                vec![
                    TicketHistory::TicketId.into_iden(),
                    TicketHistory::Id.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TicketHistory::Table.into_iden(),
            TicketLog::Table.into_iden(),
            TicketParticipant::Table.into_iden(),
            Ticket::Table.into_iden(),
            Setting::Table.into_iden(),
            TicketSequence::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
