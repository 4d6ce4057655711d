//! The roles of SPEC section 1. Roles are additive: one account may hold several.

use std::fmt;

/// A role an account can hold.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An establishment's single point of contact.
    Contact,
    /// A member of provider teams.
    Agent,
    /// Consortium staff, across the offers of their organisation's subtree.
    Coordinator,
    /// A project committee member.
    Committee,
    /// A steering committee member.
    Steering,
    /// A platform administrator.
    Admin,
}

impl Role {
    /// Every role, in the order of the spec.
    pub const ALL: [Role; 6] = [
        Role::Contact,
        Role::Agent,
        Role::Coordinator,
        Role::Committee,
        Role::Steering,
        Role::Admin,
    ];

    /// The name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contact => "contact",
            Role::Agent => "agent",
            Role::Coordinator => "coordinator",
            Role::Committee => "committee",
            Role::Steering => "steering",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored or submitted role name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse("root"), None);
    }
}
