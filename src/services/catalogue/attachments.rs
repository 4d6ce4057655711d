//! Attachments: files stored under their SHA-256 in `<data_dir>/attachments`, described by a
//! row that names their owner. Conventions' documents and tickets' log entries use them. A plain
//! store: the owners decide who may attach (before calling [`store`]), and the scope rule of
//! `attachment` (in `db/rules/`) decides who reads a file through its owner.
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
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::{
    db::{Ctx, Handle},
    services::error::{ServiceError, ServiceResult},
};

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

/// Stores a file for an owner the caller may change (the owner's service checks that), as
/// uploaded by the caller. 422 on `file` when empty or over `max_bytes`.
pub async fn store<C: Handle>(
    ctx: &Ctx<C>,
    data_dir: &Path,
    owner_kind: attachment::OwnerKind,
    owner_id: i64,
    upload: Upload,
    max_bytes: usize,
) -> ServiceResult<AttachmentView> {
    if upload.bytes.is_empty() {
        return Err(ServiceError::field("file", "attachment-empty", vec![]));
    }
    if upload.bytes.len() > max_bytes {
        return Err(ServiceError::field(
            "file",
            "attachment-too-large",
            vec![("max", max_bytes.to_string())],
        ));
    }
    let sha256 = hex::encode(Sha256::digest(&upload.bytes));
    write_once(data_dir, &sha256, &upload.bytes)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    let content_type = if upload.content_type.len() <= 100 && upload.content_type.contains('/') {
        upload.content_type
    } else {
        "application/octet-stream".to_owned()
    };
    let row = attachment::ActiveModel {
        owner_kind: Set(owner_kind),
        owner_id: Set(owner_id),
        file_name: Set(clean_file_name(&upload.file_name)),
        content_type: Set(content_type),
        size: Set(i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(sha256),
        uploaded_by: Set(ctx.caller().account_id),
        created_at: Set(ctx.now()),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// Writes the bytes under their hash, unless they are there already: written aside then
/// renamed, so a reader never sees half a file.
async fn write_once(data_dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = path_of(data_dir, sha256);
    if tokio::fs::metadata(&path).await.is_ok() {
        return Ok(());
    }
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    tokio::fs::create_dir_all(&folder).await?;
    let partial = folder.join(format!("{sha256}.{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await
}

/// The attachments of one owner the caller reads, oldest first (bounded: owners keep a handful
/// of files).
pub async fn of<C: Handle>(
    ctx: &Ctx<C>,
    owner_kind: attachment::OwnerKind,
    owner_id: i64,
) -> ServiceResult<Vec<AttachmentView>> {
    Ok(ctx
        .find::<attachment::Entity>()
        .filter(attachment::Column::OwnerKind.eq(owner_kind))
        .filter(attachment::Column::OwnerId.eq(owner_id))
        .order_by_asc(attachment::Column::Id)
        .limit(200)
        .all(ctx)
        .await?
        .into_iter()
        .map(AttachmentView::from)
        .collect())
}

/// The attachments of many owners of one kind, by owner, in one query (bounded like `of`).
pub async fn of_owners<C: Handle>(
    ctx: &Ctx<C>,
    owner_kind: attachment::OwnerKind,
    owner_ids: impl IntoIterator<Item = i64>,
) -> ServiceResult<HashMap<i64, Vec<AttachmentView>>> {
    let owner_ids: Vec<i64> = owner_ids.into_iter().collect();
    let mut by_owner: HashMap<i64, Vec<AttachmentView>> = HashMap::new();
    if owner_ids.is_empty() {
        return Ok(by_owner);
    }
    let rows = ctx
        .find::<attachment::Entity>()
        .filter(attachment::Column::OwnerKind.eq(owner_kind))
        .filter(attachment::Column::OwnerId.is_in(owner_ids))
        .order_by_asc(attachment::Column::Id)
        .limit(1000)
        .all(ctx)
        .await?;
    for row in rows {
        by_owner.entry(row.owner_id).or_default().push(row.into());
    }
    Ok(by_owner)
}

/// An attachment and its bytes, if the caller reads its owner (404 otherwise: the scope rule
/// of `attachment` goes through each kind of owner's own rule).
pub async fn open<C: Handle>(
    ctx: &Ctx<C>,
    data_dir: &Path,
    id: i64,
) -> ServiceResult<(attachment::Model, Vec<u8>)> {
    let row = ctx
        .find::<attachment::Entity>()
        .filter(attachment::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let bytes = read(data_dir, &row).await?;
    Ok((row, bytes))
}

/// The bytes of an attachment.
pub async fn read(data_dir: &Path, row: &attachment::Model) -> ServiceResult<Vec<u8>> {
    tokio::fs::read(path_of(data_dir, &row.sha256))
        .await
        .map_err(|e| {
            ServiceError::Internal(anyhow::Error::new(e).context("attachment file missing"))
        })
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
