//! Who may see and do what. A [`Caller`] is built once per request from the signed-in account;
//! its [`Scope`] is what the request context ([`crate::db::Ctx`]) adds to every query,
//! so a service cannot forget it. Out of scope is always 404; in scope but beyond one's role, 403.

use std::{collections::BTreeSet, sync::Arc};

use crate::{domain::role::Role, i18n::Lang};

/// The caller of the current request, if any; put in the request's extensions by
/// [`crate::http`] before the handler runs.
#[derive(Debug, Clone, Default)]
pub struct Identity(pub Option<Arc<Caller>>);

/// The signed-in account making a request, with what it may reach.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Account id.
    pub account_id: i64,
    /// Sign-in address.
    pub email: String,
    /// Shown name.
    pub display_name: String,
    /// The account's organisation.
    pub organisation_id: i64,
    /// Preferred language.
    pub language: Lang,
    /// Roles held.
    pub roles: BTreeSet<Role>,
    /// Teams the account belongs to.
    pub team_ids: Vec<i64>,
    /// What the account may reach.
    pub scope: Scope,
    /// The API token used, when the request came with one.
    pub token_id: Option<i64>,
}

impl Caller {
    /// Whether the account holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the account works in the desk (any role but `contact` alone).
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| *r != Role::Contact)
    }

    /// The platform acting for itself (jobs, the command line, the demo loader): no account,
    /// every organisation in reach.
    pub fn platform() -> Caller {
        Caller {
            account_id: 0,
            email: String::new(),
            display_name: "Guichet".to_owned(),
            organisation_id: 0,
            language: Lang::Fr,
            roles: BTreeSet::from([Role::Admin]),
            team_ids: Vec::new(),
            scope: Scope::platform(),
            token_id: None,
        }
    }
}

/// The organisations and teams an account may read and manage. Built from the account's
/// organisation subtree (its organisation and every descendant), its roles and its teams.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Administrators reach everything.
    pub admin: bool,
    /// The account's organisation and its descendants: what it reads.
    pub subtree: Vec<i64>,
    /// Organisations whose accounts, teams and settings it manages: the subtree for a
    /// coordinator, nothing for other roles (an admin manages everything through `admin`).
    pub managed: Vec<i64>,
    /// Teams the account belongs to (readable even when outside its subtree).
    pub team_ids: Vec<i64>,
    /// The account's organisation and its ancestors: whose conventions cover it.
    pub ancestors: Vec<i64>,
    /// Offers reached through a convention in force (as a client) or delivered by one's teams.
    pub offers: Vec<i64>,
    /// Offers its organisation (or one above) subscribes to through a usage convention in force.
    pub subscribed_offers: Vec<i64>,
    /// SLAs of the conventions in force that cover the account's organisation.
    pub slas: Vec<i64>,
    /// Reads every offer: administrators, and committee and steering members (they weigh
    /// requests on every offer).
    pub all_offers: bool,
    /// The account itself: requester and participant of its own tickets.
    pub account_id: i64,
    /// Holds the contact role: reads its organisation subtree's shared tickets.
    pub contact: bool,
    /// Sits on the project or the steering committee: reads the committees' sessions.
    pub committees: bool,
    /// Offers whose tickets the account works as an agent (its teams deliver them).
    pub delivered_offers: Vec<i64>,
}

impl Scope {
    /// The scope of an account with `roles`, whose organisation subtree is `subtree`.
    pub fn new(roles: &BTreeSet<Role>, subtree: Vec<i64>, team_ids: Vec<i64>) -> Scope {
        let admin = roles.contains(&Role::Admin);
        let managed = if roles.contains(&Role::Coordinator) {
            subtree.clone()
        } else {
            Vec::new()
        };
        Scope {
            admin,
            all_offers: admin
                || roles.contains(&Role::Committee)
                || roles.contains(&Role::Steering),
            committees: roles.contains(&Role::Committee) || roles.contains(&Role::Steering),
            subtree,
            managed,
            team_ids,
            ..Scope::default()
        }
    }

    /// The platform's own scope, for the command line run by the operator: everything.
    pub fn platform() -> Scope {
        Scope {
            admin: true,
            all_offers: true,
            ..Scope::default()
        }
    }

