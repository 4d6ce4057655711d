# Reasons shared by every service: the rules of fields, pages and revisions.
field-required = est obligatoire
field-too-long = ne doit pas dépasser { $max } caractères
field-page-from-one = commence à 1
field-per-page-range = doit être compris entre 1 et { $max }
field-unknown = n’existe pas ou ne vous est pas accessible
refused-stale = Ceci a été modifié par quelqu’un d’autre depuis votre lecture ; rechargez la page et recommencez.
field-url-invalid = doit être une adresse web complète, commençant par https://
field-whole-number = doit être un nombre entier, par exemple 90
