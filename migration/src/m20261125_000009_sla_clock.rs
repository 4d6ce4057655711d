//! The SLA clock on tickets: the service level that applies, and per metric (time to own,
//! time to resolve) its target, the business time spent, whether the clock runs, the deadline
//! and the 75 % instant, the outcome and overrun once stopped, the escalations raised.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ticket {
    Table,
    SlaId,
    TtoTargetMinutes,
    TtrTargetMinutes,
    TtoSpentSeconds,
    TtrSpentSeconds,
    TtoRunningSince,
    TtrRunningSince,
    TtoDeadline,
    TtrDeadline,
    TtoWarnAt,
    TtrWarnAt,
    TtoOutcome,
    TtrOutcome,
    TtoOverrunMinutes,
    TtrOverrunMinutes,
    TtoEscalated,
    TtrEscalated,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        let columns = [
            big_integer_null(Ticket::SlaId),
            integer_null(Ticket::TtoTargetMinutes),
            integer_null(Ticket::TtrTargetMinutes),
            big_integer(Ticket::TtoSpentSeconds).default(0).to_owned(),
            big_integer(Ticket::TtrSpentSeconds).default(0).to_owned(),
            timestamp_with_time_zone_null(Ticket::TtoRunningSince),
            timestamp_with_time_zone_null(Ticket::TtrRunningSince),
            timestamp_with_time_zone_null(Ticket::TtoDeadline),
            timestamp_with_time_zone_null(Ticket::TtrDeadline),
            timestamp_with_time_zone_null(Ticket::TtoWarnAt),
            timestamp_with_time_zone_null(Ticket::TtrWarnAt),
            string_len_null(Ticket::TtoOutcome, 8),
            string_len_null(Ticket::TtrOutcome, 8),
            integer_null(Ticket::TtoOverrunMinutes),
            integer_null(Ticket::TtrOverrunMinutes),
            small_integer(Ticket::TtoEscalated).default(0).to_owned(),
            small_integer(Ticket::TtrEscalated).default(0).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Ticket::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // The escalation job's questions: which running clocks reached 75 % or their deadline.
        for (name, column) in [
            ("ix_ticket_tto_warn", Ticket::TtoWarnAt),
            ("ix_ticket_ttr_warn", Ticket::TtrWarnAt),
            ("ix_ticket_tto_deadline", Ticket::TtoDeadline),
            ("ix_ticket_ttr_deadline", Ticket::TtrDeadline),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Ticket::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_ticket_tto_warn",
            "ix_ticket_ttr_warn",
            "ix_ticket_tto_deadline",
            "ix_ticket_ttr_deadline",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Ticket::Table).to_owned())
                .await?;
        }
        for column in [
            Ticket::SlaId,
            Ticket::TtoTargetMinutes,
            Ticket::TtrTargetMinutes,
            Ticket::TtoSpentSeconds,
            Ticket::TtrSpentSeconds,
            Ticket::TtoRunningSince,
            Ticket::TtrRunningSince,
            Ticket::TtoDeadline,
            Ticket::TtrDeadline,
            Ticket::TtoWarnAt,
            Ticket::TtrWarnAt,
            Ticket::TtoOutcome,
            Ticket::TtrOutcome,
            Ticket::TtoOverrunMinutes,
            Ticket::TtrOverrunMinutes,
            Ticket::TtoEscalated,
            Ticket::TtrEscalated,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Ticket::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
