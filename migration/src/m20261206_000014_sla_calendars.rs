//! SLA calendars for real services: a window may be open round the clock, and its holidays may
//! come from rules (French public holidays, optionally Alsace–Moselle's).
//!
//! The stored form is extended, not rewritten: intervals stay `{"weekday", "start", "end"}`
//! JSON (a `23:59` closing stays `23:59`; `24:00` and overnight closings are new values of the
//! same fields), typed holidays become the one-off closures they always were, and the two new
//! columns default to what existing SLAs meant (not round the clock, no holiday rule).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sla {
    Table,
    RoundTheClock,
    PublicHolidays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        let columns = [
            boolean(Sla::RoundTheClock).default(false).to_owned(),
            string_len(Sla::PublicHolidays, 20)
                .default("none")
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sla::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Sla::RoundTheClock, Sla::PublicHolidays] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sla::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
