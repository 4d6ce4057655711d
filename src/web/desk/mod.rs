//! The desk's administration pages: organisations, accounts and teams. Contacts have no desk:
//! every page here answers them 404.

pub mod accounts;
pub mod agreements;
pub mod catalogue;
pub mod organisations;
pub mod teams;

use crate::{access::Caller, error::AppError};

/// Lets staff through; a contact gets the 404 of a page that does not exist for them.
pub fn staff_only(caller: &Caller) -> Result<(), AppError> {
    if caller.is_staff() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A checkbox: present in the form when ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.is_some()
}
