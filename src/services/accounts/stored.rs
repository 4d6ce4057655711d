//! The stored forms of an account's role and language, and the domain's types they stand for.

use entity::{account::AccountLanguage, account_role::AccountRole};

use crate::{domain::role::Role, i18n::Lang};

impl From<AccountRole> for Role {
    fn from(role: AccountRole) -> Self {
        match role {
            AccountRole::Contact => Role::Contact,
            AccountRole::Agent => Role::Agent,
            AccountRole::Coordinator => Role::Coordinator,
            AccountRole::Committee => Role::Committee,
            AccountRole::Steering => Role::Steering,
            AccountRole::Admin => Role::Admin,
        }
    }
}

impl From<Role> for AccountRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Contact => AccountRole::Contact,
            Role::Agent => AccountRole::Agent,
            Role::Coordinator => AccountRole::Coordinator,
            Role::Committee => AccountRole::Committee,
            Role::Steering => AccountRole::Steering,
            Role::Admin => AccountRole::Admin,
        }
    }
}

impl From<AccountLanguage> for Lang {
    fn from(language: AccountLanguage) -> Self {
        match language {
            AccountLanguage::Fr => Lang::Fr,
            AccountLanguage::En => Lang::En,
        }
    }
}

impl From<Lang> for AccountLanguage {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Fr => AccountLanguage::Fr,
            Lang::En => AccountLanguage::En,
        }
    }
}
