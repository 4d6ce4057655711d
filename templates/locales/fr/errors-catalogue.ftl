# Motifs du catalogue et des conventions : offres, sous-catégories, conventions, SLA, dépôt.
catalogue-list-limits = au plus { $entries } entrées de { $length } caractères
catalogue-url = doit être une adresse http(s) d’au plus { $max } caractères
catalogue-code-characters = majuscules, chiffres et tirets uniquement
catalogue-code-taken = une autre offre porte déjà ce code
catalogue-no-organisation = organisation inconnue
catalogue-no-team = équipe inconnue
catalogue-no-sla = SLA inconnu
catalogue-no-offer-code = aucune offre ne porte le code { $code }
catalogue-sla-other-provider = ce SLA appartient à un autre fournisseur
catalogue-end-before-start = doit être identique ou postérieure à la date de début
catalogue-expired-by-hand = une convention expire selon le calendrier, pas à la main
catalogue-cap-at-least-one = doit valoir au moins 1 (ou rester vide pour ne pas plafonner)
catalogue-not-negative = ne doit pas être négatif
catalogue-offers-count = couvrir de 1 à { $max } offres
catalogue-unknown-value = ne fait pas partie des choix proposés
catalogue-invalid-value = n’est pas une valeur valide
catalogue-invalid-date = une date AAAA-MM-JJ est attendue
catalogue-what-if-draft-only = sert à un SLA en cours d’édition (POST /api/v1/slas/simulate)
catalogue-refused-provider-catalogue = Vous ne gérez pas le catalogue de ce fournisseur.
catalogue-refused-provider-conventions = Vous ne gérez pas les conventions de ce fournisseur.
catalogue-refused-provider-slas = Vous ne gérez pas les SLA de ce fournisseur.
catalogue-refused-offer = Vous pouvez consulter cette offre, mais pas la modifier.
catalogue-refused-subcategory = Vous pouvez consulter cette sous-catégorie, mais pas la modifier.
catalogue-refused-convention = Vous pouvez consulter cette convention, mais pas la modifier.
catalogue-refused-sla = Vous pouvez consulter ce SLA, mais pas le modifier.
catalogue-refused-role-catalogue = Votre rôle ne permet pas de gérer le catalogue.
catalogue-refused-role-conventions = Votre rôle ne permet pas de gérer les conventions.
catalogue-refused-role-slas = Votre rôle ne permet pas de gérer les SLA.
catalogue-terminate-not-in-production = Seule une convention en vigueur peut être résiliée ; celle-ci { $status ->
        [draft] est un brouillon
        [expired] est expirée
        [terminated] est déjà résiliée
       *[other] est « { $status } »
    }.
catalogue-filing-not-offered = les demandes sur { $offer } ne sont pas ouvertes
catalogue-filing-no-convention = votre organisation n’a aucune convention en vigueur couvrant { $offer } aujourd’hui
catalogue-filing-none-in-force = votre organisation n’a aucune convention en vigueur couvrant { $offer } aujourd’hui (hors vigueur : { $titles })
catalogue-filing-cap-reached = la convention « { $title } » autorise { $cap } tickets ouverts et a atteint ce nombre
catalogue-sla-time-zone = n’est pas un fuseau horaire IANA connu
catalogue-sla-no-interval = il faut au moins une plage d’ouverture
catalogue-sla-too-many = trop d’entrées
catalogue-sla-weekday = le jour va de 0 (lundi) à 6 (dimanche)
catalogue-sla-times = heures au format HH:MM, de 00:00 à 24:00
catalogue-sla-opening-at-midnight = une ouverture commence au plus tard à 23:59
catalogue-sla-same-times = l’ouverture et la fermeture doivent différer
catalogue-sla-target-range = doit aller de 1 à { $max }
catalogue-sla-target-twice = le même type, la même priorité et la même mesure figurent deux fois
catalogue-sla-unknown-zone = fuseau horaire inconnu : { $zone }
catalogue-sla-bad-interval = la plage { $index } n’est pas valide
catalogue-pause-too-many = trop de pauses
catalogue-pause-backwards = doit finir après avoir commencé
catalogue-pause-too-long = doit durer un an au plus
catalogue-pause-order = doit commencer après le début et après la pause précédente
