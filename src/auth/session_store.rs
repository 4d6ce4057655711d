//! tower-sessions' store over our `session` table. Written here because the published sea-orm
//! and sqlx stores target older tower-sessions, sqlx and sea-orm versions than ours. Storing
//! sessions in the database is what lets several server processes share them.

use chrono::{DateTime, Utc};
use entity::session;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryTrait,
    sea_query::OnConflict,
};
use tower_sessions::{
    session::{Id, Record},
    session_store::{Error, Result, SessionStore},
};

use super::{SIGNED_IN, secret};
use crate::db::Unscoped;

/// The session store.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    /// Where sessions are loaded from: the readers (a page load reads its session, and seldom
    /// writes it).
    reads: DatabaseConnection,
}

impl DbSessionStore {
    /// A store writing to `db` and loading from `reads`.
    pub fn new(db: DatabaseConnection, reads: DatabaseConnection) -> Self {
        Self { db, reads }
    }
}

/// The row key: the digest of the id that the cookie carries.
fn key(id: &Id) -> String {
    secret::digest(&id.to_string())
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn to_chrono(at: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), 0).unwrap_or_default()
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    /// Stores a new session, and sweeps expired ones on the way: one indexed range delete per
    /// new session keeps the table at the size of the live sessions without a separate job.
    async fn create(&self, record: &mut Record) -> Result<()> {
        Unscoped::delete_many::<session::Entity>()
            .filter(session::Column::ExpiresAt.lt(crate::clock::wall_now()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        self.save(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let account_id = record
            .data
            .get(SIGNED_IN)
            .and_then(|v| v.get("account_id"))
            .and_then(serde_json::Value::as_i64);
        let row = session::ActiveModel {
            id: Set(key(&record.id)),
            account_id: Set(account_id),
            data: Set(data),
            expires_at: Set(to_chrono(record.expiry_date)),
        };
        session::Entity::insert(row)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([
                        session::Column::AccountId,
                        session::Column::Data,
                        session::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let query = Unscoped::find::<session::Entity>()
            .filter(session::Column::Id.eq(key(id)))
            .filter(session::Column::ExpiresAt.gt(crate::clock::wall_now()))
            .into_query();
        let row = crate::db::first::<session::Model>(&self.reads, query)
            .await
            .map_err(backend)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        Unscoped::delete_many::<session::Entity>()
            .filter(session::Column::Id.eq(key(id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
