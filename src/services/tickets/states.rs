//! The typed columns of `ticket` (`entity::ticket`'s enums) and the domain's enums, converted
//! variant for variant both ways: a stored word no state has fails when the row is read.

use entity::ticket;

use super::{Origin, Visibility};
use crate::domain::{
    catalogue::RequestKind,
    lifecycle::Status,
    priority::{Impact, Urgency},
    sla::Priority,
    sla_clock::Outcome,
};

/// `From` both ways between a column's enum and the domain's, with exhaustive matches.
macro_rules! both_ways {
    ($stored:ty, $domain:ident: $($variant:ident),+ $(,)?) => {
        impl From<$stored> for $domain {
            fn from(value: $stored) -> Self {
                match value {
                    $(<$stored>::$variant => $domain::$variant,)+
                }
            }
        }

        impl From<$domain> for $stored {
            fn from(value: $domain) -> Self {
                match value {
                    $($domain::$variant => <$stored>::$variant,)+
                }
            }
        }
    };
}

both_ways!(ticket::Kind, RequestKind: Incident, Request, Evolution);
both_ways!(ticket::Impact, Impact: Person, Service, Establishment, SeveralEstablishments);
both_ways!(ticket::Urgency, Urgency: Low, Medium, High, Critical);
both_ways!(ticket::Priority, Priority: Low, Medium, High, Critical);
both_ways!(ticket::Origin, Origin: Portal, Desk, Api, Email);
both_ways!(ticket::Status, Status: New, Assigned, Pending, Resolved, Closed);
both_ways!(ticket::Visibility, Visibility: Organisation, Private);
both_ways!(ticket::Outcome, Outcome: Met, Passed);
