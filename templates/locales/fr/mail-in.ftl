## Mail in: the explanation sent once to an account whose mail was not added.

mail-in-refused-subject = Votre message n'a pas été enregistré
mail-in-refused-not-writer = Bonjour,

    Votre message répond à une demande à laquelle votre compte ne peut pas écrire : il n'a pas été ajouté. Écrivez depuis l'adresse de votre compte Guichet, ou répondez depuis le portail.
mail-in-refused-no-convention = Bonjour,

    Votre établissement n'a pas de convention en cours pour cette offre : votre message n'a ouvert aucune demande. Votre coordinateur peut vous renseigner.
mail-in-refused-no-ticket = Bonjour,

    Votre message ne répond à aucune demande et n'est pas adressé à une offre : il n'a pas été enregistré. Répondez à une notification, ou écrivez à l'adresse d'une offre.
mail-in-refused-incomplete = Bonjour,

    Votre message n'a pas pu être enregistré : il est vide, ou cette demande réclame des informations qu'un courriel ne donne pas. Déposez-la depuis le portail.

## An offer's mail address.

mail-address-invalid = Saisissez une adresse électronique valide.
mail-address-taken = Une autre offre utilise déjà cette adresse.
mail-address-subcategory = Choisissez une sous-catégorie de cette offre.
mail-address-title = Adresse de courriel
mail-address-help = Un courriel envoyé à cette adresse (remis à Guichet par « guichet mail-in » ou relevé dans une boîte) ouvre une demande dans la sous-catégorie choisie, pour un contact dont l’organisation a une convention pour l’offre.
mail-address-current = Adresse actuelle :
mail-address-none = Cette offre ne reçoit pas de courriel.
mail-address-address = Adresse
mail-address-new-subcategory = Sous-catégorie des nouvelles demandes
mail-address-remove = Ne plus recevoir de courriel
