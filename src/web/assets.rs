//! Static assets (our CSS, vendored htmx and Pico CSS), embedded in the binary.

use axum::{
    extract::Path,
    http::header,
    response::{IntoResponse, Response},
};
use rust_embed::Embed;

use crate::error::AppError;

/// The `static/` folder.
#[derive(Embed)]
#[folder = "static/"]
#[exclude = "*.LICENSE*"]
#[exclude = "vendor/VERSIONS"]
struct Assets;

/// `GET /static/{path}`.
pub async fn serve(Path(path): Path<String>) -> Result<Response, AppError> {
    let file = Assets::get(&path).ok_or(AppError::NotFound)?;
    let mime = file.metadata.mimetype().to_owned();
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        ],
        file.data,
    )
        .into_response())
}
