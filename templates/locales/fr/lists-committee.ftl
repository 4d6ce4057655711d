list-establishment = Établissement
list-created = Créée le
list-updated = Mise à jour
list-queue-order = Revenir à l’ordre de la file du comité
