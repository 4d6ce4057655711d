## Webhooks.

webhook-admins-coordinators = Seuls les administrateurs et les coordinateurs enregistrent des webhooks.
webhook-url-https = Saisissez une adresse HTTPS.
webhook-kinds-required = Choisissez au moins un type d'événement.
webhook-list-title = Webhooks
webhook-list-intro = Guichet envoie les événements choisis de votre organisation (et de celles qui en dépendent) à ces adresses HTTPS, signés selon la spécification Standard Webhooks, et réessaie avec un délai croissant en cas d’échec.
webhook-none = Aucun webhook pour l’instant.
webhook-new = Nouveau webhook
webhook-url = Adresse (HTTPS)
webhook-kinds = Événements envoyés
webhook-secret-once = Le secret de signature du nouveau webhook, affiché cette seule fois : conservez-le maintenant.
webhook-log-title = Envois
webhook-event = Événement
webhook-attempts = Tentatives
webhook-no-answer = pas de réponse
webhook-duration = { $ms } ms
webhook-send-again = Renvoyer
webhook-no-delivery = Rien n’a encore été envoyé.
webhook-delete = Supprimer ce webhook
webhook-state-pending = en attente
webhook-state-delivered = remis
webhook-state-failed = en échec

## The event kinds an endpoint chooses (and the `type` its payloads carry).

webhook-kind-received = Ticket enregistré (ticket.received)
webhook-kind-assigned = Ticket attribué (ticket.assigned)
webhook-kind-commented = Message public sur un ticket (ticket.commented)
webhook-kind-pending = Ticket en attente du demandeur (ticket.pending)
webhook-kind-resolved = Ticket résolu (ticket.resolved)
webhook-kind-closed = Ticket clôturé (ticket.closed)
webhook-kind-reopened = Ticket rouvert (ticket.reopened)
webhook-kind-sla75 = 75 % du délai d'un ticket consommé (ticket.sla75)
webhook-kind-sla100 = Délai d'un ticket dépassé (ticket.sla100)
webhook-kind-convention_expiring = Convention arrivant à échéance (convention.expiring)
webhook-kind-evolution = Demande d'évolution qui avance : dépôt, décisions des comités, versions (evolution.<état>)
webhook-kind-service_status = État d'une offre : panne, incident majeur, maintenance annoncée, modifiée ou annulée (service_status.<événement>)
