//! One current status period per offer, said by the schema: `current_offer_id` holds the offer
//! on the open period and nothing on ended ones, and is unique, so two first statuses set at
//! once cannot both open a period (a partial unique index would say the same, but MariaDB has
//! none). Offers that already hold several open periods keep the newest open; the older ones end
//! where they started.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceStatus {
    Table,
    Id,
    OfferId,
    StartedAt,
    EndedAt,
    CurrentOfferId,
}

const UNIQUE_CURRENT: &str = "ux_service_status_current_offer";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceStatus::Table)
                    .add_column(big_integer_null(ServiceStatus::CurrentOfferId))
                    .to_owned(),
            )
            .await?;
        // Row by row, as one correlated UPDATE on its own table is refused by MariaDB.
        let db = manager.get_connection();
        let open = Query::select()
            .columns([ServiceStatus::Id, ServiceStatus::OfferId])
            .from(ServiceStatus::Table)
            .and_where(Expr::col(ServiceStatus::EndedAt).is_null())
            .order_by(ServiceStatus::Id, Order::Desc)
            .to_owned();
        let mut seen = std::collections::HashSet::new();
        for row in db.query_all(&open).await? {
            let id: i64 = row.try_get("", "id")?;
            let offer: i64 = row.try_get("", "offer_id")?;
            let update = if seen.insert(offer) {
                Query::update()
                    .table(ServiceStatus::Table)
                    .value(ServiceStatus::CurrentOfferId, offer)
                    .and_where(Expr::col(ServiceStatus::Id).eq(id))
                    .to_owned()
            } else {
                Query::update()
                    .table(ServiceStatus::Table)
                    .value(ServiceStatus::EndedAt, Expr::col(ServiceStatus::StartedAt))
                    .and_where(Expr::col(ServiceStatus::Id).eq(id))
                    .to_owned()
            };
            db.execute(&update).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE_CURRENT)
                    .table(ServiceStatus::Table)
                    .col(ServiceStatus::CurrentOfferId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UNIQUE_CURRENT)
                    .table(ServiceStatus::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceStatus::Table)
                    .drop_column(ServiceStatus::CurrentOfferId)
                    .to_owned(),
            )
            .await
    }
}
