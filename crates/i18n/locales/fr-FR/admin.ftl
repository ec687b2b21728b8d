# L’administration web. Toutes les pages, libellés et messages qu’on y lit.

## Navigation et cadre
nav-skip = Aller au contenu
nav-label = Navigation principale
nav-dashboard = Tableau de bord
nav-enrolments = Inscriptions
nav-jobs = Tâches
nav-certificates = Certificats
nav-audit = Journal d’audit
nav-users = Utilisateurs
search-label = Rechercher des factures, des apprenants et des formations
search-placeholder = Numéro de facture, e-mail, nom ou formation
search-submit = Rechercher
sign-out = Se déconnecter
me-language = Langue
me-language-save = Changer de langue
role-admin = Administrateur
role-operator = Opérateur
role-viewer = Lecteur

## Connexion
login-title = Connexion
login-email = Adresse e-mail
login-password = Mot de passe
login-submit = Se connecter
login-error-credentials = Adresse e-mail ou mot de passe incorrect.
login-error-csrf = Ce formulaire avait expiré. Veuillez vous reconnecter.
login-error-throttled = Trop de tentatives échouées. Réessayez dans { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
login-no-users = Personne ne peut encore se connecter. Sur le serveur, exécutez : moodle-management user add --role admin votre@email

## Erreurs
error-internal-title = Une erreur s’est produite
error-internal-message = La page n’a pas pu être générée ; le journal du service en indique la raison.
error-forbidden-title = Action non autorisée
error-forbidden-message = Votre rôle ne le permet pas. Adressez-vous à un administrateur.
error-csrf-title = Ce formulaire a expiré
error-csrf-message = Revenez en arrière, rechargez la page et réessayez.
error-not-found-title = Page introuvable
error-not-found-message = Il n’y a rien à cette adresse.
error-bad-request-title = Cette requête ne peut pas être traitée
error-bad-request-message = Un élément manque ou est incorrect :

## Colonnes et filtres communs des tableaux
col-learner = Apprenant
col-site = Site
col-course = Formation
col-status = Statut
col-actions = Actions
col-number = Numéro
col-issued = Délivré
col-standing = Validité
col-when = Quand
col-who = Qui
col-action = Action
col-object = Objet
col-detail = Détail
col-email = E-mail
col-role = Rôle
col-desired = Attendu
col-in-moodle = Dans Moodle
col-cause = Cause
col-job = Tâche
filter-apply = Filtrer

## Tableau de bord

## Inscriptions
enrolments-count = { $count ->
    [one] { $count } inscription
   *[other] { $count } inscriptions
}
enrolments-holds = Lignes de facture retenues ou ignorées

## Tâches
jobs-title = Tâches
jobs-queued = En file d’attente
jobs-running = En cours
jobs-dead = Bloquées
jobs-mail-queued = E-mails en file d’attente
jobs-mail-dead = E-mails bloqués
jobs-paused-site = Le site { $site } est en pause
jobs-paused-waiting = { $count ->
    [one] { $count } tâche l’attend.
   *[other] { $count } tâches l’attendent.
}
jobs-fix = Comment corriger :
jobs-failing = Tâches en échec
jobs-none-failing = Aucune tâche en échec.
jobs-error-and-fix = Erreur et correction
jobs-status-dead = Bloquée
jobs-status-retrying = Nouvelle tentative
jobs-retry = Relancer
jobs-discard = Abandonner
jobs-retry-all = Relancer toutes les tâches bloquées…
jobs-discard-all = Abandonner toutes les tâches bloquées…
jobs-confirm-retry = { $count ->
    [one] Relancer { $count } tâche bloquée ?
   *[other] Relancer { $count } tâches bloquées ?
}
jobs-confirm-discard = { $count ->
    [one] Abandonner { $count } tâche bloquée ?
   *[other] Abandonner { $count } tâches bloquées ?
}
jobs-confirm = Oui, continuer
jobs-cancel = Annuler
jobs-done = { $count ->
    [one] { $count } tâche traitée.
   *[other] { $count } tâches traitées.
}

## Certificats
certificates-title = Certificats
certificates-none = Aucun certificat pour l’instant.
certificates-download = Télécharger
certificates-verify = Page de vérification
certificates-resend = Renvoyer
certificates-reissue = Délivrer à nouveau
certificates-revoke = Révoquer
certificates-revoke-note = Motif de la révocation
certificates-done-revoke = Le certificat a été révoqué ; l’apprenant en est informé par e-mail.
certificates-done-resend = L’e-mail du certificat a été remis en file d’attente.
certificates-done-reissue = Une nouvelle version a été délivrée ; elle remplace la précédente.
standing-valid = Valable
standing-revoked = Révoqué
standing-superseded = Remplacé
standing-expired = Expiré

## Journal d’audit
audit-title = Journal d’audit
audit-search = Rechercher
audit-operators = Ce qu’ont fait les utilisateurs
audit-moodle = Ce que nous avons modifié dans Moodle
audit-none = Rien pour l’instant.

## Utilisateurs
users-title = Utilisateurs
users-disabled = Désactivé
users-enabled = Actif
users-disable = Désactiver
users-enable = Activer
users-save-role = Enregistrer le rôle
users-add = Ajouter un utilisateur
users-add-submit = Ajouter l’utilisateur
users-password = Mot de passe (12 caractères minimum)
users-error-invalid-email = Ce n’est pas une adresse e-mail.
users-error-email-taken = Un utilisateur avec cette adresse e-mail existe déjà.
users-error-weak-password = Le mot de passe est trop court : utilisez au moins 12 caractères.
users-error-no-such-user = Cet utilisateur n’existe pas.
users-error-last-admin = C’est le dernier administrateur actif : nommez d’abord un autre utilisateur administrateur.
users-error-internal = Une erreur s’est produite ; le journal du service en indique la raison.

## Recherche et historique d’une facture
search-title = Recherche
search-empty-query = Saisissez un numéro de facture, l’adresse e-mail ou le nom d’un apprenant, ou une formation.
search-none = Aucun résultat pour « { $query } ».
col-invoice = Facture
invoice-title = Facture { $number }
invoice-paid = Payée
invoice-unpaid = Non payée
invoice-deleted = Supprimée dans le logiciel de facturation
invoice-problems = Ce qui ne va pas actuellement
invoice-timeline = Ce qui s’est passé
invoice-no-courses = Cette facture ne donne accès à aucune formation.
invoice-job = tâche { $job }
story-seen = Facture détectée
story-paid = Payée
story-learner-matched = Apprenant associé à son compte Moodle
story-learner-created = Compte Moodle de l’apprenant créé
story-enrolled = Inscrit
story-suspended = Accès suspendu
story-reactivated = Accès réactivé
story-updated = Dates d’inscription mises à jour
story-unenrolled = Désinscrit
story-changed = Modifiée dans Moodle
story-change-failed = Moodle a refusé une modification
story-progress = Progression
story-completed = Formation terminée
story-certificate-issued = Certificat délivré
story-certificate-revoked = Certificat révoqué
story-emailed = Certificat envoyé par e-mail

## Plan, écarts et sites
nav-plan = Plan
nav-drift = Écarts
nav-sites = Sites Moodle
plan-intro = Ce que le prochain passage modifierait dans Moodle, et pourquoi. Rien n’est encore fait.
plan-nothing = Moodle correspond aux factures : le prochain passage ne modifie rien.
plan-change-enrol = Inscrire
plan-change-update = Mettre à jour les dates
plan-change-suspend = Suspendre
plan-change-reactivate = Réactiver
plan-change-unenrol = Désinscrire
drift-intro = Lit maintenant dans Moodle chaque formation associée : les inscriptions modifiées à la main sont mises en file d’attente pour être corrigées, et les inscriptions qu’aucune facture ne paie sont listées.
drift-run = Vérifier Moodle maintenant
drift-read = { $courses ->
    [one] { $courses } formation lue
   *[other] { $courses } formations lues
}
drift-repaired = Modifiées dans Moodle, en cours de correction
drift-unexpected = Dans Moodle, mais aucune facture ne la paie
drift-errors = Formations qui n’ont pas pu être lues
sites-url = Adresse
sites-origin = Où il est défini
sites-declared-in-config = Déclaré dans config.toml (lecture seule ici)
sites-test = Tester la connexion

## Livraisons de webhooks
nav-deliveries = Webhooks
deliveries-none = Aucune livraison de webhook reçue pour l’instant.
deliveries-source = Source
deliveries-id = Livraison
deliveries-body = Contenu
deliveries-show-body = Afficher
deliveries-applied = Appliquée
deliveries-waiting = En attente
deliveries-reapply = Appliquer à nouveau

## Produits et places
nav-mappings = Produits
nav-seats = Places
mappings-intro = La formation à laquelle donne accès chaque produit vendu. Déclarées dans config.toml : modifiez-les là et redémarrez le service.
mappings-none = Aucun produit n’est associé à une formation : les factures payées ne donnent accès à rien tant qu’aucun ne l’est.
mappings-product = Produit
mappings-duration = Accès
mappings-group = Groupe
mappings-days = { $days ->
    [one] { $days } jour
   *[other] { $days } jours
}
mappings-no-end = Sans fin
seats-assign = Attribuer une place
seats-line = Ligne
seats-name = Nom de l’apprenant
seats-assign-submit = Attribuer
seats-release = Libérer
seats-none = Aucune place n’est attribuée.

## Tableau de bord
dashboard-all-sites = Tous les sites
dashboard-from = Du
dashboard-to = Au
dashboard-card-revenue = Chiffre d’affaires des formations
dashboard-card-learners = Apprenants actifs
dashboard-card-pending = Inscriptions en attente
dashboard-card-completions = Achèvements
dashboard-card-certificates = Certificats délivrés
dashboard-card-jobs-failing = Tâches en échec
dashboard-card-mails-failing = E-mails en échec
dashboard-sources = Sources des factures
dashboard-last-progress = Dernière lecture de la progression
dashboard-last-poll = Dernière interrogation réussie
dashboard-backlog = Tâches en attente
dashboard-paused = En pause
dashboard-reachable = Opérationnel
dashboard-chart-empty = Rien sur cette période.
dashboard-chart-enrolments = Inscriptions par mois
dashboard-chart-status = Inscriptions par statut
dashboard-chart-progress = Apprenants par progression
dashboard-chart-completions = Achèvements par mois
dashboard-chart-certificates = Certificats par mois
dashboard-chart-top-revenue = Formations par chiffre d’affaires
dashboard-chart-top-learners = Formations par nombre d’apprenants
dashboard-status-active = Active
dashboard-status-suspended = Suspendue
dashboard-status-revoked = Révoquée
dashboard-status-removed = Supprimée
dashboard-status-none = Aucune

## Liste des inscriptions
filter-any = Tous
enrolments-export = Tout exporter en CSV
enrolments-job-pending = En attente
enrolments-job-failing = En échec
enrolments-job-dead = Bloquée
enrolments-job-settled = Terminée
pagination-label = Pages
pagination-previous = Précédent
pagination-next = Suivant
pagination-page = Page { $page }