    /// Limits a committee member to the offers listed for them (none listed: every offer).
    /// Administrators and steering members keep every offer whatever the list says.
    pub fn with_committee_offers(mut self, roles: &BTreeSet<Role>, offers: &[i64]) -> Scope {
        if offers.is_empty() || !roles.contains(&Role::Committee) {
            return self;
        }
        if !(roles.contains(&Role::Admin) || roles.contains(&Role::Steering)) {
            self.all_offers = false;
        }
        self.offers.extend_from_slice(offers);
        self.offers.sort_unstable();
        self.offers.dedup();
        self
    }

    /// Whether an organisation's data may be read.
    pub fn reads_organisation(&self, organisation_id: i64) -> bool {
        self.admin || self.subtree.contains(&organisation_id)
    }

    /// Whether an organisation, its accounts and its teams may be changed.
    pub fn manages_organisation(&self, organisation_id: i64) -> bool {
        self.admin || self.managed.contains(&organisation_id)
    }

    /// Whether the caller manages anything at all (the administration pages).
    pub fn manages_anything(&self) -> bool {
        self.admin || !self.managed.is_empty()
    }
}

/// Whether a caller who manages accounts may grant `role`: only administrators make
/// administrators, so a coordinator cannot raise anyone (themselves included) above their own reach.
pub fn may_grant(scope: &Scope, role: Role) -> bool {
    scope.admin || (!scope.managed.is_empty() && role != Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[Role]) -> BTreeSet<Role> {
        list.iter().copied().collect()
    }

    #[test]
    fn what_each_kind_of_account_reads_and_manages() {
        // (roles, reads org 2 of its subtree, reads org 9 outside, manages 2, manages 9)
        let cases = [
            (vec![Role::Contact], true, false, false, false),
            (vec![Role::Agent], true, false, false, false),
            (vec![Role::Coordinator], true, false, true, false),
            (
                vec![Role::Committee, Role::Contact],
                true,
                false,
                false,
                false,
            ),
            (vec![Role::Admin], true, true, true, true),
        ];
        for (list, reads_in, reads_out, manages_in, manages_out) in cases {
            let scope = Scope::new(&roles(&list), vec![1, 2], vec![]);
            assert_eq!(scope.reads_organisation(2), reads_in, "{list:?}");
            assert_eq!(scope.reads_organisation(9), reads_out, "{list:?}");
            assert_eq!(scope.manages_organisation(2), manages_in, "{list:?}");
            assert_eq!(scope.manages_organisation(9), manages_out, "{list:?}");
        }
    }

    #[test]
    fn a_committee_member_can_be_limited_to_some_offers() {
        let committee = roles(&[Role::Committee]);
        let open = Scope::new(&committee, vec![1], vec![]).with_committee_offers(&committee, &[]);
        assert!(open.all_offers);
        let limited =
            Scope::new(&committee, vec![1], vec![]).with_committee_offers(&committee, &[7, 3]);
        assert!(!limited.all_offers);
        assert_eq!(limited.offers, [3, 7]);
        let chair = roles(&[Role::Committee, Role::Steering]);
        assert!(
            Scope::new(&chair, vec![1], vec![])
                .with_committee_offers(&chair, &[7])
                .all_offers
        );
        let agent = roles(&[Role::Agent]);
        let untouched = Scope::new(&agent, vec![1], vec![]).with_committee_offers(&agent, &[7]);
        assert!(untouched.offers.is_empty());
    }

    #[test]
    fn only_administrators_grant_the_admin_role() {
        let coordinator = Scope::new(&roles(&[Role::Coordinator]), vec![1], vec![]);
        let admin = Scope::new(&roles(&[Role::Admin]), vec![1], vec![]);
        let agent = Scope::new(&roles(&[Role::Agent]), vec![1], vec![]);
        assert!(may_grant(&coordinator, Role::Agent));
        assert!(!may_grant(&coordinator, Role::Admin));
        assert!(may_grant(&admin, Role::Admin));
        assert!(!may_grant(&agent, Role::Contact));
    }
}
