//! Attachments: files stored under their SHA-256 in `<data_dir>/attachments`, described by a
//! row that names their owner. Conventions' documents and tickets' log entries use them.
//!
//! The bytes live on the filesystem rather than in the database so that large files never go
//! through the connection pool; with several server processes, `data_dir` is shared storage.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use entity::attachment;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::{db::Unscoped, error::AppError};

/// An attachment as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    /// Id, for download.
    pub id: i64,
    /// Original file name.
    pub file_name: String,
    /// Declared type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}

impl From<attachment::Model> for AttachmentView {
    fn from(a: attachment::Model) -> Self {
        Self {
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// A file received from a person.
pub struct Upload {
    /// Name as sent (cleaned before storing).
    pub file_name: String,
    /// Type as sent.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("attachments").join(&sha256[..2]).join(sha256)
}

/// Keeps the name's last path segment, without control characters or quotes, at most 200
/// characters: it ends up in a `Content-Disposition` header.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != ';')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "fichier".to_owned()
    } else {
        cleaned
    }
}

/// Stores a file for an owner the caller may change (the caller checks that). 422 on `file`
/// when empty or over `max_bytes`.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    data_dir: &Path,
    owner_kind: &str,
    owner_id: i64,
    uploaded_by: i64,
    upload: Upload,
    max_bytes: usize,
) -> Result<AttachmentView, AppError> {
    if upload.bytes.is_empty() {
        return Err(AppError::field("file", "is empty"));
    }
    if upload.bytes.len() > max_bytes {
        return Err(AppError::field(
            "file",
            format!("is larger than {} bytes", max_bytes),
        ));
    }
    let sha256 = hex::encode(Sha256::digest(&upload.bytes));
    let path = path_of(data_dir, &sha256);
    if tokio::fs::metadata(&path).await.is_err() {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&folder)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        // Written aside then renamed, so a reader never sees half a file.
        let partial = folder.join(format!("{sha256}.{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&partial, &upload.bytes)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let content_type = if upload.content_type.len() <= 100 && upload.content_type.contains('/') {
        upload.content_type
    } else {
        "application/octet-stream".to_owned()
    };
    let row = attachment::ActiveModel {
        owner_kind: Set(owner_kind.to_owned()),
        owner_id: Set(owner_id),
        file_name: Set(clean_file_name(&upload.file_name)),
        content_type: Set(content_type),
        size: Set(i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(sha256),
        uploaded_by: Set(uploaded_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.into())
}

/// The attachments of one owner, oldest first (bounded: owners keep a handful of files).
pub async fn of<C: ConnectionTrait>(
    db: &C,
    owner_kind: &str,
    owner_id: i64,
) -> Result<Vec<AttachmentView>, AppError> {
    Ok(Unscoped::find::<attachment::Entity>()
        .filter(attachment::Column::OwnerKind.eq(owner_kind))
        .filter(attachment::Column::OwnerId.eq(owner_id))
        .order_by_asc(attachment::Column::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(AttachmentView::from)
        .collect())
}

/// The attachments of many owners of one kind, by owner, in one query (bounded like `of`).
pub async fn of_owners<C: ConnectionTrait>(
    db: &C,
    owner_kind: &str,
    owner_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<AttachmentView>>, AppError> {
    let owner_ids: Vec<i64> = owner_ids.into_iter().collect();
    let mut by_owner: HashMap<i64, Vec<AttachmentView>> = HashMap::new();
    if owner_ids.is_empty() {
        return Ok(by_owner);
    }
    let rows = Unscoped::find::<attachment::Entity>()
        .filter(attachment::Column::OwnerKind.eq(owner_kind))
        .filter(attachment::Column::OwnerId.is_in(owner_ids))
        .order_by_asc(attachment::Column::Id)
        .limit(1000)
        .all(db)
        .await?;
    for row in rows {
        by_owner.entry(row.owner_id).or_default().push(row.into());
    }
    Ok(by_owner)
}

/// An attachment row by id, whatever its owner: callers check that the owner is readable.
pub async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<attachment::Model, AppError> {
    Unscoped::find::<attachment::Entity>()
        .filter(attachment::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An attachment and its bytes, if the caller reads its owner (404 otherwise).
pub async fn open<C: ConnectionTrait>(
    db: &crate::db::Scoped<'_, C>,
    data_dir: &Path,
    id: i64,
) -> Result<(attachment::Model, Vec<u8>), AppError> {
    let row = find(db.conn(), id).await?;
    match row.owner_kind.as_str() {
        "convention" => {
            super::conventions::get(&super::ctx_of(db), row.owner_id).await?;
        }
        "ticket" => {
            db.find::<entity::ticket::Entity>()
                .filter(entity::ticket::Column::Id.eq(row.owner_id))
                .one(db.conn())
                .await?
                .ok_or(AppError::NotFound)?;
        }
        crate::services::tickets::actions::LOG_ATTACHMENT => {
            crate::services::tickets::actions::log_entry_readable(db, row.owner_id).await?;
        }
        _ => return Err(AppError::NotFound),
    }
    let bytes = read(data_dir, &row).await?;
    Ok((row, bytes))
}

/// The bytes of an attachment.
pub async fn read(data_dir: &Path, row: &attachment::Model) -> Result<Vec<u8>, AppError> {
    tokio::fs::read(path_of(data_dir, &row.sha256))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("attachment file missing")))
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_are_made_safe_for_headers() {
        let cases = [
            ("CGU GEFORP.pdf", "CGU GEFORP.pdf"),
            ("../../etc/passwd", "passwd"),
            ("C:\\docs\\cgu.pdf", "cgu.pdf"),
            ("a\"b;c\r\n.pdf", "abc.pdf"),
            ("..", "fichier"),
            ("", "fichier"),
        ];
        for (raw, expected) in cases {
            assert_eq!(clean_file_name(raw), expected, "{raw:?}");
        }
    }
}
