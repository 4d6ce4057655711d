## Service status, major incidents, planned maintenance

nav-status = État des services
status-title = État des services
status-none = Aucune offre à suivre.
status-feed-title = Suivre dans un lecteur de flux
status-feed-intro = Une adresse de flux Atom personnelle donne les changements d'état, incidents majeurs et maintenances des offres que vous suivez, pour vos propres outils. Elle vaut identifiant : ne la partagez pas.
status-feed-link = Votre adresse de flux (montrée une seule fois)
status-feed-make = Créer mon adresse de flux
status-feed-remake = Remplacer mon adresse de flux (l'ancienne cesse de fonctionner)
status-feed-remove = Supprimer mon adresse de flux
status-offer = Offre
status-state = État
status-message = Message (français)
status-message-en = Message en anglais (facultatif)
status-since = Depuis
status-set-title = Changer l'état du service
status-set = Publier l'état
status-history = Historique
status-history-none = L'état de cette offre n'a jamais changé : elle est opérationnelle.
service-operational = Opérationnel
service-degraded = Dégradé
service-partial_outage = Panne partielle
service-major_outage = Panne majeure
service-maintenance = Maintenance
major-title = Incident majeur
major-ongoing = Incident majeur en cours
major-declared-at = Déclaré le { $when }
major-ended-at = terminé le { $when }
major-joined-as = Votre établissement est concerné :
major-join = Je suis concerné
major-declare = Déclarer incident majeur
major-establishment = Établissement
major-child = Incident
major-joined-at = Concerné depuis
major-status = Statut
major-nobody-yet = Aucun établissement ne s'est encore déclaré concerné.
major-link = Rattacher l'incident d'un établissement
major-link-ref = Référence de l'incident
major-link-button = Rattacher
maintenance-title = Programmer une maintenance
maintenance-starts = Début (heure de Paris)
maintenance-ends = Fin (heure de Paris)
maintenance-publish = Publier la maintenance
maintenance-scheduled = Maintenance programmée du { $from } au { $to }
maintenance-started = Maintenance en cours jusqu'au { $to }
maintenance-ended = Maintenance terminée ({ $from } – { $to })
maintenance-cancelled = Maintenance annulée ({ $from } – { $to })
maintenance-manage = Modifier ou annuler
maintenance-edit-title = Maintenance programmée
maintenance-edit-save = Enregistrer les modifications
maintenance-edit-notice = Les contacts des établissements abonnés sont prévenus une fois de la modification.
maintenance-cancel-title = Annuler la maintenance
maintenance-cancel-scheduled = Les contacts des établissements abonnés sont prévenus une fois de l'annulation ; l'offre ne passera pas en maintenance.
maintenance-cancel-started = La maintenance est en cours : l'annuler la termine maintenant, l'offre retrouve son état d'avant, et les contacts des établissements abonnés en sont prévenus une fois.
maintenance-cancel = Annuler la maintenance
major-open-title = Ouvrir un incident majeur
major-open-intro = Déclare l'incident maître de la panne : les contacts de chaque établissement abonné sont prévenus une fois et le rejoignent au lieu de déclarer chacun le leur.
major-open-subcategory = Sous-catégorie d'incident
major-open-name = Titre (communiqué aux abonnés)
major-open-description = Description
major-open-requester = Pour le contact (adresse électronique)
major-open-requester-help = Un incident appartient à un établissement sous sa convention : indiquez le contact d'un établissement abonné qui l'a signalé, ou laissez vide pour le déclarer en votre nom.
major-open-module = Module concerné
major-open-affected_version = Version concernée
major-open-environment = Environnement concerné
major-open-page_url = Adresse de la page concernée
major-open-button = Ouvrir l'incident majeur
availability-title = Disponibilité par mois
availability-month = Mois
availability-share = Disponibilité
availability-minutes = { $minutes } min
availability-measure = Mesure
availability-real = Temps réel
availability-business = Heures ouvrées
availability-sla = SLA des heures ouvrées
availability-business-window = Heures ouvrées : la plage de couverture du SLA « { $sla } », celui du fournisseur que tiennent le plus de conventions en vigueur sur l'offre.
report-availability-title = Disponibilité des offres par mois
notification-service_status = l'état d'une offre de mon établissement change (panne, incident majeur, maintenance)
mail-service_status-subject = [{ $reference }] { $status ->
    [operational] Service rétabli
    [degraded] Service dégradé
    [partial_outage] Panne partielle
    [major_outage] Panne majeure
    [maintenance] Maintenance en cours
    [major_incident] Incident majeur déclaré
    [maintenance_planned] Maintenance programmée
    [maintenance_reminder] Maintenance demain
    [maintenance_started] Maintenance commencée
    [maintenance_ended] Maintenance terminée
    [maintenance_changed] Maintenance modifiée
    [maintenance_cancelled] Maintenance annulée
   *[other] État du service
  } : { $title }
mail-service_status-body = { $status ->
    [major_incident] Un incident majeur est déclaré sur { $title } ({ $reference }). Si votre établissement est concerné, rejoignez-le depuis Guichet plutôt que de déclarer un nouvel incident :
    [maintenance_planned] Une maintenance de { $title } ({ $reference }) est programmée :
    [maintenance_reminder] Rappel : une maintenance de { $title } ({ $reference }) a lieu demain :
    [maintenance_started] La maintenance de { $title } ({ $reference }) commence :
    [maintenance_ended] La maintenance de { $title } ({ $reference }) est terminée.
    [maintenance_changed] La maintenance de { $title } ({ $reference }) est modifiée ; voici ce qui est prévu désormais :
    [maintenance_cancelled] La maintenance de { $title } ({ $reference }) est annulée :
   *[other] L'état de { $title } ({ $reference }) est maintenant : { $status ->
        [operational] opérationnel
        [degraded] dégradé
        [partial_outage] panne partielle
        [major_outage] panne majeure
        [maintenance] maintenance
       *[other] { $status }
    }.
  }
status-of-offer = État du service, disponibilité, maintenances
