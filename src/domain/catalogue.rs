//! The catalogue's vocabularies and the calendar rule of conventions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The exchanged name (JSON, forms, templates' message keys).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses a submitted name.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
    // A vocabulary stored in a column: the entity's type (which sea-orm decodes, failing on an
    // unknown word) converts both ways, variant for variant.
    ($(#[$doc:meta])* $name:ident stored as $stored:ty { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        vocabulary!($(#[$doc])* $name { $($(#[$vdoc])* $variant => $text),+ });

        impl From<$stored> for $name {
            fn from(stored: $stored) -> Self {
                type Stored = $stored;
                match stored {
                    $(Stored::$variant => $name::$variant),+
                }
            }
        }

        impl From<$name> for $stored {
            fn from(value: $name) -> Self {
                type Stored = $stored;
                match value {
                    $($name::$variant => Stored::$variant),+
                }
            }
        }
    };
}

vocabulary!(
    /// Where an offer stands.
    OfferStatus stored as entity::offer::OfferStatus {
        /// Being set up.
        Implementation => "implementation",
        /// In service.
        Production => "production",
        /// Withdrawn.
        Obsolete => "obsolete",
    }
);

vocabulary!(
    /// What a subcategory files.
    RequestKind stored as entity::service_subcategory::RequestKind {
        /// Something is broken.
        Incident => "incident",
        /// A service request.
        Request => "request",
        /// An evolution request, for the committees.
        Evolution => "evolution",
    }
);

vocabulary!(
    /// Whether a subcategory can be filed on.
    SubcategoryStatus stored as entity::service_subcategory::SubcategoryStatus {
        /// Offered.
        Active => "active",
        /// No longer offered.
        Inactive => "inactive",
    }
);

vocabulary!(
    /// The kind of a convention.
    ConventionKind stored as entity::convention::ConventionKind {
        /// Terms of use between a client establishment and a provider or the consortium.
        Usage => "usage",
        /// A provider's agreement with the consortium.
        Provider => "provider",
    }
);

vocabulary!(
    /// The status of a convention.
    ConventionStatus stored as entity::convention::ConventionStatus {
        /// Being written.
        Draft => "draft",
        /// In force.
        Production => "production",
        /// Past its end date.
        Expired => "expired",
        /// Ended early.
        Terminated => "terminated",
    }
);

vocabulary!(
    /// Extra ticket fields a subcategory can require.
    ExtraField {
        /// The version of the offer concerned.
        Version => "version",
        /// The module concerned.
        Module => "module",
        /// The page where it happens.
        PageUrl => "page_url",
        /// The environment (production, test…).
        Environment => "environment",
        /// When it happened.
        EventAt => "event_at",
        /// How many people are affected.
        PeopleAffected => "people_affected",
    }
);

impl ExtraField {
    /// The field of a new ticket (API body, web form, validation errors) that fills this extra
    /// field: the same word, except the version, which a ticket reads and writes as
    /// `affected_version` (a release has a `version` of its own).
    pub fn ticket_field(self) -> &'static str {
        match self {
            ExtraField::Version => "affected_version",
            other => other.as_str(),
        }
    }
}

/// The status a convention has on `today`: one in production whose end date has passed counts
/// as expired, whatever is stored, so no job has to run for the calendar to be obeyed.
pub fn effective_status(
    stored: ConventionStatus,
    end_date: NaiveDate,
    today: NaiveDate,
) -> ConventionStatus {
    match stored {
        ConventionStatus::Production if end_date < today => ConventionStatus::Expired,
        other => other,
    }
}

/// Whether a convention lets its client file on `today`: in production, started, not ended.
pub fn in_force(
    stored: ConventionStatus,
    start_date: NaiveDate,
    end_date: NaiveDate,
    today: NaiveDate,
) -> bool {
    effective_status(stored, end_date, today) == ConventionStatus::Production && start_date <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    #[test]
    fn the_calendar_rule() {
        use ConventionStatus::*;
        // (stored, start, end, today, effective, in force)
        let cases = [
            (Production, day(1), day(30), day(24), Production, true),
            (Production, day(1), day(24), day(24), Production, true),
            (Production, day(1), day(23), day(24), Expired, false),
            (Production, day(25), day(30), day(24), Production, false),
            (Draft, day(1), day(30), day(24), Draft, false),
            (Terminated, day(1), day(30), day(24), Terminated, false),
            (Expired, day(1), day(30), day(24), Expired, false),
        ];
        for (stored, start, end, today, effective, force) in cases {
            assert_eq!(
                effective_status(stored, end, today),
                effective,
                "{stored:?} {end}"
            );
            assert_eq!(
                in_force(stored, start, end, today),
                force,
                "{stored:?} {start} {end}"
            );
        }
    }

    #[test]
    fn vocabularies_round_trip() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(*kind));
        }
        for field in ExtraField::ALL {
            assert_eq!(ExtraField::parse(field.as_str()), Some(*field));
        }
        assert_eq!(ConventionStatus::parse("Production"), None);
    }
}
