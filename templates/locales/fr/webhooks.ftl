## Webhooks.

webhook-admins-coordinators = Seuls les administrateurs et les coordinateurs enregistrent des webhooks.
webhook-url-https = Saisissez une adresse HTTPS.
webhook-kinds-required = Choisissez au moins un type d'événement.
