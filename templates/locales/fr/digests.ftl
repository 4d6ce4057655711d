## Résumés (page du compte et courriel de résumé).

digest-title = Courriels par offre
digest-help = Pour chaque offre, recevez ses courriels de demandes et d’évolutions un par un, ou regroupés dans un résumé quotidien (chaque matin) ou hebdomadaire (le lundi). Rien n’est envoyé quand rien ne s’est passé.
digest-single = Chaque courriel aussitôt
digest-daily = Résumé quotidien
digest-weekly = Résumé hebdomadaire
digest-subject-daily = Votre résumé du jour : { $count } événements
digest-subject-weekly = Votre résumé de la semaine : { $count } événements
digest-intro-daily = Bonjour,

    Voici ce qui s’est passé depuis hier sur les offres que vous suivez par résumé :
digest-intro-weekly = Bonjour,

    Voici ce qui s’est passé cette semaine sur les offres que vous suivez par résumé :
