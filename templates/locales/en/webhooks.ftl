## Webhooks.

webhook-admins-coordinators = Only administrators and coordinators register webhooks.
webhook-url-https = Enter an HTTPS address.
webhook-kinds-required = Choose at least one event kind.
