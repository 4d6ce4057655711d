## Webhooks.

webhook-admins-coordinators = Only administrators and coordinators register webhooks.
webhook-url-https = Enter an HTTPS address.
webhook-kinds-required = Choose at least one event kind.
webhook-list-title = Webhooks
webhook-list-intro = Guichet posts the chosen events of your organisation (and those below it) to these HTTPS addresses, signed as the Standard Webhooks specification says, and tries again with back-off when they fail.
webhook-none = No webhook yet.
webhook-new = New webhook
webhook-url = Address (HTTPS)
webhook-kinds = Events sent
webhook-secret-once = The signing secret of the new webhook, shown this once: keep it now.
webhook-log-title = Deliveries
webhook-event = Event
webhook-attempts = Attempts
webhook-no-answer = no answer
webhook-duration = { $ms } ms
webhook-send-again = Send again
webhook-no-delivery = Nothing sent yet.
webhook-delete = Delete this webhook
webhook-state-pending = pending
webhook-state-delivered = delivered
webhook-state-failed = failed

## The event kinds an endpoint chooses (and the `type` its payloads carry).

webhook-kind-received = Ticket recorded (ticket.received)
webhook-kind-assigned = Ticket assigned (ticket.assigned)
webhook-kind-commented = Public message on a ticket (ticket.commented)
webhook-kind-pending = Ticket waiting for its requester (ticket.pending)
webhook-kind-resolved = Ticket resolved (ticket.resolved)
webhook-kind-closed = Ticket closed (ticket.closed)
webhook-kind-reopened = Ticket reopened (ticket.reopened)
webhook-kind-sla75 = 75% of a ticket's target used (ticket.sla75)
webhook-kind-sla100 = A ticket's target passed (ticket.sla100)
webhook-kind-convention_expiring = Convention about to end (convention.expiring)
webhook-kind-evolution = Evolution request moving on: filing, committees' decisions, releases (evolution.<state>)
webhook-kind-service_status = An offer's status: outage, major incident, maintenance announced, changed or cancelled (service_status.<event>)
