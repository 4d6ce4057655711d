# Reasons shared by every service: the rules of fields, pages and revisions.
field-required = est obligatoire
field-too-long = ne doit pas dépasser { $max } caractères
field-page-range = doit être compris entre 1 et { $max }
field-per-page-range = doit être compris entre 1 et { $max }
field-unknown = n’existe pas ou ne vous est pas accessible
refused-stale = Ceci a été modifié par quelqu’un d’autre depuis votre lecture ; rechargez la page et recommencez.
refused-csrf-token = Le jeton de sécurité du formulaire manque ou a expiré : rechargez la page et recommencez.
refused-cross-site = Requête refusée : elle vient d’un autre site.
refused-idempotency-running = Une requête avec cette clé Idempotency-Key est encore en cours ; réessayez quand elle aura répondu.
field-idempotency-key = doit compter de 1 à 200 caractères ASCII visibles
status-provider-only = Seul le fournisseur de l’offre (ses agents, ses coordinateurs) en change l’état.
status-unknown = n’est pas un état de service connu
major-not-open-incident = Seul un incident ouvert, sans incident parent, peut être déclaré majeur.
major-already = Cet incident est déjà déclaré majeur.
major-ended = Cet incident majeur est terminé.
maintenance-in-future = doit être dans le futur
maintenance-ends-after-start = doit être après le début
