//! One steering decision per proposal. A release sent back goes to draft and may be proposed
//! again, so it can legitimately hold several decisions, one per round before the steering
//! committee: each decision now carries its `round` (1 for the first proposal's), and
//! (release, round) is unique, so two deciders that both believed the proposal open cannot
//! both record one. The decisions already recorded are numbered in the order they were taken.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SteeringDecision {
    Table,
    Id,
    ReleaseId,
    Round,
}

const UNIQUE_ROUND: &str = "ux_steering_decision_release_round";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SteeringDecision::Table)
                    .add_column(integer(SteeringDecision::Round).default(1))
                    .to_owned(),
            )
            .await?;
        // The rounds of the decisions already taken: their rank among their release's, by id.
        // Done row by row, as one correlated UPDATE on its own table is refused by MariaDB.
        let db = manager.get_connection();
        let select = Query::select()
            .columns([SteeringDecision::Id, SteeringDecision::ReleaseId])
            .from(SteeringDecision::Table)
            .order_by(SteeringDecision::Id, Order::Asc)
            .to_owned();
        let rows = db.query_all(&select).await?;
        let mut seen: std::collections::HashMap<i64, i32> = std::collections::HashMap::new();
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let release_id: i64 = row.try_get("", "release_id")?;
            let round = seen.entry(release_id).or_insert(0);
            *round += 1;
            if *round > 1 {
                let update = Query::update()
                    .table(SteeringDecision::Table)
                    .value(SteeringDecision::Round, *round)
                    .and_where(Expr::col(SteeringDecision::Id).eq(id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE_ROUND)
                    .table(SteeringDecision::Table)
                    .col(SteeringDecision::ReleaseId)
                    .col(SteeringDecision::Round)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UNIQUE_ROUND)
                    .table(SteeringDecision::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SteeringDecision::Table)
                    .drop_column(SteeringDecision::Round)
                    .to_owned(),
            )
            .await
    }
}
