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
