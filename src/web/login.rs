//! The sign-in page.

use crate::view::Page;

/// `GET /login`: the sign-in form.
pub async fn form() -> Page {
    Page::new("login.html", ())
}
