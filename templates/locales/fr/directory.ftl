# Listes des organisations, des comptes et des SLA : filtres, colonnes et exports.
directory-yes = Oui
directory-no = Non
directory-language = Langue
directory-role = Rôle
directory-sla-name = Nom
directory-sla-pause = Suspendu pendant les maintenances
directory-filter-kind = doit être client ou provider
directory-filter-role = n’est pas un rôle connu
