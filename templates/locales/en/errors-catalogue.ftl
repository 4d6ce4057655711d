# Reasons of the catalogue and agreements: offers, subcategories, conventions, SLAs, filing.
catalogue-list-limits = at most { $entries } entries of { $length } characters
catalogue-url = must be an http(s) address of at most { $max } characters
catalogue-code-characters = capitals, digits and dashes only
catalogue-code-taken = another offer has this code
catalogue-no-organisation = no such organisation
catalogue-no-team = no such team
catalogue-no-sla = no such SLA
catalogue-no-offer-code = no offer has the code { $code }
catalogue-sla-other-provider = this SLA belongs to another provider
catalogue-end-before-start = must be on or after the start date
catalogue-expired-by-hand = a convention expires by the calendar, not by hand
catalogue-cap-at-least-one = must be at least 1 (or absent for no cap)
catalogue-not-negative = must not be negative
catalogue-offers-count = cover 1 to { $max } offers
catalogue-unknown-value = is not one of the choices
catalogue-invalid-value = is not a valid value
catalogue-invalid-date = expected a date YYYY-MM-DD
catalogue-what-if-draft-only = is for an SLA being edited (POST /api/v1/slas/simulate)
catalogue-refused-provider-catalogue = You do not manage this provider's catalogue.
catalogue-refused-provider-conventions = You do not manage this provider's conventions.
catalogue-refused-provider-slas = You do not manage this provider's SLAs.
catalogue-refused-offer = You may read this offer but not change it.
catalogue-refused-subcategory = You may read this subcategory but not change it.
catalogue-refused-convention = You may read this convention but not change it.
catalogue-refused-sla = You may read this SLA but not change it.
catalogue-refused-role-catalogue = Your role does not manage the catalogue.
catalogue-refused-role-conventions = Your role does not manage conventions.
catalogue-refused-role-slas = Your role does not manage SLAs.
catalogue-terminate-not-in-production = Only a convention in production can be terminated; this one is { $status ->
        [draft] a draft
        [expired] expired
        [terminated] already terminated
       *[other] { $status }
    }.
catalogue-filing-not-offered = requests on { $offer } are not open
catalogue-filing-no-convention = your organisation holds no convention in production covering { $offer } today
catalogue-filing-none-in-force = your organisation holds no convention in production covering { $offer } today (not in force: { $titles })
catalogue-filing-cap-reached = the convention "{ $title }" allows { $cap } open tickets and has reached that number
catalogue-sla-time-zone = is not a known IANA time zone
catalogue-sla-no-interval = at least one opening interval is needed
catalogue-sla-too-many = too many entries
catalogue-sla-weekday = weekday must be 0 (Monday) to 6 (Sunday)
catalogue-sla-times = times are HH:MM, from 00:00 to 24:00
catalogue-sla-opening-at-midnight = an opening is at 23:59 at the latest
catalogue-sla-same-times = opening and closing must differ
catalogue-sla-target-range = must be from 1 to { $max }
catalogue-sla-target-twice = the same kind, priority and metric appear twice
catalogue-sla-unknown-zone = unknown time zone { $zone }
catalogue-sla-bad-interval = interval { $index } is not valid
catalogue-pause-too-many = too many pauses
catalogue-pause-backwards = must end after it starts
catalogue-pause-too-long = must last a year at most
catalogue-pause-order = must start after the start and after the previous pause
