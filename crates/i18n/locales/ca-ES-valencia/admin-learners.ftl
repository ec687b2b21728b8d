# The learners pages of the web admin: the list and one learner's page.

nav-learners = Alumnes
learners-search-label = Correu o nom
learners-search = Busca
learners-count = { $count ->
    [one] un alumne
   *[other] { $count } alumnes
}
learners-none = Cap alumne no coincidix.
learners-col-name = Nom
learners-col-courses = Cursos
learners-col-active = Actius
learners-col-updated = Últim canvi
learner-title = Alumne { $email }
learner-accounts = Comptes de Moodle
learner-no-accounts = Encara no té compte de Moodle.
learner-moodle-id = Id d'usuari de Moodle
learner-account-how = Com
learner-account-created = Creat per nosaltres
learner-account-matched = Compte existent associat
learner-since = Des de
learner-enrolments = Cursos
learner-no-enrolments = Cap curs.
learner-access = Accés
learner-progress = Progrés
learner-percent = { $percent } %
learner-completed = completat el { $date }
learner-grade = qualificació { $grade }
learner-certificates = Certificats
learner-no-certificates = Cap certificat.
learner-certificate-revoked = Revocat
learner-invoices = Factures
learner-no-invoices = Cap factura.
learner-history = Canvis en Moodle
learner-no-history = Encara no s'ha canviat res en Moodle.
