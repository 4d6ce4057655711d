//! The demo knowledge base: FAQs written like real support answers, across the demo offers,
//! filed through the same service as the desk's form (so they are versioned and indexed).

use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};

use std::sync::Arc;

use crate::{
    db::{Ctx, Unscoped},
    services::faqs::{
        self, NewFaq, Status, Visibility,
        categories::{self, NewCategory},
    },
};

/// Categories: (offer code or none, name).
const CATEGORIES: &[(Option<&str>, &str)] = &[
    (None, "Compte et accès"),
    (None, "Postes de travail et navigateurs"),
    (Some("SMS-U"), "Envoi de SMS"),
    (Some("GEFORP"), "Inscriptions et sessions"),
    (Some("EVA"), "Règles d'évaluation"),
    (Some("ESUP-HEB"), "Offres hébergées"),
];

/// One demo FAQ.
struct DemoFaq {
    author: &'static str,
    offer: Option<&'static str>,
    category: &'static str,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    keywords: &'static str,
    error_code: Option<&'static str>,
    visibility: Visibility,
}

const COORDINATION: &str = "coordination@demo.guichet";
const SMSU: &str = "agent.smsu@demo.guichet";
const GEFORP: &str = "agent.geforp@demo.guichet";

#[expect(clippy::too_many_arguments, reason = "one row of the demo table")]
const fn faq(
    author: &'static str,
    offer: Option<&'static str>,
    category: &'static str,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    keywords: &'static str,
    error_code: Option<&'static str>,
    visibility: Visibility,
) -> DemoFaq {
    DemoFaq {
        author,
        offer,
        category,
        title,
        summary,
        body,
        keywords,
        error_code,
        visibility,
    }
}

use Visibility::{Agents, Everyone, Subscribers};

