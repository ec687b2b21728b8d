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
dashboard-paused-sites = Sites en pause

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
