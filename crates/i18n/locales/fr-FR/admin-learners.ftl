# The learners pages of the web admin: the list and one learner's page.

nav-learners = Apprenants
learners-search-label = E-mail ou nom
learners-search = Rechercher
learners-count = { $count ->
    [one] un apprenant
   *[other] { $count } apprenants
}
learners-none = Aucun apprenant ne correspond.
learners-col-name = Nom
learners-col-courses = Cours
learners-col-active = Actifs
learners-col-updated = Dernière modification
learner-title = Apprenant { $email }
learner-accounts = Comptes Moodle
learner-no-accounts = Pas encore de compte Moodle.
learner-moodle-id = Id utilisateur Moodle
learner-account-how = Comment
learner-account-created = Créé par nous
learner-account-matched = Compte existant rapproché
learner-since = Depuis
learner-enrolments = Cours
learner-no-enrolments = Aucun cours.
learner-access = Accès
learner-progress = Progression
learner-percent = { $percent } %
learner-completed = terminé le { $date }
learner-grade = note { $grade }
learner-certificates = Certificats
learner-no-certificates = Aucun certificat.
learner-certificate-revoked = Révoqué
learner-invoices = Factures
learner-no-invoices = Aucune facture.
learner-history = Modifications dans Moodle
learner-no-history = Rien n'a encore été modifié dans Moodle.