const FAQS: &[DemoFaq] = &[
    faq(
        COORDINATION,
        None,
        "Compte et accès",
        "Réinitialiser mon mot de passe Guichet",
        "Le lien « Mot de passe oublié » envoie un courriel valable une heure.",
        "1. Sur la page de connexion, choisissez **Mot de passe oublié**.\n2. Saisissez votre adresse professionnelle.\n3. Suivez le lien reçu par courriel (valable une heure, utilisable une fois).\n\nSans courriel après dix minutes, vérifiez vos indésirables puis écrivez à votre correspondant.",
        "mot de passe, oubli, connexion, compte",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        None,
        "Postes de travail et navigateurs",
        "Navigateurs pris en charge",
        "Les deux dernières versions de Firefox, Chrome, Edge et Safari.",
        "Les offres hébergées sont testées sur les **deux dernières versions** de Firefox, Chrome, Edge et Safari. Internet Explorer n'est plus pris en charge. En cas d'affichage dégradé, videz le cache du navigateur et désactivez les extensions de blocage.",
        "navigateur, firefox, chrome, edge, safari, compatibilité",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        None,
        "Compte et accès",
        "Ajouter un correspondant pour mon établissement",
        "Chaque établissement a jusqu'à quatre correspondants : deux fonctionnels, deux techniques.",
        "La convention prévoit **deux correspondants fonctionnels et deux techniques**. Pour en ajouter un, le correspondant existant dépose une demande générale sur « Offres hébergées ESUP » avec le nom, l'adresse et le rôle du nouveau correspondant.",
        "correspondant, PCU, contact, établissement",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        None,
        "Compte et accès",
        "Utiliser l'API de Guichet",
        "Créez un jeton personnel dans « Jetons d'API » et envoyez-le en en-tête Authorization.",
        "Dans le menu **Jetons d'API**, créez un jeton nommé. Il n'est affiché qu'une fois. Envoyez-le dans l'en-tête `Authorization: Bearer <jeton>`. La documentation interactive est sur `/api/docs`.",
        "api, jeton, token, automatisation",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("ESUP-HEB"),
        "Offres hébergées",
        "Délais de prise en charge selon la priorité",
        "Les délais dépendent de la priorité et courent sur les heures ouvrées.",
        "La priorité découle de l'impact et de l'urgence. Les délais de prise en charge et de résolution de votre convention courent **du lundi au vendredi, de 8 h à 18 h**, hors jours fériés. Un ticket en attente de votre réponse suspend le délai.",
        "SLA, délai, priorité, heures ouvrées",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("ESUP-HEB"),
        "Offres hébergées",
        "Clôture automatique des tickets résolus",
        "Un ticket résolu sans réponse est clôturé au bout de dix jours.",
        "Quand une solution est proposée, vous pouvez la valider ou rouvrir le ticket. Sans réponse de votre part, le ticket est **clôturé automatiquement** après le délai fixé par la convention (dix jours par défaut).",
        "clôture, résolu, automatique",
        None,
        Everyone,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Limite d'envoi quotidienne de SMS-U",
        "Chaque établissement peut envoyer 10 000 SMS par jour.",
        "Le plafond est de **10 000 messages par jour et par établissement**. Au-delà, les envois sont refusés jusqu'à minuit avec le code SMS-429. Pour une campagne exceptionnelle, demandez une levée temporaire au moins cinq jours ouvrés avant.",
        "quota, plafond, limite, volume",
        None,
        Subscribers,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Erreur SMS-429 : quota dépassé",
        "Le quota quotidien ou annuel de votre convention est atteint.",
        "Le code **SMS-429** signale un quota atteint : quotidien (remis à zéro à minuit) ou annuel (celui de la convention). Le tableau de bord d'SMS-U indique lequel. Les messages refusés ne sont pas facturés.",
        "quota, erreur, refus",
        Some("SMS-429"),
        Subscribers,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Erreur SMS-401 : connexion refusée à l'API SMS-U",
        "La clé d'API de votre application est absente, expirée ou révoquée.",
        "Vérifiez que l'application envoie bien l'en-tête `X-Api-Key`. Les clés expirent au bout d'un an ; une nouvelle clé se crée dans **Paramètres > Clés d'API**. Après trois échecs, l'adresse IP est bloquée quinze minutes.",
        "api, clé, authentification, connexion",
        Some("SMS-401"),
        Everyone,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Les étudiants ne reçoivent pas les SMS",
        "Vérifiez le numéro, l'opposition aux SMS et l'accusé de réception.",
        "Dans l'historique d'envoi, l'accusé de réception indique *délivré*, *en attente* ou *rejeté*. Un numéro rejeté est souvent mal formé (format attendu : +33…) ou l'étudiant s'est opposé aux SMS dans son dossier. Les opérateurs peuvent retarder la remise de quelques minutes.",
        "réception, étudiants, numéro, accusé",
        None,
        Everyone,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Programmer un envoi différé",
        "Choisissez une date d'envoi dans le formulaire de campagne.",
        "Dans **Nouvelle campagne**, renseignez *Date d'envoi*. Les envois programmés entre 21 h et 8 h sont décalés à 8 h, conformément aux règles des opérateurs.",
        "programmation, différé, campagne, horaire",
        None,
        Everyone,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Longueur d'un SMS et caractères spéciaux",
        "Un SMS fait 160 caractères, 70 avec des caractères accentués hors alphabet GSM.",
        "Un message de plus de 160 caractères est envoyé en plusieurs SMS, chacun décompté. Les caractères hors alphabet GSM (certains accents, emojis) réduisent la longueur à 70 caractères par SMS.",
        "longueur, caractères, accents, emoji",
        None,
        Everyone,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Importer une liste de destinataires",
        "Fichier CSV en UTF-8, une colonne « telephone ».",
        "Le fichier doit être un **CSV en UTF-8** avec une colonne `telephone` ; les autres colonnes servent de variables dans le message. Au-delà de 50 000 lignes, découpez le fichier.",
        "import, csv, destinataires, liste",
        None,
        Subscribers,
    ),
    faq(
        SMSU,
        Some("SMS-U"),
        "Envoi de SMS",
        "Relancer la passerelle opérateur",
        "Procédure interne quand les connexions à l'opérateur tombent.",
        "1. Vérifier l'état de la passerelle dans la supervision.\n2. Redémarrer le service `smsu-gateway` sur les deux nœuds, l'un après l'autre.\n3. Rejouer la file des messages en attente.\n\nPrévenir la coordination si l'incident dure plus de trente minutes.",
        "passerelle, opérateur, redémarrage, supervision",
        None,
        Agents,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Un agent ne peut pas s'inscrire à une formation",
        "Vérifiez les dates d'inscription, le public visé et le nombre de places.",
        "L'inscription n'est possible que pendant la période d'ouverture de la session. Vérifiez aussi le **public visé** (corps, catégorie) et s'il reste des places ; sinon, l'agent peut s'inscrire en liste d'attente.",
        "inscription, agent, session, places",
        None,
        Everyone,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Les inscriptions ferment dix jours avant la session",
        "La date limite se règle par session, dix jours avant par défaut.",
        "Par défaut, les inscriptions ferment **dix jours avant** le début de la session. Le gestionnaire de formation peut modifier cette date dans l'onglet *Calendrier* de la session.",
        "clôture, inscriptions, date limite",
        None,
        Subscribers,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Exporter la liste des stagiaires",
        "Menu Stagiaires, bouton Exporter (CSV ou tableur).",
        "Depuis la session, ouvrez **Stagiaires** puis **Exporter**. Le fichier contient les présences et les attestations. Les données personnelles exportées restent sous votre responsabilité.",
        "export, stagiaires, liste, présence",
        None,
        Everyone,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Éditer les attestations de présence",
        "Les attestations se génèrent après la saisie des présences.",
        "Saisissez d'abord les présences de chaque demi-journée. Le bouton **Attestations** produit alors un PDF par stagiaire, signé par le responsable de formation.",
        "attestation, présence, pdf",
        None,
        Everyone,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Erreur GEF-500 à la validation d'une inscription",
        "Une règle de validation hiérarchique est mal paramétrée.",
        "Le code **GEF-500** apparaît quand le circuit de validation n'a pas de valideur pour le service de l'agent. Renseignez un valideur dans *Paramétrage > Circuits*. Si l'erreur persiste, déclarez un incident avec la capture d'écran.",
        "validation, erreur, circuit",
        Some("GEF-500"),
        Subscribers,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Connexion à GEFORP avec le compte de l'établissement",
        "GEFORP utilise l'authentification unique (CAS) de votre établissement.",
        "Connectez-vous avec vos identifiants habituels. Un message « compte inconnu » signifie que l'agent n'est pas encore importé depuis le référentiel RH : l'import a lieu chaque nuit.",
        "connexion, CAS, authentification, compte",
        None,
        Everyone,
    ),
    faq(
        GEFORP,
        Some("GEFORP"),
        "Inscriptions et sessions",
        "Versions de GEFORP maintenues",
        "La version courante et la précédente (N et N-1).",
        "Seules les versions N et N-1 reçoivent des correctifs. Les notes de version sont publiées sur le wiki de l'offre.",
        "version, mise à jour, maintenance",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("EVA"),
        "Règles d'évaluation",
        "Calcul de la moyenne d'une unité d'enseignement",
        "Moyenne pondérée par les coefficients, règles de compensation comprises.",
        "EVA calcule la moyenne d'une UE comme la **moyenne pondérée** des éléments constitutifs. Les règles de compensation et de note plancher de votre modalité de contrôle s'appliquent ensuite.",
        "moyenne, UE, coefficient, compensation",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("EVA"),
        "Règles d'évaluation",
        "Saisir une absence justifiée",
        "Code ABJ : l'épreuve est neutralisée dans le calcul.",
        "Saisissez **ABJ** à la place de la note. L'épreuve est neutralisée ; selon la règle de l'épreuve, une session de rattrapage est proposée.",
        "absence, ABJ, justifiée, note",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("EVA"),
        "Règles d'évaluation",
        "Élèves ajournés après la seconde session",
        "Les résultats de seconde session remplacent ceux de la première s'ils sont meilleurs.",
        "Pour les élèves présents en seconde session, EVA retient la **meilleure des deux notes** par épreuve, sauf règle contraire dans la modalité de contrôle des connaissances.",
        "seconde session, rattrapage, ajourné, élève",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("EVA"),
        "Règles d'évaluation",
        "Erreur EVA-022 : règle de calcul introuvable",
        "L'épreuve n'est rattachée à aucune règle de calcul.",
        "Le code **EVA-022** signifie qu'une épreuve n'a pas de règle. Rattachez-la dans *Structure > Règles* puis relancez le calcul.",
        "règle, calcul, erreur",
        Some("EVA-022"),
        Subscribers,
    ),
    faq(
        COORDINATION,
        Some("EVA"),
        "Règles d'évaluation",
        "Importer les notes depuis un tableur",
        "Modèle CSV téléchargeable depuis l'épreuve.",
        "Téléchargez le modèle depuis l'épreuve, complétez la colonne `note` (virgule ou point décimal), puis importez-le. Les lignes en erreur sont listées sans bloquer les autres.",
        "import, notes, tableur, csv",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("EVA"),
        "Règles d'évaluation",
        "Publier les résultats aux étudiants",
        "La publication se fait par jury, après délibération.",
        "Après la délibération, le président de jury **publie** les résultats. Les étudiants les voient dans leur espace numérique le lendemain matin.",
        "publication, résultats, jury",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("ESUP-HEB"),
        "Offres hébergées",
        "Déposer une demande d'évolution",
        "Les évolutions passent par le comité de projet puis le comité de pilotage.",
        "Choisissez « Effectuer une demande de changement / évolution » sur l'offre. Le comité de projet qualifie et priorise les demandes ; les autres établissements peuvent **soutenir** la vôtre, ce qui compte dans le classement.",
        "évolution, comité, demande, soutien",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("ESUP-HEB"),
        "Offres hébergées",
        "Fenêtres de maintenance planifiée",
        "Le mardi de 7 h à 8 h, annoncé une semaine avant.",
        "Les maintenances planifiées ont lieu **le mardi de 7 h à 8 h**. Elles sont annoncées une semaine avant sur le portail. Une intervention urgente peut avoir lieu hors fenêtre ; elle est alors signalée en page d'accueil.",
        "maintenance, interruption, planning",
        None,
        Everyone,
    ),
    faq(
        COORDINATION,
        Some("ESUP-HEB"),
        "Offres hébergées",
        "Procédure d'astreinte de la coordination technique",
        "Qui appeler hors heures ouvrées pour un incident critique.",
        "Pour un incident **critique** hors heures ouvrées, l'agent d'astreinte appelle le numéro de la coordination technique, puis consigne l'appel dans le journal privé du ticket.",
        "astreinte, critique, nuit, week-end",
        None,
        Agents,
    ),
];

/// Loads the categories and FAQs, published, through the FAQ service.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    use crate::auth::load_caller;
    use entity::account;
    // The demo is written at the real instant it is loaded.
    let now = crate::clock::wall_now();
    let caller_of = |email: &'static str| async move {
        // Unscoped: the loader acts for the platform, finding the demo's authors by address.
        let row = Unscoped::find::<account::Entity>()
            .filter(account::Column::Email.eq(email))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?;
        load_caller(db, row.id, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .ok_or_else(|| anyhow::anyhow!("demo account {email} inactive"))
    };
    let fail = |e: crate::services::error::ServiceError| anyhow::anyhow!("demo FAQ: {e:?}");
    let coordination = Ctx::new(db.clone(), Arc::new(caller_of(COORDINATION).await?), now);
    let mut category_ids = std::collections::HashMap::new();
    for (position, (offer, name)) in CATEGORIES.iter().enumerate() {
        let created = categories::create(
            &coordination,
            NewCategory {
                name: (*name).to_owned(),
                offer: offer.map(str::to_owned),
                position: i32::try_from(position).unwrap_or_default(),
            },
        )
        .await
        .map_err(fail)?;
        category_ids.insert(*name, created.id);
    }
    for demo in FAQS {
        let author = Ctx::new(db.clone(), Arc::new(caller_of(demo.author).await?), now);
        faqs::create(
            &author,
            NewFaq {
                title: demo.title.to_owned(),
                summary: demo.summary.to_owned(),
                body: demo.body.to_owned(),
                keywords: demo.keywords.to_owned(),
                error_code: demo.error_code.map(str::to_owned),
                offer: demo.offer.map(str::to_owned),
                category: category_ids.get(demo.category).copied(),
                visibility: Some(demo.visibility),
                status: Some(Status::Published),
                from_ticket: None,
            },
        )
        .await
        .map_err(fail)?;
    }
    Ok(())
}
